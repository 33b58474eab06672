"""A template's retake policy: the candidate may answer a question again once; only the final answer counts."""

from __future__ import annotations

import json
from collections.abc import Callable

from nicegui import app, ui
from nicegui.testing import User

from interviewer.system import System
from tests.conftest import admin_headers
from tests.helpers import ANSWER_1, ANSWER_2, TEMPLATE
from tests.user_steps import log_in, see_within

FIRST_TRY = "Um, I think I once moved some files around with a cron job."


async def test_a_candidate_answers_a_question_again_once_and_the_report_keeps_the_final_answer(
    user: User, create_user: Callable[[], User]
) -> None:
    created = await user.http_client.post("/api/templates", json={**TEMPLATE, "retakes": 1}, headers=admin_headers())
    assert created.status_code == 201, created.text
    family_id = created.json()["family_id"]
    invite = {"template_family_id": family_id, "candidate_name": "Dorothy Vaughan"}
    invited = await user.http_client.post("/api/invites", json=invite, headers=admin_headers())
    assert invited.status_code == 201, invited.text

    candidate = create_user()
    await candidate.open("/i/" + invited.json()["url"].rsplit("/i/", 1)[1])
    candidate.find("consent-box").click()
    candidate.find("start-interview").click()
    await candidate.should_see("Question 1 of 2")
    candidate.find("answer-box").type(FIRST_TRY)
    candidate.find("retake-button").click()  # not happy with it: once more, from the question
    await candidate.should_see(marker="retaking")
    await candidate.should_not_see(FIRST_TRY)
    await candidate.should_not_see(marker="retake-button")  # one retake only
    candidate.find("answer-box").type(ANSWER_1)
    candidate.find("next-button").click()
    await candidate.should_see("Question 2 of 2")
    await candidate.should_see(marker="retake-button")  # the next question has its own
    candidate.find("answer-box").type(ANSWER_2)
    candidate.find("next-button").click()
    await candidate.should_see("Thank you!")

    system: System = app.state.system
    [view] = system.interview.list_sessions()
    await log_in(user)
    await user.open(f"/admin/sessions/{view.session.id}")
    await user.should_see(marker="retake-q-pipeline")
    await see_within(user, "Download PDF", seconds=60)
    stored = system.reports.stored(view.session.id)
    assert stored is not None
    report = json.loads(stored.report_json)
    assert [(a["answer"], a["retake_used"]) for a in report["answers"]] == [(ANSWER_1, True), (ANSWER_2, False)]
    assert "cron job" not in stored.report_json

    await user.open(f"/admin/templates/{family_id}")  # the admin's control shows the policy
    [retakes] = user.find(marker="retakes").elements
    assert isinstance(retakes, ui.select)
    assert retakes.value == 1
