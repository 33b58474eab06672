"""Erasing one candidate's data on the admin's request (right to erasure).

Deletes the session with its answers and transcripts, follow-up questions (and their cached speech),
attention events, the report, the reviewer's adjustments and the team's decisions, the webhook deliveries about
it, the candidate's voluntary self-description, any audio left, the model ratings cached for its answers, and the
invite with the candidate's name and e-mail. A running interview must be ended first; a report being built is
waited for (the session's lock, shared with the report service), so the model ratings it caches are erased too.
The log records only that a session was erased, never what it held.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel
from sqlmodel import col, select

from interviewer.audit import AuditAction, AuditLog, session_target
from interviewer.db import Database
from interviewer.errors import Conflict, NotFound
from interviewer.event_messages import SessionErased
from interviewer.events import SessionEvents
from interviewer.llm.ratings import rating_key_prefix
from interviewer.models import (
    Answer,
    AttentionEventRow,
    CachedRating,
    Decision,
    FollowUp,
    InterviewSession,
    Invite,
    ScoreAdjustment,
    SelfDescription,
    SessionStatus,
    StoredReport,
    WebhookDelivery,
)
from interviewer.session_locks import SessionLocks
from interviewer.stt.service import delete_session_audio
from interviewer.tts.cache import SpeechCache

log = logging.getLogger(__name__)


class ErasureReceipt(BaseModel):
    """What was deleted, as counts (nothing of the content)."""

    session_id: str
    answers: int
    follow_ups: int
    attention_events: int
    report: bool
    cached_ratings: int
    audio_files: int
    speech_files: int
    webhook_deliveries: int
    self_description: bool


class Erasure:
    def __init__(
        self,
        db: Database,
        audio_root: Path,
        speech: SpeechCache,
        events: SessionEvents,
        locks: SessionLocks,
        audit: AuditLog,
    ) -> None:
        self._db = db
        self._audit = audit
        self._locks = locks
        self._audio_root = audio_root
        self._speech = speech
        self._events = events

    async def erase(self, session_id: str, *, by: str) -> ErasureReceipt:
        """Delete everything stored about the session's candidate; raises NotFound or Conflict (still running).
        The audit trail keeps a line (`by`, the session id, no name); earlier lines about it stay as they are."""
        async with self._locks.hold(session_id):  # after the report being built, if any
            receipt = await self._erase(session_id)
        self._audit.record(by, AuditAction.CANDIDATE_ERASED, session_target(session_id))
        return receipt

    async def _erase(self, session_id: str) -> ErasureReceipt:
        with self._db.session() as s:
            session = s.get(InterviewSession, session_id)
            if session is None:
                raise NotFound("no such session")
            if session.status == SessionStatus.IN_PROGRESS:
                raise Conflict("the interview is still running: end it first, then erase the candidate's data")
            answers = s.exec(select(Answer).where(Answer.session_id == session_id)).all()
            follow_ups = s.exec(select(FollowUp).where(FollowUp.session_id == session_id)).all()
            ratings = [
                rating
                for prefix in sorted({rating_key_prefix(a.text) for a in answers})
                for rating in s.exec(select(CachedRating).where(col(CachedRating.key).startswith(prefix))).all()
            ]
            events = s.exec(select(AttentionEventRow).where(AttentionEventRow.session_id == session_id)).all()
            adjustments = s.exec(select(ScoreAdjustment).where(ScoreAdjustment.session_id == session_id)).all()
            decisions = s.exec(select(Decision).where(Decision.session_id == session_id)).all()
            report = s.get(StoredReport, session_id)
            deliveries = s.exec(select(WebhookDelivery).where(WebhookDelivery.session_id == session_id)).all()
            described = s.exec(select(SelfDescription).where(SelfDescription.session_id == session_id)).all()
            rows = [*answers, *follow_ups, *ratings, *events, *adjustments, *decisions, *deliveries, *described]
            for row in [*rows, *([report] if report else [])]:
                s.delete(row)
            invite = s.get(Invite, session.invite_id)
            s.flush()
            s.delete(session)
            s.flush()  # the session refers to the invite: it goes first
            if invite is not None:
                s.delete(invite)
        self._db.purge_deleted()
        audio_files = delete_session_audio(self._audio_root, session_id)
        speech_files = sum(self._speech.forget(f.text) for f in follow_ups)
        await self._events.publish(SessionErased(session_id=session_id))
        log.info("session %s erased on the admin's request", session_id)
        return ErasureReceipt(
            session_id=session_id,
            answers=len(answers),
            follow_ups=len(follow_ups),
            attention_events=len(events),
            report=report is not None,
            cached_ratings=len(ratings),
            audio_files=audio_files,
            speech_files=speech_files,
            webhook_deliveries=len(deliveries),
            self_description=bool(described),
        )
