"""Erasing a candidate's data: nothing of it is left in the database files, the caches or the log."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import AppProcess, admin_headers
from tests.helpers import ANSWER_1, CANDIDATE, FOLLOW_UP_ANSWER, TEMPLATE, create_template, interview, llm_app, start
from tests.llm_server import FOLLOW_UP, FakeLLM


def test_erasing_a_session_leaves_nothing_of_the_candidate(tmp_path: Path) -> None:
    # a full interview with a follow-up question and cached model ratings, then the admin erases it
    with FakeLLM() as fake_llm:
        fake_llm.set_mode("ok")
        app = llm_app(tmp_path / "storage", "openai", fake_llm.port)
        try:
            report, _ = interview(app)
            with app.client() as client:
                session_id = report["session_id"]
                receipt = client.delete(f"/api/sessions/{session_id}", headers=admin_headers())
                report_after = client.get(f"/report/{session_id}.json", headers=admin_headers())
                listed = client.get("/api/sessions", headers=admin_headers()).json()
                again = client.delete(f"/api/sessions/{session_id}", headers=admin_headers())
            stored = {path: path.read_bytes() for path in (tmp_path / "storage").rglob("*") if path.is_file()}
            log = app.output()
        finally:
            app.stop()
    assert receipt.status_code == 200, receipt.text
    assert (
        receipt.json()
        | {
            "answers": 3,
            "follow_ups": 1,
            "report": True,
            "cached_ratings": 3,
        }
        == receipt.json()
    )
    assert receipt.json()["speech_files"] >= 1  # the follow-up question's cached audio
    assert report_after.status_code == 404
    assert listed == []
    assert again.status_code == 404
    assert any(path.suffix == ".db" for path in stored)  # the real SQLite file was searched
    for secret in (CANDIDATE, "ada@example.org", ANSWER_1, FOLLOW_UP, FOLLOW_UP_ANSWER):
        assert [str(p) for p, data in stored.items() if secret.encode() in data] == [], secret
        assert secret not in log


def test_a_running_interview_is_not_erased(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client, TEMPLATE)["family_id"])
        refused = client.delete(f"/api/sessions/{started['session_id']}", headers=admin_headers())
        unknown = client.delete("/api/sessions/no-such-session", headers=admin_headers())
        anonymous = client.delete(f"/api/sessions/{started['session_id']}")
    assert refused.status_code == 409
    assert "end it first" in refused.json()["detail"]
    assert unknown.status_code == 404
    assert anonymous.status_code == 401
