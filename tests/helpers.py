"""What many tests share: a template, answers, and the calls a candidate or an integrator makes."""

from __future__ import annotations

import json
import wave
import weakref
from pathlib import Path
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
from tests.conftest import ADMIN_API_KEY, AppProcess, admin_headers

TEMPLATE: dict[str, Any] = {
    "name": "Data engineer",
    "practice_question": "",  # the tests that are about the practice question add one
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


_unread: weakref.WeakKeyDictionary[ClientConnection, list[dict[str, Any]]] = weakref.WeakKeyDictionary()
"""Messages `receive_until` read past, per socket (weakly keyed: a closed socket's leftovers go with it, and a
new socket never inherits them, as it could by reusing an old one's `id`)."""


def receive_until(ws: ClientConnection, kind: str) -> dict[str, Any]:
    """The next message of `kind`; messages of other kinds stay readable, in order, for later calls."""
    unread = _unread.setdefault(ws, [])
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


def receive_until_any(ws: ClientConnection, kinds: set[str]) -> dict[str, Any]:
    """The next message whose type is one of `kinds`, skipping others (30 s at most per message)."""
    while True:
        message = json.loads(ws.recv(timeout=30))
        if message["type"] in kinds:
            return dict(message)


REASON = "The candidate described the Airflow retries in depth when asked in the live call."


def adjust(app: AppProcess, session_id: str, **body: Any) -> Any:
    """A reviewer's adjustment of one criterion's score (as the admin API key)."""
    with app.client() as client:
        return client.post(f"/api/sessions/{session_id}/adjustments", json=body, headers=admin_headers())


# spoken answers over POST /stt/stream
CHUNK_BYTES = 16_000  # 0.5 s of 16 kHz PCM16
RAW = "audio/L16; rate=16000"


def pcm_of(path: Path) -> bytes:
    with wave.open(str(path)) as wav:
        frames: bytes = wav.readframes(wav.getnframes())
    return frames


def chunks_of(pcm: bytes) -> list[bytes]:
    return [pcm[i : i + CHUNK_BYTES] for i in range(0, len(pcm), CHUNK_BYTES)]


def send_chunk(
    client: httpx.Client,
    started: dict[str, Any],
    seq: int,
    body: bytes,
    *,
    final: bool = False,
    question: int = 0,
    content_type: str = RAW,
    token: str | None = None,
) -> httpx.Response:
    """One chunk of a spoken answer to `POST /stt/stream` (the candidate's token unless `token` is given)."""
    params = {
        "session_id": started["session_id"],
        "question_id": started["questions"][question]["id"],
        "seq": seq,
        "final": str(final).lower(),
    }
    headers = {"Authorization": f"Bearer {token or started['ws_token']}", "Content-Type": content_type}
    return client.post("/stt/stream", params=params, content=body, headers=headers)


# an interview with a language model (the stand-in in tests/llm_server.py)
WITH_LLM: dict[str, Any] = {
    **TEMPLATE,
    "questions": [{**TEMPLATE["questions"][0], "max_follow_ups": 1}, TEMPLATE["questions"][1]],
    "criteria": [{**TEMPLATE["criteria"][0], "llm_weight": 0.5}, TEMPLATE["criteria"][1]],
}
FOLLOW_UP_ANSWER = "Latency dropped from two seconds to three hundred milliseconds."


def llm_app(storage: Path, provider: str, port: int) -> AppProcess:
    """A running app whose language model (`provider`) is the stand-in server on `port`."""
    base = {"openai": f"http://127.0.0.1:{port}/v1", "ollama": f"http://127.0.0.1:{port}"}[provider]
    return AppProcess(
        storage,
        LLM_PROVIDER=provider,
        OPENAI_BASE_URL=base,
        OLLAMA_BASE_URL=base,
        OPENAI_MODEL="test-model",
        OLLAMA_MODEL="test-model",
        OPENAI_API_KEY="sk-test-secret-key",
        LLM_TIMEOUT_S="2",
        LLM_FOLLOWUP_TIMEOUT_S="2",
    ).start()


def interview(app: AppProcess) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Answer every question (and any follow-up) over the WebSocket; returns the report and the questions seen."""
    with app.client() as client:
        started = start(client, create_template(client, WITH_LLM)["family_id"])
        seen = []
        with ws_connect(app, started["session_id"], started["ws_token"]) as ws:
            question = receive_until(ws, "state")["question"]
            answers = {"q-pipeline": ANSWER_1, "q-failure": ANSWER_2}
            while True:
                seen.append(question)
                text = answers.get(question["id"], FOLLOW_UP_ANSWER)
                ws.send(json.dumps({"type": "answer", "question_id": question["id"], "text": text}))
                receive_until(ws, "ack")
                ws.send(json.dumps({"type": "next"}))
                message = receive_until_any(ws, {"question", "finished"})
                if message["type"] == "finished":
                    break
                question = message["question"]
        body = client.post("/report/finalize", json={"session_id": started["session_id"]}, headers=admin_headers())
    return body.json()["report"], seen


def reviewer_connect(app: AppProcess, session_id: str) -> ClientConnection:
    """The admin's (API key's) live socket on a session, as the reviewer's session page opens it."""
    url = f"ws://127.0.0.1:{app.port}/interview/ws/{session_id}"
    return connect(url, additional_headers={"Authorization": f"Bearer {ADMIN_API_KEY}"}, open_timeout=10)
