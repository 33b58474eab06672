"""Speech-to-text past one process: the in-process backend beside 1 and 2 speech worker processes (STT_BACKEND=queue).

The same fluent answers as `bench/stt_latency.py` (Piper reading without pauses, its audio and its real-time
streaming are imported from there) are streamed by N concurrent sessions to a real app process, once per backend:
  in-process     the app transcribes (default settings: STT_WORKERS=2 threads);
  queue × 1, × 2 the app loads no model; 1 or 2 `main.py worker` processes with STT_WORKERS=1 each (one per core)
                 take the segments from a throwaway Redis server.
Printed per case, side by side:
  answers/s      final transcripts per second of wall time, from the first chunk to the last final;
  audio s/s      seconds of speech transcribed per second of wall time (all sessions together);
  end → final    seconds from sending an answer's final chunk to its transcript (p50, p95);
  WER, 503       word error rate of the streamed transcripts; responses that told a session to wait;
  load           the 1-minute load average at the end of the case (other processes on the machine count).

    .venv/bin/python bench/stt_scale.py            # 60 s answers × 1, 2, 4 sessions (≈ 12 min)
    .venv/bin/python bench/stt_scale.py --quick    # 20 s answers × 2 sessions (< 3 min)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stt_latency import Answer, Run, fluent_answers, p95, replay
from tests.conftest import AppProcess, SpeechWorker, free_port
from tests.helpers import create_template
from tests.redis import redis_server

BACKENDS = {"in-process": 0, "queue × 1": 1, "queue × 2": 2}  # name → speech worker processes (0: none)


@contextmanager
def serving(workers: int, storage: Path, redis_url: str) -> Iterator[AppProcess]:
    """A running app with its speech ready: its own model, or `workers` worker processes through Redis."""
    if not workers:
        app = AppProcess(storage, WHISPER_MODEL="base").start().wait_for_speech_model()
        try:
            yield app
        finally:
            app.stop()
        return
    app = AppProcess(storage, WHISPER_MODEL="base", STT_BACKEND="queue", REDIS_URL=redis_url).start()
    with ExitStack() as stack:
        stack.callback(app.stop)
        for _ in range(workers):
            stack.callback(SpeechWorker(app, STT_WORKERS="1").start().stop)
        app.wait_for_speech_workers(workers)
        yield app


def measure(app: AppProcess, family_id: str, answer: Answer, sessions: int) -> tuple[Run, float]:
    """Stream `answer` from `sessions` concurrent sessions at real-time pace; returns the run and its wall time."""
    run = Run()
    go = threading.Barrier(sessions + 1)
    threads = [threading.Thread(target=replay, args=(app, family_id, answer, run, go)) for _ in range(sessions)]
    for thread in threads:
        thread.start()
    go.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return run, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--length", type=float, default=60, help="answer length, seconds")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--quick", action="store_true", help="20 s answers, 2 sessions")
    args = parser.parse_args()
    if args.quick:
        args.length, args.sessions = 20, [2]
    with tempfile.TemporaryDirectory() as tmp, redis_server(free_port()) as redis_url:
        (answer,) = fluent_answers(Path(tmp), [args.length])
        audio_s = len(answer.pcm) / 32_000
        print(f"Piper reading without added pauses, {audio_s:.1f} s answers streamed in real time; Whisper base int8")
        print(f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}")
        print("backend    | sessions | answers/s | audio s/s | end → final p50 | p95     | WER   | 503 | load")
        for name, workers in BACKENDS.items():
            with serving(workers, Path(tmp) / name.replace(" × ", "-"), redis_url) as app:
                with app.client() as client:
                    family_id = create_template(client)["family_id"]
                for sessions in args.sessions:
                    run, wall = measure(app, family_id, answer, sessions)
                    rates = f"{len(run.finals) / wall:9.3f} | {sessions * audio_s / wall:9.2f}"
                    print(
                        f"{name:10} | {sessions:8d} | {rates} | "
                        f"{statistics.median(run.finals):13.2f} s | {p95(run.finals):5.2f} s | "
                        f"{statistics.mean(run.wers):5.1%} | {run.codes.get(503, 0):3d} | {os.getloadavg()[0]:4.1f}",
                        flush=True,
                    )
        print(f"load average after: {os.getloadavg()[0]:.1f} (other processes count too)")


if __name__ == "__main__":
    main()
