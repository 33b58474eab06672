"""Speech-to-text latency on this machine, replaying spoken answers at real-time pace.

Measures, in one run:
  (a) end of answer → final transcript, through `/stt/stream` of a real app process (p50/p95), for 1, 2
      and 4 concurrent sessions, with the event-loop lag seen meanwhile (`GET /status` round trips);
  (b) the floor: transcribing only the last VAD segment of the answer with the same model;
  (c) the naive baseline: transcribing the whole answer after it ended.

    .venv/bin/python bench/stt_latency.py [--seconds 60] [--sessions 1 2 4]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.stt.model import resolve_model
from interviewer.stt.transcriber import Transcriber
from interviewer.stt.vad import VadSegmenter
from tests.audio import SENTENCES, spoken_answer
from tests.conftest import AppProcess
from tests.test_api import create_template, start

CHUNK = 16_000  # 0.5 s


def long_answer(folder: Path, seconds: float) -> bytes:
    """Repeat the test sentences (with pauses) until the answer lasts about `seconds`."""
    one = spoken_answer(folder, SENTENCES)
    with wave.open(str(one)) as wav:
        pcm: bytes = wav.readframes(wav.getnframes())
    repeats = max(1, round(seconds / (len(pcm) / 32000)))
    return pcm * repeats


def replay(app: AppProcess, pcm: bytes, results: list[float]) -> None:
    """Stream one answer at real-time pace; record the seconds from the final chunk to the transcript."""
    with app.client() as client:
        started = start(client, create_template(client)["family_id"])
        headers = {"Authorization": f"Bearer {started['ws_token']}", "Content-Type": "audio/L16; rate=16000"}
        chunks = [pcm[i : i + CHUNK] for i in range(0, len(pcm), CHUNK)]
        begin = time.perf_counter()
        for seq, chunk in enumerate(chunks):
            final = seq == len(chunks) - 1
            time.sleep(max(0.0, begin + (seq + 1) * 0.5 - time.perf_counter()))  # the audio exists only now
            params = {
                "session_id": started["session_id"],
                "question_id": started["questions"][0]["id"],
                "seq": seq,
                "final": str(final).lower(),
            }
            sent = time.perf_counter()
            response = client.post("/stt/stream", params=params, content=chunk, headers=headers)
            while response.status_code == 503:  # busy: the answer is admitted later
                time.sleep(float(response.headers.get("retry-after", "1")))
                response = client.post("/stt/stream", params=params, content=chunk, headers=headers)
            response.raise_for_status()
        results.append(time.perf_counter() - sent)


def loop_lag(app: AppProcess, stop: threading.Event, lags: list[float]) -> None:
    with app.client() as client:
        while not stop.is_set():
            t0 = time.perf_counter()
            client.get("/status")
            lags.append(time.perf_counter() - t0)
            time.sleep(0.1)


def direct_costs(pcm: bytes) -> tuple[float, float]:
    """(b) last segment only and (c) whole answer, transcribed in this process with the same settings."""
    import asyncio

    transcriber = Transcriber("base")

    async def measure() -> tuple[float, float]:
        await transcriber.load(resolve_model("base"))
        vad = VadSegmenter()
        segments = vad.feed(pcm)
        if (tail := vad.flush()) is not None:
            segments.append(tail)
        last = segments[-1]
        t0 = time.perf_counter()
        await transcriber.transcribe(pcm[last.start : last.end], last.start_s)
        t1 = time.perf_counter()
        await transcriber.transcribe(pcm, 0.0)
        return t1 - t0, time.perf_counter() - t1

    try:
        return asyncio.run(measure())
    finally:
        transcriber.close()


def p95(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, int(0.95 * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--rounds", type=int, default=2, help="answers per session at each level")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pcm = long_answer(Path(tmp) / "speech", args.seconds)
        print(f"answer: {len(pcm) / 32000:.1f} s of speech with pauses (espeak-ng), Whisper base int8, 2 workers")
        last_segment_s, whole_s = direct_costs(pcm)
        print(f"(b) last VAD segment only: {last_segment_s:.2f} s    (c) whole answer after the end: {whole_s:.2f} s")
        app = AppProcess(Path(tmp) / "storage", WHISPER_MODEL="base").start()
        try:
            with app.client() as client:
                while client.get("/status").json()["stt"] != "ready":
                    time.sleep(0.2)
            print("sessions | (a) p50 s | (a) p95 s | (a)/(b) | (a)/(c) | loop lag p95 ms")
            for sessions in args.sessions:
                finals: list[float] = []
                lags: list[float] = []
                stop = threading.Event()
                pinger = threading.Thread(target=loop_lag, args=(app, stop, lags))
                pinger.start()
                for _ in range(args.rounds):
                    workers = [threading.Thread(target=replay, args=(app, pcm, finals)) for _ in range(sessions)]
                    for worker in workers:
                        worker.start()
                    for worker in workers:
                        worker.join()
                stop.set()
                pinger.join()
                median = statistics.median(finals)
                print(
                    f"{sessions:8d} | {median:9.2f} | {p95(finals):9.2f} | {median / last_segment_s:7.2f} | "
                    f"{median / whole_s:7.2f} | {p95(lags) * 1000:14.1f}"
                )
        finally:
            app.stop()


if __name__ == "__main__":
    main()
