"""The hiring team's accounts: a login (e-mail + password, scrypt) and a role each.

The first admin comes from ADMIN_PASSWORD (or a password generated on the first start), with the login
"admin", so an install from before accounts keeps its login. Admins invite teammates by a one-time link
that is shown to copy (no e-mail server); the teammate sets a password there. Disabling an account ends its
logins at once: every request checks that the account is still enabled, and pages it has open are sent to
the login page (`when_disabled`).
"""

from __future__ import annotations

import enum
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, EmailStr, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from interviewer.audit import API_ACTOR, AuditAction, AuditLog
from interviewer.db import Database
from interviewer.errors import Conflict, Invalid, LinkProblem, NotFound
from interviewer.invites import as_utc
from interviewer.models import Account, AccountInvite, utc_now
from interviewer.security import hash_password, hash_token, new_invite_token, verify_password

log = logging.getLogger(__name__)

FIRST_ADMIN = "admin"
"""The login of the account that ADMIN_PASSWORD sets (an empty e-mail on the login page means it, too)."""
MIN_PASSWORD_CHARS = 10
INVITE_LIFETIME = timedelta(days=7)
_UNKNOWN_HASH = hash_password(secrets.token_urlsafe(16))  # checked for unknown logins, so they take as long


def login_name(login: str) -> str:
    """The account a typed login names: the e-mail in lower case; empty is the first admin."""
    return login.strip().lower() or FIRST_ADMIN


class Role(enum.StrEnum):
    """admin: templates, invites, users, settings, erasure, activity — and all a reviewer does.
    reviewer: sees sessions, reports and rankings, adjusts scores, decides."""

    ADMIN = "admin"
    REVIEWER = "reviewer"


@dataclass(frozen=True)
class Caller:
    """Who is acting: a team member (by their account) or an integration with ADMIN_API_KEY (`API`, an admin)."""

    name: str  # what the audit trail records: the account's e-mail, or "API"
    role: Role
    account_id: int | None = None

    def may(self, needed: Role) -> bool:
        """Whether this caller's role covers `needed` (an admin may do all a reviewer may)."""
        return self.role == Role.ADMIN or needed == Role.REVIEWER


API_CALLER = Caller(name=API_ACTOR, role=Role.ADMIN)


class AccountPublic(BaseModel):
    """An account as the Users page and the API show it (never the password hash)."""

    id: int
    email: str
    role: Role
    created_at: datetime
    disabled: bool


class AccountInviteIn(BaseModel):
    """Invite a teammate: their e-mail (their login) and role."""

    email: EmailStr
    role: Role = Role.REVIEWER


class AccountInviteCreated(BaseModel):
    """The one-time link to pass on; shown this once, only its hash is kept."""

    invite_id: int
    url: str
    expires_at: datetime


class JoinIn(BaseModel):
    password: str = Field(min_length=MIN_PASSWORD_CHARS, max_length=200)


def account_public(account: Account) -> AccountPublic:
    return AccountPublic(
        id=account.id or 0,
        email=account.email,
        role=Role(account.role),
        created_at=account.created_at,
        disabled=account.disabled_at is not None,
    )


class Accounts:
    def __init__(self, db: Database, audit: AuditLog, base_url: str) -> None:
        self._db = db
        self._audit = audit
        self._base_url = base_url
        self._disabled_listeners: list[Callable[[int], None]] = []

    def ensure_first_admin(self, configured: str) -> str | None:
        """Make sure the account "admin" exists, with ADMIN_PASSWORD when that is set. Returns a newly generated
        password (to print once) when neither the setting nor an earlier start gave one, else None."""
        try:
            return self._ensure_first_admin(configured)
        except IntegrityError:  # another replica starting on the same new database made it a moment ago
            return self._ensure_first_admin(configured)

    def _ensure_first_admin(self, configured: str) -> str | None:
        with self._db.session() as s:
            admin = s.exec(select(Account).where(Account.email == FIRST_ADMIN)).first()
            generated = None
            if admin is None:
                password = configured or secrets.token_urlsafe(12)
                generated = None if configured else password
                admin = Account(email=FIRST_ADMIN, role=Role.ADMIN, password_hash=hash_password(password))
            elif configured and not verify_password(configured, admin.password_hash):
                admin.password_hash = hash_password(configured)  # a changed setting ends the old logins
            s.add(admin)
        return generated

    def authenticate(self, login: str, password: str) -> Account | None:
        """The enabled account with this login (e-mail; empty: "admin") and password, else None."""
        login = login_name(login)
        with self._db.session() as s:
            account = s.exec(select(Account).where(Account.email == login)).first()
        if account is None:
            verify_password(password, _UNKNOWN_HASH)
            return None
        if not verify_password(password, account.password_hash) or account.disabled_at is not None:
            return None
        return account

    def enabled(self, account_id: int) -> Account | None:
        """The account while it is enabled; None once disabled (or unknown)."""
        with self._db.session() as s:
            account = s.get(Account, account_id)
        return account if account is not None and account.disabled_at is None else None

    def password_hash(self, account_id: int) -> str | None:
        """What a login cookie is checked against; None once the account is disabled."""
        account = self.enabled(account_id)
        return account.password_hash if account else None

    def caller(self, account_id: int) -> Caller | None:
        account = self.enabled(account_id)
        return Caller(name=account.email, role=Role(account.role), account_id=account.id) if account else None

    def members(self) -> list[AccountPublic]:
        with self._db.session() as s:
            accounts = s.exec(select(Account).order_by(col(Account.created_at), col(Account.id))).all()
            return [account_public(a) for a in accounts]

    def invite(self, by: Caller, request: AccountInviteIn) -> AccountInviteCreated:
        """A one-time link by which the teammate sets a password; Conflict if the e-mail has an account."""
        email = str(request.email).lower()
        token = new_invite_token()
        with self._db.session() as s:
            if s.exec(select(Account).where(Account.email == email)).first() is not None:
                raise Conflict(f"{email} has an account already")
            invite = AccountInvite(
                token_hash=hash_token(token),
                email=email,
                role=request.role,
                created_by=by.name,
                expires_at=utc_now() + INVITE_LIFETIME,
            )
            s.add(invite)
            s.flush()
            invite_id = invite.id or 0
        self._audit.record(
            by.name, AuditAction.USER_INVITED, f"account invite {invite_id}", f"{email} as {request.role}"
        )
        return AccountInviteCreated(
            invite_id=invite_id, url=f"{self._base_url}/join/{token}", expires_at=invite.expires_at
        )

    def pending_invites(self) -> list[AccountInvite]:
        """Links not yet used, revoked or expired, newest first."""
        now = utc_now()
        with self._db.session() as s:
            rows = s.exec(
                select(AccountInvite)
                .where(col(AccountInvite.used_at).is_(None), col(AccountInvite.revoked_at).is_(None))
                .order_by(col(AccountInvite.created_at).desc())
            ).all()
        return [r for r in rows if as_utc(r.expires_at) > now]

    def revoke_invite(self, by: Caller, invite_id: int) -> None:
        with self._db.session() as s:
            invite = s.get(AccountInvite, invite_id)
            if invite is None:
                raise NotFound("no such invite")
            if invite.used_at is not None:
                raise Conflict("the invite was used already: disable the account instead")
            invite.revoked_at = utc_now()
            s.add(invite)
        self._audit.record(by.name, AuditAction.USER_INVITE_REVOKED, f"account invite {invite_id}")

    def invite_of(self, token: str) -> AccountInvite:
        """The pending invite of a link; LinkProblem (invalid, used, revoked, expired) otherwise."""
        with self._db.session() as s:
            invite = s.exec(select(AccountInvite).where(AccountInvite.token_hash == hash_token(token))).first()
        if invite is None:
            raise LinkProblem("invalid")
        if invite.used_at is not None:
            raise LinkProblem("used")
        if invite.revoked_at is not None:
            raise LinkProblem("revoked")
        if as_utc(invite.expires_at) <= utc_now():
            raise LinkProblem("expired")
        return invite

    def join(self, token: str, password: str) -> Account:
        """Use an invite link once: the teammate's account, with the password they chose."""
        if len(password) < MIN_PASSWORD_CHARS:
            raise Invalid(f"choose a password of at least {MIN_PASSWORD_CHARS} characters")
        invite = self.invite_of(token)
        with self._db.session() as s:
            locked = s.get(AccountInvite, invite.id, with_for_update=True)
            if locked is None or locked.used_at is not None:  # used (or revoked and gone) meanwhile
                raise LinkProblem("used")
            invite = locked
            if s.exec(select(Account).where(Account.email == invite.email)).first() is not None:
                raise Conflict(f"{invite.email} has an account already")
            invite.used_at = utc_now()
            account = Account(email=invite.email, role=invite.role, password_hash=hash_password(password))
            s.add(invite)
            s.add(account)
            s.flush()
        self._audit.record(invite.email, AuditAction.USER_ADDED, f"account {account.id}", f"as {invite.role}")
        return account

    def disable(self, by: Caller, account_id: int) -> None:
        """Disable an account: its logins end at once. Nobody disables their own account or the last admin."""
        with self._db.session() as s:
            account = s.get(Account, account_id)
            if account is None:
                raise NotFound("no such account")
            if account.id == by.account_id:
                raise Conflict("you cannot disable your own account")
            if account.disabled_at is not None:
                return
            admins = s.exec(select(Account).where(Account.role == Role.ADMIN, col(Account.disabled_at).is_(None)))
            if account.role == Role.ADMIN and len(admins.all()) <= 1:
                raise Conflict("this is the last enabled admin")
            account.disabled_at = utc_now()
            s.add(account)
        self._audit.record(by.name, AuditAction.USER_DISABLED, f"account {account_id}", account.email)
        log.info("account %s disabled", account_id)
        for listener in list(self._disabled_listeners):
            listener(account_id)

    def when_disabled(self, listener: Callable[[int], None]) -> Callable[[], None]:
        """Call `listener(account_id)` whenever an account is disabled; returns the function that stops it."""
        self._disabled_listeners.append(listener)

        def stop() -> None:
            if listener in self._disabled_listeners:
                self._disabled_listeners.remove(listener)

        return stop
