"""The hiring team over the API (admins): accounts, one-time invite links for teammates, the audit trail."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, status

from interviewer.accounts import AccountInviteCreated, AccountInviteIn, AccountPublic
from interviewer.api.deps import ADMIN_ONLY, AdminCaller, RateLimitedApi, SystemDep
from interviewer.api.errors import error_responses
from interviewer.audit import AuditAction, AuditLine

router = APIRouter(
    prefix="/api",
    tags=["team"],
    dependencies=[RateLimitedApi, Depends(ADMIN_ONLY)],
    responses=error_responses(401, 403, 429),
)


@router.get("/users")
def list_users(system: SystemDep) -> list[AccountPublic]:
    """Every account, oldest first (the first admin, "admin", comes from ADMIN_PASSWORD)."""
    return system.accounts.members()


@router.post("/users/invites", status_code=status.HTTP_201_CREATED, responses=error_responses(409, 413, 422))
def invite_user(invite: AccountInviteIn, system: SystemDep, caller: AdminCaller) -> AccountInviteCreated:
    """A one-time link (valid 7 days) by which a teammate sets their password; pass it on yourself."""
    return system.accounts.invite(caller, invite)


@router.delete(
    "/users/invites/{invite_id}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(404, 409)
)
def revoke_user_invite(invite_id: int, system: SystemDep, caller: AdminCaller) -> None:
    """Make an unused teammate link unusable."""
    system.accounts.revoke_invite(caller, invite_id)


@router.post("/users/{account_id}/disable", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(404, 409))
def disable_user(account_id: int, system: SystemDep, caller: AdminCaller) -> None:
    """Disable an account: its logins end at once (not your own, not the last admin)."""
    system.accounts.disable(caller, account_id)


@router.get("/audit")
def audit_trail(
    system: SystemDep,
    action: AuditAction | None = Query(default=None, description="Only this action."),  # noqa: B008
    limit: int = Query(default=500, ge=1, le=5000),
) -> list[AuditLine]:
    """The audit trail, newest first: who did what to which session, template, invite or account, and when."""
    return system.audit.recent(limit=limit, action=action)
