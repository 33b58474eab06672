"""A named reviewer decides on a finished interview, with a reason: the decision reaches the report (JSON and
PDF), the sessions list, the session page and the audit trail; nothing decides by itself."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

from nicegui import app
from nicegui.testing import User
from pypdf import PdfReader

from interviewer.accounts import Role
from interviewer.models import InviteCreate
from interviewer.system import System
from tests.conftest import ADMIN_PASSWORD, AppProcess, admin_headers
from tests.helpers import ANSWER_1, ANSWER_2, CANDIDATE, answer_all, create_template, join_team, start

REASON = "Clear, concrete pipeline work; we want to hear more about testing in the next round."


def test_a_reviewer_decides_and_the_decision_reaches_the_report_the_list_and_the_pdf(app_process: AppProcess) -> None:
    with app_process.client() as client:
        family_id = create_template(client)["family_id"]
        finished, running = start(client, family_id), start(client, family_id)
    answer_all(app_process, finished, [ANSWER_1, ANSWER_2])
    session_id = finished["session_id"]
    with app_process.client(cookies=join_team(app_process, "rita@example.org", Role.REVIEWER)) as rita:
        before = rita.get(f"/report/{session_id}.json").json()
        assert before["decision"] is None  # neither the scores nor any flag decided anything

        def decide(sid: str, **body: Any) -> Any:
            return rita.post(f"/api/sessions/{sid}/decision", json=body)

        too_short = decide(session_id, decision="advance", reason="good")
        unknown = decide(session_id, decision="hire", reason=REASON)
        early = decide(running["session_id"], decision="reject", reason=REASON)
        assert (too_short.status_code, unknown.status_code, early.status_code) == (422, 422, 409)
        assert "10 characters" in json.dumps(too_short.json())
        assert "finalize the interview first" in early.json()["detail"]

        made = decide(session_id, decision="advance", reason=REASON)
        assert made.status_code == 200, made.text
        after = rita.get(f"/report/{session_id}.json").json()
        [row] = [r for r in rita.get("/api/sessions").json() if r["session_id"] == session_id]
        pdf = rita.get(f"/report/{session_id}.pdf").content

    decision = after.pop("decision")
    assert {k: decision[k] for k in ("decision", "reason", "by")} == {
        "decision": "advance",
        "reason": REASON,
        "by": "rita@example.org",
    }
    assert decision == made.json() == row["decision"]
    before.pop("decision")
    assert after == before  # the rest of the report is as it was
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).split())
    assert "Decision Advance — by rita@example.org" in text
    assert "more about testing in the next round" in text
    with app_process.client() as client:
        trail = client.get("/api/audit", params={"action": "decision made"}, headers=admin_headers()).json()
        assert (trail[0]["actor"], trail[0]["target"], trail[0]["detail"]) == (
            "rita@example.org",
            f"session {session_id}",
            "advance",
        )
        assert client.delete(f"/api/sessions/{session_id}", headers=admin_headers()).status_code == 200
        trail = client.get("/api/audit", headers=admin_headers()).json()
    about_it = [(line["actor"], line["action"]) for line in trail if line["target"] == f"session {session_id}"]
    assert about_it[0] == ("API", "candidate erased")  # the erasure keeps the lines, and adds its own
    assert {("rita@example.org", "decision made"), ("rita@example.org", "report downloaded")} <= set(about_it)
    assert CANDIDATE not in json.dumps(trail)  # the trail never held the candidate's name


async def test_a_reviewer_decides_on_the_session_page(user: User) -> None:
    system: System = app.state.system
    family_id = system.templates.list_current()[0].family_id
    invite = InviteCreate(template_family_id=family_id, candidate_name="Katherine Johnson")
    session_id = system.interview.open_invite(system.invites.create(invite, by="test").invite_token, consented=True)
    await system.reports.finalize(session_id, allow_unfinished=True)  # the admin ended it early

    await user.open("/login")
    user.find("password-input").type(ADMIN_PASSWORD)
    user.find("login-button").click()
    await user.should_see("Sessions")
    await user.open(f"/admin/sessions/{session_id}")
    await user.should_see("No decision yet.")
    user.find("decision-reason").type("too short")
    user.find("decision-save").click()
    await user.should_see("at least 10 characters")
    user.find("decision-choice").click()
    user.find("Reject").click()
    user.find("decision-reason").type("The answers were empty: the interview ended before the first question.")
    user.find("decision-save").click()
    await user.should_see("Reject — by admin")
    await user.open("/admin")
    await user.should_see(marker=f"decision-{session_id}")
