"""The candidate and the admin in a real headless Chromium against a real app process."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.audio import SENTENCES, spoken_answer, word_error_rate
from tests.browser import (
    accessibility_problems,
    begin_interview,
    camera_is_live,
    chromium,
    console_errors,
    finish_interview,
    log_in_as_admin,
    requested_urls,
    wait_for_text,
)
from tests.conftest import ADMIN_PASSWORD, AppProcess, admin_headers
from tests.helpers import ANSWER_1, ANSWER_2, TEMPLATE, create_template, invite


def test_a_candidate_interviews_and_the_admin_reads_the_report(app_process: AppProcess, tmp_path: Path) -> None:
    with app_process.client() as client:
        link = invite(client, create_template(client)["family_id"], name="Katherine Johnson")["url"]

    with chromium(tmp_path / "candidate") as browser:
        browser.get(link)
        wait_for_text(browser, "Before you start")
        wait_for_text(browser, "I have read this and agree").click()
        wait_for_text(browser, "Start the interview").click()
        wait_for_text(browser, "Next question")
        browser.find_element(By.TAG_NAME, "textarea").send_keys(ANSWER_1)
        wait_for_text(browser, "Next question").click()
        wait_for_text(browser, "Finish the interview")
        browser.find_element(By.TAG_NAME, "textarea").send_keys(ANSWER_2)
        finish_interview(browser)
        browser.save_screenshot(str(tmp_path / "candidate-done.png"))
        origin = link.split("/i/")[0]
        web = [u for u in requested_urls(browser) if u.startswith(("http:", "https:", "ws:", "wss:"))]
        foreign = [u for u in web if not u.startswith((origin, origin.replace("http", "ws", 1)))]
        errors = console_errors(browser)
    assert foreign == []
    assert errors == []

    with chromium(tmp_path / "admin") as browser:
        log_in_as_admin(browser, origin, ADMIN_PASSWORD)
        wait_for_text(browser, "Katherine Johnson").click()
        wait_for_text(browser, "Download PDF")
        wait_for_text(browser, "Status: finalized")
        browser.save_screenshot(str(tmp_path / "admin-session.png"))
        errors = console_errors(browser)
    assert errors == []


def test_a_candidate_answers_by_voice_in_a_real_browser(stt_app: AppProcess, tmp_path: Path) -> None:
    # the fake microphone plays the file from the moment the camera and microphone open at the start, not from
    # "Listening": the candidate starts speaking after 4 s, as a person who pressed "Answer by voice" does (with 1 s,
    # a busy machine cut off the first words: "Ss for every change …", word error rate 0.26)
    speech = spoken_answer(tmp_path / "speech", lead_s=4.0)
    one_question = {**TEMPLATE, "questions": TEMPLATE["questions"][:1]}  # the default end of an answer: 4 s quiet
    with stt_app.client() as client:
        link = invite(client, create_template(client, one_question)["family_id"])["url"]

    fake_media = (
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={speech}%noloop",
    )
    with chromium(tmp_path / "voice", *fake_media) as browser:
        begin_interview(browser, link)
        wait_for_text(browser, "Answer by voice").click()
        wait_for_text(browser, "Listening")
        wait_for_text(browser, "We heard:", timeout=30)  # a partial transcript while the answer goes on
        wait_for_text(browser, "Got it", timeout=60)  # silence ended the answer; the final transcript is in
        transcript = browser.find_element(By.TAG_NAME, "textarea").get_attribute("value") or ""
        browser.save_screenshot(str(tmp_path / "voice-answer.png"))
        errors = console_errors(browser)
        camera_during = camera_is_live(browser)
        finish_interview(browser)  # the fake camera shows no face: the candidate may see that flag first
        WebDriverWait(browser, 10).until(lambda driver: not camera_is_live(driver))  # the camera goes off at the end
    assert camera_during
    assert errors == []
    assert word_error_rate(" ".join(SENTENCES), transcript) <= 0.25, transcript


def test_without_a_microphone_the_candidate_is_told_to_type(stt_app: AppProcess, tmp_path: Path) -> None:
    with stt_app.client() as client:
        link = invite(client, create_template(client)["family_id"])["url"]
    with chromium(tmp_path / "no-mic", "--deny-permission-prompts") as browser:
        begin_interview(browser, link)
        wait_for_text(browser, "Answer by voice").click()
        message = wait_for_text(browser, "please type your answer below").text
        browser.find_element(By.TAG_NAME, "textarea").send_keys(ANSWER_1)
        wait_for_text(browser, "Next question").click()
        wait_for_text(browser, "Question 2 of 2")
    assert "microphone" in message.lower()


MOUTH_PIXELS = """
const canvas = document.querySelector('.avatar canvas');
const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
let n = 0;
for (let i = 0; i < data.length; i += 4) if (data[i] === 0x7f && data[i + 1] === 0x1d && data[i + 2] === 0x1d) n++;
const current = document.querySelector('.avatar .caption-current');
return [n, current ? current.textContent.trim() : null];
"""


def test_the_avatar_speaks_the_question_with_moving_mouth_and_captions(app_process: AppProcess, tmp_path: Path) -> None:
    with app_process.client() as client:
        link = invite(client, create_template(client)["family_id"])["url"]
    with chromium(tmp_path / "avatar", "--autoplay-policy=no-user-gesture-required") as browser:
        begin_interview(browser, link)
        wait_for_text(browser, "Replay question")
        speaking = []
        for _ in range(40):  # ≈ 2 s while the question is read out
            speaking.append(browser.execute_script(MOUTH_PIXELS))
            time.sleep(0.05)
        browser.save_screenshot(str(tmp_path / "avatar-speaking.png"))
        wait_for_text(browser, "Time left", timeout=20)  # the audio ended: the answer clock runs
        silent = []
        for _ in range(20):
            silent.append(browser.execute_script(MOUTH_PIXELS))
            time.sleep(0.05)
    mouth_sizes = [n for n, _ in speaking]
    words = [w for _, w in speaking if w]
    assert len(set(words)) >= 3, words  # the captions advance word by word
    assert words[0] == "Describe"
    assert max(mouth_sizes) - min(mouth_sizes) > 100  # the mouth moves while it speaks …
    quiet = [n for n, _ in silent]
    assert max(quiet) - min(quiet) < 0.1 * (max(mouth_sizes) - min(mouth_sizes))  # … and rests when it is silent
    assert all(w is None for _, w in silent)


def test_a_candidate_practises_by_voice_and_nothing_of_it_is_kept(stt_app: AppProcess, tmp_path: Path) -> None:
    # Chromium's fake microphone plays the file from the moment the camera and microphone open, before the practice
    # question is read out and listening starts: the candidate's speech comes after 6 s, as a person waits to be asked
    speech = spoken_answer(tmp_path / "speech", SENTENCES[:2], lead_s=6.0)
    practised = {**TEMPLATE, "practice_question": "What did you have for breakfast?"}
    with stt_app.client() as client:
        link = invite(client, create_template(client, practised)["family_id"], name="Mary Jackson")["url"]
    fake_media = (
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={speech}%noloop",
    )
    with chromium(tmp_path / "practice", *fake_media) as browser:
        begin_interview(browser, link)
        wait_for_text(browser, "Practice question")
        wait_for_text(browser, "Answer by voice").click()  # (or it starts by itself once the question was heard)
        wait_for_text(browser, "Got it", timeout=60)  # the clip was transcribed: the candidate sees what we heard
        heard = browser.find_element(By.TAG_NAME, "textarea").get_attribute("value") or ""
        problems = accessibility_problems(browser)  # the voice controls too
        errors = console_errors(browser)
        wait_for_text(browser, "Start the real interview").click()
        wait_for_text(browser, "Question 1 of 2")
    assert word_error_rate(" ".join(SENTENCES[:2]), heard) <= 0.35, heard  # one greedy pass over the whole clip
    assert problems == []
    assert errors == []
    with stt_app.client() as client:
        [session_id] = [
            s["session_id"]
            for s in client.get("/api/sessions", headers=admin_headers()).json()
            if s["candidate_name"] == "Mary Jackson"
        ]
    storage = Path(stt_app.env["STORAGE_DIR"])
    assert not [p for p in (storage / "audio" / session_id).glob("*") if p.is_file()]  # no audio left on disk
    with sqlite3.connect(storage / "interviewer.db") as db:
        stored = db.execute("SELECT count(*) FROM answer WHERE session_id = ?", (session_id,)).fetchone()
    assert stored == (0,)  # nothing reached the database


def test_an_admin_copies_a_new_invite_link_and_it_opens_the_interview(app_process: AppProcess, tmp_path: Path) -> None:
    with chromium(tmp_path / "copy") as browser:
        browser.execute_cdp_cmd(
            "Browser.grantPermissions", {"origin": app_process.url, "permissions": ["clipboardReadWrite"]}
        )
        log_in_as_admin(browser, app_process.url, ADMIN_PASSWORD)
        browser.get(f"{app_process.url}/admin/invites")
        browser.find_element(By.XPATH, "//label[contains(., 'Candidate name')]//input").send_keys("Ada Lovelace")
        wait_for_text(browser, "Create link").click()
        wait_for_text(browser, "Copy link").click()
        wait_for_text(browser, "Link copied")
        shown = browser.find_element(By.XPATH, "//label[contains(., 'Link')]//input").get_attribute("value")
        copied = browser.execute_async_script("navigator.clipboard.readText().then(arguments[0])")
        browser.get(copied)
        wait_for_text(browser, "Hello Ada Lovelace")
    assert copied == shown
    assert "/i/" in copied
