"""Request dependencies shared by the routers: the system, rate limits, and who is calling."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.requests import HTTPConnection

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
    if is_admin(request, system):
        return "admin"
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


def is_admin(connection: HTTPConnection, system: SystemDep) -> bool:
    """True for the admin API key as bearer token, or a logged-in admin's cookie (requests and WebSockets)."""
    token = bearer_token(connection)
    if token is not None and same_secret(token, system.settings.admin_api_key.get_secret_value()):
        return True
    return system.signer.admin_cookie_valid(connection.cookies.get(ADMIN_COOKIE), system.admin.password_hash)


def require_admin_api(request: Request, system: SystemDep) -> None:
    """Admin bearer key for integrators; the API is off while ADMIN_API_KEY is unset."""
    if not system.settings.admin_api_key.get_secret_value():
        raise HTTPException(status_code=403, detail="the admin API is disabled: set ADMIN_API_KEY to enable it")
    token = bearer_token(request)
    if token is None:
        raise _unauthorized("missing bearer token")
    if not same_secret(token, system.settings.admin_api_key.get_secret_value()):
        raise _unauthorized("invalid admin API key")


def require_admin(request: Request, system: SystemDep) -> None:
    """The admin key or the admin's login; 401 without either, 403 for a candidate's session token (the report
    holds the rubric and the scores, which go to reviewers only)."""
    if is_admin(request, system):
        return
    if session_of_bearer(request, system) is not None:
        raise HTTPException(status_code=403, detail="reports are for reviewers: use the admin key or log in")
    raise _unauthorized("the admin key or the admin's login is required")


def session_of_bearer(request: Request, system: SystemDep) -> str | None:
    """The session a valid session bearer token (from /interview/start) belongs to."""
    token = bearer_token(request)
    if token is None:
        return None
    return system.signer.session_of_token(token, system.settings.ws_token_ttl_min * 60)


def require_session_access(session_id: str, request: Request, system: SystemDep) -> bool:
    """Admin, or the bearer of this very session's token. Returns True for the admin."""
    if is_admin(request, system):
        return True
    owner = session_of_bearer(request, system)
    if owner is None:
        raise _unauthorized("a valid admin key or session token is required")
    if owner != session_id:
        raise HTTPException(status_code=403, detail="this token belongs to another session")
    return False


AdminApi = Depends(require_admin_api)
RateLimitedApi = Depends(api_rate_limit)
