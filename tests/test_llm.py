"""Language-model providers against a real HTTP stand-in on localhost: follow-ups, ratings, and faults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import free_port
from tests.helpers import ANSWER_1, ANSWER_2, CANDIDATE, FOLLOW_UP_ANSWER, interview, llm_app
from tests.llm_server import FOLLOW_UP, MADE_UP_QUOTE, FakeLLM


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


def rule(report: dict[str, Any], criterion: int, name: str) -> dict[str, Any] | None:
    return next((r for r in report["scores"]["criteria"][criterion]["rules"] if r["rule"] == name), None)


@pytest.mark.parametrize("provider", ["openai", "ollama"])
def test_the_model_asks_a_follow_up_and_rates_with_verified_quotes(
    fake_llm: FakeLLM, provider: str, tmp_path: Path
) -> None:
    fake_llm.set_mode("ok")
    app = llm_app(tmp_path / "storage", provider, fake_llm.port)
    try:
        report, seen = interview(app)
    finally:
        app.stop()
    assert [q["id"] for q in seen] == ["q-pipeline", "q-pipeline-f1", "q-failure"]
    assert seen[1]["text"] == FOLLOW_UP
    assert seen[1]["follow_up_of"] == "q-pipeline"
    assert report["answers"][1] | {"follow_up_of": "q-pipeline", "answer": FOLLOW_UP_ANSWER} == report["answers"][1]
    llm = report["llm"]
    assert (llm["provider"], llm["model"], llm["follow_ups_asked"]) == (provider, "test-model", 1)
    assert llm["ratings_used"] == 3  # the weighted criterion × three answers
    assert llm["quotes_dropped"] == 0
    model = rule(report, 0, "model_rating")
    assert model is not None
    assert "level 4.0 on 3 answers" in model["detail"]
    assert rule(report, 1, "model_rating") is None  # this criterion's llm_weight is 0: rules only
    quotes = [e for e in report["scores"]["criteria"][0]["evidence"] if e["rule"] == "model:quote"]
    assert quotes[0]["text"] == " ".join(ANSWER_1.split()[:4])
    sent = fake_llm.sent_text()
    assert CANDIDATE not in sent
    assert "ada@example.org" not in sent
    assert all(r.get("temperature", r.get("options", {}).get("temperature")) == 0 for r in fake_llm.requests)


def test_made_up_quotes_are_dropped_and_counted(fake_llm: FakeLLM, tmp_path: Path) -> None:
    fake_llm.set_mode("hallucinate")
    app = llm_app(tmp_path / "storage", "openai", fake_llm.port)
    try:
        report, _ = interview(app)
    finally:
        app.stop()
    assert report["llm"]["quotes_dropped"] == 3
    assert report["llm"]["hallucination_rate"] == 0.5
    evidence = json.dumps(report["scores"])
    assert MADE_UP_QUOTE not in evidence


@pytest.mark.parametrize(
    ("mode", "follow_up"),
    [("throttled_once", True), ("malformed_once", True), ("malformed", False), ("slow", False), ("error", False)],
)
def test_a_misbehaving_model_never_breaks_the_interview(
    fake_llm: FakeLLM, mode: str, follow_up: bool, tmp_path: Path
) -> None:
    fake_llm.set_mode(mode)
    app = llm_app(tmp_path / "storage", "openai", fake_llm.port)
    try:
        report, seen = interview(app)
    finally:
        app.stop()
    assert ("q-pipeline-f1" in [q["id"] for q in seen]) is follow_up
    assert report["answers"][-1]["answer"] == ANSWER_2
    assert report["llm"]["follow_ups_asked"] == int(follow_up)
    if mode in ("slow", "error"):
        assert report["llm"]["ratings_used"] == 0
        attempts = 3 if mode == "error" else 1  # a 500 is retried twice; a timeout ends the call
        assert len(fake_llm.requests) < 4 * attempts  # 1 follow-up + 3 ratings without the circuit breaker


def test_a_refused_connection_is_a_model_that_contributed_nothing(tmp_path: Path) -> None:
    app = llm_app(tmp_path / "storage", "openai", free_port())
    try:
        report, seen = interview(app)
    finally:
        app.stop()
    assert len(seen) == 2
    assert report["llm"] | {"follow_ups_asked": 0, "ratings_used": 0} == report["llm"]
