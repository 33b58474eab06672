"""What many tests share: a template, answers, and the calls a candidate or an integrator makes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from interviewer.accounts import Accounts, Role
from interviewer.admin_sessions import AdminSessions
from interviewer.audit import AuditLog
from interviewer.db import Database
from interviewer.security import ADMIN_COOKIE, Signer
from tests.conftest import AppProcess, admin_headers

TEMPLATE: dict[str, Any] = {
    "name": "Data engineer",
    "role": "Data engineer",
    "questions": [
        {"id": "q-pipeline", "text": "Describe a data pipeline you built.", "time_limit_s": 120},
        {"id": "q-failure", "text": "Tell me about a failure and what you learned.", "time_limit_s": 120},
    ],
    "criteria": [
        {
            "id": "c-tech",
            "name": "Technical depth",
            "weight": 2,
            "evidence_phrases": ["airflow | scheduler", "partition", "idempotent"],
            "expected_words_min": 5,
            "expected_words_max": 200,
        },
        {"id": "c-story", "name": "Storytelling", "structure_cues": True, "expected_words_min": 5},
    ],
}
CANDIDATE = "Ada Lovelace-Testperson"
TEAM_PASSWORD = "a teammate's long password"
ANSWER_1 = "I built an idempotent pipeline in Airflow that writes one partition per day."
ANSWER_2 = "When I was at my previous job the nightly load failed. I decided to add retries; as a result it improved."


def create_template(client: httpx.Client, content: dict[str, Any] = TEMPLATE) -> dict[str, Any]:
    response = client.post("/api/templates", json=content, headers=admin_headers())
    assert response.status_code == 201, response.text
    return dict(response.json())


def invite(client: httpx.Client, family_id: str, name: str = CANDIDATE) -> dict[str, Any]:
    response = client.post(
        "/api/invites",
        json={"template_family_id": family_id, "candidate_name": name, "candidate_email": "ada@example.org"},
        headers=admin_headers(),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def start(client: httpx.Client, family_id: str) -> dict[str, Any]:
    token = invite(client, family_id)["invite_token"]
    response = client.post("/interview/start", json={"invite_token": token})
    assert response.status_code == 200, response.text
    return dict(response.json())


def ws_connect(app: AppProcess, session_id: str, token: str, origin: str | None = None) -> ClientConnection:
    url = f"ws://127.0.0.1:{app.port}/interview/ws/{session_id}?token={token}"
    headers = {"Origin": origin} if origin else None
    return connect(url, additional_headers=headers, open_timeout=10)


_unread: dict[int, list[dict[str, Any]]] = {}


def receive_until(ws: ClientConnection, kind: str) -> dict[str, Any]:
    """The next message of `kind`; messages of other kinds stay readable, in order, for later calls."""
    unread = _unread.setdefault(id(ws), [])
    for message in unread:
        if message["type"] == kind:
            unread.remove(message)
            return message
    while True:
        message = json.loads(ws.recv(timeout=20))
        if message["type"] == kind:
            return dict(message)
        unread.append(message)


def answer_all(app: AppProcess, started: dict[str, Any], answers: list[str]) -> None:
    """Answer every question over the WebSocket, then finish."""
    with ws_connect(app, started["session_id"], started["ws_token"]) as ws:
        assert receive_until(ws, "state")["status"] == "in_progress"
        for question, text in zip(started["questions"], answers, strict=True):
            ws.send(json.dumps({"type": "answer", "question_id": question["id"], "text": text}))
            assert receive_until(ws, "ack")["question_id"] == question["id"]
            ws.send(json.dumps({"type": "next"}))
        receive_until(ws, "report")


def closing_code(app: AppProcess, session_id: str, token: str, origin: str | None = None) -> int:
    """The close code the server sends right after the handshake."""
    with pytest.raises(ConnectionClosed) as closed, ws_connect(app, session_id, token, origin) as ws:
        ws.recv(timeout=10)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


def join_team(app_process: AppProcess, email: str, role: Role) -> dict[str, str]:
    """An admin invites a teammate over the API; they set their password on the link's page (its service here)
    and log in with the ticket the login page would give them. Returns their login cookie."""
    with app_process.client() as client:
        created = client.post("/api/users/invites", json={"email": email, "role": role}, headers=admin_headers())
    assert created.status_code == 201, created.text
    db = Database(f"sqlite:///{app_process.env['STORAGE_DIR']}/interviewer.db")
    account = Accounts(db, AuditLog(db), "").join(created.json()["url"].rsplit("/join/", 1)[1], TEAM_PASSWORD)
    ticket = Signer(app_process.env["SESSION_SECRET"], AdminSessions(db)).login_ticket(account.id or 0)
    db.dispose()
    with app_process.client() as client:
        logged_in = client.get(f"/auth/complete?ticket={ticket}")
    assert logged_in.status_code == 303
    return {ADMIN_COOKIE: logged_in.cookies[ADMIN_COOKIE]}
