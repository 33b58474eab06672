"""Candidate invites: create, list, revoke. Redeeming one is the interview service's job."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select

from interviewer.audit import AuditAction, AuditLog, template_target
from interviewer.db import Database
from interviewer.errors import Conflict, NotFound
from interviewer.models import Invite, InviteCreate, InviteCreated, utc_now
from interviewer.security import hash_token, new_invite_token
from interviewer.templates import TemplateService


class InviteState(enum.StrEnum):
    PENDING = "pending"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


def invite_state(invite: Invite, now: datetime) -> InviteState:
    """What an invite link would do if opened now."""
    if invite.revoked_at is not None:
        return InviteState.REVOKED
    if invite.used_at is not None:
        return InviteState.USED
    if as_utc(invite.expires_at) <= now:
        return InviteState.EXPIRED
    return InviteState.PENDING


def as_utc(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utc_now().tzinfo)


@dataclass(frozen=True)
class InviteRow:
    """An invite as the admin list shows it."""

    invite: Invite
    state: InviteState
    template_name: str


class InviteService:
    def __init__(self, db: Database, templates: TemplateService, base_url: str, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit
        self._templates = templates
        self._base_url = base_url

    def create(self, request: InviteCreate, *, by: str) -> InviteCreated:
        """Make a single-use link; the token is returned once and only its hash is kept. `by`: who (audit)."""
        self._templates.current(request.template_family_id)  # raises NotFound
        token = new_invite_token()
        invite = Invite(
            token_hash=hash_token(token),
            template_family_id=request.template_family_id,
            candidate_name=request.candidate_name,
            candidate_email=str(request.candidate_email) if request.candidate_email else None,
            expires_at=utc_now() + timedelta(hours=request.expires_in_hours),
            extra_time_factor=request.extra_time_factor,
            camera=request.camera,
            pausable_timer=request.pausable_timer,
        )
        with self._db.session() as s:
            s.add(invite)
            s.flush()
            invite_id = invite.id or 0
        self._audit.record(
            by, AuditAction.INVITE_CREATED, f"invite {invite_id}", template_target(request.template_family_id)
        )
        return InviteCreated(
            invite_id=invite_id, invite_token=token, url=f"{self._base_url}/i/{token}", expires_at=invite.expires_at
        )

    def list(self) -> list[InviteRow]:
        """All invites, newest first."""
        now = utc_now()
        names = {t.family_id: t.name for t in self._templates.list_current()}
        with self._db.session() as s:
            invites = s.exec(select(Invite).order_by(col(Invite.id).desc())).all()
        return [InviteRow(i, invite_state(i, now), names.get(i.template_family_id, "?")) for i in invites]

    def revoke(self, invite_id: int, *, by: str) -> None:
        """Make a pending link unusable. A used link cannot be revoked (its session exists)."""
        with self._db.session() as s:
            invite = s.get(Invite, invite_id)
            if invite is None:
                raise NotFound(f"invite {invite_id} not found")
            if invite.used_at is not None:
                raise Conflict("this invite was already used; its session is in the sessions list")
            invite.revoked_at = invite.revoked_at or utc_now()
            s.add(invite)
        self._audit.record(by, AuditAction.INVITE_REVOKED, f"invite {invite_id}")
