"""Attention events from the candidate's browser: validation, storage, and aggregation for the report.

Only events leave the browser, never pixels: a message over a few KB or with anything that looks like
image data is refused whole. Events are flags for a human reviewer; only an integrity criterion of the rubric
(`interviewer.scoring`) turns them into points.
"""

from __future__ import annotations

import enum
import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlmodel import col, select

from interviewer.db import Database
from interviewer.errors import Conflict, Invalid, NotFound
from interviewer.events import SessionEvents
from interviewer.invites import as_utc
from interviewer.models import AttentionEventRow, InterviewSession, SessionStatus, utc_now
from interviewer.ratelimit import RateLimiter

MAX_MESSAGE_BYTES = 4096
MAX_MEASURED_VALUES = 12
_IMAGE_LIKE = re.compile(r"data:image/|data:video/|[A-Za-z0-9+/]{200,}")


class AttentionKind(enum.StrEnum):
    FACE_ABSENT = "face_absent"
    MULTIPLE_FACES = "multiple_faces"
    LOOKING_AWAY = "looking_away"
    PHONE_DETECTED = "phone_detected"
    TAB_HIDDEN = "tab_hidden"
    WINDOW_BLUR = "window_blur"
    PASTE = "paste"
    CAMERA_LOST = "camera_lost"


INATTENTIVE = {
    AttentionKind.FACE_ABSENT,
    AttentionKind.LOOKING_AWAY,
    AttentionKind.TAB_HIDDEN,
    AttentionKind.WINDOW_BLUR,
}


class AttentionEventIn(BaseModel):
    """`{"type": "attention", "event", "start_ms", "duration_ms", "confidence", ...measured values}`."""

    model_config = ConfigDict(extra="allow")

    type: str = "attention"
    event: AttentionKind
    start_ms: int = Field(ge=1_577_836_800_000, description="Epoch milliseconds (after 2020).")
    duration_ms: int = Field(default=0, ge=0, le=6 * 3600 * 1000)
    confidence: float = Field(default=1.0, ge=0, le=1)

    @model_validator(mode="after")
    def _measured_values_are_small_scalars(self) -> AttentionEventIn:
        extra = self.model_extra or {}
        if len(extra) > MAX_MEASURED_VALUES:
            raise ValueError(f"at most {MAX_MEASURED_VALUES} measured values")
        for key, value in extra.items():
            if not isinstance(value, int | float | bool | str) or (isinstance(value, str) and len(value) > 64):
                raise ValueError(f"measured value {key!r} must be a number, a boolean or a short string")
        if self.start_ms > utc_now().timestamp() * 1000 + 60_000:
            raise ValueError("start_ms is in the future")
        return self

    @property
    def values(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


PLAIN_WORDS: dict[str, str] = {
    AttentionKind.FACE_ABSENT.value: "face not visible",
    AttentionKind.MULTIPLE_FACES.value: "more than one person in view",
    AttentionKind.LOOKING_AWAY.value: "looking away from the screen",
    AttentionKind.PHONE_DETECTED.value: "a phone in view",
    AttentionKind.TAB_HIDDEN.value: "this tab was hidden",
    AttentionKind.WINDOW_BLUR.value: "another window was in front",
    AttentionKind.PASTE.value: "text pasted into an answer",
    AttentionKind.CAMERA_LOST.value: "the camera stopped",
}
MAX_NOTE_CHARS = 300


def in_plain_words(kind: str, start_ms: int, duration_ms: int, started_ms: int | None) -> str:
    """An event as the candidate reads it, e.g. "face not visible, 12 s at 3:40" (time since the interview began)."""
    what = PLAIN_WORDS.get(kind, kind)
    seconds = round(duration_ms / 1000)
    said = f"{what}, {seconds} s" if seconds >= 1 else what
    if started_ms is None:
        return said
    at = max(0, start_ms - started_ms) // 1000
    return f"{said} at {at // 60}:{at % 60:02d}"


class OwnFlag(BaseModel):
    """An attention event as the candidate is shown it before finishing, with their note (if any)."""

    id: int
    event: str
    start_ms: int
    duration_ms: int
    words: str = Field(description='In plain words, e.g. "face not visible, 12 s at 3:40".')
    note: str | None = None


class KindSummary(BaseModel):
    kind: str
    count: int
    total_ms: int


class AttentionSummary(BaseModel):
    attentive_share: float | None  # share of the interview not covered by an inattentive event
    by_kind: list[KindSummary]
    timeline: list[dict[str, Any]]


class AttentionService:
    def __init__(self, db: Database, events: SessionEvents, per_minute: int = 120) -> None:
        self._db = db
        self._events = events
        self._limiter = RateLimiter({"attention": per_minute})

    async def record(self, session_id: str, raw: str | dict[str, Any]) -> AttentionEventIn:
        """Validate and store one event; raises `Invalid` (nothing stored) or `RateLimited`.

        The session's budget is counted first, so a flood (valid or not) past it costs no parsing.
        """
        self._limiter.hit("attention", session_id)
        text = raw if isinstance(raw, str) else json.dumps(raw)
        if len(text.encode()) > MAX_MESSAGE_BYTES:
            raise Invalid(f"attention event larger than {MAX_MESSAGE_BYTES} bytes: only events, never frames")
        if _IMAGE_LIKE.search(text):
            raise Invalid("attention event looks like it carries image data; only measured values are accepted")
        try:
            event = AttentionEventIn.model_validate_json(text)
        except ValidationError as error:
            first = error.errors()[0]
            raise Invalid(
                f"invalid attention event: {'.'.join(map(str, first['loc'])) or 'event'}: {first['msg']}"
            ) from error
        with self._db.session() as s:
            s.add(
                AttentionEventRow(
                    session_id=session_id,
                    kind=event.event.value,
                    start_ms=event.start_ms,
                    duration_ms=event.duration_ms,
                    confidence=event.confidence,
                    measured=event.values,
                )
            )
        # imported here: the bus messages import the scoring, which imports this module
        from interviewer.event_messages import AttentionNoted

        measured = event.model_dump(mode="json", exclude={"type"})
        await self._events.publish(AttentionNoted(session_id=session_id, **measured))
        return event

    def events(self, session_id: str) -> list[AttentionEventRow]:
        with self._db.session() as s:
            return list(
                s.exec(
                    select(AttentionEventRow)
                    .where(AttentionEventRow.session_id == session_id)
                    .order_by(col(AttentionEventRow.start_ms), col(AttentionEventRow.id))
                )
            )

    def own_flags(self, session: InterviewSession) -> list[OwnFlag]:
        """The session's events as its candidate sees them (in plain words, times since the interview began)."""
        started = int(as_utc(session.consented_at).timestamp() * 1000) if session.consented_at else None
        return [
            OwnFlag(
                id=r.id or 0,
                event=r.kind,
                start_ms=r.start_ms,
                duration_ms=r.duration_ms,
                words=in_plain_words(r.kind, r.start_ms, r.duration_ms, started),
                note=r.candidate_note,
            )
            for r in self.events(session.id)
        ]

    def add_note(self, session: InterviewSession, event_id: int, note: str) -> None:
        """The candidate's short note on one of their own events (before they finish); "" removes it."""
        note = " ".join(note.split())
        if len(note) > MAX_NOTE_CHARS:
            raise Invalid(f"a note is at most {MAX_NOTE_CHARS} characters")
        if session.status != SessionStatus.IN_PROGRESS:
            raise Conflict("notes can be added only before the interview is finished")
        with self._db.session() as s:
            row = s.get(AttentionEventRow, event_id)
            if row is None or row.session_id != session.id:
                raise NotFound("no such attention event in this interview")
            row.candidate_note = note or None
            s.add(row)

    def summary(self, session: InterviewSession) -> AttentionSummary:
        """The session's events over the interview so far: from consent to its end (or now, while it runs)."""
        started, ended = session.consented_at, session.finished_at or utc_now()
        return summarize(
            self.events(session.id),
            int(as_utc(started).timestamp() * 1000) if started else None,
            int(as_utc(ended).timestamp() * 1000),
        )


def summarize(rows: list[AttentionEventRow], started_ms: int | None, ended_ms: int | None) -> AttentionSummary:
    """Counts and durations per kind, the attentive share of [started, ended], and the timeline."""
    by_kind = [
        KindSummary(kind=kind.value, count=len(mine), total_ms=sum(r.duration_ms for r in mine))
        for kind in AttentionKind
        if (mine := [r for r in rows if r.kind == kind.value])
    ]
    share = None
    if started_ms is not None and ended_ms is not None and ended_ms > started_ms:
        spans = sorted(
            (max(r.start_ms, started_ms), min(r.start_ms + r.duration_ms, ended_ms))
            for r in rows
            if r.kind in INATTENTIVE
        )
        covered, reach = 0, started_ms
        for start, end in spans:
            start = max(start, reach)
            if end > start:
                covered += end - start
                reach = end
        share = round(1 - covered / (ended_ms - started_ms), 3)
    timeline = [
        {
            "event": r.kind,
            "start_ms": r.start_ms,
            "duration_ms": r.duration_ms,
            "confidence": r.confidence,
            **(r.measured or {}),
            **({"candidate_note": r.candidate_note} if r.candidate_note else {}),
        }
        for r in rows
    ]
    return AttentionSummary(attentive_share=share, by_kind=by_kind, timeline=timeline)
