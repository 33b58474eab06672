"""Browser entry points that set cookies: the candidate's invite link and the team's login and logout.

Cookies are HttpOnly and SameSite=Lax; they are Secure when the app is served over HTTPS.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from interviewer.api.deps import SystemDep, client_ip, count_failed_redemption
from interviewer.errors import LinkProblem
from interviewer.security import (
    ADMIN_COOKIE,
    ADMIN_COOKIE_MAX_AGE_S,
    CANDIDATE_COOKIE,
    CANDIDATE_COOKIE_MAX_AGE_S,
)

router = APIRouter(include_in_schema=False)


def _set_cookie(response: RedirectResponse, request: Request, name: str, value: str, max_age: int) -> None:
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
