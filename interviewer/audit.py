"""The audit trail: every consequential action, with who did it and when.

Services call `AuditLog.record` right after the action is committed. A line names its target by id
(`session_target`, `template_target`, …) and never by a candidate's name, so erasing a candidate leaves the
line as it was, with nothing personal in it. Admins read the trail on the Activity page.
"""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import col, select

from interviewer.db import Database
from interviewer.models import AuditEntry

API_ACTOR = "API"
"""Who acted when a call came with ADMIN_API_KEY (integrations)."""
SYSTEM_ACTOR = "system"
"""The app itself (e.g. the example template on the first start)."""


class AuditAction(enum.StrEnum):
    """What was done; the Activity page filters by these."""

    TEMPLATE_SAVED = "template saved"
    INVITE_CREATED = "invite created"
    INVITE_REVOKED = "invite revoked"
    SCORE_ADJUSTED = "score adjusted"
    DECISION_MADE = "decision made"
    REPORT_DOWNLOADED = "report downloaded"
    DATA_EXPORTED = "data exported"
    CANDIDATE_ERASED = "candidate erased"
    USER_INVITED = "user invited"
    USER_INVITE_REVOKED = "user invite revoked"
    USER_ADDED = "user added"
    USER_DISABLED = "user disabled"
    WEBHOOK_CHANGED = "webhook changed"


class AuditLine(BaseModel):
    """One line of the trail as the Activity page and the API show it."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: str


def session_target(session_id: str) -> str:
    return f"session {session_id}"


def template_target(family_id: str) -> str:
    return f"template {family_id}"


class AuditLog:
    """Append-only: lines are added and read, never changed."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, actor: str, action: AuditAction, target: str, detail: str = "") -> None:
        """Add a line: `actor` (an account's e-mail or `API_ACTOR`) did `action` to `target` (an id, never a
        candidate's name); `detail` is a short note (e.g. "advance", "csv"), cut to 500 characters."""
        with self._db.session() as s:
            s.add(AuditEntry(actor=actor[:320], action=action.value, target=target[:120], detail=detail[:500]))

    def recent(self, limit: int = 500, action: AuditAction | None = None, actor: str | None = None) -> list[AuditLine]:
        """The newest lines first, optionally only one action or one actor's."""
        query = select(AuditEntry).order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc()).limit(limit)
        if action is not None:
            query = query.where(AuditEntry.action == action.value)
        if actor is not None:
            query = query.where(AuditEntry.actor == actor)
        with self._db.session() as s:
            return [AuditLine.model_validate(row, from_attributes=True) for row in s.exec(query)]
