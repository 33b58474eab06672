"""A crash mid-interview loses nothing: the app is killed (SIGKILL) and started again on the same storage."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import AppProcess, admin_headers
from tests.helpers import ANSWER_1, ANSWER_2, create_template, invite, receive_until, start, ws_connect


def test_the_candidate_continues_after_a_crash(tmp_path: Path) -> None:
    storage = tmp_path / "storage"
    app = AppProcess(storage).start()
    with app.client() as client:
        started = start(client, create_template(client)["family_id"])
    with ws_connect(app, started["session_id"], started["ws_token"]) as ws:
        receive_until(ws, "state")
        ws.send(json.dumps({"type": "answer", "question_id": "q-pipeline", "text": ANSWER_1}))
        receive_until(ws, "ack")  # acknowledged → must survive
        ws.send(json.dumps({"type": "next"}))
        receive_until(ws, "question")
    app.stop(crash=True)

    app = AppProcess(storage).start()  # new process, new port, same database and secret
    try:
        with ws_connect(app, started["session_id"], started["ws_token"]) as ws:
            state = receive_until(ws, "state")
            assert state["status"] == "in_progress"
            assert state["question"]["id"] == "q-failure"
            assert state["answered"] == ["q-pipeline"]
            ws.send(json.dumps({"type": "answer", "question_id": "q-failure", "text": ANSWER_2}))
            receive_until(ws, "ack")
            ws.send(json.dumps({"type": "finish"}))
            receive_until(ws, "report")
        with app.client() as client:
            own = {"Authorization": f"Bearer {started['ws_token']}"}
            finished = client.post("/report/finalize", json={"session_id": started["session_id"]}, headers=own)
            assert finished.json()["status"] == "finalized"
            report = client.post(
                "/report/finalize", json={"session_id": started["session_id"]}, headers=admin_headers()
            )
        assert [a["answer"] for a in report.json()["report"]["answers"]] == [ANSWER_1, ANSWER_2]
    finally:
        app.stop()


def test_the_candidate_browser_stays_bound_across_a_restart(tmp_path: Path) -> None:
    storage = tmp_path / "storage"
    app = AppProcess(storage).start()
    with app.client() as admin:
        token = invite(admin, create_template(admin)["family_id"])["invite_token"]
    browser = app.client(follow_redirects=True)
    first = browser.get(f"/i/{token}")
    assert first.url.path == "/interview"
    assert "Before you start" in first.text
    app.stop(crash=True)

    app = AppProcess(storage).start()
    try:
        again = browser.get(f"{app.url}/i/{token}")
        assert again.url.path == "/interview"
        assert "Before you start" in again.text
        with app.client(follow_redirects=True) as stranger:
            assert stranger.get(f"/i/{token}").url.path == "/link-problem"
    finally:
        browser.close()
        app.stop()
