"""Finalizing survives a crash and never races an erasure (issue 13, finding 8), against real app processes."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import AppProcess, admin_headers
from tests.helpers import ANSWER_1, ANSWER_2, TEMPLATE, create_template, receive_until, start, ws_connect
from tests.llm_server import FakeLLM

RATED: dict[str, Any] = {
    **TEMPLATE,
    "criteria": [{**TEMPLATE["criteria"][0], "llm_weight": 0.5}, TEMPLATE["criteria"][1]],
}
SILENCE = b"\x00\x00" * 8000  # 0.5 s of 16 kHz PCM16


def rated_app(storage: Path, llm_port: int, **overrides: str) -> AppProcess:
    """An app whose reports ask the stand-in model for ratings (slow on demand: finalizing takes a while)."""
    return AppProcess(
        storage,
        LLM_PROVIDER="openai",
        OPENAI_BASE_URL=f"http://127.0.0.1:{llm_port}/v1",
        OPENAI_MODEL="test-model",
        LLM_TIMEOUT_S="10",
        **overrides,
    ).start()


def answer_and_finish(app: AppProcess, started: dict[str, Any]) -> None:
    with ws_connect(app, started["session_id"], started["ws_token"]) as ws:
        receive_until(ws, "state")
        for question, text in zip(started["questions"], [ANSWER_1, ANSWER_2], strict=True):
            ws.send(json.dumps({"type": "answer", "question_id": question["id"], "text": text}))
            receive_until(ws, "ack")
            ws.send(json.dumps({"type": "next"}))
        receive_until(ws, "finished")


def wait_until_rating_is_asked(fake: FakeLLM) -> None:
    """The report is being built: the model was asked for a rating (and is slow to reply)."""
    deadline = time.monotonic() + 30
    while not fake.requests:
        assert time.monotonic() < deadline, "finalizing never asked the model"
        time.sleep(0.05)


def wait_for_report(client: httpx.Client, session_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while (response := client.get(f"/report/{session_id}.json", headers=admin_headers())).status_code == 404:
        assert time.monotonic() < deadline, "the report was never built"
        time.sleep(0.2)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_a_crash_while_the_report_is_built_loses_neither_the_report_nor_the_record_of_the_audio(
    tmp_path: Path,
) -> None:
    storage = tmp_path / "storage"
    with FakeLLM() as fake:
        fake.set_mode("slow")
        app = rated_app(storage, fake.port, WHISPER_MODEL="base").wait_for_speech_model()
        try:
            with app.client() as client:
                started = start(client, create_template(client, RATED)["family_id"])
                session_id = started["session_id"]
                spoken = client.post(
                    "/stt/stream",
                    params={"session_id": session_id, "question_id": "q-pipeline", "seq": 0},
                    content=SILENCE,
                    headers={"Authorization": f"Bearer {started['ws_token']}", "Content-Type": "audio/L16;rate=16000"},
                )
                assert spoken.status_code == 200, spoken.text
            answer_and_finish(app, started)  # finishing starts the report in the background
            wait_until_rating_is_asked(fake)
        finally:
            app.stop(crash=True)  # kill -9 while the report is being built
        folder = storage / "audio" / session_id
        audio_files = [p for p in folder.rglob("*") if p.is_file()]
        assert audio_files  # nothing is deleted before the report is stored

        fake.set_mode("ok")
        app = rated_app(storage, fake.port)
        try:
            with app.client() as client:
                report = wait_for_report(client, session_id)  # resumed at start, no one asked
                sessions = client.get("/api/sessions", headers=admin_headers()).json()
        finally:
            app.stop()
    assert report["audio"] == {"deleted": True, "files_deleted": len(audio_files)}
    assert not folder.exists()
    assert [a["answer"] for a in report["answers"]] == [ANSWER_1, ANSWER_2]
    assert report["llm"]["ratings_used"] == 2
    assert [s["status"] for s in sessions if s["session_id"] == session_id] == ["finalized"]
    assert "resuming its finalization" in (storage / "logs" / "interviewer.log").read_text()


def test_an_erasure_waits_for_the_report_being_built_and_erases_its_ratings_too(tmp_path: Path) -> None:
    storage = tmp_path / "storage"
    with FakeLLM() as fake:
        fake.set_mode("slow")
        app = rated_app(storage, fake.port)
        try:
            with app.client() as client:
                started = start(client, create_template(client, RATED)["family_id"])
                answer_and_finish(app, started)
                wait_until_rating_is_asked(fake)
                receipt = client.delete(f"/api/sessions/{started['session_id']}", headers=admin_headers())
                listed = client.get("/api/sessions", headers=admin_headers()).json()
            stored = {path: path.read_bytes() for path in storage.rglob("*") if path.is_file()}
            log = app.output()
        finally:
            app.stop()
    assert receipt.status_code == 200, receipt.text
    assert receipt.json()["report"] is True  # the report was finished first ...
    assert receipt.json()["cached_ratings"] == 2  # ... and the ratings it cached are erased with it
    assert listed == []
    quote = " ".join(ANSWER_1.split()[:4])  # what the model quoted back
    for secret in (ANSWER_1, ANSWER_2, quote):
        assert [str(p) for p, data in stored.items() if secret.encode() in data] == [], secret
    assert "Traceback" not in log
