"""The hiring team exports a template's results: one row per interview, read back as CSV, no answers unless asked."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from tests.conftest import AppProcess, admin_headers
from tests.helpers import ANSWER_1, ANSWER_2, answer_all, create_template, invite

FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'
REASON = "Explained the partitioning scheme well in the follow-up call."


def interview(app: AppProcess, client: httpx.Client, family_id: str, name: str) -> str:
    token = invite(client, family_id, name)["invite_token"]
    started = client.post("/interview/start", json={"invite_token": token}).json()
    answer_all(app, started, [ANSWER_1, ANSWER_2])
    return str(started["session_id"])


def read_csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_the_results_of_a_template_are_exported_as_csv_one_row_per_interview(app_process: AppProcess) -> None:
    with app_process.client() as client:
        family_id = create_template(client)["family_id"]
        first = interview(app_process, client, family_id, "Grace Hopper-Testperson")
        second = interview(app_process, client, family_id, FORMULA_NAME)
        running = client.post(
            "/interview/start", json={"invite_token": invite(client, family_id)["invite_token"]}
        ).json()["session_id"]
        adjusted = client.post(
            f"/api/sessions/{first}/adjustments",
            json={"criterion_id": "c-story", "score": 4.5, "reason": REASON},
            headers=admin_headers(),
        ).json()
        decided = client.post(
            f"/api/sessions/{second}/decision",
            json={"decision": "advance", "reason": "Clear pipeline design; invite to the panel."},
            headers=admin_headers(),
        )
        assert decided.status_code == 200, decided.text
        report = client.get(f"/report/{second}.json", headers=admin_headers()).json()
        rows = read_csv(client.get(f"/api/templates/{family_id}/results.csv", headers=admin_headers()))
        with_answers = read_csv(
            client.get(f"/api/templates/{family_id}/results.csv?answers=true", headers=admin_headers())
        )
        as_json: dict[str, Any] = client.get(f"/api/templates/{family_id}/results.json", headers=admin_headers()).json()
        trail = client.get("/api/audit", headers=admin_headers()).json()
        anonymous = client.get(f"/api/templates/{family_id}/results.csv")
        unknown = client.get("/api/templates/nope/results.csv", headers=admin_headers())

    assert [row["session_id"] for row in rows] == [running, second, first]  # newest first
    header = list(rows[0])
    assert header[:6] == ["session_id", "candidate_name", "status", "template_version", "total", "engine_total"]
    assert header[6:] == [
        "Technical depth",
        "Storytelling",
        "decision",
        "rules_fired",
        "created_at",
        "finished_at",
        "finalized_at",
    ]
    by_id = {row["session_id"]: row for row in rows}
    scores = {c["name"]: c["score"] for c in report["scores"]["criteria"]}
    assert float(by_id[second]["total"]) == report["scores"]["total"]
    assert float(by_id[second]["Technical depth"]) == scores["Technical depth"]
    assert by_id[second]["status"] == "finalized"
    assert (by_id[second]["decision"], by_id[first]["decision"]) == ("advance", "")
    assert by_id[second]["finalized_at"]
    # a reviewer's adjustment counts; the engine's total stays beside it
    assert float(by_id[first]["Storytelling"]) == 4.5
    assert float(by_id[first]["total"]) == adjusted["review"]["adjusted_total"]
    assert float(by_id[first]["engine_total"]) == adjusted["scores"]["total"]
    assert (by_id[running]["status"], by_id[running]["total"], by_id[running]["decision"]) == ("in_progress", "", "")
    # a spreadsheet opening the file does not run the candidate's "name" as a formula
    assert by_id[second]["candidate_name"] == "'" + FORMULA_NAME
    # no answer text unless asked for
    everything = str(rows)
    assert ANSWER_1 not in everything
    assert ANSWER_2 not in everything
    assert {r["session_id"]: r["answer: q-pipeline"] for r in with_answers}[first] == ANSWER_1
    assert as_json["criteria"] == ["Technical depth", "Storytelling"]
    assert [r["session_id"] for r in as_json["rows"]] == [running, second, first]
    assert as_json["rows"][1]["candidate_name"] == FORMULA_NAME  # JSON carries the value as it is
    assert as_json["rows"][1]["answers"] is None
    assert (anonymous.status_code, unknown.status_code) == (401, 404)
    exports = [(line["actor"], line["detail"]) for line in trail if line["action"] == "data exported"][:3]
    assert exports == [("API", "json"), ("API", "csv with answers"), ("API", "csv")]  # newest first
    engine_story = {c["criterion_id"]: c["score"] for c in adjusted["scores"]["criteria"]}["c-story"]
    assert as_json["rows"][2]["engine_scores"]["Storytelling"] == engine_story  # the engine's, beside the reviewer's


def test_the_engine_is_shown_beside_the_teams_reviews_and_decisions(app_process: AppProcess) -> None:
    with app_process.client() as client:
        family_id = create_template(client)["family_id"]
        first = interview(app_process, client, family_id, "Ada Lovelace-Testperson")
        second = interview(app_process, client, family_id, "Alan Turing-Testperson")
        before = client.get(f"/api/templates/{family_id}/scoring-audit", headers=admin_headers()).json()
        adjusted = client.post(
            f"/api/sessions/{first}/adjustments",
            json={"criterion_id": "c-story", "score": 4.5, "reason": REASON},
            headers=admin_headers(),
        ).json()
        for session_id, decision in ((first, "advance"), (second, "reject")):
            client.post(
                f"/api/sessions/{session_id}/decision",
                json={"decision": decision, "reason": "Decided after the panel discussion."},
                headers=admin_headers(),
            )
        audit = client.get(f"/api/templates/{family_id}/scoring-audit", headers=admin_headers()).json()
        anonymous = client.get(f"/api/templates/{family_id}/scoring-audit")
    engine_story = {c["criterion_id"]: c["score"] for c in adjusted["scores"]["criteria"]}["c-story"]
    assert before["decisions"]["advanced_above_rejected"] is None  # nothing decided yet
    assert audit["interviews"] == 2
    assert audit["criteria"] == [
        {"criterion": "Technical depth", "scored": 2, "changed": 0, "mean_change": None},
        {"criterion": "Storytelling", "scored": 2, "changed": 1, "mean_change": round(4.5 - engine_story, 2)},
    ]
    # the same answers give the same engine total: the pair is a tie, which counts half
    assert audit["decisions"] == {"advanced": 1, "held": 0, "rejected": 1, "advanced_above_rejected": 0.5}
    assert "Testperson" not in str(audit)  # counts only, never a name
    assert anonymous.status_code == 401
