"""The candidate and the admin in a real headless Chromium against a real app process."""

from __future__ import annotations

from pathlib import Path

from selenium.webdriver.common.by import By

from tests.browser import chromium, console_errors, requested_urls, wait_for_text
from tests.conftest import ADMIN_PASSWORD, AppProcess
from tests.test_api import ANSWER_1, ANSWER_2, create_template, invite


def test_a_candidate_interviews_and_the_admin_reads_the_report(app_process: AppProcess, tmp_path: Path) -> None:
    with app_process.client() as client:
        link = invite(client, create_template(client)["family_id"], name="Katherine Johnson")["url"]

    with chromium(tmp_path / "candidate") as browser:
        browser.get(link)
        wait_for_text(browser, "Before you start")
        wait_for_text(browser, "I have read this and agree").click()
        wait_for_text(browser, "Start the interview").click()
        for answer, button in ((ANSWER_1, "Next question"), (ANSWER_2, "Finish the interview")):
            wait_for_text(browser, button)
            browser.find_element(By.TAG_NAME, "textarea").send_keys(answer)
            wait_for_text(browser, button).click()
        wait_for_text(browser, "Thank you!")
        browser.save_screenshot(str(tmp_path / "candidate-done.png"))
        origin = link.split("/i/")[0]
        web = [u for u in requested_urls(browser) if u.startswith(("http:", "https:", "ws:", "wss:"))]
        foreign = [u for u in web if not u.startswith((origin, origin.replace("http", "ws", 1)))]
        errors = console_errors(browser)
    assert foreign == []
    assert errors == []

    with chromium(tmp_path / "admin") as browser:
        browser.get(f"{origin}/login")
        wait_for_text(browser, "Interviewer admin")
        browser.find_element(By.CSS_SELECTOR, "input[type=password]").send_keys(ADMIN_PASSWORD)
        wait_for_text(browser, "Log in").click()
        wait_for_text(browser, "Katherine Johnson").click()
        wait_for_text(browser, "Download PDF")
        wait_for_text(browser, "Status: finalized")
        browser.save_screenshot(str(tmp_path / "admin-session.png"))
        errors = console_errors(browser)
    assert errors == []
