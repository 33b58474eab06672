"""Hostile input, floods and a curious candidate (issue 13), against a real app process."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from nicegui.testing import User
from sqlalchemy.exc import IntegrityError
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection

from interviewer.admin_sessions import AdminSessions, LoginBackoff
from interviewer.db import Database
from interviewer.models import AppSetting
from interviewer.redact import RedactingFilter
from interviewer.security import ADMIN_COOKIE, Signer
from tests.conftest import ADMIN_PASSWORD, AppProcess, admin_headers
from tests.helpers import (
    TEMPLATE,
    closing_code,
    create_template,
    invite,
    receive_until,
    reviewer_connect,
    start,
    ws_connect,
)

SECRET_ANSWER = "my salary at Initech was 123456 and my manager was Bill Lumbergh"


def no_tracebacks(app: AppProcess) -> None:
    assert "Traceback" not in app.output(), app.output()[-3000:]


def strict_json(response: httpx.Response) -> Any:
    """The body, parsed the way a strict client would (no NaN, no Infinity)."""

    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} in a response")

    return json.loads(response.content.decode(), parse_constant=refuse)


# ------------------------------------------------------------------ 5: bodies FastAPI parses but cannot answer

HOSTILE_BODIES = {
    "NaN": '{"invite_token": NaN}',
    "Infinity": '{"invite_token": Infinity}',
    "-Infinity": '{"invite_token": -Infinity}',
    "lone surrogate": '{"invite_token": "\\ud800aaaaaaaaaaaaaaaaaaaaaaaa"}',
    "deep nesting": '{"invite_token": ' + "[" * 5000 + "]" * 5000 + "}",
}


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_json_that_cannot_be_answered_gets_422_not_500(app_process: AppProcess, body: str) -> None:
    json_type = {"content-type": "application/json"}
    with app_process.client() as client:
        public = client.post("/interview/start", content=body, headers=json_type)
        untyped = client.post("/interview/start", content=body)  # FastAPI parses a body without a type as JSON
        template = body.replace('"invite_token"', '"name"')
        admin = client.post("/api/templates", content=template, headers={**json_type, **admin_headers()})
    for response in (public, untyped, admin):
        assert response.status_code == 422, response.text
        assert strict_json(response)["detail"][0]["loc"] == ["body"]
    no_tracebacks(app_process)


def test_a_nan_inside_a_valid_template_is_refused(app_process: AppProcess) -> None:
    content = json.dumps({**TEMPLATE, "criteria": [{**TEMPLATE["criteria"][0], "weight": float("nan")}]})
    with app_process.client() as client:
        response = client.post("/api/templates", content=content, headers=admin_headers())
    assert response.status_code == 422
    assert "NaN" in strict_json(response)["detail"][0]["msg"]


def test_a_body_over_the_limit_is_refused_before_it_is_read(app_process: AppProcess) -> None:
    big = b'{"invite_token": "' + b"a" * 1_100_000 + b'"}'

    def chunked() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
        for offset in range(0, len(big), 65_536):
            yield big[offset : offset + 65_536]

    with app_process.client() as client:
        declared = client.post("/interview/start", content=big, headers={"content-type": "application/json"})
        streamed = client.post("/interview/start", content=chunked(), headers={"content-type": "application/json"})
        fine = client.post("/interview/start", json={"invite_token": "b" * 200})
    assert declared.status_code == 413
    assert streamed.status_code == 413
    assert "larger than 1000000 bytes" in declared.json()["detail"]
    assert fine.status_code == 422  # under the limit: validated as before (at most 128 characters)


# ------------------------------------------------------------------ 5: the WebSocket answers, it does not drop


def test_hostile_socket_frames_get_an_error_and_the_interview_goes_on(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
    with ws_connect(app_process, started["session_id"], started["ws_token"]) as ws:
        receive_until(ws, "state")
        ws.send(b"\x00\x01binary")
        assert "binary" in receive_until(ws, "error")["detail"]
        ws.send("[" * 20_000 + "]" * 20_000)
        assert "nested deeper" in receive_until(ws, "error")["detail"]
        ws.send('{"type": "answer", "question_id": "q-pipeline", "text": "half \\ud800 a character"}')
        assert "surrogate" in receive_until(ws, "error")["detail"]
        ws.send('{"type": "attention", "event": "tab_hidden", "start_ms": NaN}')
        assert "NaN" in receive_until(ws, "error")["detail"]
        ws.send(json.dumps({"type": "answer", "question_id": "q-pipeline", "text": "A proper answer."}))
        assert receive_until(ws, "ack")["question_id"] == "q-pipeline"
    no_tracebacks(app_process)


def code_when_closed(ws: ClientConnection) -> int | None:
    """Reads until the server closes the socket; its close code."""
    deadline = time.monotonic() + 20
    with pytest.raises(ConnectionClosed) as closed:  # noqa: PT012 — read whatever comes before the close
        while time.monotonic() < deadline:
            ws.recv(timeout=10)
    return closed.value.rcvd.code if closed.value.rcvd else None


def test_a_huge_socket_message_closes_the_socket_before_it_is_buffered(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
    with ws_connect(app_process, started["session_id"], started["ws_token"]) as ws:
        receive_until(ws, "state")
        ws.send("x" * 3_000_000)
        assert code_when_closed(ws) == 1009  # message too big (uvicorn would have taken 16 MB)
    with ws_connect(app_process, started["session_id"], started["ws_token"]) as ws:
        ws.send("x" * 70_000)  # over the interview socket's own limit: an answer, not a close
        assert "larger than" in receive_until(ws, "error")["detail"]


def test_an_erased_sessions_socket_is_closed_with_a_code(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
        session_id, token = started["session_id"], started["ws_token"]
        with ws_connect(app_process, session_id, token) as ws:
            receive_until(ws, "state")
            finalized = client.post("/report/finalize", json={"session_id": session_id}, headers=admin_headers())
            assert finalized.status_code == 200
            assert client.delete(f"/api/sessions/{session_id}", headers=admin_headers()).status_code == 200
            code = code_when_closed(ws)
    assert code == 1008
    assert closing_code(app_process, session_id, token) == 1008  # its token still verifies: nothing is left
    no_tracebacks(app_process)


# ------------------------------------------------------------------ 3: scores and rubric go to reviewers only


def drain_until_error(ws: ClientConnection, detail: str) -> list[dict[str, Any]]:
    """Every message up to and including the first error whose detail contains `detail`."""
    seen = []
    while True:
        message = json.loads(ws.recv(timeout=20))
        seen.append(message)
        if message["type"] == "error" and detail in message["detail"]:
            return seen


def test_the_candidates_socket_never_carries_scores_or_the_rubric(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
    session_id = started["session_id"]
    with (
        ws_connect(app_process, session_id, started["ws_token"]) as candidate,
        reviewer_connect(app_process, session_id) as reviewer,
    ):
        assert receive_until(candidate, "state")["status"] == "in_progress"
        assert receive_until(reviewer, "state")["status"] == "in_progress"
        candidate.send(json.dumps({"type": "answer", "question_id": "q-pipeline", "text": "Airflow, idempotent."}))
        receive_until(candidate, "ack")
        card = receive_until(reviewer, "score")["scores"]  # the reviewer sees the live score card ...
        assert card["criteria"][0]["score"] > 0
        candidate.send(json.dumps({"type": "finish"}))
        receive_until(reviewer, "report")
        candidate.send("sentinel")  # ... and the candidate's socket, read up to a reply that comes after all that:
        seen = drain_until_error(candidate, "not valid JSON")
        reviewer.send(json.dumps({"type": "next"}))
        assert "only listens" in receive_until(reviewer, "error")["detail"]
    kinds = {m["type"] for m in seen}
    assert "score" not in kinds
    assert {"finished", "report"} <= kinds
    everything = json.dumps(seen)
    for rubric_text in ("Technical depth", "scheduler", "evidence", "total"):
        assert rubric_text not in everything


def test_a_socket_without_token_or_admin_key_is_refused(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
    assert closing_code(app_process, started["session_id"], "") == 1008


# ------------------------------------------------------------------ 2: scoring runs beside the app, not in it


def test_a_long_answer_is_acknowledged_at_once_and_scored_while_the_app_answers(app_process: AppProcess) -> None:
    """Twenty criteria read a 20,000-character answer with the scoring model (a second or more): the answer is
    stored and acknowledged without waiting for that, and the app answers others meanwhile; the reviewer's live
    card follows."""
    criterion = TEMPLATE["criteria"][0]
    many = {**TEMPLATE, "criteria": [{**criterion, "id": f"c-{n}", "name": f"Criterion {n}"} for n in range(20)]}
    said = (f"On day {n} I moved table t{n} to a partition per hour and made job j{n} idempotent." for n in range(400))
    answer = " ".join(said)[:20_000]
    with app_process.client() as client:
        started = start(client, create_template(client, many)["family_id"])
        session_id = started["session_id"]
        with (
            ws_connect(app_process, session_id, started["ws_token"]) as candidate,
            reviewer_connect(app_process, session_id) as reviewer,
        ):
            receive_until(candidate, "state")
            receive_until(reviewer, "state")
            sent = time.perf_counter()
            candidate.send(json.dumps({"type": "answer", "question_id": "q-pipeline", "text": answer}))
            receive_until(candidate, "ack")
            acknowledged_s = time.perf_counter() - sent
            status = client.get("/status")
            status_s = time.perf_counter() - sent - acknowledged_s
            card = receive_until(reviewer, "score")["scores"]
            scored_s = time.perf_counter() - sent
    assert status.status_code == 200
    assert len(card["criteria"]) == 20
    assert acknowledged_s < scored_s / 3, (acknowledged_s, scored_s)
    assert status_s < scored_s / 3, (status_s, scored_s)


# ------------------------------------------------------------------ 6: a flood of socket messages


def attention(kind: str = "window_blur") -> str:
    return json.dumps({"type": "attention", "event": kind, "start_ms": int(time.time() * 1000) - 1000})


def test_a_message_flood_is_dropped_with_one_error(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
    session_id = started["session_id"]
    with ws_connect(app_process, session_id, started["ws_token"]) as ws:
        receive_until(ws, "state")
        for _ in range(1000):
            ws.send(attention())
        replies: list[dict[str, Any]] = []
        deadline = time.monotonic() + 20
        while not any(r["type"] == "error" and "not valid JSON" in r["detail"] for r in replies):
            assert time.monotonic() < deadline, replies[-5:]
            ws.send("sentinel")  # dropped while the budget is spent; answered once it refilled
            try:
                replies.append(json.loads(ws.recv(timeout=0.5)))
                while True:
                    replies.append(json.loads(ws.recv(timeout=0)))
            except TimeoutError:
                pass
    floods = [r for r in replies if r["type"] == "error" and "too many messages" in r["detail"]]
    acks = [r for r in replies if r["type"] == "ack"]
    assert len(floods) == 1
    assert floods[0]["status"] == 429
    assert 10 <= len(acks) <= 100  # a burst of 3 s at 10 a second (plus what refilled meanwhile), not 1000
    with app_process.client() as client:
        report = client.post("/report/finalize", json={"session_id": session_id}, headers=admin_headers()).json()
    assert sum(k["count"] for k in report["report"]["attention"]["by_kind"]) == len(acks)


def test_a_sessions_event_budget_is_counted_before_parsing(app_process: AppProcess) -> None:
    """120 events a minute per session, over all its connections; past it even malformed ones are not parsed."""
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
    details = []
    for _ in range(5):  # five connections, each within its own message budget
        with ws_connect(app_process, started["session_id"], started["ws_token"]) as ws:
            receive_until(ws, "state")
            for _ in range(25):
                ws.send(json.dumps({"type": "attention", "event": "daydreaming", "start_ms": 1_700_000_000_000}))
                details.append(receive_until(ws, "error")["detail"])
    assert sum("invalid attention event" in d for d in details) == 120
    assert sum("too many requests" in d for d in details) == 5


# ------------------------------------------------------------------ 1: addresses, proxies and budgets


def test_forwarded_for_counts_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    direct = AppProcess(tmp_path / "direct" / "storage", RATE_LIMIT_PER_MIN="3").start()
    try:
        with direct.client() as client:  # a client that makes up X-Forwarded-For still has one budget
            spoofed = [
                client.post(
                    "/interview/start", json={"invite_token": "z" * 32}, headers={"X-Forwarded-For": f"10.0.0.{n}"}
                )
                for n in range(4)
            ]
    finally:
        direct.stop()
    assert [r.status_code for r in spoofed] == [403, 403, 403, 429]

    proxied = AppProcess(tmp_path / "proxied" / "storage", RATE_LIMIT_PER_MIN="3", TRUSTED_PROXIES="127.0.0.1").start()
    try:
        with proxied.client() as client:  # behind a trusted proxy each client has its own budget
            first = [
                client.post(
                    "/interview/start", json={"invite_token": "z" * 32}, headers={"X-Forwarded-For": "203.0.113.7"}
                )
                for _ in range(4)
            ]
            second = client.post(
                "/interview/start", json={"invite_token": "z" * 32}, headers={"X-Forwarded-For": "203.0.113.8"}
            )
    finally:
        proxied.stop()
    assert [r.status_code for r in first] == [403, 403, 403, 429]
    assert second.status_code == 403


def test_a_flood_without_credentials_does_not_starve_interviews_or_admins(tmp_path: Path) -> None:
    app = AppProcess(tmp_path / "storage", RATE_LIMIT_PER_MIN="5").start()
    try:
        with app.client() as client:
            family_id = create_template(client)["family_id"]
            started = start(client, family_id)
            session_id = started["session_id"]
            later, link = invite(client, family_id)["invite_token"], invite(client, family_id)["invite_token"]
            codes: list[int] = []
            while 429 not in codes:  # someone on the candidates' address floods the public API
                assert len(codes) < 10, codes
                codes.append(client.post("/interview/start", json={"invite_token": "z" * 32}).status_code)
            own = {"Authorization": f"Bearer {started['ws_token']}"}
            report = client.get(f"/report/{session_id}.json", headers=own)
            finalize = client.post("/report/finalize", json={"session_id": session_id}, headers=own)
            templates = client.get("/api/templates", headers=admin_headers())
            next_candidate = client.post("/interview/start", json={"invite_token": later})
            opened = client.get(f"/i/{link}")
            malformed = client.post("/interview/start", json={"invite": "z" * 32})
            still_limited = client.post("/interview/start", json={"invite_token": "z" * 32})
    finally:
        app.stop()
    assert codes == [403] * 5 + [429]
    assert report.status_code == 403  # reports are for reviewers, rather than 429
    assert finalize.status_code == 409  # the interview runs, rather than 429
    assert templates.status_code == 200
    assert next_candidate.status_code == 200  # a valid invite starts its interview all the same
    assert (opened.status_code, opened.headers["location"]) == (303, "/interview")
    assert malformed.status_code == 429  # invalid requests count against the address
    assert still_limited.status_code == 429


# ------------------------------------------------------------------ 7: tracebacks carry no candidate data


def test_a_failed_insert_does_not_carry_the_values_it_tried_to_write(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    db.create_tables()
    with db.session() as s:
        s.add(AppSetting(key="note", value="first"))
    with pytest.raises(IntegrityError) as failed, db.session() as s:
        s.add(AppSetting(key="note", value=SECRET_ANSWER))
    db.dispose()
    assert "UNIQUE" in str(failed.value)
    assert SECRET_ANSWER not in str(failed.value)


def test_a_logged_traceback_is_redacted(tmp_path: Path) -> None:
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.hardening.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            try:
                raise KeyError(SECRET_ANSWER)
            except KeyError as missing:
                raise ValueError(f"could not store {SECRET_ANSWER!r} for ada@example.org") from missing
        except ValueError:
            logger.exception("saving an answer failed")
    finally:
        logger.removeHandler(handler)
    logged = output.getvalue()
    assert "saving an answer failed" in logged
    assert "Traceback (most recent call last)" in logged
    assert "raise KeyError(SECRET_ANSWER)" in logged  # frames stay readable
    assert "The above exception was the direct cause" in logged
    assert "ValueError: could not store '[redacted]' for [email]" in logged
    assert "Initech" not in logged
    assert "ada@example.org" not in logged


# ------------------------------------------------------------------ 9: admin sessions and logins


async def log_in(user: User, password: str = ADMIN_PASSWORD) -> None:
    await user.open("/login")
    user.find("password-input").clear().type(password)
    user.find("login-button").click()


async def test_logging_out_ends_the_admin_cookie_on_the_server(user: User) -> None:
    await log_in(user)
    await user.should_see("Sessions", retries=100)  # two redirects: up to 10 s on a busy machine
    cookie = user.http_client.cookies.get(ADMIN_COOKIE)
    assert cookie
    copy = {"Cookie": f"{ADMIN_COOKIE}={cookie}"}
    assert (await user.http_client.get("/admin", headers=copy, follow_redirects=False)).status_code == 200
    await user.http_client.get("/auth/logout")
    replayed = await user.http_client.get("/admin", headers=copy, follow_redirects=False)
    assert replayed.status_code == 303
    assert replayed.headers["location"] == "/login"


async def test_failed_logins_make_the_next_attempt_wait(user: User) -> None:
    for _ in range(5):
        await log_in(user, "wrong password")
        await user.should_see("Wrong password")
    await log_in(user)  # even the right password waits now
    await user.should_see("Too many failed logins; try again in")
    await user.should_not_see("Sessions")


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_a_login_ticket_works_once_also_across_a_restart(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if engine == "postgres" else f"sqlite:///{tmp_path / 'db.sqlite'}"
    db = Database(url)
    db.create_tables()
    signer = Signer("a-secret-long-enough-for-the-test", AdminSessions(db))
    ticket, spare = signer.login_ticket(1), signer.login_ticket(1)
    assert signer.redeem_login_ticket(ticket) == 1
    assert signer.redeem_login_ticket(ticket) is None
    db.dispose()
    restarted_db = Database(url)
    restarted = Signer("a-secret-long-enough-for-the-test", AdminSessions(restarted_db))
    assert restarted.redeem_login_ticket(ticket) is None
    assert restarted.redeem_login_ticket(spare) == 1  # an unused one still works, once
    assert restarted.redeem_login_ticket("forged.ticket.value") is None
    restarted_db.dispose()


def test_many_addresses_guessing_slow_the_account_down_but_not_its_known_admin_nor_other_accounts() -> None:
    now = [1000.0]
    backoff = LoginBackoff(free_per_address=5, free_per_account=20, clock=lambda: now[0])
    backoff.succeeded("198.51.100.1", "admin")  # the admin logged in from here before
    for n in range(20):
        assert backoff.wait_s(f"203.0.113.{n}", "admin") == 0
        backoff.failed(f"203.0.113.{n}", "admin")
    backoff.succeeded("203.0.113.7", "guesser@example.com")  # the guesser's own account: resets only that one
    assert backoff.wait_s("203.0.113.200", "admin") == 1  # a new address waits for the account
    assert backoff.wait_s("203.0.113.7", "admin") == 1
    assert backoff.wait_s("203.0.113.200", "reviewer@example.com") == 0  # another account does not wait
    for _ in range(6):
        backoff.failed("203.0.113.200", "admin")
    assert backoff.wait_s("203.0.113.201", "admin") == 64
    assert backoff.wait_s("198.51.100.1", "admin") == 0  # the known address is not locked out by the guessers
    now[0] += 3600
    assert backoff.wait_s("203.0.113.201", "admin") == 0  # an hour later it starts over


def test_a_script_logging_in_is_answered_429_with_retry_after_per_address_and_per_account(tmp_path: Path) -> None:
    """`POST /auth/login` behind the compose file's proxy: five wrong passwords from one address, then even the
    right one waits (429, Retry-After); twenty wrong ones on the admin account from anywhere make every new address
    wait for it, but not another account, nor the address the admin logged in from before."""
    app = AppProcess(tmp_path / "storage", TRUSTED_PROXIES="127.0.0.1").start()

    def log_in(address: str, password: str, email: str = "") -> httpx.Response:
        body = {"email": email, "password": password}
        with app.client() as client:
            return client.post("/auth/login", json=body, headers={"X-Forwarded-For": address})

    try:
        admins_own = log_in("198.51.100.1", ADMIN_PASSWORD)
        guesses = [log_in("203.0.113.1", "wrong password") for _ in range(5)]
        after_guesses = log_in("203.0.113.1", ADMIN_PASSWORD)
        spread = [log_in(f"203.0.113.{n}", "wrong password") for n in range(10, 25)]
        new_address = log_in("203.0.113.99", ADMIN_PASSWORD)
        other_account = log_in("203.0.113.99", "wrong password", "reviewer@example.com")
        admin_again = log_in("198.51.100.1", ADMIN_PASSWORD)
    finally:
        app.stop()
    assert admins_own.status_code == 200, admins_own.text
    assert admins_own.json()["role"] == "admin"
    assert ADMIN_COOKIE in admins_own.cookies
    assert [r.status_code for r in guesses + spread] == [401] * 20
    assert guesses[0].json() == {"detail": "wrong password or e-mail"}
    for waiting in (after_guesses, new_address):
        assert waiting.status_code == 429, waiting.text
        assert int(waiting.headers["retry-after"]) >= 1
        assert "retry after" in waiting.json()["detail"]
    assert other_account.status_code == 401
    assert admin_again.status_code == 200
