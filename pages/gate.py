"""The one gate of the team's pages, as NiceGUI's authentication example has it, in a decorator.

`@team_page(system, "/admin/users", Role.ADMIN)` registers a page that only a logged-in team member whose role
covers `Role.ADMIN` sees; the page function receives the `Caller` as its first argument. Anyone else is sent to
the login page, and a reviewer on an admin's page sees "Not allowed" (HTTP 403). A page stays open only while
its account is enabled: disabling the account sends its open pages to the login page at once. `GATED` lists
every gated path with its role (the tests check each one, and that no /admin page is left out).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from nicegui import ui

from interviewer.accounts import Caller, Role
from interviewer.api.deps import caller_of
from interviewer.system import System
from pages.layout import admin_frame

PageResult = Response | None
TeamPage = Callable[..., PageResult | Awaitable[PageResult]]

GATED: dict[str, Role] = {}
"""Every team page's path → the role it needs."""


def team_page(system: System, path: str, role: Role) -> Callable[[TeamPage], TeamPage]:
    """Register `func(caller, **path_params)` as the page at `path`, for team members whose role covers `role`."""

    def decorator(func: TeamPage) -> TeamPage:
        path_params = [p for p in inspect.signature(func).parameters.values() if p.name != "caller"]

        @functools.wraps(func)
        async def page(request: Request, **params: Any) -> PageResult:
            caller = caller_of(request, system)
            if caller is None:
                return RedirectResponse("/login", status_code=303)
            if not caller.may(role):
                _not_allowed(system, caller)
                return None
            _end_with_account(system, caller)
            result = func(caller, **params)
            return await result if inspect.isawaitable(result) else result

        request_param = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
        page.__signature__ = inspect.Signature([request_param, *path_params])  # type: ignore[attr-defined]
        GATED[path] = role
        ui.page(path)(page)
        return func

    return decorator


def _not_allowed(system: System, caller: Caller) -> None:
    ui.context.client.status_code = 403
    with admin_frame("Not allowed", system, caller):
        ui.label(
            f"This page is for admins (templates, invites, users, settings, activity); you are a {caller.role}."
        ).mark("not-allowed")
        ui.link("Back to the sessions", "/admin")


def _end_with_account(system: System, caller: Caller) -> None:
    """Send this page to the login page as soon as its account is disabled."""
    client = ui.context.client

    def on_disabled(account_id: int) -> None:
        if account_id == caller.account_id and not client.is_deleted:
            client.open("/login")

    client.on_delete(system.accounts.when_disabled(on_disabled))
