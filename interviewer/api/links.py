"""Entry points that set cookies: the candidate's invite link and the team's login and logout.

Cookies are HttpOnly and SameSite=Lax; they are Secure when the app is served over HTTPS. The browser's routes
are left out of the OpenAPI document; `POST /auth/login`, for scripts, is in it.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from interviewer.accounts import AccountPublic, account_public
from interviewer.api.deps import SystemDep, client_ip, count_failed_redemption
from interviewer.api.errors import error_responses
from interviewer.errors import LinkProblem
from interviewer.security import (
    ADMIN_COOKIE,
    ADMIN_COOKIE_MAX_AGE_S,
    CANDIDATE_COOKIE,
    CANDIDATE_COOKIE_MAX_AGE_S,
)

router = APIRouter(include_in_schema=False)
login_router = APIRouter(tags=["team"])


def _set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/")


@router.get("/i/{token}")
def open_invite(token: str, request: Request, system: SystemDep) -> RedirectResponse:
    """Redeem an invite link once and bind this browser to its session by cookie.

    Opening the same link again in the bound browser continues the interview; anywhere else it is "used".
    Only links that fail count against the address (see `count_failed_redemption`).
    """
    bound_session = system.signer.candidate_session(request.cookies.get(CANDIDATE_COOKIE))
    try:
        session_id = system.interview.open_invite(token)
    except LinkProblem as problem:
        if problem.reason == "used" and bound_session and system.interview.opened_by(token, bound_session):
            return RedirectResponse("/interview", status_code=303)
        count_failed_redemption(system, client_ip(request))
        return RedirectResponse(f"/link-problem?reason={problem.reason}", status_code=303)
    response = RedirectResponse("/interview", status_code=303)
    cookie = system.signer.candidate_cookie(session_id)
    _set_cookie(response, request, CANDIDATE_COOKIE, cookie, CANDIDATE_COOKIE_MAX_AGE_S)
    return response


@router.get("/auth/complete")
def complete_login(ticket: str, request: Request, system: SystemDep) -> RedirectResponse:
    """Exchange the login page's one-time ticket for the account's login cookie."""
    account_id = system.signer.redeem_login_ticket(ticket)
    password_hash = system.accounts.password_hash(account_id) if account_id is not None else None
    if account_id is None or password_hash is None:
        return RedirectResponse("/login?expired=1", status_code=303)
    response = RedirectResponse("/admin", status_code=303)
    cookie = system.signer.team_cookie(account_id, password_hash)
    _set_cookie(response, request, ADMIN_COOKIE, cookie, ADMIN_COOKIE_MAX_AGE_S)
    return response


@router.get("/auth/logout")
def logout(request: Request, system: SystemDep) -> RedirectResponse:
    """End the login on the server (a copy of the cookie opens nothing any more) and in the browser."""
    system.signer.end_team_cookie(request.cookies.get(ADMIN_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(ADMIN_COOKIE, path="/")
    return response


class LoginIn(BaseModel):
    """A teammate's e-mail and password."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(default="", max_length=320, description='Your e-mail; empty: the first admin ("admin").')
    password: str = Field(max_length=1024)


@login_router.post("/auth/login", responses=error_responses(401, 413, 422, 429))
def log_in(body: LoginIn, request: Request, response: Response, system: SystemDep) -> AccountPublic:
    """Log in as on the login page and get the login cookie (for scripts that act as a teammate). After failed
    logins from an address, or on an account from anywhere, the next attempt waits: 429 with `Retry-After`, and the
    password is not checked meanwhile."""
    account = system.login.attempt(body.email, body.password, client_ip(request))
    if account is None or account.id is None:
        raise HTTPException(status_code=401, detail="wrong password or e-mail")
    cookie = system.signer.team_cookie(account.id, account.password_hash)
    _set_cookie(response, request, ADMIN_COOKIE, cookie, ADMIN_COOKIE_MAX_AGE_S)
    return account_public(account)
