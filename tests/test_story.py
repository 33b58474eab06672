"""The product story in NiceGUI's simulated browser: admin → template → invite → candidate → scores."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from nicegui import ui
from nicegui.testing import User

from tests.user_steps import invite_link, log_in, see_within

ANSWER = "I added a Redis cache and a database index, then I led the rollout. As a result latency improved by 40%."


async def test_admin_pages_need_a_login(user: User) -> None:
    await user.open("/admin/templates")
    await user.should_see("Interviewer admin")
    user.find("password-input").type("wrong password")
    user.find("login-button").click()
    await user.should_see("Wrong password")


async def test_admin_writes_a_template_in_the_editor(user: User, create_user: Callable[[], User]) -> None:
    await log_in(user)
    await user.open("/admin/templates/new")
    user.find("template-name").clear().type("Site reliability engineer")
    user.find("question-0").clear().type("How do you plan capacity for a busy service?")
    user.find("add-question").click()
    await user.should_see(marker="question-1")
    user.find("question-1").clear().type("Tell me about an outage you handled.")
    user.find("criterion-0").clear().type("Capacity planning")
    user.find("evidence-0").type("load test | load testing\nheadroom")
    user.find("add-criterion").click()
    await user.should_see(marker="kind-1")
    user.find("criterion-1").clear().type("Integrity")
    user.find("kind-1").click()
    user.find("Attention flags (integrity): phone seen, several faces, pastes, time not attentive").click()
    await user.should_not_see(marker="evidence-1")  # an integrity criterion has no answer rules
    user.find("save-template").click()
    await user.should_see("Site reliability engineer")
    await user.should_see("version 1 · 2 questions · 2 criteria (1 on attention flags)")

    # the candidate's notice says that this rubric scores the flags
    path = await invite_link(user, "Mary Jackson", template="Site reliability engineer (v1)")
    candidate = create_user()
    await candidate.open(path)
    await candidate.should_see("this interview's rubric also scores them")
    await candidate.should_see("a small language model that runs on this server")  # a new template scores by meaning


async def new_scaling_rubric(user: User) -> None:
    """Log in and start a new template: one question about scaling, its criterion named "Scaling"."""
    await log_in(user)
    await user.open("/admin/templates/new")
    user.find("question-0").clear().type("How would you make a slow API endpoint handle ten times more traffic?")
    user.find("criterion-0").clear().type("Scaling")


async def test_admin_tries_a_rubric_in_the_editor_before_inviting_anyone(user: User) -> None:
    await new_scaling_rubric(user)
    user.find("scoring-engine").click()
    user.find("v2: evidence by meaning (recommended)").click()  # the default for a new template
    user.find("evidence-0").type("cache the responses | caching\nadd more servers behind a load balancer")
    user.find("reference-0").type("Measure first, cache what can be cached, and add servers behind a load balancer.")
    user.find("example-0-5").type("I would profile it, put a cache in front and scale out behind a load balancer.")
    user.find("example-0-1").type("I would tell the users to wait.")
    user.find("try-it").click()
    user.find("try-answer-0").type(
        "First I would measure where the time goes. Then we keep hot results in Redis so most requests never "
        "reach the database, and we run several copies of the service with traffic spread across them."
    )
    user.find("try-score").click()
    await see_within(user, "Total", 30)
    await user.should_see("Scoring meaning-v2")
    await user.should_see("An aid for a person's judgement, not a decision")
    await user.should_see("Closest to the example answer for level 5")
    await user.should_see("similarity")  # a rubric point found by meaning, not by its words
    await user.should_see("by meaning (similarity")  # evidence in a reviewer's words, with the answer's number
    await user.should_see("in answer 1")
    await user.should_not_see("Total 0.0 / 100")


async def test_a_must_show_point_missing_halves_the_score_and_says_so(user: User) -> None:
    await new_scaling_rubric(user)
    user.find("must-show-0").type("measure first | profile it | find the slow part")
    user.find("evidence-0").type("cache the responses | caching\nadd more servers behind a load balancer")
    user.find("try-it").click()
    user.find("try-answer-0").type("We would put a cache in front of it and run more servers behind a load balancer.")
    user.find("try-score").click()
    await see_within(user, "Lowered: must show: not found: “measure first”; score halved", 30)


WARNED_FIELDS = {  # a field written so that scoring v2 can hardly use it: (field, text, warning, rewritten)
    "must-show points of single words": (
        "must-show-0",
        "measure first | profile it\ncaching | cache\nscale",
        "“caching”, “scale”: a point of single words is found by those words only",
        "measure first | profile it",
    ),
    "rubric points that say what the answer does": (
        "evidence-0",
        "mentions caching\ntalks about load balancing | more servers",
        "“mentions caching”, “talks about load balancing”: points are matched with what candidates say",
        "caching | cache\nload balancer | more servers",
    ),
    "a reference answer that describes one": (
        "reference-0",
        "A strong answer explains what the candidate would measure first.",
        "This reads as a description of a good answer (“A strong answer”)",
        "I would measure first, then cache the hot reads.",
    ),
    "an example answer that describes one": (
        "example-0-3",
        "The candidate names one technique.",
        "Example for level 3: reads as a description of an answer",
        "I would add a cache.",
    ),
}


@pytest.mark.parametrize("case", sorted(WARNED_FIELDS))
async def test_a_field_scoring_can_hardly_use_is_warned_about_until_it_is_rewritten(user: User, case: str) -> None:
    field, text, warning, rewritten = WARNED_FIELDS[case]
    await new_scaling_rubric(user)
    user.find(field).type(text)
    await user.should_see(warning)
    user.find(field).clear().type(rewritten)
    await user.should_not_see(warning, retries=40)


async def test_a_criterion_with_nothing_to_compare_says_it_is_scored_on_length(user: User) -> None:
    await new_scaling_rubric(user)
    length_only = "Nothing to compare answers with yet: this criterion is scored on answer length"
    await user.should_see(length_only)  # a new criterion has no evidence phrases, reference or examples
    user.find("example-0-5").type("I would profile it, put a cache in front and scale out behind a load balancer.")
    await user.should_see(length_only)  # one example answer is reported, not scored against
    user.find("example-0-1").type("I would tell the users to wait.")
    await user.should_not_see(length_only, retries=40)
    user.find("example-0-1").clear()
    await user.should_see(length_only, retries=40)
    user.find("evidence-0").type("cache the responses | caching")
    await user.should_not_see(length_only, retries=40)


async def test_an_admin_checks_the_rubric_against_answers_the_team_graded(user: User) -> None:
    await new_scaling_rubric(user)
    user.find("evidence-0").type("cache the responses | caching\nadd servers behind a load balancer\nprofile it")
    await see_within(user, "3 points: an answer that only glues them into a sentence scores like a terse correct", 5)
    user.find("check-agreement").click()
    user.find("graded-answers").type(  # two columns copied from a spreadsheet
        "Grade\tAnswer\n"
        "2\tI would profile it, cache the responses and add servers behind a load balancer.\n"
        "2\tProfile first, then caching of hot reads and more servers behind a load balancer.\n"
        "1\tI would add a cache.\n"
        "1\tMore servers behind a load balancer.\n"
        "0\tI would ask the users to wait.\n"
        "0\tI really enjoy hiking with my family on weekends.\n"
        "2\tNo idea.\n"
    )
    user.find("check-agreement-run").click()
    await see_within(user, "QWK by rank", 30)
    await user.should_see("7 answers (grades 0: 2, 1: 2, 2: 3)")
    await user.should_see("Furthest from your grades")
    await user.should_see("No idea.")  # graded 2 by the team, last by the rubric
    await user.should_see("Gaming probe: the rubric's phrases in a row")
    await user.should_not_see("Must show halved")  # the rubric has no must-show point
    user.find("agreement-disagreements").trigger("rowClick", [{}, {"line": 7}, 0])  # "No idea.": why so low?
    await see_within(user, "Total", 30)  # its score card in "Try it", with the evidence and rules
    await user.should_see("Level 1: Poor")


async def test_the_check_names_a_must_show_point_that_halves_answers_and_words_the_rubric_lacks(user: User) -> None:
    await new_scaling_rubric(user)
    user.find("evidence-0").type("cache the responses | caching\nadd servers behind a load balancer")
    user.find("must-show-0").type("profiler")
    user.find("check-agreement").click()
    user.find("graded-answers").type(
        "2,I would profile it and cache the responses on replicas.\n"
        "2,Profiling first, then caching and more servers and replicas behind a load balancer.\n"
        "2,I would run a profiler and add servers and read replicas behind a load balancer.\n"
        "1,I would add a cache.\n"
        "0,I would ask the users to wait.\n"
    )
    user.find("check-agreement-run").click()
    await see_within(user, "Must show halved 2 of the 3 answers with your top grade (Scaling; answer no. 1, 2)", 30)
    await user.should_see("Words your answers graded 2 use and the rubric does not: “replicas” (3 of 3 graded 2, 0 of")
    user.find("missing-word-replicas").click()  # a point of a good answer: tick it, add it to the criterion
    user.find("add-missing-words-0").click()
    await user.should_see("Added “replicas” to the evidence phrases of Scaling")
    evidence = user.find("evidence-0").elements.pop()
    assert isinstance(evidence, ui.textarea)
    assert evidence.value.endswith("a load balancer\nreplicas")


async def test_a_candidate_interview_end_to_end(user: User, create_user: Callable[[], User]) -> None:
    await log_in(user)
    path = await invite_link(user, "Grace Hopper")

    candidate = create_user()
    await candidate.open(path)
    await candidate.should_see("Before you start: what we record and why")
    await candidate.should_see("whether a phone is in view")  # the notice says exactly what the camera is used for
    await candidate.should_see("no video or picture ever leaves your computer")
    candidate.find("consent-box").click()
    candidate.find("start-interview").click()
    await candidate.should_see("Practice question (not recorded, not scored)")  # tries the page first
    candidate.find("practice-done").click()
    await candidate.should_see("Question 1 of 3")
    await candidate.should_see("Tell me about a backend system you built or improved")

    await user.open("/admin")
    user.find("Grace Hopper").click()
    await user.should_see("Scores (update as answers arrive)")
    await see_within(user, "Total 0.0 / 100", seconds=30)  # scored off the event loop

    candidate.find("answer-box").type(ANSWER)
    candidate.find("next-button").click()
    await candidate.should_see("Question 2 of 3")
    await user.should_see(ANSWER)  # the admin's open page updated live
    await see_within(user, "Technical depth", seconds=30)
    deadline = time.monotonic() + 30
    while user.find("score-total").elements.pop().text == "Total 0.0 / 100":  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, "the live score did not follow the answer"
        await asyncio.sleep(0.1)

    await candidate.open(path)  # the same link in the same browser continues where it was
    await candidate.should_see("Question 2 of 3")
    candidate.find("next-button").click()
    await candidate.should_see("Question 3 of 3")
    candidate.find("answer-box").type("Profile first, then cache and scale out behind a load balancer.")
    candidate.find("next-button").click()
    await candidate.should_see("Thank you!")

    await see_within(user, "Download PDF", seconds=60)  # the report is built in the background
    await user.should_see("Status: finalized")
    await user.should_see("“Redis”")  # evidence quoted from the transcript

    user.find("adjust-score").type("4.5")  # the reviewer disagrees with the first criterion's score
    user.find("adjust-reason").type("Explained the cache invalidation well in the follow-up call.")
    user.find("adjust-save").click()
    await see_within(user, "Total after review", seconds=30)  # the report and its PDF are rebuilt
    await user.should_see("Explained the cache invalidation well in the follow-up call.")

    user.find("erase").click()  # the candidate asked for their data to be deleted
    await user.should_see("Erase this candidate's data?")
    user.find("erase-confirm").click()
    await user.should_see("No interviews yet")  # back on the sessions list, which is empty now
    await user.should_not_see("Grace Hopper")


async def test_a_used_link_in_another_browser_gets_a_friendly_page(user: User, create_user: Callable[[], User]) -> None:
    await log_in(user)
    path = await invite_link(user, "Alan Turing")
    first, second = create_user(), create_user()
    await first.open(path)
    await first.should_see("Before you start")
    await second.open(path)
    await second.should_see("already opened in another browser")
    await second.open("/i/not-a-real-token-at-all-0000")
    await second.should_see("This interview link is not valid")


async def test_the_settings_page_shows_the_provider_and_checks_it(user: User) -> None:
    await log_in(user)
    await user.open("/admin/settings")
    await user.should_see("Provider (LLM_PROVIDER):")
    await user.should_see(marker="setting-provider")
    user.find("test-llm").click()
    await user.should_see("OK: no language model configured; scoring is rule-based")
