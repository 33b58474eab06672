"""Request dependencies shared by the routers: the system, rate limits, and who is calling."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.requests import HTTPConnection

from interviewer.accounts import API_CALLER, Caller, Role
from interviewer.security import ADMIN_COOKIE, same_secret
from interviewer.system import System


def get_system(connection: HTTPConnection) -> System:
    system: System = connection.app.state.system
    return system


SystemDep = Annotated[System, Depends(get_system)]


def client_ip(connection: HTTPConnection) -> str:
    """The caller's address: the peer, or what a proxy listed in TRUSTED_PROXIES forwarded (set in `main.py`)."""
    return connection.client.host if connection.client else "unknown"


def api_rate_limit(request: Request, system: SystemDep) -> None:
    """RATE_LIMIT_PER_MIN on the public API: per admin credential or session token, else per client address.

    A flood of unauthenticated requests from one address (behind NAT or a proxy all candidates share one)
    thus never uses up the budget of the interviews and admins that present a valid credential.
    """
    system.limiter.hit("api", caller_key(request, system))


def caller_key(request: Request, system: System) -> str:
    if (caller := caller_of(request, system)) is not None:
        return f"team:{caller.name}"
    if (session_id := session_of_bearer(request, system)) is not None:
        return f"session:{session_id}"
    return client_ip(request)  # the key /stt/stream uses for calls without a valid token, too


def count_failed_redemption(system: System, address: str) -> None:
    """A wrong, used or expired invite token counts against the address (429 once over its limits).

    Valid tokens are never counted: 192 random bits cannot be guessed at any rate, while counting every
    redemption by address would let one client stop every candidate behind the same NAT or proxy.
    """
    system.limiter.hit("api", address)
    system.limiter.hit("redeem", address)


def bearer_token(connection: HTTPConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def caller_of(connection: HTTPConnection, system: System) -> Caller | None:
    """Who is calling: ADMIN_API_KEY as bearer token (`API`, an admin), or a team member's login cookie
    (requests, WebSockets and pages alike); None for anyone else."""
    token = bearer_token(connection)
    if token is not None and same_secret(token, system.settings.admin_api_key.get_secret_value()):
        return API_CALLER
    account_id = system.signer.team_cookie_account(connection.cookies.get(ADMIN_COOKIE), system.accounts.password_hash)
    return system.accounts.caller(account_id) if account_id is not None else None


def is_team_member(connection: HTTPConnection, system: SystemDep) -> bool:
    """True for the admin key or any team member's login (the reviewer's live view, finalizing early)."""
    return caller_of(connection, system) is not None


class RequireRole:
    """The one gate of the API: a route depends on `ADMIN_ONLY` or `TEAM` and gets the `Caller`.

    401 without a credential, 403 for a candidate's session token (reports and scores are for the team) and
    for a reviewer on an admin's route.
    """

    def __init__(self, role: Role) -> None:
        self.role = role

    def __call__(self, request: Request, system: SystemDep) -> Caller:
        caller = caller_of(request, system)
        if caller is None:
            if session_of_bearer(request, system) is not None:
                detail = "reports and scores are for the reviewers: use the admin key or log in"
                raise HTTPException(status_code=403, detail=detail)
            if bearer_token(request) is not None:
                raise _unauthorized("invalid admin API key")
            raise _unauthorized("the admin key or a team member's login is required")
        if not caller.may(self.role):
            raise HTTPException(status_code=403, detail=f"{caller.name} is a {caller.role}: this is for admins")
        return caller


ADMIN_ONLY = RequireRole(Role.ADMIN)
TEAM = RequireRole(Role.REVIEWER)
AdminCaller = Annotated[Caller, Depends(ADMIN_ONLY)]
"""Templates, invites, users, settings, erasure, activity: admins and the admin key."""
TeamCaller = Annotated[Caller, Depends(TEAM)]
"""Sessions, reports, rankings, reviews and decisions: every team member and the admin key."""


def session_of_bearer(request: Request, system: SystemDep) -> str | None:
    """The session a valid session bearer token (from /interview/start) belongs to."""
    token = bearer_token(request)
    if token is None:
        return None
    return system.signer.session_of_token(token, system.settings.ws_token_ttl_min * 60)


def require_session_access(session_id: str, request: Request, system: SystemDep) -> bool:
    """A team member, or the bearer of this very session's token. Returns True for the team member."""
    if is_team_member(request, system):
        return True
    owner = session_of_bearer(request, system)
    if owner is None:
        raise _unauthorized("a valid admin key or session token is required")
    if owner != session_id:
        raise HTTPException(status_code=403, detail="this token belongs to another session")
    return False


RateLimitedApi = Depends(api_rate_limit)
