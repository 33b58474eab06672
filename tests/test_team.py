"""The hiring team: own logins with roles, one gate for every page and route, and the audit trail."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from nicegui import app, ui
from nicegui.testing import User

from interviewer.accounts import API_CALLER, AccountInviteIn, Role
from interviewer.api import interview, links, self_description, status, stt
from interviewer.api.deps import RequireRole
from interviewer.api.wiring import ROUTERS
from interviewer.system import System
from pages.gate import GATED
from tests.conftest import AppProcess, admin_headers
from tests.helpers import TEAM_PASSWORD, join_team
from tests.user_steps import log_in

PUBLIC_ROUTERS = (  # the candidate's side and the login
    status.router,
    interview.router,
    stt.router,
    links.router,
    links.login_router,
    self_description.router,
)
PUBLIC_ROUTES = {("POST", "/report/finalize")}  # the candidate's session token may finalize (and learns no scores)


def required_role(dependant: Dependant) -> Role | None:
    """The role the route's dependencies ask `RequireRole` for (None: no gate)."""
    for sub in dependant.dependencies:
        if isinstance(sub.call, RequireRole):
            return sub.call.role
        if (found := required_role(sub)) is not None:
            return found
    return None


ROUTES = [
    (method, route.path, required_role(route.dependant))
    for router in ROUTERS
    for route in router.routes
    if isinstance(route, APIRoute)
    for method in sorted(route.methods or ())
]
ADMIN_ROUTES = [(m, p) for m, p, role in ROUTES if role == Role.ADMIN]
TEAM_ROUTES = [(m, p) for m, p, role in ROUTES if role == Role.REVIEWER]


def concrete(path: str) -> str:
    """The path with every parameter filled in (the gate answers before anything is looked up)."""
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_is_gated_unless_it_belongs_to_the_candidates_side() -> None:
    public_paths = {getattr(route, "path", "") for router in PUBLIC_ROUTERS for route in router.routes}
    ungated = [
        (m, p) for m, p, role in ROUTES if role is None and p not in public_paths and (m, p) not in PUBLIC_ROUTES
    ]
    assert ungated == []
    assert ("POST", "/api/sessions/{session_id}/adjustments") in TEAM_ROUTES
    assert ("DELETE", "/api/sessions/{session_id}") in ADMIN_ROUTES


@pytest.fixture(scope="module")
def gate_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppProcess]:
    """The app for the per-route checks: about 100 calls within seconds, so a higher RATE_LIMIT_PER_MIN."""
    running = AppProcess(tmp_path_factory.mktemp("gate") / "storage", RATE_LIMIT_PER_MIN="1000").start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def reviewer(gate_app: AppProcess) -> Iterator[httpx.Client]:
    with gate_app.client(cookies=join_team(gate_app, "rita@example.org", Role.REVIEWER)) as client:
        yield client


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_a_reviewer_is_refused_every_admin_route(reviewer: httpx.Client, method: str, path: str) -> None:
    response = reviewer.request(method, concrete(path), json={})
    assert response.status_code == 403, response.text
    assert "for admins" in response.json()["detail"]


@pytest.mark.parametrize(("method", "path"), TEAM_ROUTES)
def test_the_teams_routes_need_a_login_and_let_a_reviewer_in(
    gate_app: AppProcess, reviewer: httpx.Client, method: str, path: str
) -> None:
    with gate_app.client() as anonymous:
        assert anonymous.request(method, concrete(path), json={}).status_code == 401
    assert reviewer.request(method, concrete(path), json={}).status_code not in (401, 403)


def test_a_disabled_reviewers_login_ends_at_once(gate_app: AppProcess) -> None:
    cookie = join_team(gate_app, "dora@example.org", Role.REVIEWER)
    with gate_app.client(cookies=cookie) as dora:
        assert dora.get("/api/sessions").status_code == 200
        with gate_app.client() as client:
            users = client.get("/api/users", headers=admin_headers()).json()
            [account] = [u for u in users if u["email"] == "dora@example.org"]
            [admin] = [u for u in users if u["email"] == "admin"]
            last_admin = client.post(f"/api/users/{admin['id']}/disable", headers=admin_headers())
            assert (last_admin.status_code, last_admin.json()["detail"]) == (409, "this is the last enabled admin")
            assert client.post(f"/api/users/{account['id']}/disable", headers=admin_headers()).status_code == 204
        assert dora.get("/api/sessions").status_code == 401
        assert dora.get("/admin", follow_redirects=False).headers["location"] == "/login"
    with gate_app.client() as client:
        trail = client.get("/api/audit", params={"action": "user disabled"}, headers=admin_headers()).json()
    assert trail[0]["actor"] == "API"
    assert trail[0]["target"] == f"account {account['id']}"


async def test_an_admin_invites_a_reviewer_who_reviews_but_cannot_administer(
    user: User, create_user: Callable[[], User]
) -> None:
    await log_in(user)  # the first admin, as before accounts existed
    await user.open("/admin/users")
    user.find("user-email").type("Rita@Example.org")
    user.find("invite-user").click()
    await user.should_see("rita@example.org (invited as reviewer, link not used yet)")
    link = user.find("user-invite-link").elements.pop()
    assert isinstance(link, ui.input)

    rita: User = create_user()
    await rita.open("/join/" + str(link.value).rsplit("/join/", 1)[1])
    await rita.should_see("Your login: rita@example.org (reviewer)")
    rita.find("join-password").type(TEAM_PASSWORD)
    rita.find("join-password-again").type(TEAM_PASSWORD)
    rita.find("join").click()
    await rita.should_see("rita@example.org · reviewer")
    await rita.should_see("Sessions")
    await rita.should_not_see("Templates")  # not in a reviewer's navigation
    refused = await rita.http_client.get("/admin/templates")
    assert refused.status_code == 403
    assert "This page is for admins" in refused.text

    await user.open("/admin/users")
    user.find("disable-rita@example.org").click()
    await user.should_see("disabled")
    assert (await rita.http_client.get("/admin", follow_redirects=False)).headers["location"] == "/login"

    await user.open("/admin/activity")
    table = user.find("audit-table").elements.pop()
    assert isinstance(table, ui.table)
    lines = [(row["actor"], row["action"], row["detail"]) for row in table.rows]
    assert lines[:3] == [
        ("admin", "user disabled", "rita@example.org"),
        ("rita@example.org", "user added", "as reviewer"),
        ("admin", "user invited", "rita@example.org as reviewer"),
    ]


async def test_every_team_page_has_the_gate(user: User) -> None:
    system: System = app.state.system
    invite = system.accounts.invite(API_CALLER, AccountInviteIn(email="rita@example.org", role=Role.REVIEWER))
    system.accounts.join(invite.url.rsplit("/join/", 1)[1], TEAM_PASSWORD)
    pages = {path for r in app.routes if (path := getattr(r, "path", "")).startswith("/admin")}
    assert pages <= set(GATED)  # no /admin page without the gate
    anonymous = await user.http_client.get("/admin/users", follow_redirects=False)
    assert anonymous.headers["location"] == "/login"
    await log_in(user, TEAM_PASSWORD, "rita@example.org")
    for path, role in GATED.items():
        response = await user.http_client.get(concrete(path), follow_redirects=False)
        refused = response.status_code == 403 and "This page is for admins" in response.text
        assert refused == (role == Role.ADMIN), path
