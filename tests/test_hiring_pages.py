"""The hiring team's pages in NiceGUI's simulated browser: webhooks on the settings page, the candidate's optional
self-description after the interview, and the adverse-impact check on a template's results page."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from nicegui import app, ui
from nicegui.testing import User

from interviewer.audit import AuditAction
from interviewer.system import System
from interviewer.webhooks import WebhookEvent
from tests.conftest import admin_headers
from tests.helpers import ANSWER_1, ANSWER_2, TEMPLATE
from tests.user_steps import log_in, see_within
from tests.webhook_receiver import WebhookReceiver


async def test_an_admin_adds_a_webhook_sees_the_delivery_log_and_sends_one_again(user: User) -> None:
    system: System = app.state.system
    with WebhookReceiver({}) as receiver:
        await log_in(user)
        await user.open("/admin/settings")
        await user.should_see("No webhooks yet.")
        user.find("webhook-url").type(f"{receiver.url}/hook")
        secret = user.find("webhook-secret").elements.pop()
        assert isinstance(secret, ui.input)
        receiver.secrets["/hook"] = str(secret.value)  # the admin copies the generated secret to the receiver
        user.find("webhook-add").click()
        await user.should_see(f"{receiver.url}/hook")

        system.webhooks.emit(WebhookEvent.SESSION_ERASED, None, {"session_id": "s-1"}, {"session_id": "s-1"})
        [first] = await asyncio.to_thread(receiver.wait_for, 1)
        [delivery] = system.webhooks.deliveries()
        await user.open("/admin/settings")
        await see_within(user, "1 attempt, last: HTTP 204")
        user.find(f"send-again-{delivery.id}").click()
        second = (await asyncio.to_thread(receiver.wait_for, 2))[1]
    assert (first.signature_ok, second.signature_ok) == (True, True)
    assert second.body == first.body == {"event": "session.erased", "session_id": "s-1"}
    [line] = system.audit.recent(action=AuditAction.WEBHOOK_CHANGED)
    assert (line.actor, line.detail) == ("admin", "registered")


async def test_an_admin_chooses_the_voluntary_questions_in_the_template_editor(user: User) -> None:
    system: System = app.state.system
    await log_in(user)
    await user.open("/admin/templates/new")
    user.find("template-name").clear().type("Analyst")
    user.find("self-description").click()
    user.find("Gender").click()
    user.find("Age band").click()
    user.find("save-template").click()
    await see_within(user, "Analyst")
    [saved] = [t.parsed() for t in system.templates.list_current() if t.name == "Analyst"]
    assert saved.self_description == ["gender", "age_band"]


async def test_after_the_interview_the_candidate_may_describe_themselves_and_the_admin_sees_only_counts(
    user: User, create_user: Callable[[], User]
) -> None:
    content = {**TEMPLATE, "scoring": "rules-v1", "self_description": ["gender", "age_band"]}
    created = await user.http_client.post("/api/templates", json=content, headers=admin_headers())
    family_id = created.json()["family_id"]
    invited = await user.http_client.post(
        "/api/invites",
        json={"template_family_id": family_id, "candidate_name": "Hedy Lamarr-Testperson"},
        headers=admin_headers(),
    )
    candidate = create_user()
    await candidate.open("/i/" + invited.json()["url"].rsplit("/i/", 1)[1])
    candidate.find("consent-box").click()
    candidate.find("start-interview").click()
    for number, answer in enumerate((ANSWER_1, ANSWER_2), start=1):
        await see_within(candidate, f"Question {number} of 2")
        await see_within(candidate, "answer-box")
        candidate.find("answer-box").type(answer)
        candidate.find("next-button").click()
    await see_within(candidate, "Thank you!")
    await candidate.should_see("never used in scoring, and never shown with your name")
    candidate.find("self-gender").click()
    candidate.find("woman").click()
    candidate.find("self-send").click()  # the age question is skipped
    await candidate.should_see("saved apart from your interview")
    await candidate.should_not_see("A few optional questions about you")

    await log_in(user)
    await user.open(f"/admin/templates/{family_id}/results")
    await user.should_see("four-fifths rule")
    user.find("impact-threshold").type("1")
    await see_within(user, "1 of 1 finalized interviews have a self-description")
    await user.should_see("too few to say anything")
    table = user.find("impact-table").elements.pop()
    assert isinstance(table, ui.table)
    assert [(r["attribute"], r["group"], r["n"]) for r in table.rows] == [("gender", "woman", 1)]
    await user.should_not_see("Hedy Lamarr-Testperson")  # counts only, never a name
    await user.should_see("1 interview with an engine score.")  # the engine beside the team's reviews
    await user.should_see("reviewers changed 0 of 1 engine scores")


GERMAN = (
    "Ich habe eine Datenstrecke mit Airflow gebaut, die jeden Tag eine Partition in das Lager schreibt.",
    "Als der nächtliche Ladevorgang fehlschlug, habe ich Wiederholungen eingebaut, und seitdem läuft er stabil.",
)


async def test_the_sessions_list_names_the_rules_that_fired_on_an_interview(
    user: User, create_user: Callable[[], User]
) -> None:
    created = await user.http_client.post("/api/templates", json=TEMPLATE, headers=admin_headers())
    invited = await user.http_client.post(
        "/api/invites",
        json={"template_family_id": created.json()["family_id"], "candidate_name": "Kurt Gödel-Testperson"},
        headers=admin_headers(),
    )
    candidate = create_user()
    await candidate.open("/i/" + invited.json()["url"].rsplit("/i/", 1)[1])
    candidate.find("consent-box").click()
    candidate.find("start-interview").click()
    for number, answer in enumerate(GERMAN, start=1):
        await see_within(candidate, f"Question {number} of 2")
        await see_within(candidate, "answer-box")
        candidate.find("answer-box").type(answer)
        candidate.find("next-button").click()
    await see_within(candidate, "Thank you!")

    system: System = app.state.system
    [session_id] = [v.session.id for v in system.interview.list_sessions() if v.invite.candidate_name[0] == "K"]
    deadline = time.monotonic() + 30
    while not system.reports.has_report(session_id):  # the report is built in the background
        assert time.monotonic() < deadline, "no report within 30 s"
        await asyncio.sleep(0.1)
    await log_in(user)
    await user.should_see("rules fired: not in English")
    await user.should_see(marker=f"rules-{session_id}")
