"""The adverse-impact check: candidates may describe themselves after the interview (voluntarily, apart from the
interview), and an admin sees selection rates by group with the four-fifths rule, on a population whose ratio is
known."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import AppProcess, admin_headers
from tests.helpers import ANSWER_1, ANSWER_2, TEMPLATE, answer_all, create_template, invite

WEAK = ["I do not know.", "Nothing comes to mind."]
# (gender, age band, strong answers?) — women: 5 of 10 above the threshold, men: 8 of 10 → impact ratio 0.5 / 0.8
POPULATION = [("woman", "under 30" if i < 4 else "30-39", i < 5) for i in range(10)] + [
    ("man", "30-39", i < 8) for i in range(10)
]


def interview(app: AppProcess, client: httpx.Client, family_id: str, strong: bool) -> dict[str, Any]:
    started = client.post("/interview/start", json={"invite_token": invite(client, family_id)["invite_token"]}).json()
    answer_all(app, started, [ANSWER_1, ANSWER_2] if strong else WEAK)
    return dict(started)


def describe(client: httpx.Client, started: dict[str, Any], **answers: str) -> httpx.Response:
    return client.post(
        f"/interview/{started['session_id']}/self-description",
        json=answers,
        headers={"Authorization": f"Bearer {started['ws_token']}"},
    )


@pytest.fixture(scope="module")
def population(app_process: AppProcess) -> dict[str, Any]:
    """Twenty finished interviews of one template; every candidate described their gender and age."""
    with app_process.client() as client:
        template = create_template(
            client, {**TEMPLATE, "scoring": "rules-v1", "self_description": ["gender", "age_band"]}
        )
        family_id = template["family_id"]
        sessions = []
        for gender, age, strong in POPULATION:
            started = interview(app_process, client, family_id, strong)
            assert describe(client, started, gender=gender, age_band=age).status_code == 200
            sessions.append(started)
        rows = client.get(f"/api/templates/{family_id}/results.json", headers=admin_headers()).json()["rows"]
    totals = {row["session_id"]: row["total"] for row in rows}
    strong_totals = [totals[s["session_id"]] for s, (_, _, strong) in zip(sessions, POPULATION, strict=True) if strong]
    weak_totals = [
        totals[s["session_id"]] for s, (_, _, strong) in zip(sessions, POPULATION, strict=True) if not strong
    ]
    assert min(strong_totals) > max(weak_totals)
    return {"family_id": family_id, "sessions": sessions, "threshold": (min(strong_totals) + max(weak_totals)) / 2}


def impact(app: AppProcess, family_id: str, **params: Any) -> dict[str, Any]:
    with app.client() as client:
        response = client.get(f"/api/templates/{family_id}/adverse-impact", params=params, headers=admin_headers())
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_selection_rates_by_group_and_the_four_fifths_rule_at_a_score_threshold(
    app_process: AppProcess, population: dict[str, Any]
) -> None:
    check = impact(app_process, population["family_id"], threshold=population["threshold"])
    groups = {(g["attribute"], g["group"]): g for g in check["groups"]}
    women, men = groups[("gender", "woman")], groups[("gender", "man")]
    assert (women["n"], women["selected"], women["rate"]) == (10, 5, 0.5)
    assert (men["n"], men["selected"], men["rate"]) == (10, 8, 0.8)
    assert (women["impact_ratio"], men["impact_ratio"]) == (0.625, 1.0)
    assert (women["below_four_fifths"], men["below_four_fifths"]) == (True, False)
    young = groups[("age_band", "under 30")]
    assert (young["n"], young["too_small"], check["too_small"]) == (4, True, True)  # too few to say anything
    assert (check["basis"], check["respondents"], check["interviews"]) == ("threshold", 20, 20)


def test_the_same_check_by_the_teams_decision_advance(app_process: AppProcess, population: dict[str, Any]) -> None:
    assert all(g["selected"] == 0 for g in impact(app_process, population["family_id"])["groups"])  # none decided yet
    with app_process.client() as client:
        for started, (_, _, strong) in zip(population["sessions"], POPULATION, strict=True):
            decided = client.post(
                f"/api/sessions/{started['session_id']}/decision",
                json={"decision": "advance" if strong else "reject", "reason": "Decided in the hiring panel today."},
                headers=admin_headers(),
            )
            assert decided.status_code == 200, decided.text
    check = impact(app_process, population["family_id"])
    groups = {(g["attribute"], g["group"]): g for g in check["groups"]}
    assert check["basis"] == "decision"
    assert (groups[("gender", "woman")]["selected"], groups[("gender", "man")]["selected"]) == (5, 8)
    assert (groups[("gender", "woman")]["impact_ratio"], groups[("gender", "man")]["impact_ratio"]) == (0.625, 1.0)


def test_the_self_description_stays_apart_from_scores_exports_and_names(
    app_process: AppProcess, population: dict[str, Any]
) -> None:
    first = population["sessions"][0]
    with app_process.client() as client:
        report = client.get(f"/report/{first['session_id']}.json", headers=admin_headers()).text
        export = client.get(f"/api/templates/{population['family_id']}/results.csv", headers=admin_headers()).text
        questions = client.get(
            f"/interview/{first['session_id']}/self-description",
            headers={"Authorization": f"Bearer {first['ws_token']}"},
        ).json()
        not_asked = describe(client, first, ethnicity="Asian")
        unknown_value = describe(client, first, gender="robot")
        running = client.post(
            "/interview/start", json={"invite_token": invite(client, population["family_id"])["invite_token"]}
        ).json()
        too_early = describe(client, running, gender="woman")
        other_token = describe(client, {**first, "ws_token": running["ws_token"]}, gender="woman")
        as_admin = client.post(f"/interview/{first['session_id']}/self-description", json={}, headers=admin_headers())
        candidate_reads_impact = client.get(
            f"/api/templates/{population['family_id']}/adverse-impact",
            headers={"Authorization": f"Bearer {first['ws_token']}"},
        )
    for text in (report, export):
        assert "woman" not in text
        assert "under 30" not in text
    assert [q["attribute"] for q in questions["questions"]] == ["gender", "age_band"]
    assert "never used in scoring" in questions["note"]
    assert (not_asked.status_code, unknown_value.status_code, too_early.status_code) == (422, 422, 409)
    assert (other_token.status_code, as_admin.status_code, candidate_reads_impact.status_code) == (403, 401, 403)


def test_erasing_a_candidate_erases_their_self_description(app_process: AppProcess, population: dict[str, Any]) -> None:
    family_id, threshold = population["family_id"], population["threshold"]
    before = impact(app_process, family_id, threshold=threshold)["respondents"]
    with app_process.client() as client:
        started = interview(app_process, client, family_id, strong=True)
        assert describe(client, started, gender="non-binary").status_code == 200
        assert impact(app_process, family_id, threshold=threshold)["respondents"] == before + 1
        erased = client.delete(f"/api/sessions/{started['session_id']}", headers=admin_headers())
    assert erased.status_code == 200
    assert erased.json()["self_description"] is True
    check = impact(app_process, family_id, threshold=threshold)
    assert check["respondents"] == before
    assert "non-binary" not in {g["group"] for g in check["groups"]}
