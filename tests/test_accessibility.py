"""Accessibility (WCAG 2.1 AA): axe-core over every candidate and admin page and a keyboard-only interview in a
real Chromium; reduced motion; the timer's warnings, and its pause as an accommodation."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from nicegui import app, ui
from nicegui.testing import User
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from interviewer.system import System
from tests.browser import (
    accessibility_problems,
    begin_interview,
    chromium,
    finish_interview,
    log_in_as_admin,
    wait_for_text,
)
from tests.conftest import ADMIN_PASSWORD, ROOT, AppProcess, admin_headers
from tests.helpers import ANSWER_1, ANSWER_2, TEMPLATE, create_template, invite
from tests.user_steps import log_in, see_within, shown_invite_path

PRACTISED = {**TEMPLATE, "practice_question": "What did you have for breakfast today?"}

ADMIN_ROUTES = """
import main
from nicegui import Client, ui
ui.run = lambda **_: None  # build the app as `python main.py` does, without serving it
main.main()
print("\\n".join(sorted(path for path in Client.page_routes.values() if path.startswith("/admin"))))
"""


def admin_page_routes() -> list[str]:
    """Every admin page route the app registers, so a page added later is checked without being listed here."""
    listed = subprocess.run(
        [sys.executable, "-c", ADMIN_ROUTES], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    return listed.stdout.split()


def test_every_candidate_and_admin_page_passes_axe_core(app_process: AppProcess, tmp_path: Path) -> None:
    with app_process.client() as client:
        family_id = create_template(client, PRACTISED)["family_id"]
        link = invite(client, family_id)["url"]
    problems: dict[str, list[str]] = {}
    with chromium(tmp_path / "axe") as browser:
        browser.get(link)
        wait_for_text(browser, "Before you start")
        problems["consent"] = accessibility_problems(browser)
        wait_for_text(browser, "I have read this and agree").click()
        wait_for_text(browser, "Start the interview").click()
        wait_for_text(browser, "Start the real interview")
        problems["practice"] = accessibility_problems(browser)
        wait_for_text(browser, "Start the real interview").click()
        wait_for_text(browser, "Time left", timeout=40)
        problems["question"] = accessibility_problems(browser)
        browser.find_element(By.TAG_NAME, "textarea").send_keys(ANSWER_1)
        wait_for_text(browser, "Next question").click()
        wait_for_text(browser, "Question 2 of 2")
        browser.find_element(By.TAG_NAME, "textarea").send_keys(ANSWER_2)
        finish_interview(browser)
        problems["thank you"] = accessibility_problems(browser)
        browser.get(f"{app_process.url}/link-problem?reason=expired")
        wait_for_text(browser, "We can't open this interview")
        problems["link problem"] = accessibility_problems(browser)

        log_in_as_admin(browser, app_process.url, ADMIN_PASSWORD)  # the login page is checked on the way
        session_link = browser.find_element(By.CSS_SELECTOR, "a[href*='/admin/sessions/']").get_attribute("href")
        values = {"session_id": str(session_link).rsplit("/", 1)[1], "family_id": family_id}
        routes = admin_page_routes()
        for route in routes:
            unknown = set(re.findall(r"{(\w+)}", route)) - values.keys()
            assert not unknown, f"{route}: give this test a value for {unknown}"
            browser.get(app_process.url + route.format(**values))
            wait_for_text(browser, "Log out")
            problems[route] = accessibility_problems(browser)
        browser.get(f"{app_process.url}/auth/logout")
        wait_for_text(browser, "Interviewer admin")
        problems["login"] = accessibility_problems(browser)
    assert {"/admin", "/admin/sessions/{session_id}", "/admin/templates/{family_id}"} <= set(routes)
    assert {page: found for page, found in problems.items() if found} == {}


FOCUSED_NAME = """
const el = document.activeElement;
const labels = el.labels && el.labels.length ? Array.from(el.labels).map((l) => l.textContent).join(' ') : '';
return (el.getAttribute('aria-label') || labels || el.innerText || '').trim();
"""


def press(browser: webdriver.Chrome, *keys: str) -> None:
    """Keys go to whatever has the focus, as on a real keyboard."""
    ActionChains(browser).send_keys(*keys).perform()


def tab_to(browser: webdriver.Chrome, name: str, limit: int = 40) -> None:
    """Press Tab until the focused control is called `name` (its label, or its text)."""
    seen = []
    for _ in range(limit):
        press(browser, Keys.TAB)
        seen.append(str(browser.execute_script(FOCUSED_NAME))[:40])
        if name.lower() in seen[-1].lower():  # buttons show their text in capitals
            return
    raise AssertionError(f"Tab never reached {name!r}; it went through {seen}")


def test_a_candidate_does_the_whole_interview_with_the_keyboard_alone(app_process: AppProcess, tmp_path: Path) -> None:
    with app_process.client() as client:
        link = invite(client, create_template(client, PRACTISED)["family_id"])["url"]
    with chromium(tmp_path / "keyboard") as browser:
        browser.get(link)
        wait_for_text(browser, "Before you start")
        tab_to(browser, "I have read this and agree")
        press(browser, Keys.SPACE)
        tab_to(browser, "Start the interview")
        press(browser, Keys.ENTER)
        wait_for_text(browser, "Practice question")
        tab_to(browser, "Start the real interview")
        press(browser, Keys.ENTER)
        for answer, go_on in ((ANSWER_1, "Next question"), (ANSWER_2, "Finish the interview")):
            wait_for_text(browser, "Time left", timeout=40)  # the question was read out
            tab_to(browser, "Your answer")
            press(browser, answer)
            tab_to(browser, go_on)
            press(browser, Keys.ENTER)
        ending = WebDriverWait(browser, 15).until(lambda b: re.search(r"Thank you!|Before you finish", page_text(b)))
        if ending and ending.group() == "Before you finish":  # the browser noted moments (e.g. another window)
            tab_to(browser, "Your note on this")
            press(browser, "I was reading the question again.")
            tab_to(browser, "Finish the interview")
            press(browser, Keys.ENTER)
        wait_for_text(browser, "Thank you!")


def page_text(browser: webdriver.Chrome) -> str:
    return str(browser.find_element(By.TAG_NAME, "body").text)


STILL_FRAME = """
const current = document.querySelector('.avatar .caption-current');
return [document.querySelector('.avatar canvas').toDataURL(), current ? current.textContent.trim() : null];
"""


def test_with_reduced_motion_the_avatar_stays_still_and_the_captions_go_on(
    app_process: AppProcess, tmp_path: Path
) -> None:
    with app_process.client() as client:
        link = invite(client, create_template(client)["family_id"])["url"]
    flags = ("--autoplay-policy=no-user-gesture-required", "--force-prefers-reduced-motion")
    with chromium(tmp_path / "still", *flags) as browser:
        begin_interview(browser, link)
        wait_for_text(browser, "Replay question")
        frames = []
        for _ in range(40):  # ≈ 2 s while the question is read out
            frames.append(browser.execute_script(STILL_FRAME))
            time.sleep(0.05)
    words = [word for _, word in frames if word]
    assert len({picture for picture, _ in frames}) == 1  # not one pixel moves: no lips, blinks or idle motion …
    assert len(set(words)) >= 3, words  # … while the captions follow the voice word by word


TIMED = {
    **TEMPLATE,
    "name": "Timed",
    "questions": [
        {"id": "q-minute", "text": "Describe a data pipeline you built.", "time_limit_s": 62},
        {"id": "q-short", "text": "Name one tool you like.", "time_limit_s": 17},
    ],
}


async def test_the_timer_warns_before_time_runs_out_and_pauses_when_the_invite_allows_it(
    user: User, create_user: Callable[[], User]
) -> None:
    created = await user.http_client.post("/api/templates", json=TIMED, headers=admin_headers())
    assert created.status_code == 201, created.text
    await log_in(user)
    await user.open("/admin/invites")
    user.find("invite-template").click()
    user.find("Timed (v1)").click()
    user.find("invite-name").type("Katherine Johnson")
    user.find("invite-pausable").click()
    user.find("create-invite").click()
    await user.should_see("Accommodations: timer can be paused")
    path = shown_invite_path(user)

    candidate = create_user()
    await candidate.open(path)
    await candidate.should_see("a timer you can pause")
    candidate.find("consent-box").click()
    candidate.find("start-interview").click()
    await candidate.should_see("Question 1 of 2")
    system: System = app.state.system
    [view] = system.interview.list_sessions()
    system.interview.start_answer_clock(view.session.id, "q-minute")  # what hearing the question does
    clock_started = time.monotonic()
    await candidate.open(path)  # the page continues with the clock running
    [warning] = candidate.find(marker="time-warning").elements
    assert warning.props["aria-live"] == "assertive"  # screen readers say it at once
    await see_within(candidate, "One minute left for this answer.", seconds=8)

    candidate.find("pause-button").click()
    await candidate.should_see("The timer is paused.")
    [timer] = candidate.find(marker="timer").elements
    assert isinstance(timer, ui.label)
    await see_within(candidate, "(paused)", seconds=3)
    held = timer.text
    await asyncio.sleep(2.5)  # a break: the clock does not move
    assert timer.text == held, (held, timer.text)
    candidate.find("pause-button").click()
    await candidate.should_see("The timer runs again.")
    candidate.find("answer-box").type(ANSWER_1)
    candidate.find("next-button").click()
    await candidate.should_see("Question 2 of 2")
    on_the_clock = time.monotonic() - clock_started
    system.interview.start_answer_clock(view.session.id, "q-short")
    await candidate.open(path)
    await see_within(candidate, "15 seconds left for this answer.", seconds=8)
    candidate.find("answer-box").type(ANSWER_2)
    candidate.find("next-button").click()
    await candidate.should_see("Thank you!")

    seconds_used = system.interview.view(view.session.id).answers["q-minute"].seconds_used
    assert seconds_used is not None
    assert seconds_used < on_the_clock - 2  # the pause is not counted as time used
    await user.open(f"/admin/sessions/{view.session.id}")
    await user.should_see("Accommodations: timer can be paused (never change a score)")


OVERFLOW = "return document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_on_a_phone_no_candidate_page_scrolls_sideways(app_process: AppProcess, tmp_path: Path) -> None:
    with app_process.client() as client:
        link = invite(client, create_template(client, PRACTISED)["family_id"])["url"]
    overflow: dict[str, int] = {}
    with chromium(tmp_path / "phone") as browser:
        phone = {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True}
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", phone)
        browser.get(link)
        wait_for_text(browser, "Before you start")
        overflow["consent"] = browser.execute_script(OVERFLOW)
        wait_for_text(browser, "I have read this and agree").click()
        wait_for_text(browser, "Start the interview").click()
        wait_for_text(browser, "Start the real interview")
        overflow["practice"] = browser.execute_script(OVERFLOW)
        wait_for_text(browser, "Start the real interview").click()
        wait_for_text(browser, "Time left", timeout=40)
        overflow["question"] = browser.execute_script(OVERFLOW)
        browser.find_element(By.TAG_NAME, "textarea").send_keys(ANSWER_1)
        wait_for_text(browser, "Next question").click()
        wait_for_text(browser, "Question 2 of 2")
        browser.find_element(By.TAG_NAME, "textarea").send_keys(ANSWER_2)
        finish_interview(browser)
        overflow["thank you"] = browser.execute_script(OVERFLOW)
    assert overflow == {"consent": 0, "practice": 0, "question": 0, "thank you": 0}
