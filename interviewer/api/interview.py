"""Interview API for integrators: `POST /interview/start` and `WS /interview/ws/{session_id}`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from interviewer.api.deps import SystemDep, client_ip, count_failed_redemption, is_team_member, session_of_bearer
from interviewer.api.errors import error_responses
from interviewer.api.strict_json import UnsafeJson, strict_loads
from interviewer.attention import MAX_NOTE_CHARS
from interviewer.errors import DomainError, NotFound
from interviewer.event_messages import EventMessage, ReportReady
from interviewer.interview import PRACTICE_ID, SessionView
from interviewer.models import Accommodations, Flag, QuestionPublic
from interviewer.ratelimit import RateLimited
from interviewer.security import CANDIDATE_COOKIE, origin_allowed
from interviewer.system import System

router = APIRouter(tags=["interview"])
log = logging.getLogger(__name__)

Message = dict[str, Any]
"""One JSON message the interview socket sends: a bus message (`interviewer.event_messages`) as JSON, or a reply."""

POLICY_VIOLATION = 1008
INTERNAL_ERROR = 1011
MAX_WS_MESSAGE_BYTES = 64_000


class StartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invite_token: str = Field(min_length=16, max_length=128)
    ai_scoring: Flag = Field(
        default=True,
        description="false: the candidate chose to have a person assess the answers instead of the automatic "
        "scoring; the report then holds no engine score until reviewers set every criterion.",
    )


class StartOut(BaseModel):
    session_id: str
    questions: list[QuestionPublic]
    ws_token: str = Field(description="Bearer token for this session's WS, STT and report calls; short-lived.")
    ws_url: str
    expires_in_s: int
    ai_scoring: bool = Field(description="Whether the automatic scoring assesses the answers (else a person).")
    accommodations: Accommodations = Field(
        description="What the invite granted; the questions' `time_limit_s` already include the extra time."
    )


@router.post("/interview/start", responses=error_responses(403, 409, 410, 413, 422, 429))
async def start(body: StartIn, request: Request, system: SystemDep) -> StartOut:
    """Redeem an invite token (single use) and start the interview at its first question.

    The integrator is responsible for showing the candidate the privacy notice before calling this, and for
    offering "Have a person assess my answers instead of the automatic scoring" (`"ai_scoring": false`).
    Only failed calls count against the client address' limits (RATE_LIMIT_PER_MIN, REDEEM_RATE_LIMIT_PER_MIN):
    a valid invite starts its interview even while someone on the same address floods this route.
    """
    try:
        session_id = system.interview.open_invite(body.invite_token, consented=True, ai_scoring=body.ai_scoring)
    except DomainError:
        count_failed_redemption(system, client_ip(request))
        raise
    view = system.interview.view(session_id)
    token = system.signer.session_token(session_id)
    return StartOut(
        session_id=session_id,
        questions=[await with_voice(system, session_id, q) for q in view.questions_public()],
        ws_token=token,
        ws_url=f"/interview/ws/{session_id}?token=<ws_token>",
        expires_in_s=system.settings.ws_token_ttl_min * 60,
        ai_scoring=view.session.ai_scoring,
        accommodations=view.invite.accommodations,
    )


async def with_voice(system: System, session_id: str, question: QuestionPublic) -> QuestionPublic:
    """The question with the URL of its audio and its word timings (synthesized now if not cached)."""
    spoken = await system.voice.speak(question.text)
    if spoken is None or not spoken[0].media_type:
        return question
    timings = [t.model_dump() for t in spoken[0].timings]
    return question.model_copy(update={"audio_url": f"/interview/{session_id}/audio/{question.id}", "timings": timings})


@router.get(
    "/interview/{session_id}/audio/{question_id}",
    responses=error_responses(
        401, 403, 404, 422, ok={"content": {"audio/wav": {"schema": {"type": "string", "format": "binary"}}}}
    ),
)
async def question_audio(session_id: str, question_id: str, request: Request, system: SystemDep) -> FileResponse:
    """A question of this session, spoken. Authorized by the session's bearer token or the candidate's cookie."""
    owner = session_of_bearer(request, system) or system.signer.candidate_session(request.cookies.get(CANDIDATE_COOKIE))
    if owner is None:
        raise HTTPException(401, "a session token or the candidate's cookie is required")
    if owner != session_id:
        raise HTTPException(403, "this token belongs to another session")
    view = system.interview.view(session_id)
    asked = {q.id: q.text for q, _ in view.asked()}
    if view.content.practice_question:  # the practice question is spoken too (it is never stored)
        asked.setdefault(PRACTICE_ID, view.content.practice_question)
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


class FlagsMsg(BaseModel):
    """Before finishing: the attention events recorded, in plain words, to show the candidate."""

    type: Literal["flags"]


class FlagNoteMsg(BaseModel):
    """The candidate's short note on one of their attention events (before finishing; "" removes it)."""

    type: Literal["flag_note"]
    event_id: int
    note: str = Field(max_length=MAX_NOTE_CHARS)


class PauseMsg(BaseModel):
    """Pause (`paused` true) or resume the current answer's clock: invites with the accommodation "pausable_timer"."""

    type: Literal["pause"]
    question_id: str = Field(min_length=1, max_length=32)
    paused: bool = Field(strict=True)


class RetakeMsg(BaseModel):
    """Discard the current question's answer and answer it again: templates with `retakes` 1, once a question."""

    type: Literal["retake"]
    question_id: str = Field(min_length=1, max_length=32)


ClientMessage = Annotated[
    AnswerMsg | NextMsg | FinishMsg | ListeningMsg | FlagsMsg | FlagNoteMsg | PauseMsg | RetakeMsg,
    Field(discriminator="type"),
]
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
        "answered": sorted(q for q, answer in view.answers.items() if answer.text),  # not one discarded to retake
    }


@router.websocket("/interview/ws/{session_id}")
async def interview_socket(websocket: WebSocket, session_id: str, token: str = "") -> None:
    """JSON messages both ways; see the README's API section for the message types.

    With `?token=<ws_token>` it is the candidate's socket: it never carries scores or the rubric. Without a
    token the admin key (`Authorization: Bearer`) or a team member's login cookie opens a reviewer's socket, which
    receives every event, scores included, and sends nothing.
    """
    system: System = websocket.app.state.system
    await websocket.accept()
    if not origin_allowed(websocket.headers.get("origin"), system.settings.origins):
        await websocket.close(code=POLICY_VIOLATION, reason="origin not allowed")
        return
    if token:
        reviewer = False
        if system.signer.session_of_token(token, system.settings.ws_token_ttl_min * 60) != session_id:
            await websocket.close(code=POLICY_VIOLATION, reason="invalid or expired token for this session")
            return
    elif is_team_member(websocket, system):
        reviewer = True
    else:
        await websocket.close(code=POLICY_VIOLATION, reason="a session token or the admin key is required")
        return
    try:
        view = system.interview.view(session_id)
    except NotFound:  # e.g. erased: its token still verifies, but there is nothing left
        await websocket.close(code=POLICY_VIOLATION, reason="no such interview (it may have been erased)")
        return

    outbox: asyncio.Queue[Message] = asyncio.Queue(maxsize=256)
    unsubscribe = system.events.subscribe(
        session_id, lambda m: _offer(outbox, m.model_dump(mode="json") if reviewer else for_candidate(m))
    )
    sender = asyncio.create_task(_send_loop(websocket, outbox, system))
    budget = MessageBudget(system.settings.ws_messages_per_s)
    try:
        await outbox.put(state_message(view))
        while True:
            frame = await websocket.receive()
            if frame["type"] == "websocket.disconnect":
                break
            if not budget.take():
                if (warning := budget.warning()) is not None:
                    await outbox.put(warning)
                continue
            if reviewer:
                reply: Message | None = {"type": "error", "detail": "a reviewer's socket only listens", "status": 403}
            elif frame.get("text") is None:
                reply = {"type": "error", "detail": "binary frames are not accepted: send JSON as text"}
            else:
                reply = await _handle(system, session_id, frame["text"])
            if reply is not None:
                await outbox.put(reply)
    except WebSocketDisconnect:
        pass
    except Exception:
        log.exception("interview socket of session %s failed", session_id)
        await _close(websocket, INTERNAL_ERROR, "internal error")
    finally:
        unsubscribe()
        sender.cancel()


CANDIDATE_EVENTS = {"state", "question", "answer_saved", "transcript", "finished", "report", "erased", "error", "ack"}
"""What a candidate's socket may carry. Never `score` (criteria, level descriptions, evidence, rules: the
candidate could tune answers to them), nor the reviewer's events (attention as stored, review)."""


def for_candidate(message: EventMessage) -> Message | None:
    """The part of an event the candidate may see, or None."""
    if message.type not in CANDIDATE_EVENTS:
        return None
    if isinstance(message, ReportReady):  # that it exists; its total is for reviewers
        return {"type": "report", "session_id": message.session_id}
    return message.model_dump(mode="json")


class MessageBudget:
    """Messages one socket may send: `per_s` a second on average, bursts of up to 3 s worth.

    Excess messages are dropped unread, and the client hears of it once per flood: the next warning comes only
    after it slowed down long enough for the whole burst to refill. A flood thus costs the server neither
    parsing nor replies.
    """

    def __init__(self, per_s: float) -> None:
        self.per_s = per_s
        self.capacity = max(1.0, 3 * per_s)
        self._tokens = self.capacity
        self._at = time.monotonic()
        self._warned = False

    def take(self) -> bool:
        """Count one message; False when it is over the budget (drop it)."""
        now = time.monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.per_s)
        self._at = now
        if self._tokens >= self.capacity:
            self._warned = False
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def warning(self) -> Message | None:
        """The error message for a dropped message, the first time in a flood; else None."""
        if self._warned:
            return None
        self._warned = True
        return {
            "type": "error",
            "status": 429,
            "detail": f"too many messages: at most {self.per_s:g} a second; further messages are dropped unread",
        }


def _offer(outbox: asyncio.Queue[Message], message: Message | None) -> None:
    if message is not None and not outbox.full():
        outbox.put_nowait(message)


async def _send_loop(websocket: WebSocket, outbox: asyncio.Queue[Message], system: System) -> None:
    """Sends the outbox in order; an erased session ends the socket (its token grants nothing any more)."""
    try:
        while True:
            message = await outbox.get()
            if message.get("type") == "erased":
                await _close(websocket, POLICY_VIOLATION, "the interview's data was erased")
                return
            await websocket.send_json(await _voiced(system, message))
    except (WebSocketDisconnect, RuntimeError, OSError):
        return  # the client went away while we were sending
    except Exception:
        log.exception("interview socket: sending failed")
        await _close(websocket, INTERNAL_ERROR, "internal error")


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
        await websocket.close(code=code, reason=reason)


async def _voiced(system: System, message: Message) -> Message:
    """Questions go out with their audio URL and word timings."""
    if message.get("type") not in ("question", "state") or not message.get("question"):
        return message
    question = QuestionPublic.model_validate(message["question"])
    voiced = await with_voice(system, str(message.get("session_id", "")), question)
    return {**message, "question": voiced.model_dump()}


async def _handle(system: System, session_id: str, raw: str) -> Message | None:
    """Apply one client message; returns a direct reply (events reach the client through the outbox)."""
    if len(raw) > MAX_WS_MESSAGE_BYTES or len(raw.encode()) > MAX_WS_MESSAGE_BYTES:
        return {"type": "error", "detail": f"message larger than {MAX_WS_MESSAGE_BYTES} bytes"}
    try:
        data = strict_loads(raw)
        if isinstance(data, dict) and data.get("type") == "attention":  # validated by the attention service
            event = await system.attention.record(session_id, raw)
            return {"type": "ack", "event": event.event.value}
        message = _client_message.validate_python(data)
    except UnsafeJson as error:
        return {"type": "error", "detail": str(error)}
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
        if isinstance(message, FlagsMsg):
            flags = system.attention.own_flags(system.interview.view(session_id).session)
            return {"type": "flags", "events": [f.model_dump() for f in flags]}
        if isinstance(message, FlagNoteMsg):
            system.attention.add_note(system.interview.view(session_id).session, message.event_id, message.note)
            return {"type": "ack", "event_id": message.event_id}
        if isinstance(message, ListeningMsg):
            system.interview.start_answer_clock(session_id, message.question_id)
            return {"type": "ack", "question_id": message.question_id}
        if isinstance(message, PauseMsg):
            view = system.interview.pause_clock(session_id, message.question_id, paused=message.paused)
            paused = view.session.clock_paused_at is not None
            return {"type": "ack", "question_id": message.question_id, "paused": paused}
        if isinstance(message, RetakeMsg):
            view = await system.interview.retake(session_id, message.question_id)
            system.speech.discard_answer(session_id, message.question_id)  # its recording too, as on the page
            return state_message(view)
        raise AssertionError(f"unhandled message {message!r}")
    except DomainError as error:
        return {"type": "error", "detail": error.detail, "status": error.status_code}


def _describe(error: json.JSONDecodeError | ValidationError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return "message is not valid JSON"
    first: dict[str, Any] = dict(error.errors()[0])
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"invalid message: {where or 'type'}: {first.get('msg')}"
