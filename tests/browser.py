"""A real headless Chromium (Debian's chromium + chromedriver) driven by selenium."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

AXE_JS = Path(__file__).resolve().parent.parent / "js" / "node_modules" / "axe-core" / "axe.min.js"  # npm, dev only
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@contextmanager
def chromium(profile_dir: Path, *extra_flags: str) -> Iterator[webdriver.Chrome]:
    """Headless Chromium with a fresh profile; closed network chatter so only our server is contacted."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        f"--user-data-dir={profile_dir}",
        *extra_flags,
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_text(driver: webdriver.Chrome, text: str, timeout: float = 15) -> WebElement:
    """The first element whose visible text contains `text`, once it is there."""
    contains = f"contains(normalize-space(.), {xpath_literal(text)})"
    locator = (By.XPATH, f"//body//*[{contains} and not(*[{contains}])]")
    return WebDriverWait(driver, timeout).until(expected_conditions.visibility_of_element_located(locator))


def finish_interview(driver: webdriver.Chrome, timeout: float = 15) -> None:
    """Press "Finish the interview" as a candidate does. If their browser noted attention events, they first see
    them ("Before you finish", where they may add notes) and finish from there."""
    wait_for_text(driver, "Finish the interview").click()
    deadline = time.monotonic() + timeout
    while "Thank you!" not in (body := driver.find_element(By.TAG_NAME, "body").text):
        if "Before you finish" in body:
            wait_for_text(driver, "Finish the interview").click()
            wait_for_text(driver, "Thank you!", timeout=timeout)
            return
        assert time.monotonic() < deadline, f"the interview did not finish: {body[-300:]}"
        time.sleep(0.1)


def camera_is_live(driver: webdriver.Chrome) -> bool:
    """Whether the page holds a camera stream that still runs (the browser shows its camera light)."""
    return bool(
        driver.execute_script(
            "const v = document.querySelector('video');"
            "return !!(v && v.srcObject && v.srcObject.getVideoTracks().some((t) => t.readyState === 'live'));"
        )
    )


def xpath_literal(text: str) -> str:
    return f'"{text}"' if '"' not in text else "concat('" + text.replace("'", "', \"'\", '") + "')"


def requested_urls(driver: webdriver.Chrome) -> list[str]:
    """Every URL the page requested so far (from Chromium's performance log)."""
    urls = []
    for entry in browser_log(driver, "performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def browser_log(driver: webdriver.Chrome, kind: str = "browser") -> list[dict[str, Any]]:
    """Chromium's log of `kind` ("browser" for the console, "performance" for network events)."""
    entries: list[dict[str, Any]] = driver.get_log(kind)  # type: ignore[no-untyped-call]
    return entries


def console_errors(driver: webdriver.Chrome) -> list[str]:
    return [str(e["message"]) for e in browser_log(driver) if e["level"] == "SEVERE"]


def log_in_as_admin(driver: webdriver.Chrome, origin: str, password: str) -> None:
    """Log in on the admin page as a person does; lands on the sessions list."""
    driver.get(f"{origin}/login")
    wait_for_text(driver, "Interviewer admin")
    driver.find_element(By.CSS_SELECTOR, "input[type=password]").send_keys(password)
    wait_for_text(driver, "Log in").click()
    wait_for_text(driver, "Sessions")


def begin_interview(driver: webdriver.Chrome, link: str) -> None:
    """Open an invite link, accept the notice and start, as a candidate does."""
    driver.get(link)
    wait_for_text(driver, "I have read this and agree").click()
    wait_for_text(driver, "Start the interview").click()


AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then((result) => done(result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)))
  .catch((error) => done([`axe failed: ${error}`]));
"""


def accessibility_problems(driver: webdriver.Chrome) -> list[str]:
    """The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page as it is now, one line each."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(AXE_JS.read_text())
    driver.set_script_timeout(30)
    problems: list[str] = driver.execute_async_script(AXE_RUN)
    return problems
