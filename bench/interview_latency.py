"""Latency of the interview path on this machine, against a real app process.

Prints, for N answers over the public WebSocket: the time until an answer is acknowledged (stored in the
database), until the re-scored card arrives (on a reviewer's socket: the candidate's carries no scores),
and the time to finalize a report (score + JSON + PDF), each also as a ratio to a bare `GET /status` round
trip measured in the same run.

    .venv/bin/python bench/interview_latency.py [--answers 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from websockets.sync.client import connect

from tests.conftest import ADMIN_API_KEY, AppProcess
from tests.helpers import ANSWER_2, TEMPLATE, create_template, receive_until, start, ws_connect


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=40)
    args = parser.parse_args()
    questions = [{"id": f"q{i}", "text": f"Question number {i}?", "time_limit_s": 600} for i in range(args.answers)]
    template = {**TEMPLATE, "questions": questions}

    with tempfile.TemporaryDirectory() as tmp:
        app = AppProcess(Path(tmp) / "storage").start()
        try:
            with app.client() as client:
                status_ms = []
                for _ in range(50):
                    t0 = time.perf_counter()
                    client.get("/status")
                    status_ms.append((time.perf_counter() - t0) * 1000)
                started = start(client, create_template(client, template)["family_id"])
                ack_ms, score_ms = [], []
                reviewer_url = f"ws://127.0.0.1:{app.port}/interview/ws/{started['session_id']}"
                admin_key = {"Authorization": f"Bearer {ADMIN_API_KEY}"}
                with (
                    ws_connect(app, started["session_id"], started["ws_token"]) as ws,
                    connect(reviewer_url, additional_headers=admin_key) as reviewer,
                ):
                    receive_until(ws, "state")
                    receive_until(reviewer, "state")
                    for index, question in enumerate(started["questions"]):
                        t0 = time.perf_counter()
                        ws.send(json.dumps({"type": "answer", "question_id": question["id"], "text": ANSWER_2 * 3}))
                        receive_until(ws, "ack")
                        ack_ms.append((time.perf_counter() - t0) * 1000)
                        receive_until(reviewer, "score")
                        score_ms.append((time.perf_counter() - t0) * 1000)
                        if index < len(started["questions"]) - 1:
                            ws.send(json.dumps({"type": "next"}))
                    t0 = time.perf_counter()
                    ws.send(json.dumps({"type": "finish"}))
                    receive_until(ws, "report")
                finalize_ms = (time.perf_counter() - t0) * 1000
        finally:
            app.stop()

    base = statistics.median(status_ms)
    print(f"GET /status round trip      median {base:7.2f} ms (baseline)")
    for name, values in (("answer acknowledged", ack_ms), ("score card pushed", score_ms)):
        median, p95 = statistics.median(values), percentile(values, 0.95)
        print(f"{name:<27} median {median:7.2f} ms  p95 {p95:7.2f} ms  ({median / base:5.1f}x baseline)")
    ratio = finalize_ms / base
    print(f"finalize after last answer  {finalize_ms:7.2f} ms  ({ratio:5.1f}x baseline, {args.answers} answers)")


if __name__ == "__main__":
    main()
