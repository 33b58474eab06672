"""The same app on PostgreSQL (DATABASE_URL): a crash mid-interview loses nothing, the report, a review
and an erasure work as on SQLite."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import AppProcess, admin_headers
from tests.helpers import ANSWER_1, ANSWER_2, REASON, adjust, create_template, receive_until, start, ws_connect


def test_an_interview_on_postgres_survives_a_crash_and_can_be_reviewed_and_erased(
    tmp_path: Path, postgres_url: str
) -> None:
    app = AppProcess(tmp_path / "storage", DATABASE_URL=postgres_url).start()
    with app.client() as client:
        started = start(client, create_template(client)["family_id"])
    with ws_connect(app, started["session_id"], started["ws_token"]) as ws:
        receive_until(ws, "state")
        ws.send(json.dumps({"type": "answer", "question_id": "q-pipeline", "text": ANSWER_1}))
        receive_until(ws, "ack")
    app.stop(crash=True)

    app = AppProcess(tmp_path / "storage", DATABASE_URL=postgres_url).start()
    try:
        with ws_connect(app, started["session_id"], started["ws_token"]) as ws:
            assert receive_until(ws, "state")["answered"] == ["q-pipeline"]
            ws.send(json.dumps({"type": "next"}))
            receive_until(ws, "question")
            ws.send(json.dumps({"type": "answer", "question_id": "q-failure", "text": ANSWER_2}))
            receive_until(ws, "ack")
            ws.send(json.dumps({"type": "finish"}))
            receive_until(ws, "report")
        session_id = started["session_id"]
        reviewed = adjust(app, session_id, criterion_id="c-tech", score=4.5, reason=REASON).json()
        with app.client() as client:
            erased = client.delete(f"/api/sessions/{session_id}", headers=admin_headers()).json()
            left = client.get("/api/sessions", headers=admin_headers()).json()
    finally:
        app.stop()
    assert [a["answer"] for a in reviewed["answers"]] == [ANSWER_1, ANSWER_2]
    assert reviewed["review"]["adjustments"][0]["score"] == 4.5
    assert (erased["answers"], erased["report"], left) == (2, True, [])
