"""The candidate's side (issue 16): a candidate may have a person assess their answers instead of the automatic
scoring; then no engine score exists until reviewers set every criterion."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import BytesIO
from typing import Any

import httpx
import pytest
from nicegui import app
from nicegui.testing import User
from pypdf import PdfReader

from interviewer.errors import Conflict, Invalid, NotFound
from interviewer.invites import as_utc
from interviewer.models import DEFAULT_PRACTICE_QUESTION, InviteCreate, SessionStatus, utc_now
from interviewer.report.pdf import render_pdf
from interviewer.report.schema import Report
from interviewer.system import System
from tests.conftest import AppProcess, admin_headers
from tests.helpers import (
    ANSWER_1,
    ANSWER_2,
    TEMPLATE,
    answer_all,
    create_template,
    invite,
    receive_until,
    start,
    ws_connect,
)
from tests.sample_report import sample_report
from tests.user_steps import invite_link, log_in, see_within, shown_invite_path

REASON = "Read both answers with the hiring manager; solid, specific examples."


async def skip_practice(candidate: User) -> None:
    """The example template starts with its practice question; go on to the first real one."""
    await candidate.should_see(marker="practice")
    candidate.find("practice-done").click()
    await candidate.should_see("Question 1 of 3")


async def at_the_first_question(user: User, create_user: Callable[[], User], name: str) -> User:
    """The admin invites `name` to the example template; the candidate opens the link, agrees, starts, and goes past
    the practice question to the first real one."""
    await log_in(user)
    path = await invite_link(user, name)
    candidate = create_user()
    await candidate.open(path)
    candidate.find("consent-box").click()
    candidate.find("start-interview").click()
    await skip_practice(candidate)
    return candidate


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).split())


def report_of(client: httpx.Client, session_id: str) -> tuple[dict[str, Any], str]:
    report = client.get(f"/report/{session_id}.json", headers=admin_headers())
    pdf = client.get(f"/report/{session_id}.pdf", headers=admin_headers())
    assert report.status_code == pdf.status_code == 200, report.text
    return report.json(), pdf_text(pdf.content)


def answered_and_finished(app_process: AppProcess, started: dict[str, Any]) -> str:
    """Both questions of tests.test_api's template answered over the socket; returns the session id once reported."""
    with ws_connect(app_process, started["session_id"], started["ws_token"]) as ws:
        state = receive_until(ws, "state")
        for question_id, text in (("q-pipeline", ANSWER_1), ("q-failure", ANSWER_2)):
            ws.send(json.dumps({"type": "answer", "question_id": question_id, "text": text}))
            receive_until(ws, "ack")
            ws.send(json.dumps({"type": "next" if question_id == "q-pipeline" else "finish"}))
            if question_id == "q-pipeline":
                assert receive_until(ws, "question")["question"]["time_limit_s"] == state["question"]["time_limit_s"]
        receive_until(ws, "report")
    return str(started["session_id"])


def test_an_api_client_opts_out_and_reviewers_complete_the_scores(app_process: AppProcess) -> None:
    with app_process.client() as client:
        family_id = create_template(client)["family_id"]
        token = invite(client, family_id)["invite_token"]
        started = client.post("/interview/start", json={"invite_token": token, "ai_scoring": False}).json()
        assert started["ai_scoring"] is False
        refused = client.post(
            "/interview/start", json={"invite_token": invite(client, family_id)["invite_token"], "ai_scoring": "no"}
        )
        assert refused.status_code == 422  # true or false, nothing else
    session_id = answered_and_finished(app_process, started)
    with app_process.client() as client:
        report, text = report_of(client, session_id)
        assert report["ai_scoring"] is False
        assert report["scores"]["total"] is None
        assert [c["score"] for c in report["scores"]["criteria"]] == [None, None]
        assert all(c["evidence"] == [] and c["rules"] == [] for c in report["scores"]["criteria"])
        assert report["answers"][0]["answer"] == ANSWER_1  # the answers are all there for the person
        assert "Assessed by a person" in text
        assert "/ 100" not in text
        assert "/ 5" not in text
        assert "Reviewers have set 0 of 2 criteria" in text

        def adjust(criterion_id: str, score: float) -> dict[str, Any]:
            response = client.post(
                f"/api/sessions/{session_id}/adjustments",
                json={"criterion_id": criterion_id, "score": score, "reason": REASON},
                headers=admin_headers(),
            )
            assert response.status_code == 200, response.text
            return dict(response.json())

        half = adjust("c-tech", 4)
        assert half["review"]["adjusted_total"] is None  # one criterion is still unset
        assert half["review"]["adjustments"][0]["engine_score"] is None
        assert half["scores"]["total"] is None
        done = adjust("c-story", 3)
        assert done["review"]["adjusted_total"] == round((2 * 4 + 1 * 3) / 3 * 20, 1)  # weights 2 and 1
        assert done["scores"]["total"] is None  # still no engine score: the total is the reviewers'
        report, text = report_of(client, session_id)
        assert report == done
        assert f"Total set by reviewers: {done['review']['adjusted_total']:.1f} / 100" in text
        assert "Technical depth: 4.0" in text
        assert REASON in text
        sessions = client.get("/api/sessions", headers=admin_headers()).json()
        assert next(s for s in sessions if s["session_id"] == session_id)["ai_scoring"] is False


def test_a_report_without_engine_scores_reads_back_from_json_and_renders() -> None:
    """A stored opt-out report parses as one (not as an engine card with zeros) and its PDF has no numbers."""

    engine = sample_report()
    raw = json.loads(engine.model_dump_json())
    raw["ai_scoring"] = False
    raw["scores"] = {
        "scoring_version": "person",
        "total": None,
        "criteria": [
            {"criterion_id": c.criterion_id, "name": c.name, "weight": c.weight} for c in engine.scores.criteria
        ],
    }
    report = Report.model_validate(raw)
    assert Report.model_validate_json(report.model_dump_json()) == report
    text = pdf_text(render_pdf(report))
    assert "Assessed by a person" in text
    assert "Technical depth (weight 2)" in text
    assert "/ 5" not in text
    assert "/ 100" not in text
    assert "rule evidence" not in text


async def test_a_candidate_asks_for_a_person_and_the_reviewer_sets_every_criterion(
    user: User, create_user: Callable[[], User]
) -> None:
    await log_in(user)
    path = await invite_link(user, "Katherine Johnson")
    candidate = create_user()
    await candidate.open(path)
    await candidate.should_see("Have a person assess my answers instead of the automatic scoring")
    candidate.find("ai-opt-out").click()
    candidate.find("consent-box").click()
    candidate.find("start-interview").click()
    await skip_practice(candidate)

    await user.open("/admin")
    user.find("Katherine Johnson").click()
    await see_within(user, "Assessed by a person", seconds=30)  # the live panel: the rubric, no engine numbers
    await user.should_see(marker="by-person")
    await user.should_see(marker="no-engine-score")
    await user.should_see("Level 5: ")
    await user.should_not_see("/ 100")

    for number in (2, 3, 4):
        candidate.find("answer-box").type("I cached the hot reads in Redis and added an index; latency halved.")
        candidate.find("next-button").click()
        await candidate.should_see(f"Question {number} of 3" if number <= 3 else "Thank you!")

    await see_within(user, "Download PDF", seconds=60)
    await user.should_see("still to set: Technical depth, Ownership and impact, Clear communication")
    for name, score in (("Technical depth", "4"), ("Ownership and impact", "3"), ("Clear communication", "5")):
        user.find("adjust-criterion").click()
        user.find(f"{name} (not set yet)").click()
        user.find("adjust-score").clear().type(score)
        user.find("adjust-reason").clear().type(REASON)
        user.find("adjust-save").click()
        await see_within(user, f"{name}: {float(score):.1f} (by admin) — {REASON}", seconds=30)  # who set it
    await see_within(user, "(set by reviewers)", seconds=30)
    await user.should_see(marker="adjusted-total")
    await user.should_not_see(marker="criteria-left")


def test_extra_time_and_no_camera_reach_the_candidate_and_the_report_but_never_the_score(
    app_process: AppProcess,
) -> None:
    with app_process.client() as client:
        family_id = create_template(client)["family_id"]

        def started_with(**accommodations: Any) -> httpx.Response:
            made = client.post(
                "/api/invites",
                json={"template_family_id": family_id, "candidate_name": "Ada Testperson", **accommodations},
                headers=admin_headers(),
            )
            if made.status_code != 201:
                return made
            return client.post("/interview/start", json={"invite_token": made.json()["invite_token"]})

        for refused in ({"extra_time_factor": 3.5}, {"extra_time_factor": 0.5}, {"camera": "on"}):
            assert started_with(**refused).status_code == 422, refused
        granted = started_with(extra_time_factor=1.5, camera="off").json()
        plain = started_with().json()
    assert [q["time_limit_s"] for q in granted["questions"]] == [180, 180]  # 120 s × 1.5
    assert [q["time_limit_s"] for q in plain["questions"]] == [120, 120]
    assert granted["accommodations"] == {"extra_time_factor": 1.5, "camera": "off", "pausable_timer": False}

    with_time = answered_and_finished(app_process, granted)
    without = answered_and_finished(app_process, plain)
    with app_process.client() as client:
        report, text = report_of(client, with_time)
        other, other_text = report_of(client, without)
    assert report["accommodations"]["applied"] == ["extra time ×1.5", "no camera analysis"]
    assert [a["time_limit_s"] for a in report["answers"]] == [180, 180]
    assert report["scores"] == other["scores"]  # the same answers score the same: never a penalty
    assert "Accommodations Granted: extra time ×1.5, no camera analysis." in text
    assert "never change a score" in text
    assert other["accommodations"]["applied"] == []
    assert "Accommodations" not in other_text


async def test_the_admin_grants_extra_time_and_the_candidates_timer_has_it(
    user: User, create_user: Callable[[], User]
) -> None:
    await log_in(user)
    await user.open("/admin/invites")
    user.find("invite-name").type("Katherine Johnson")
    user.find("invite-extra-time").clear().type("1.5")
    user.find("invite-camera-off").click()
    user.find("create-invite").click()
    await user.should_see("Accommodations: extra time ×1.5, no camera analysis")
    path = shown_invite_path(user)

    candidate = create_user()
    await candidate.open(path)
    await candidate.should_see("1.5 times the usual time for each answer")
    await candidate.should_see("Your camera is not used.")
    candidate.find("consent-box").click()
    candidate.find("start-interview").click()
    await skip_practice(candidate)
    monitor = candidate.find("attention-monitor").elements.pop()
    assert monitor.props["camera"] == "off"

    system: System = app.state.system
    [view] = system.interview.list_sessions()
    question = view.current_question
    assert question is not None
    assert question.time_limit_s == 270  # the example's 180 s × 1.5
    system.interview.start_answer_clock(view.session.id, question.id)  # what hearing the question does
    await user.open(f"/admin/sessions/{view.session.id}")
    await user.should_see("Accommodations: extra time ×1.5, no camera analysis (never change a score)")
    await candidate.open(path)  # the page continues where it was, with the clock running
    await see_within(candidate, "Time left: 4:", seconds=10)  # 4:30 at most, not 3:00


async def test_the_candidate_sees_their_flags_before_finishing_and_their_note_reaches_the_report(
    user: User, create_user: Callable[[], User]
) -> None:
    candidate = await at_the_first_question(user, create_user, "Dorothy Vaughan")
    system: System = app.state.system
    [view] = system.interview.list_sessions()
    assert view.session.consented_at is not None
    began = int(as_utc(view.session.consented_at).timestamp() * 1000)
    for event in (  # as the candidate's browser reports them (the page's attention monitor)
        {"type": "attention", "event": "face_absent", "start_ms": began + 40_000, "duration_ms": 12_000},
        {"type": "attention", "event": "paste", "start_ms": began + 50_000},
    ):
        await system.attention.record(view.session.id, event)

    for number in (2, 3):
        candidate.find("answer-box").type("I cached the hot reads in Redis and added an index; latency halved.")
        candidate.find("next-button").click()
        await candidate.should_see(f"Question {number} of 3")
    candidate.find("answer-box").type("Profile first, then cache.")
    candidate.find("next-button").click()
    await candidate.should_see("Before you finish")  # not finished yet: the flags come first
    await candidate.should_see("Face not visible, 12 s at 0:40")
    await candidate.should_see("Text pasted into an answer at 0:50")
    assert system.interview.view(view.session.id).session.status == SessionStatus.IN_PROGRESS
    candidate.find("flag-note-0").type("My   son came into the room and I turned to him.")
    candidate.find("flags-finish").click()
    await candidate.should_see("Thank you!")

    with pytest.raises(Conflict):  # after finishing, the flags are as they were
        system.attention.add_note(system.interview.view(view.session.id).session, 1, "Changed my mind.")
    await user.open(f"/admin/sessions/{view.session.id}")
    await see_within(user, "Download PDF", seconds=60)
    await user.should_see("Candidate's note: “My son came into the room and I turned to him.”")
    stored = system.reports.stored(view.session.id)
    assert stored is not None
    report = Report.model_validate_json(stored.report_json)
    face, paste = report.attention.events
    assert face["candidate_note"] == "My son came into the room and I turned to him."
    assert "candidate_note" not in paste
    text = pdf_text(stored.pdf)
    assert "The candidate's notes on these flags" in text
    assert "face not visible, 12 s at 0:40 — “My son came into the room and I turned to him.”" in text


async def test_a_note_is_short_and_only_on_the_candidates_own_flags(user: User) -> None:
    await log_in(user)
    system: System = app.state.system
    family_id = system.templates.list_current()[0].family_id
    sessions = []
    for name in ("Mary Jackson", "Christine Darden"):
        token = system.invites.create(
            InviteCreate(template_family_id=family_id, candidate_name=name), by="test"
        ).invite_token
        sessions.append(system.interview.open_invite(token, consented=True))
    now = int(utc_now().timestamp() * 1000)
    await system.attention.record(sessions[0], {"type": "attention", "event": "tab_hidden", "start_ms": now})
    [event] = system.attention.events(sessions[0])
    mine, other = (system.interview.view(s).session for s in sessions)
    with pytest.raises(Invalid):
        system.attention.add_note(mine, event.id or 0, "x" * 301)
    with pytest.raises(NotFound):
        system.attention.add_note(other, event.id or 0, "Not my flag.")
    system.attention.add_note(mine, event.id or 0, "I looked up a word.")
    assert system.attention.events(sessions[0])[0].candidate_note == "I looked up a word."


async def test_a_candidate_typing_in_another_language_is_asked_to_answer_in_english(
    user: User, create_user: Callable[[], User]
) -> None:
    candidate = await at_the_first_question(user, create_user, "Lise Meitner")
    candidate.find("answer-box").type("Ich habe den Dienst neu gebaut und einen Cache und einen Index eingeführt.")
    await candidate.should_see("your answer seems to be in another language: please answer in English if you can")
    candidate.find("answer-box").clear().type("I rebuilt the service and added a cache and an index.")
    await candidate.should_not_see("your answer seems to be in another language", retries=40)


async def test_the_practice_question_can_be_repeated_and_never_reaches_the_database_or_the_report(
    user: User, create_user: Callable[[], User]
) -> None:
    practice = "Porridge with blueberries, and far too much coffee."
    await log_in(user)
    path = await invite_link(user, "Annie Easley")
    candidate = create_user()
    await candidate.open(path)
    candidate.find("consent-box").click()
    candidate.find("start-interview").click()
    await candidate.should_see("To try things out: what did you have for breakfast today?")
    await candidate.open("/interview")  # a reload (say, after allowing the microphone) practises on
    await candidate.should_see("To try things out: what did you have for breakfast today?")
    await candidate.should_see(marker="practice-avatar")  # the interviewer asks it aloud
    candidate.find("practice-answer").type(practice)
    candidate.find("practice-check").click()
    await candidate.should_see(f"This is what we would receive: “{practice}”")
    candidate.find("practice-again").click()  # once more, from the start
    await candidate.should_see(marker="practice-answer")
    await candidate.should_not_see(practice)
    candidate.find("practice-answer").type(practice)
    candidate.find("practice-done").click()
    await candidate.should_see("Question 1 of 3")

    system: System = app.state.system
    [view] = system.interview.list_sessions()
    assert view.answers == {}  # nothing stored
    assert view.session.question_started_at is None  # the first question's clock has not started
    for number in (2, 3, 4):
        candidate.find("answer-box").type("I cached the hot reads in Redis and added an index; latency halved.")
        candidate.find("next-button").click()
        await candidate.should_see(f"Question {number} of 3" if number <= 3 else "Thank you!")
    await user.open(f"/admin/sessions/{view.session.id}")
    await see_within(user, "Download PDF", seconds=60)
    stored = system.reports.stored(view.session.id)
    assert stored is not None
    assert "blueberries" not in stored.report_json
    assert "blueberries" not in pdf_text(stored.pdf)
    answers = system.interview.view(view.session.id).answers
    assert set(answers) == {"q-intro", "q-incident", "q-scale"}  # the template's questions, no practice
    assert all("blueberries" not in a.text for a in answers.values())


def test_a_template_has_a_practice_question_unless_it_says_none(app_process: AppProcess) -> None:
    unsaid = {key: value for key, value in TEMPLATE.items() if key != "practice_question"}
    with app_process.client() as client:
        assert create_template(client, unsaid)["content"]["practice_question"] == DEFAULT_PRACTICE_QUESTION
        assert create_template(client)["content"]["practice_question"] == ""  # TEMPLATE says none


def test_the_practice_question_is_spoken_but_never_an_answer(app_process: AppProcess) -> None:
    with app_process.client() as client:
        plain = create_template(client)["family_id"]  # no practice question
        with_practice = create_template(client, {**TEMPLATE, "practice_question": "How is the weather?"})
        assert with_practice["content"]["practice_question"] == "How is the weather?"
        for family_id, status in ((with_practice["family_id"], 200), (plain, 404)):
            token = invite(client, family_id)["invite_token"]
            started = client.post("/interview/start", json={"invite_token": token}).json()
            assert [q["id"] for q in started["questions"]] == ["q-pipeline", "q-failure"]
            bearer = {"Authorization": f"Bearer {started['ws_token']}"}
            audio = client.get(f"/interview/{started['session_id']}/audio/practice", headers=bearer)
            assert audio.status_code == status, audio.text
            if status == 200:
                assert audio.headers["content-type"] == "audio/wav"
            with ws_connect(app_process, started["session_id"], started["ws_token"]) as ws:
                receive_until(ws, "state")
                ws.send(json.dumps({"type": "answer", "question_id": "practice", "text": "Sunny."}))
                assert "not the current question" in receive_until(ws, "error")["detail"]


def test_an_api_client_shows_the_candidate_their_flags_and_sends_their_note(app_process: AppProcess) -> None:
    with app_process.client() as client:
        family_id = create_template(client)["family_id"]
        started = client.post("/interview/start", json={"invite_token": invite(client, family_id)["invite_token"]})
    session_id, token = started.json()["session_id"], started.json()["ws_token"]
    now = int(utc_now().timestamp() * 1000)
    with ws_connect(app_process, session_id, token) as ws:
        receive_until(ws, "state")
        ws.send(
            json.dumps({"type": "attention", "event": "face_absent", "start_ms": now + 5000, "duration_ms": 12_000})
        )
        receive_until(ws, "ack")
        ws.send(json.dumps({"type": "flags"}))
        [flag] = receive_until(ws, "flags")["events"]
        assert flag["event"] == "face_absent"
        assert flag["words"].startswith("face not visible, 12 s at 0:0")
        assert flag["note"] is None
        ws.send(json.dumps({"type": "flag_note", "event_id": flag["id"], "note": "The light went out."}))
        assert receive_until(ws, "ack")["event_id"] == flag["id"]
        ws.send(json.dumps({"type": "flag_note", "event_id": flag["id"], "note": "x" * 301}))
        assert "note" in receive_until(ws, "error")["detail"]
        ws.send(json.dumps({"type": "flags"}))
        assert receive_until(ws, "flags")["events"][0]["note"] == "The light went out."
        ws.send(json.dumps({"type": "answer", "question_id": "q-pipeline", "text": ANSWER_1}))
        receive_until(ws, "ack")
        ws.send(json.dumps({"type": "finish"}))
        receive_until(ws, "report")
        ws.send(json.dumps({"type": "flag_note", "event_id": flag["id"], "note": "Too late now."}))
        assert receive_until(ws, "error")["status"] == 409
    with app_process.client() as client:
        report, text = report_of(client, session_id)
    assert report["attention"]["events"][0]["candidate_note"] == "The light went out."
    assert "— “The light went out.”" in text


def test_a_practice_clip_is_checked_before_it_is_transcribed_and_never_after_the_interview(
    app_process: AppProcess,
) -> None:
    with app_process.client() as client:
        family_id = create_template(client)["family_id"]
        started, other = start(client, family_id), start(client, family_id)
        url = f"/stt/practice?session_id={started['session_id']}"
        own = {"Authorization": f"Bearer {started['ws_token']}", "Content-Type": "audio/L16; rate=16000"}
        second = b"\0\0" * 16_000
        assert client.post(url, content=second).status_code == 401
        stranger = {**own, "Authorization": f"Bearer {other['ws_token']}"}
        assert client.post(url, content=second, headers=stranger).status_code == 403
        too_long = client.post(url, content=second * 31, headers=own)
        assert too_long.status_code == 413
        assert "at most 30 s" in too_long.json()["detail"]
        assert client.post(url, content=second, headers={**own, "Content-Type": "audio/ogg"}).status_code == 415
        assert client.post(url, content=b"", headers=own).status_code == 422
        unavailable = client.post(url, content=second, headers=own)  # this app runs without a speech model
        assert unavailable.status_code == 503
        assert unavailable.headers["X-Speech-State"] == "off"
        answer_all(app_process, started, [ANSWER_1, ANSWER_2])
        assert client.post(url, content=second, headers=own).status_code == 409  # the interview is over


def test_an_api_client_pauses_the_timer_and_answers_again_over_the_websocket(app_process: AppProcess) -> None:
    """A company's own front end gets the accommodations and the retake policy that the candidate page has."""
    with app_process.client() as client:
        family_id = create_template(client, {**TEMPLATE, "retakes": 1})["family_id"]
        granted = client.post(
            "/api/invites",
            json={"template_family_id": family_id, "candidate_name": "Ada Testperson", "pausable_timer": True},
            headers=admin_headers(),
        ).json()
        started = client.post("/interview/start", json={"invite_token": granted["invite_token"]}).json()
    with ws_connect(app_process, started["session_id"], started["ws_token"]) as ws:
        question_id = receive_until(ws, "state")["question"]["id"]

        def send(message: dict[str, Any], reply: str) -> dict[str, Any]:
            ws.send(json.dumps(message))
            return receive_until(ws, reply)

        assert send({"type": "listening", "question_id": question_id}, "ack")["question_id"] == question_id
        assert send({"type": "pause", "question_id": question_id, "paused": True}, "ack")["paused"] is True
        assert send({"type": "pause", "question_id": question_id, "paused": False}, "ack")["paused"] is False
        send({"type": "answer", "question_id": question_id, "text": ANSWER_1}, "ack")
        again = send({"type": "retake", "question_id": question_id}, "state")
        refused = send({"type": "retake", "question_id": question_id}, "error")
    assert again["question"]["id"] == question_id
    assert question_id not in again["answered"]  # the first answer is gone
    assert refused["status"] == 409  # once per question
