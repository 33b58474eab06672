"""Interview API for integrators: `POST /interview/start` and `WS /interview/ws/{session_id}`."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from interviewer.api.deps import RateLimitedApi, SystemDep, client_ip, session_of_bearer
from interviewer.errors import DomainError
from interviewer.events import Message
from interviewer.interview import SessionView
from interviewer.models import QuestionPublic
from interviewer.ratelimit import RateLimited
from interviewer.security import CANDIDATE_COOKIE, origin_allowed
from interviewer.system import System

router = APIRouter(tags=["interview"])
log = logging.getLogger(__name__)

POLICY_VIOLATION = 1008
MAX_WS_MESSAGE_BYTES = 64_000


class StartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invite_token: str = Field(min_length=16, max_length=128)


class StartOut(BaseModel):
    session_id: str
    questions: list[QuestionPublic]
    ws_token: str = Field(description="Bearer token for this session's WS, STT and report calls; short-lived.")
    ws_url: str
    expires_in_s: int


@router.post("/interview/start", dependencies=[RateLimitedApi])
async def start(body: StartIn, request: Request, system: SystemDep) -> StartOut:
    """Redeem an invite token (single use) and start the interview at its first question.

    The integrator is responsible for showing the candidate the privacy notice before calling this.
    """
    system.limiter.hit("redeem", client_ip(request))
    session_id = system.interview.open_invite(body.invite_token, consented=True)
    view = system.interview.view(session_id)
    token = system.signer.session_token(session_id)
    return StartOut(
        session_id=session_id,
        questions=[await with_voice(system, session_id, q) for q in view.questions_public()],
        ws_token=token,
        ws_url=f"/interview/ws/{session_id}?token=<ws_token>",
        expires_in_s=system.settings.ws_token_ttl_min * 60,
    )


async def with_voice(system: System, session_id: str, question: QuestionPublic) -> QuestionPublic:
    """The question with the URL of its audio and its word timings (synthesized now if not cached)."""
    spoken = await system.voice.speak(question.text)
    if spoken is None or not spoken[0].media_type:
        return question
    timings = [t.model_dump() for t in spoken[0].timings]
    return question.model_copy(update={"audio_url": f"/interview/{session_id}/audio/{question.id}", "timings": timings})


@router.get("/interview/{session_id}/audio/{question_id}", responses={200: {"content": {"audio/wav": {}}}})
async def question_audio(session_id: str, question_id: str, request: Request, system: SystemDep) -> FileResponse:
    """A question of this session, spoken. Authorized by the session's bearer token or the candidate's cookie."""
    owner = session_of_bearer(request, system) or system.signer.candidate_session(request.cookies.get(CANDIDATE_COOKIE))
    if owner is None:
        raise HTTPException(401, "a session token or the candidate's cookie is required")
    if owner != session_id:
        raise HTTPException(403, "this token belongs to another session")
    asked = {q.id: q.text for q, _ in system.interview.view(session_id).asked()}
    if question_id not in asked:
        raise HTTPException(404, "no such question in this session")
    spoken = await system.voice.speak(asked[question_id])
    if spoken is None or not spoken[0].media_type:
        raise HTTPException(404, "no audio: the question could not be synthesized, or the browser speaks it")
    return FileResponse(spoken[1], media_type=spoken[0].media_type, headers={"Cache-Control": "private, max-age=3600"})


# ---------------------------------------------------------------- WebSocket


class AnswerMsg(BaseModel):
    type: Literal["answer"]
    question_id: str = Field(min_length=1, max_length=32)
    text: str


class NextMsg(BaseModel):
    type: Literal["next"]


class FinishMsg(BaseModel):
    type: Literal["finish"]


class ListeningMsg(BaseModel):
    """The client played the question: the answer's time limit starts now."""

    type: Literal["listening"]
    question_id: str = Field(min_length=1, max_length=32)


ClientMessage = Annotated[AnswerMsg | NextMsg | FinishMsg | ListeningMsg, Field(discriminator="type")]
_client_message = TypeAdapter(ClientMessage)


def state_message(view: SessionView) -> Message:
    """Where the session stands, sent on connect so a reconnecting client can resume."""
    question = view.current_public()
    return {
        "type": "state",
        "session_id": view.session.id,
        "status": view.session.status.value,
        "index": view.session.current_index,
        "count": len(view.content.questions),
        "question": question.model_dump() if question else None,
        "answered": sorted(view.answers),
    }


@router.websocket("/interview/ws/{session_id}")
async def interview_socket(websocket: WebSocket, session_id: str, token: str = "") -> None:
    """JSON messages both ways; see the README's API section for the message types."""
    system: System = websocket.app.state.system
    await websocket.accept()
    if not origin_allowed(websocket.headers.get("origin"), system.settings.origins):
        await websocket.close(code=POLICY_VIOLATION, reason="origin not allowed")
        return
    if system.signer.session_of_token(token, system.settings.ws_token_ttl_min * 60) != session_id:
        await websocket.close(code=POLICY_VIOLATION, reason="invalid or expired token for this session")
        return

    outbox: asyncio.Queue[Message] = asyncio.Queue(maxsize=256)
    unsubscribe = system.events.subscribe(session_id, lambda m: _offer(outbox, m))
    sender = asyncio.create_task(_send_loop(websocket, outbox, system))
    try:
        await websocket.send_json(await _voiced(system, state_message(system.interview.view(session_id))))
        while True:
            raw = await websocket.receive_text()
            reply = await _handle(system, session_id, raw)
            if reply is not None:
                await outbox.put(reply)
    except WebSocketDisconnect:
        pass
    finally:
        unsubscribe()
        sender.cancel()


def _offer(outbox: asyncio.Queue[Message], message: Message) -> None:
    if not outbox.full():
        outbox.put_nowait(message)


async def _send_loop(websocket: WebSocket, outbox: asyncio.Queue[Message], system: System) -> None:
    while True:
        await websocket.send_json(await _voiced(system, await outbox.get()))


async def _voiced(system: System, message: Message) -> Message:
    """Questions go out with their audio URL and word timings."""
    if message.get("type") not in ("question", "state") or not message.get("question"):
        return message
    question = QuestionPublic.model_validate(message["question"])
    voiced = await with_voice(system, str(message.get("session_id", "")), question)
    return {**message, "question": voiced.model_dump()}


async def _handle(system: System, session_id: str, raw: str) -> Message | None:
    """Apply one client message; returns a direct reply (events reach the client through the outbox)."""
    if len(raw.encode()) > MAX_WS_MESSAGE_BYTES:
        return {"type": "error", "detail": f"message larger than {MAX_WS_MESSAGE_BYTES} bytes"}
    try:
        data = json.loads(raw)
        if isinstance(data, dict) and data.get("type") == "attention":  # validated by the attention service
            event = await system.attention.record(session_id, raw)
            return {"type": "ack", "event": event.event.value}
        message = _client_message.validate_python(data)
    except (json.JSONDecodeError, ValidationError) as error:
        return {"type": "error", "detail": _describe(error)}
    except (DomainError, RateLimited) as error:
        return {"type": "error", "detail": str(error.detail if isinstance(error, DomainError) else error)}
    try:
        if isinstance(message, AnswerMsg):
            await system.interview.save_answer(session_id, message.question_id, message.text)
            return {"type": "ack", "question_id": message.question_id}
        if isinstance(message, NextMsg):
            await system.interview.next_question(session_id)
            return None
        if isinstance(message, FinishMsg):
            await system.interview.finish(session_id)
            return None
        if isinstance(message, ListeningMsg):
            system.interview.start_answer_clock(session_id, message.question_id)
            return {"type": "ack", "question_id": message.question_id}
        raise AssertionError(f"unhandled message {message!r}")
    except DomainError as error:
        return {"type": "error", "detail": error.detail, "status": error.status_code}


def _describe(error: json.JSONDecodeError | ValidationError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return "message is not valid JSON"
    first: dict[str, Any] = dict(error.errors()[0])
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"invalid message: {where or 'type'}: {first.get('msg')}"
