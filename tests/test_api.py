"""The public API as an integrator uses it, against a real app process (HTTP + WebSocket)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import AppProcess, admin_headers
from tests.helpers import (
    ANSWER_1,
    ANSWER_2,
    CANDIDATE,
    TEMPLATE,
    answer_all,
    closing_code,
    create_template,
    invite,
    receive_until,
    start,
    ws_connect,
)


def test_status_says_ok(app_process: AppProcess) -> None:
    with app_process.client() as client:
        body = client.get("/status").json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"


def test_admin_api_needs_the_key(app_process: AppProcess) -> None:
    with app_process.client() as client:
        assert client.post("/api/templates", json=TEMPLATE).status_code == 401
        wrong = client.post("/api/templates", json=TEMPLATE, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json()["detail"] == "invalid admin API key"


def test_invalid_template_is_refused_with_the_reason(app_process: AppProcess) -> None:
    with app_process.client() as client:
        response = client.post("/api/templates", json={**TEMPLATE, "questions": []}, headers=admin_headers())
    assert response.status_code == 422
    assert any("questions" in err["loc"] for err in response.json()["detail"])


def test_a_whole_interview_over_the_api(app_process: AppProcess) -> None:
    with app_process.client() as client:
        family_id = create_template(client)["family_id"]
        created = invite(client, family_id)
        assert created["url"].endswith(f"/i/{created['invite_token']}")
        assert len(created["invite_token"]) >= 22  # >= 128 bits in URL-safe base64
        started = client.post("/interview/start", json={"invite_token": created["invite_token"]}).json()
        assert [q["id"] for q in started["questions"]] == ["q-pipeline", "q-failure"]
        assert started["questions"][0]["time_limit_s"] == 120

        with ws_connect(app_process, started["session_id"], started["ws_token"]) as ws:
            state = receive_until(ws, "state")
            assert state["question"]["id"] == "q-pipeline"
            ws.send(json.dumps({"type": "answer", "question_id": "q-pipeline", "text": ANSWER_1}))
            assert receive_until(ws, "ack")["question_id"] == "q-pipeline"
            ws.send(json.dumps({"type": "next"}))
            assert receive_until(ws, "question")["question"]["id"] == "q-failure"
            ws.send(json.dumps({"type": "answer", "question_id": "q-failure", "text": ANSWER_2}))
            receive_until(ws, "ack")
            ws.send(json.dumps({"type": "finish"}))
            assert receive_until(ws, "finished")
            receive_until(ws, "report")
            ws.send(json.dumps({"type": "answer", "question_id": "q-failure", "text": "too late"}))
            late = receive_until(ws, "error")
        assert late["status"] == 409

        auth = {"Authorization": f"Bearer {started['ws_token']}"}
        own = client.post("/report/finalize", json={"session_id": started["session_id"]}, headers=auth)
        assert own.status_code == 200, own.text
        assert {k: v for k, v in own.json().items() if v is not None} == {
            "session_id": started["session_id"],
            "status": "finalized",
        }
        first = client.post("/report/finalize", json={"session_id": started["session_id"]}, headers=admin_headers())
        body = first.json()
        report = body["report"]
        assert report["candidate"]["name"] == CANDIDATE
        assert report["template"]["version"] == 1
        assert [a["answer"] for a in report["answers"]] == [ANSWER_1, ANSWER_2]
        evidence = [s["text"].lower() for c in report["scores"]["criteria"] for s in c["evidence"]]
        assert "idempotent" in evidence
        again = client.post("/report/finalize", json={"session_id": started["session_id"]}, headers=admin_headers())
        assert again.json() == body

        pdf = client.get(body["pdf_url"], headers=admin_headers())
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        as_json = client.get(body["json_url"], headers=admin_headers()).json()
        assert as_json == report
        assert client.get(body["pdf_url"]).status_code == 401


def test_a_question_passed_without_an_answer_counts_as_not_answered(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
        with ws_connect(app_process, started["session_id"], started["ws_token"]) as ws:
            receive_until(ws, "state")
            ws.send(json.dumps({"type": "next"}))  # q-pipeline left without an answer
            assert receive_until(ws, "question")["question"]["id"] == "q-failure"
            ws.send(json.dumps({"type": "answer", "question_id": "q-failure", "text": ANSWER_2}))
            receive_until(ws, "ack")
            ws.send(json.dumps({"type": "finish"}))
            receive_until(ws, "report")
        report = client.post(
            "/report/finalize", json={"session_id": started["session_id"]}, headers=admin_headers()
        ).json()["report"]
    story = next(c for c in report["scores"]["criteria"] if c["criterion_id"] == "c-story")
    length = next(r for r in story["rules"] if r["rule"] == "length")
    assert length["detail"].startswith("length: 21, 0 words")
    assert length["detail"].endswith("; not answered: q-pipeline")
    assert [a["answer"] for a in report["answers"]] == ["", ANSWER_2]


def test_the_candidate_never_downloads_the_report(app_process: AppProcess) -> None:
    """The session token the candidate's browser holds (for speech) opens no report: it has the rubric and scores."""
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
        answer_all(app_process, started, [ANSWER_1, ANSWER_2])
        own = {"Authorization": f"Bearer {started['ws_token']}"}
        session_id = started["session_id"]
        finalized = client.post("/report/finalize", json={"session_id": session_id}, headers=own)
        downloads = [client.get(f"/report/{session_id}.{kind}", headers=own) for kind in ("json", "pdf")]
        anonymous = client.get(f"/report/{session_id}.json")
        reviewer = client.get(f"/report/{session_id}.json", headers=admin_headers())
    assert finalized.status_code == 200
    assert finalized.json()["report"] is None
    assert "scores" not in finalized.text
    assert "Technical depth" not in finalized.text
    assert [d.status_code for d in downloads] == [403, 403]
    assert "reviewers" in downloads[0].json()["detail"]
    assert "Technical depth" not in downloads[0].text + downloads[1].text
    assert anonymous.status_code == 401
    assert reviewer.status_code == 200
    assert reviewer.json()["scores"]["criteria"][0]["name"] == "Technical depth"


def test_an_invite_token_works_once(app_process: AppProcess) -> None:
    with app_process.client() as client:
        family_id = create_template(client)["family_id"]
        token = invite(client, family_id)["invite_token"]
        assert client.post("/interview/start", json={"invite_token": token}).status_code == 200
        again = client.post("/interview/start", json={"invite_token": token})
        forged = client.post("/interview/start", json={"invite_token": "x" * 32})
        too_short = client.post("/interview/start", json={"invite_token": "abc"})
    assert again.status_code == 409
    assert again.json()["detail"] == "invite token is used"
    assert forged.status_code == 403
    assert too_short.status_code == 422


def test_one_sessions_token_never_reaches_another_session(app_process: AppProcess) -> None:
    with app_process.client() as client:
        family_id = create_template(client)["family_id"]
        first, second = start(client, family_id), start(client, family_id)
        answer_all(app_process, second, ["An answer.", "Another answer."])
        auth = {"Authorization": f"Bearer {first['ws_token']}"}
        finalize = client.post("/report/finalize", json={"session_id": second["session_id"]}, headers=auth)
    assert finalize.status_code == 403
    assert closing_code(app_process, second["session_id"], first["ws_token"]) == 1008


def test_the_socket_refuses_a_foreign_origin(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
    assert closing_code(app_process, started["session_id"], started["ws_token"], "https://evil.example") == 1008


def test_bad_socket_messages_get_a_clear_error(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
    with ws_connect(app_process, started["session_id"], started["ws_token"]) as ws:
        receive_until(ws, "state")
        ws.send("not json")
        assert receive_until(ws, "error")["detail"] == "message is not valid JSON"
        ws.send(json.dumps({"type": "dance"}))
        assert "invalid message" in receive_until(ws, "error")["detail"]
        ws.send(json.dumps({"type": "answer", "question_id": "q-failure", "text": "skipping ahead"}))
        assert receive_until(ws, "error")["status"] == 409
        ws.send(json.dumps({"type": "answer", "question_id": "q-pipeline", "text": "x" * 20_001}))
        too_long = receive_until(ws, "error")
        assert too_long["status"] == 422
        assert "longer than 20000" in too_long["detail"]
        ws.send("x" * 70_000)
        assert "larger than" in receive_until(ws, "error")["detail"]


def test_a_running_interview_is_finalized_only_by_the_admin(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
        body = {"session_id": started["session_id"]}
        own = client.post("/report/finalize", json=body, headers={"Authorization": f"Bearer {started['ws_token']}"})
        admin = client.post("/report/finalize", json=body, headers=admin_headers())
    assert own.status_code == 409
    assert admin.status_code == 200
    assert admin.json()["report"]["answers"][0]["answer"] == ""


def test_editing_a_used_template_makes_a_new_version(app_process: AppProcess) -> None:
    with app_process.client() as client:
        family_id = create_template(client)["family_id"]
        started = start(client, family_id)
        edited = {**TEMPLATE, "name": "Data engineer (revised)"}
        updated = client.put(f"/api/templates/{family_id}", json=edited, headers=admin_headers()).json()
        answer_all(app_process, started, ["One.", "Two."])
        report = client.post(
            "/report/finalize", json={"session_id": started["session_id"]}, headers=admin_headers()
        ).json()["report"]
    assert updated["version"] == 2
    assert report["template"]["version"] == 1
    assert report["template"]["name"] == "Data engineer"


def test_cors_allows_only_listed_origins(app_process: AppProcess) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    with app_process.client() as client:
        own = client.options("/interview/start", headers={"Origin": app_process.url, **preflight})
        foreign = client.options("/interview/start", headers={"Origin": "https://evil.example", **preflight})
    assert own.headers["access-control-allow-origin"] == app_process.url
    assert "access-control-allow-origin" not in foreign.headers


def test_pages_carry_security_headers(app_process: AppProcess) -> None:
    with app_process.client() as client:
        headers = client.get("/login").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_logs_hold_no_names_answers_or_tokens(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
        answer_all(app_process, started, [ANSWER_1, ANSWER_2])
        client.get(f"/i/{'y' * 32}")
    log_file = Path(app_process.env["STORAGE_DIR"]) / "logs" / "interviewer.log"
    logged = log_file.read_text() + app_process.output()
    assert "finalized" in logged
    for secret in (CANDIDATE, "ada@example.org", ANSWER_1[:30], started["ws_token"], "y" * 32):
        assert secret not in logged


def test_too_many_requests_get_429_with_retry_after(tmp_path: Path) -> None:
    app = AppProcess(tmp_path / "storage", RATE_LIMIT_PER_MIN="3").start()
    try:
        with app.client() as client:
            codes = [client.post("/interview/start", json={"invite_token": "z" * 32}) for _ in range(4)]
    finally:
        app.stop()
    assert [r.status_code for r in codes[:3]] == [403, 403, 403]
    assert codes[3].status_code == 429
    assert int(codes[3].headers["retry-after"]) >= 1
    assert "retry after" in codes[3].json()["detail"]
