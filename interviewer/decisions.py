"""The team's decision on an interview: advance, hold or reject, with a written reason, by a named person.

Only a person decides: no score and no attention flag ever makes a decision (the candidate's notice promises
that flags are for human review). A decision needs the finalized report and goes into it (JSON and PDF); a
later decision replaces it there, and every one stays in the table and the audit trail. After it is stored, the
bus carries `{"type": "decision", ...}` for the session's open pages and for webhooks (`decision.made`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlmodel import Session, col, select

from interviewer.audit import AuditAction, AuditLog, session_target
from interviewer.db import Database
from interviewer.event_messages import DecisionMade
from interviewer.events import SessionEvents
from interviewer.invites import as_utc
from interviewer.models import Decision
from interviewer.report.editor import ReportEditor
from interviewer.report.schema import DecisionSection, Report

MIN_REASON_CHARS = 10
Verdict = Literal["advance", "hold", "reject"]


class DecisionIn(BaseModel):
    """What a reviewer decides, and why."""

    model_config = ConfigDict(extra="forbid")

    decision: Verdict
    reason: str = Field(
        min_length=MIN_REASON_CHARS, max_length=2000, description="Why; shown in the report (≥ 10 characters)."
    )

    @field_validator("reason")
    @classmethod
    def _reason_written(cls, reason: str) -> str:
        if len(reason.strip()) < MIN_REASON_CHARS:
            raise ValueError(f"write a reason of at least {MIN_REASON_CHARS} characters")
        return reason.strip()


def _section(row: Decision) -> DecisionSection:
    return DecisionSection.model_validate(
        {"decision": row.decision, "reason": row.reason, "by": row.by, "at": as_utc(row.at)}
    )


class DecisionService:
    def __init__(self, db: Database, editor: ReportEditor, events: SessionEvents, audit: AuditLog) -> None:
        self._db = db
        self._editor = editor
        self._events = events
        self._audit = audit

    async def decide(self, session_id: str, decision: DecisionIn, *, by: str) -> DecisionSection:
        """Record `by`'s decision and put it into the stored report; NotFound for an unknown session, Conflict
        before the report exists. Publishes `{"type": "decision", "decision", "by", "at"}` on the bus."""
        made: list[DecisionSection] = []

        def record(s: Session, report: Report) -> None:
            row = Decision(session_id=session_id, decision=decision.decision, reason=decision.reason, by=by)
            s.add(row)
            s.flush()
            made.append(_section(row))
            report.decision = made[0]

        await self._editor.change(session_id, record)
        section = made[0]
        self._audit.record(by, AuditAction.DECISION_MADE, session_target(session_id), section.decision)
        await self._events.publish(
            DecisionMade(session_id=session_id, decision=section.decision, by=section.by, at=section.at)
        )
        return section

    def latest(self, session_id: str) -> DecisionSection | None:
        """The decision that counts (the newest), or None."""
        return self.latest_of([session_id]).get(session_id)

    def latest_of(self, session_ids: Iterable[str]) -> dict[str, DecisionSection]:
        """Session id → its newest decision, for the sessions that have one."""
        ids = list(session_ids)
        if not ids:
            return {}
        with self._db.session() as s:
            rows = s.exec(
                select(Decision).where(col(Decision.session_id).in_(ids)).order_by(col(Decision.at), col(Decision.id))
            ).all()
        return {row.session_id: _section(row) for row in rows}  # the newest last, so it wins
