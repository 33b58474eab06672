"""`/status` latency while the app is under the floods of issue 13, each next to the idle figure.

Against a real app process on loopback (WHISPER_MODEL=base, the packaged scoring model), bounded in time:
  idle          `GET /status` every 25 ms for 5 s, nothing else running;
  (a) flood     4 sessions stream a spoken answer (Piper voice, real time, 0.5 s chunks) while one client on
                the same address (loopback) posts bad `/interview/start` calls as fast as it can;
  (b) attention one session sends 10,000 attention events a second over its WebSocket for 10 s;
  (c) answers   a 50-question × 20-criterion template, 20,000-character answers saved one after another
                over the WebSocket: time to the acknowledgement (answer stored) and to the re-scored card on
                a reviewer's socket (scoring runs off the event loop, after the acknowledgement).
Printed per phase: `/status` p50 / p95 / max and what the phase itself achieved.

    .venv/bin/python bench/hardening.py              # 12 answers in (c): ≈ 4 min
    .venv/bin/python bench/hardening.py --answers 50 # all 50 (re-scoring grows with the answers: long)
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from websockets.sync.client import connect

from tests.audio import FLUENT_ANSWER, piper_speech
from tests.conftest import ADMIN_API_KEY, AppProcess
from tests.helpers import create_template, receive_until, start, ws_connect

CHUNK = 16_000  # 0.5 s of 16 kHz PCM16
SPEECH_S = 20
ANSWER_CHARS = 20_000
WORDS = [
    "pipeline",
    "partition",
    "idempotent",
    "scheduler",
    "retry",
    "latency",
    "customer",
    "team",
    "decided",
    "measured",
    "result",
    "because",
    "deployed",
    "rollback",
    "incident",
    "owner",
    "metric",
    "dashboard",
    "queue",
    "database",
    "index",
    "cache",
    "tested",
    "reviewed",
    "improved",
    "the",
    "a",
    "and",
    "we",
    "I",
    "it",
    "then",
    "so",
    "that",
    "with",
    "for",
    "on",
    "after",
    "before",
    "when",
    "our",
    "their",
    "which",
    "was",
    "were",
    "is",
    "are",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class StatusProbe:
    """Polls `/status` every 25 ms in a thread while a phase runs; latencies in ms."""

    url: str
    samples: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self._stop.is_set():
                begin = time.perf_counter()
                client.get("/status").raise_for_status()
                self.samples.append((time.perf_counter() - begin) * 1000)
                self._stop.wait(max(0.0, 0.025 - (time.perf_counter() - begin)))

    def during(self, phase: Callable[[], str]) -> tuple[list[float], str]:
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        try:
            note = phase()
        finally:
            self._stop.set()
            thread.join()
        return self.samples, note


def row(name: str, samples: list[float], note: str) -> str:
    return (
        f"| {name} | {statistics.median(samples):.1f} ms | {percentile(samples, 0.95):.1f} ms | "
        f"{max(samples):.0f} ms | {len(samples)} | {note} |"
    )


def idle(_app: AppProcess) -> str:
    time.sleep(5)
    return "nothing else running"


def speech_pcm(folder: Path) -> bytes:
    wav = piper_speech(FLUENT_ANSWER, folder / "answer.wav")
    with wave.open(str(wav)) as w:
        frames: bytes = w.readframes(w.getnframes())
    return frames[: SPEECH_S * 32_000]


def flood_while_speaking(app: AppProcess, pcm: bytes) -> str:
    with app.client() as client:
        family_id = create_template(client)["family_id"]
        sessions = [start(client, family_id) for _ in range(4)]
    acked, waited, flood_codes = [0], [0], dict[int, int]()
    lock, done = threading.Lock(), threading.Event()

    def speak(started: dict[str, Any]) -> None:
        chunks = [pcm[i : i + CHUNK] for i in range(0, len(pcm), CHUNK)]
        headers = {"Authorization": f"Bearer {started['ws_token']}", "Content-Type": "audio/L16; rate=16000"}
        begin = time.perf_counter()
        with httpx.Client(base_url=app.url, timeout=60) as client:
            for seq, chunk in enumerate(chunks):
                time.sleep(max(0.0, begin + (seq + 1) * 0.5 - time.perf_counter()))
                params = {"session_id": started["session_id"], "question_id": started["questions"][0]["id"], "seq": seq}
                params["final"] = str(seq == len(chunks) - 1).lower()
                while (response := client.post("/stt/stream", params=params, content=chunk, headers=headers)).is_error:
                    with lock:
                        waited[0] += 1
                    time.sleep(float(response.headers.get("retry-after", "1")))
                with lock:
                    acked[0] += 1

    def flood() -> None:
        with httpx.Client(base_url=app.url, timeout=30) as client:
            while not done.is_set():
                code = client.post("/interview/start", json={"invite_token": "z" * 32}).status_code
                flood_codes[code] = flood_codes.get(code, 0) + 1

    flooder = threading.Thread(target=flood, daemon=True)
    flooder.start()
    speakers = [threading.Thread(target=speak, args=(s,)) for s in sessions]
    for t in speakers:
        t.start()
    for t in speakers:
        t.join()
    done.set()
    flooder.join()
    sent = sum(flood_codes.values())
    return (
        f"4 × {SPEECH_S} s of speech: {acked[0]} chunks acknowledged, {waited[0]} told to wait; "
        f"flood: {sent} calls ({sent / SPEECH_S:.0f}/s), codes {dict(sorted(flood_codes.items()))}"
    )


def attention_flood(app: AppProcess) -> str:
    with app.client() as client:
        started = start(client, create_template(client)["family_id"])
    sent, per_s, seconds = 0, 10_000, 10
    with ws_connect(app, started["session_id"], started["ws_token"]) as ws:
        receive_until(ws, "state")
        begin = time.perf_counter()
        while (elapsed := time.perf_counter() - begin) < seconds:
            due = int(elapsed * per_s) + 100
            while sent < due:
                event = {"type": "attention", "event": "window_blur", "start_ms": int(time.time() * 1000) - 1000}
                ws.send(json.dumps(event))
                sent += 1
            time.sleep(0.005)
        took = time.perf_counter() - begin
    return f"{sent} events in {took:.1f} s ({sent / took:,.0f}/s) on one socket"


def big_template(questions: int, criteria: int) -> dict[str, Any]:
    rng = random.Random(7)
    return {
        "name": "Hardening 50 × 20",
        "questions": [
            {"id": f"q-{n}", "text": f"Question {n}: tell me about a project you owned.", "time_limit_s": 600}
            for n in range(1, questions + 1)
        ],
        "criteria": [
            {
                "id": f"c-{n}",
                "name": f"Criterion {n}",
                "evidence_phrases": [" | ".join(rng.sample(WORDS[:24], 2)) for _ in range(5)],
                "structure_cues": n % 2 == 0,
                "reference_answer": " ".join(rng.choices(WORDS, k=60)),
                "expected_words_max": 4000,
            }
            for n in range(1, criteria + 1)
        ],
    }


def answer_text(seed: int) -> str:
    rng = random.Random(seed)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < ANSWER_CHARS:
        sentence = rng.choices(WORDS, k=rng.randint(8, 20))
        words += [sentence[0].capitalize(), *sentence[1:-1], sentence[-1] + "."]
    return " ".join(words)[:ANSWER_CHARS].rstrip()


@dataclass
class Saving:
    acks: list[float] = field(default_factory=list)
    cards: list[float] = field(default_factory=list)


def save_answers(app: AppProcess, count: int, result: Saving) -> str:
    with app.client() as client:
        started = start(client, create_template(client, big_template(50, 20))["family_id"])
    sid = started["session_id"]
    reviewer_url = f"ws://127.0.0.1:{app.port}/interview/ws/{sid}"
    with (
        ws_connect(app, sid, started["ws_token"]) as ws,
        connect(reviewer_url, additional_headers={"Authorization": f"Bearer {ADMIN_API_KEY}"}) as reviewer,
    ):
        receive_until(ws, "state")
        receive_until(reviewer, "state")
        for n in range(1, count + 1):
            sent = time.perf_counter()
            ws.send(json.dumps({"type": "answer", "question_id": f"q-{n}", "text": answer_text(n)}))
            receive_until(ws, "ack")
            result.acks.append((time.perf_counter() - sent) * 1000)
            while json.loads(reviewer.recv(timeout=600))["type"] != "score":  # re-scored with this answer
                pass
            result.cards.append((time.perf_counter() - sent) * 1000)
            ws.send(json.dumps({"type": "next"}))
            receive_until(ws, "question")
            time.sleep(0.3)  # within the socket's 10 messages a second
    return (
        f"{count} answers of {ANSWER_CHARS:,} chars: acknowledged p50 {statistics.median(result.acks):.0f} ms, "
        f"p95 {percentile(result.acks, 0.95):.0f} ms, max {max(result.acks):.0f} ms; re-scored card p50 "
        f"{statistics.median(result.cards):.0f} ms, p95 {percentile(result.cards, 0.95):.0f} ms, "
        f"max {max(result.cards):.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=12, help="answers saved in (c), at most 50")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pcm = speech_pcm(Path(tmp))
        app = AppProcess(Path(tmp) / "storage", WHISPER_MODEL="base").start().wait_for_speech_model()
        try:
            deadline = time.monotonic() + 120
            with app.client() as client:
                while client.get("/status").json()["scoring_model"] != "ready":
                    assert time.monotonic() < deadline, "the scoring model did not load"
                    time.sleep(0.2)
            saving = Saving()
            phases: list[tuple[str, Callable[[], str]]] = [
                ("idle", lambda: idle(app)),
                ("(a) /interview/start flood + 4 speaking", lambda: flood_while_speaking(app, pcm)),
                ("(b) 10,000 attention events/s", lambda: attention_flood(app)),
                ("(c) saving 20,000-char answers, 50 × 20", lambda: save_answers(app, min(args.answers, 50), saving)),
            ]
            print("| phase | /status p50 | p95 | max | probes | the phase |")
            print("| --- | --- | --- | --- | --- | --- |")
            for name, phase in phases:
                samples, note = StatusProbe(app.url).during(phase)
                print(row(name, samples, note), flush=True)
        finally:
            app.stop()


if __name__ == "__main__":
    main()
