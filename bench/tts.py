"""Speech output on this machine: synthesis time and real-time factor per provider, and the time from
"next question" to the first audio byte in the page's request, uncached vs cached.

    .venv/bin/python bench/tts.py
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviewer.templates import example_template
from interviewer.tts.espeak import EspeakTts
from interviewer.tts.piper_voice import PiperTts
from tests.conftest import AppProcess
from tests.helpers import TEMPLATE, create_template, receive_until, start, ws_connect

QUESTIONS = [q.text for q in example_template().questions]


async def synthesis() -> None:
    print("provider | synthesis per question (median) | real-time factor")
    for provider in (EspeakTts(), PiperTts()):
        await provider.synthesize("Warm up.")
        times, rtfs = [], []
        for text in QUESTIONS:
            t0 = time.perf_counter()
            speech = await provider.synthesize(text)
            took = time.perf_counter() - t0
            times.append(took)
            rtfs.append(took / (speech.duration_ms / 1000))
        print(f"{provider.name:<8} | {statistics.median(times) * 1000:8.0f} ms | {statistics.median(rtfs):.3f}")


def first_byte(provider: str) -> None:
    """Time from sending "next" to the first byte of the next question's audio, fresh text vs cached."""
    with tempfile.TemporaryDirectory() as tmp:
        app = AppProcess(Path(tmp) / "storage", TTS_PROVIDER=provider).start()
        try:
            with app.client() as client:
                for label, suffix in (("uncached", f" ({time.time()})"), ("cached", "")):
                    template = {
                        **TEMPLATE,
                        "questions": [{**q, "text": q["text"] + suffix} for q in TEMPLATE["questions"]],
                    }
                    family = create_template(client, template)["family_id"]
                    if label == "cached":
                        time.sleep(3)  # saving the template synthesized its questions in the background
                    samples = []
                    for _ in range(3 if label == "uncached" else 5):
                        started = start(client, family)
                        auth = {"Authorization": f"Bearer {started['ws_token']}"}
                        if label == "uncached":  # /interview/start synthesized them: forget that
                            for cached in (Path(tmp) / "storage" / "tts").glob("*"):
                                cached.unlink()
                        with ws_connect(app, started["session_id"], started["ws_token"]) as ws:
                            receive_until(ws, "state")
                            t0 = time.perf_counter()
                            ws.send(json.dumps({"type": "next"}))
                            url = receive_until(ws, "question")["question"]["audio_url"]
                            with client.stream("GET", url, headers=auth) as response:
                                next(response.iter_bytes())
                            samples.append(time.perf_counter() - t0)
                    print(
                        f"{provider:<8} next question → first audio byte, {label:<8}: "
                        f"median {statistics.median(samples) * 1000:6.0f} ms (n={len(samples)})"
                    )
        finally:
            app.stop()


if __name__ == "__main__":
    asyncio.run(synthesis())
    for name in ("espeak", "piper"):
        first_byte(name)
