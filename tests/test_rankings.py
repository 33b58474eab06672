"""A reviewer ranks a template's finished interviews, filters them, sees where the chosen ones fall in the score
distribution, and compares them side by side (scores, evidence, the answers to the same question)."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from interviewer.db import Database
from interviewer.models import utc_now
from interviewer.ranking import NO_DECISION, RankingService
from interviewer.results import ResultsExport
from tests.browser import chromium, console_errors, log_in_as_admin, requested_urls, wait_for_text
from tests.conftest import ADMIN_PASSWORD, AppProcess, admin_headers
from tests.helpers import ANSWER_1, ANSWER_2, answer_all, create_template, invite

SCREENSHOTS = Path("/tmp/interviewer-rankings")  # kept after the run, to look at
CANDIDATES = {  # name → answers, from strong to weak
    "Grace Hopper": [ANSWER_1, ANSWER_2],
    "Alan Turing": [
        "I built a pipeline with an Airflow scheduler that loads one partition a day.",
        "When the load failed I added retries; as a result it was stable.",
    ],
    "Ada Byron": ["I moved some files around with a script.", "Once a job failed and I fixed it."],
}


def start_as(client: httpx.Client, family_id: str, name: str) -> httpx.Response:
    return client.post("/interview/start", json={"invite_token": invite(client, family_id, name)["invite_token"]})


def finished_interviews(app: AppProcess) -> tuple[str, dict[str, str]]:
    """The three candidates answer the template's questions over the API; returns its family id and their
    session ids by name."""
    with app.client() as client:
        family_id = create_template(client)["family_id"]
        started = {
            name: client.post(
                "/interview/start", json={"invite_token": invite(client, family_id, name)["invite_token"]}
            )
            for name in CANDIDATES
        }
    for name, response in started.items():
        answer_all(app, response.json(), CANDIDATES[name])
    return family_id, {name: str(r.json()["session_id"]) for name, r in started.items()}


def decide(app: AppProcess, session_id: str, decision: str) -> None:
    with app.client() as client:
        body: dict[str, Any] = {"decision": decision, "reason": "Decided in the ranking story of the tests."}
        assert client.post(f"/api/sessions/{session_id}/decision", json=body, headers=admin_headers()).is_success


def test_the_ranking_filters_and_the_comparison_lines_up_the_answers(app_process: AppProcess) -> None:
    family_id, sessions = finished_interviews(app_process)
    decide(app_process, sessions["Ada Byron"], "reject")
    db = Database(f"sqlite:///{app_process.env['STORAGE_DIR']}/interviewer.db")
    rankings = RankingService(db, ResultsExport(db))
    ranking = rankings.ranking(family_id)
    assert [r.candidate_name for r in ranking.rows] == list(CANDIDATES)  # highest total first
    assert ranking.criteria == ["Technical depth", "Storytelling"]
    assert [r.candidate_name for r in ranking.filtered(decision="reject")] == ["Ada Byron"]
    assert [r.candidate_name for r in ranking.filtered(decision=NO_DECISION)] == ["Grace Hopper", "Alan Turing"]
    today = utc_now().date()
    assert len(ranking.filtered(status="finalized", since=today, until=today)) == 3
    assert ranking.filtered(since=today + timedelta(days=1)) == []
    comparison = rankings.compare(family_id, [sessions["Grace Hopper"], sessions["Ada Byron"]])
    db.dispose()
    assert list(comparison.questions) == ["q-pipeline", "q-failure"]
    grace, ada = comparison.interviews
    assert (grace.answers["q-pipeline"], ada.answers["q-pipeline"]) == (ANSWER_1, CANDIDATES["Ada Byron"][0])
    assert grace.criteria["c-tech"].evidence  # the quotes behind the score
    assert (grace.criteria["c-tech"].score or 0) > (ada.criteria["c-tech"].score or 0)


def test_a_reviewer_ranks_selects_and_compares_in_a_real_browser(app_process: AppProcess, tmp_path: Path) -> None:
    family_id, sessions = finished_interviews(app_process)
    decide(app_process, sessions["Grace Hopper"], "advance")
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    with chromium(tmp_path / "ranking") as browser:
        log_in_as_admin(browser, app_process.url, ADMIN_PASSWORD)
        browser.get(f"{app_process.url}/admin/rankings/{family_id}")
        wait_for_text(browser, "Ranking: Data engineer")
        rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr")
        assert [next(n for n in CANDIDATES if r.text.startswith(n)) for r in rows] == list(CANDIDATES)
        browser.find_element(By.XPATH, "//th[contains(., 'Total')]").click()  # sorted by the total, lowest first
        WebDriverWait(browser, 10).until(
            lambda b: b.find_elements(By.CSS_SELECTOR, "tbody tr")[0].text.startswith("Ada Byron")
        )
        for name in ("Grace Hopper", "Ada Byron"):
            row = wait_for_text(browser, name).find_element(By.XPATH, "./ancestor::tr")
            row.find_element(By.CSS_SELECTOR, ".q-checkbox").click()
        wait_for_text(browser, "), Ada Byron (")  # "Selected: Grace Hopper (…), Ada Byron (…)"
        charts = browser.find_elements(By.CSS_SELECTOR, ".nicegui-echart canvas")
        assert len(charts) == 2
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", charts[0])
        browser.save_screenshot(str(SCREENSHOTS / "ranking.png"))
        browser.execute_script("window.scrollTo(0, 0)")
        wait_for_text(browser, "Compare selected").click()
        wait_for_text(browser, "Compare: Grace Hopper · Ada Byron")
        wait_for_text(browser, "Describe a data pipeline you built.")
        wait_for_text(browser, ANSWER_1)
        wait_for_text(browser, CANDIDATES["Ada Byron"][0])
        browser.save_screenshot(str(SCREENSHOTS / "compare.png"))
        foreign = [u for u in requested_urls(browser) if u.startswith("http") and not u.startswith(app_process.url)]
        errors = console_errors(browser)
    assert foreign == []  # ECharts comes from the app, not a CDN
    assert errors == []


GERMAN = [
    "Ich habe eine Datenstrecke mit Airflow gebaut, die jeden Tag eine Partition in das Lager schreibt.",
    "Als der nächtliche Ladevorgang fehlschlug, habe ich Wiederholungen eingebaut, und seitdem läuft er stabil.",
]


def test_a_score_a_rule_fired_on_is_named_in_the_ranking_until_a_reviewer_sets_it(app_process: AppProcess) -> None:
    with app_process.client() as client:
        family_id = create_template(client)["family_id"]
        started = start_as(client, family_id, "Kurt Gödel").json()
    answer_all(app_process, started, GERMAN)
    db = Database(f"sqlite:///{app_process.env['STORAGE_DIR']}/interviewer.db")
    rankings = RankingService(db, ResultsExport(db))
    try:
        assert rankings.ranking(family_id).rows[0].rules_fired == ["not_english"]
        with app_process.client() as client:
            csv_text = client.get(f"/api/templates/{family_id}/results.csv", headers=admin_headers()).text
            for criterion_id in ("c-tech", "c-story"):
                body = {"criterion_id": criterion_id, "score": 3.5, "reason": "Read the German answers myself."}
                url = f"/api/sessions/{started['session_id']}/adjustments"
                assert client.post(url, json=body, headers=admin_headers()).is_success
        assert rankings.ranking(family_id).rows[0].rules_fired == []  # a person has set every score
    finally:
        db.dispose()
    assert "rules_fired" in csv_text.splitlines()[0]
    assert ",not_english," in csv_text.splitlines()[1]
