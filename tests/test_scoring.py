"""Rules v1 against scores derived by hand from the formula in `interviewer.scoring.rules_v1`, and integrity
criteria (scored the same way by both engines)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.attention import AttentionSummary, KindSummary
from interviewer.embeddings import SentenceEmbedder
from interviewer.models import CriterionSpec, QuestionSpec, TemplateContent
from interviewer.scoring import AnswerForScoring, RubricScorer, ScoreCard, round_half_up
from interviewer.scoring.integrity import score_integrity
from interviewer.scoring.rules_v1 import score_criterion

SCORER = RubricScorer(SentenceEmbedder())


def score_interview(
    answers: list[AnswerForScoring], content: TemplateContent, attention: AttentionSummary | None = None
) -> ScoreCard:
    """The template's answers scored by rules v1."""
    return SCORER.score(answers, content.model_copy(update={"scoring": "rules-v1"}), attention=attention)


PHRASES = CriterionSpec(
    id="c-tech",
    name="Technical",
    evidence_phrases=["cache | caching", "index", "load balancer"],
    expected_words_min=5,
    expected_words_max=50,
)
STORY = CriterionSpec(id="c-story", name="Story", structure_cues=True, expected_words_min=1, expected_words_max=100)
SCALE = CriterionSpec(
    id="c-scale", name="Scale", evidence_phrases=["scale"], expected_words_min=1, expected_words_max=100
)
ONLY_Q2 = CriterionSpec(id="c-q2", name="Second only", question_ids=["q2"], expected_words_min=1)
RELEASE = CriterionSpec(
    id="c-release",
    name="Release",
    evidence_phrases=["deploy | release", "rollback"],
    structure_cues=True,
    expected_words_min=10,
    expected_words_max=100,
)
PLAIN = CriterionSpec(id="c-plain", name="Plain", expected_words_min=10, expected_words_max=20)


def answer(text: str, question_id: str = "q1") -> AnswerForScoring:
    return AnswerForScoring(question_id=question_id, text=text)


@pytest.mark.parametrize(
    ("criterion", "text", "expected", "level"),
    [
        # 11 words (in 5–50 → length 1), 3 of 3 groups: 5 × (0.8·1 + 0.2·1) = 5.0
        (PHRASES, "We added a cache and an index behind a load balancer.", 5.0, 5),
        # 3 words → length 3/5 = 0.6; 1 of 3 groups: 5 × (0.8/3 + 0.2·0.6) = 1.93 → 1.9
        (PHRASES, "We added caching.", 1.9, 2),
        # a synonym: "caching" for the cache group, 6 words: 5 × (0.8/3 + 0.2) = 2.33 → 2.3
        (PHRASES, "Caching helped a lot with reads", 2.3, 2),
        # 100 words → length max(0.5, 50/100) = 0.5, no group: 5 × 0.2 × 0.5 = 0.5
        (PHRASES, " ".join(["data"] * 100), 0.5, 1),
        # 7 words, all groups → 5.0; fillers um, uh, um = 3/7 > 10 % → −1.0 = 4.0
        (PHRASES, "um uh cache index load balancer um", 4.0, 4),
        # stemming: "scaled" and "scale" both stem to "scal"; 5 × (0.8 + 0.2) = 5.0
        (SCALE, "We scaled it.", 5.0, 5),
        # all four parts: 5 × (0.7·1 + 0.3·1) = 5.0
        (
            STORY,
            "When I was at my previous job my task was hard. I decided to rewrite it. As a result it improved.",
            5.0,
            5,
        ),
        # action only: 5 × (0.7·0.25 + 0.3) = 2.375 → rounded half-up 2.4
        (STORY, "I decided to rewrite it.", 2.4, 2),
        # full evidence + STAR: 23 words (in 10–100), 2 of 2 groups, 4 of 4 parts: 5 × (0.6 + 0.25 + 0.15) = 5.0
        (
            RELEASE,
            "When I was at Acme my task was to deploy faster. I built a rollback script. "
            "As a result releases took 5 minutes.",
            5.0,
            5,
        ),
        # 5 words → 5/10 = 0.5; rollback only (1/2); action only (1/4):
        # 5 × (0.6·0.5 + 0.25·0.25 + 0.15·0.5) = 2.1875 → 2.2
        (RELEASE, "I built a rollback script.", 2.2, 2),
        # 6 words → 0.6, nothing else: 5 × 0.15 × 0.6 = 0.45 → 0.5 (half-up, not the float's 0.4499…)
        (RELEASE, "Honestly nothing comes to my mind.", 0.5, 1),
        # 15 words, 3 of 3 groups → 5.0; 1 filler ("Basically") in 15 words = 6.7 % > 5 % → −0.5 = 4.5 → level 5
        (PHRASES, "Basically we put a cache in front of the index and a load balancer too", 4.5, 5),
        # no phrases, no structure: 3 words → 3/10: 5 × 0.3 = 1.5 → level 2
        (PLAIN, "Short answer here.", 1.5, 2),
        # 25 words > 20 → 20/25 = 0.8: 5 × 0.8 = 4.0
        (PLAIN, " ".join(["word"] * 25), 4.0, 4),
        # punctuation only: not blank but 0 words → length 0 → 0.0
        (PLAIN, "?! …", 0.0, 0),
        # nothing to score
        (PHRASES, "   ", 0.0, 0),
    ],
)
def test_scores_match_the_hand_derived_table(criterion: CriterionSpec, text: str, expected: float, level: int) -> None:
    result = score_criterion([answer(text)], criterion)
    assert result.score == expected
    assert result.level == level


def test_a_criterion_scores_only_its_questions() -> None:
    answers = [answer("A long and detailed first answer.", "q1"), answer("", "q2")]
    assert score_criterion(answers, ONLY_Q2).score == 0.0
    assert score_criterion([*answers[:1], answer("Second answer.", "q2")], ONLY_Q2).score == 5.0


def test_a_group_counts_once_across_answers_and_length_is_averaged() -> None:
    answers = [answer("We use a cache.", "q1"), answer("A cache plus an index.", "q2")]
    result = score_criterion(answers, PHRASES)
    # 2 of 3 groups; length (4/5 + 1) / 2 = 0.9: 5 × (0.8·2/3 + 0.2·0.9) = 3.5667 → 3.6
    assert result.score == 3.6
    assert [(r.rule, r.detail, r.points) for r in result.rules] == [
        ("evidence", "evidence: 2 of 3 phrase groups found", 2.67),
        ("length", "length: 1 of 2 answers within 5–50 words", 0.9),
        ("fillers", "fillers: 0.0% of words", 0.0),
    ]
    assert [(s.question_id, s.text) for s in result.evidence] == [("q1", "cache"), ("q2", "cache"), ("q2", "index")]


def test_rules_show_their_points() -> None:
    result = score_criterion([answer("I built a rollback script.")], RELEASE)
    assert [(r.rule, r.fired, r.points) for r in result.rules] == [
        ("evidence", True, 1.5),  # 5 × 0.6 × 1/2
        ("structure", True, 0.31),  # 5 × 0.25 × 1/4 = 0.3125
        ("length", True, 0.38),  # 5 × 0.15 × 0.5 = 0.375
        ("fillers", False, 0.0),
    ]
    assert result.rules[1].detail == "structure: 1 of 4 parts (situation, task, action, result) present"


def test_spans_are_capped_per_group_and_do_not_overlap() -> None:
    criterion = SCALE.model_copy(update={"evidence_phrases": ["cache", "load balancer | balancer"]})
    result = score_criterion([answer("cache, cache, cache and a cache behind a load balancer")], criterion)
    assert [s.text for s in result.evidence] == ["cache", "cache", "cache", "load balancer"]


def test_a_group_without_words_is_ignored() -> None:
    criterion = SCALE.model_copy(update={"evidence_phrases": ["scale", "?!"]})
    assert score_criterion([answer("It scales.")], criterion).rules[0].detail == "evidence: 1 of 1 phrase groups found"


def test_cues_and_fillers_match_across_line_breaks() -> None:
    text = "Well, you\nknow, so\nI rewrote it and saved 30 %."
    result = score_criterion([answer(text)], STORY)
    assert [(s.rule, s.text) for s in result.evidence] == [
        ("structure:action", "so\nI"),
        ("structure:result", "saved"),
        ("filler", "you\nknow"),
    ]
    # 10 words, 2 of 4 parts: 5 × (0.7·0.5 + 0.3) = 3.25; 1 filler in 10 words = 10 % > 5 % → −0.5 = 2.75 → 2.8
    assert result.score == 2.8


def test_rounding_is_half_up_and_ignores_float_noise() -> None:
    assert [round_half_up(2.25), round_half_up(0.44999999999999996), round_half_up(2.675, 2)] == [2.3, 0.5, 2.68]


def test_huge_texts_score_quickly() -> None:
    criterion = RELEASE.model_copy(update={"evidence_phrases": ["a b | c d", "x"] * 25})
    started = time.perf_counter()
    for text in ("1" * 50_000, "1." * 50_000, "word " * 50_000, "🙂" * 50_000):
        assert 0 <= score_criterion([answer(text)], criterion).score <= 5
    assert time.perf_counter() - started < 10


def test_evidence_quotes_the_transcript_and_names_its_rule() -> None:
    text = "First we profiled. Then a Load  Balancer and some CACHING."
    result = score_criterion([answer(text)], PHRASES)
    quotes = {(span.rule, span.text) for span in result.evidence}
    assert quotes == {("evidence:cache", "CACHING"), ("evidence:load balancer", "Load  Balancer")}
    for span in result.evidence:
        assert text[span.start : span.end] == span.text
    assert [r.rule for r in result.rules] == ["evidence", "length", "fillers"]
    assert result.rules[0].detail == "evidence: 2 of 3 phrase groups found"


def test_the_weighted_total_is_computed_by_hand() -> None:
    content = TemplateContent(
        name="t",
        questions=[QuestionSpec(id="q1", text="Tell me more.")],
        criteria=[PHRASES.model_copy(update={"weight": 2}), STORY],
    )
    card = score_interview([answer("We added a cache and an index behind a load balancer. I decided to.")], content)
    # technical 5.0 (13 words), story: action only → 2.4; (2·5.0 + 1·2.4) / 3 × 20 = 82.67 → 82.7
    assert [c.score for c in card.criteria] == [5.0, 2.4]
    assert card.total == 82.7


def test_scoring_is_deterministic() -> None:
    content = TemplateContent(name="t", questions=[QuestionSpec(id="q1", text="Why?")], criteria=[PHRASES, STORY])
    answers = [answer("um I decided to add a cache; as a result it improved by 30 percent")]
    assert score_interview(answers, content).model_dump_json() == score_interview(answers, content).model_dump_json()


VOCABULARY = ["cache", "caching", "i", "decided", "so", "as", "a", "result", "um", "you", "know", "30", "%", "\n", "é"]
wordy_text = st.lists(st.sampled_from(VOCABULARY), max_size=60).map(" ".join)
criteria_strategy = st.builds(
    CriterionSpec,
    name=st.just("c"),
    weight=st.floats(min_value=0.1, max_value=10),
    evidence_phrases=st.lists(st.one_of(st.text(min_size=1, max_size=20), wordy_text), max_size=4),
    structure_cues=st.booleans(),
    expected_words_min=st.integers(min_value=0, max_value=50),
    expected_words_max=st.integers(min_value=50, max_value=500),
    question_ids=st.lists(st.just("q0"), max_size=1),
)


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(st.one_of(st.text(max_size=400), wordy_text), min_size=1, max_size=3),
    criteria=st.lists(criteria_strategy, min_size=1, max_size=3, unique_by=lambda c: c.id),
)
def test_scoring_never_raises_and_stays_in_range(texts: list[str], criteria: list[CriterionSpec]) -> None:
    questions = [QuestionSpec(id=f"q{i}", text="A question?") for i in range(len(texts))]
    content = TemplateContent(name="t", questions=questions, criteria=criteria)
    answers = [answer(text, f"q{i}") for i, text in enumerate(texts)]
    card = score_interview(answers, content)
    assert 0 <= card.total <= 100
    for criterion in card.criteria:
        assert 0 <= criterion.score <= 5
        for span in criterion.evidence:
            assert answers[int(span.question_id[1:])].text[span.start : span.end] == span.text


INTEGRITY = CriterionSpec(id="c-integrity", name="Integrity", kind="integrity")


def attention_with(events: list[tuple[str, int]], share: float | None = None) -> AttentionSummary:
    """A summary of (kind, duration ms) events, one a minute from 09:00 UTC on 2026-11-25."""
    start = 1_795_597_200_000  # 2026-11-25 09:00:00 UTC
    timeline: list[dict[str, Any]] = [
        {"event": kind, "start_ms": start + i * 60_000, "duration_ms": ms, "confidence": 1}
        for i, (kind, ms) in enumerate(events)
    ]
    kinds = sorted({k for k, _ in events})
    by_kind = [
        KindSummary(kind=k, count=sum(1 for e, _ in events if e == k), total_ms=sum(ms for e, ms in events if e == k))
        for k in kinds
    ]
    return AttentionSummary(attentive_share=share, by_kind=by_kind, timeline=timeline)


@pytest.mark.parametrize(
    ("events", "share", "expected"),
    [
        ([], 1.0, 5.0),  # no flags
        ([], None, 5.0),  # no interview time to measure the share against
        ([("phone_detected", 0)], 1.0, 3.5),  # −1.5
        ([("phone_detected", 0)] * 3, 1.0, 2.0),  # 3 × −1.5, at most −3
        ([("multiple_faces", 2000), ("paste", 0)], 0.95, 3.5),  # −1, −0.5
        ([("tab_hidden", 30_000)], 0.8, 4.5),  # attentive 80 % < 90 %: −0.5
        ([("face_absent", 90_000)], 0.7, 4.0),  # 70 % < 75 %: −1
        ([("phone_detected", 0)] * 2 + [("multiple_faces", 0)] * 2 + [("paste", 0)] * 3, 0.4, 0.0),  # −8.5: 0
    ],
)
def test_an_integrity_criterion_loses_points_for_attention_flags(
    events: list[tuple[str, int]], share: float | None, expected: float
) -> None:
    scored = score_integrity(INTEGRITY, attention_with(events, share))
    assert scored.score == expected
    assert scored.score == max(0.0, 5 + sum(r.points for r in scored.rules if r.fired))  # the rules explain it


def test_the_rules_of_an_integrity_score_name_the_flags_and_their_times() -> None:
    scored = score_integrity(INTEGRITY, attention_with([("tab_hidden", 30_000), ("phone_detected", 0)], 0.8))
    fired = {r.rule: r.detail for r in scored.rules if r.fired}
    assert fired == {
        "phone_detected": "phone_detected: 1 × -1.5 (at most -3), at 09:01:00 UTC",
        "attentive_share": "attentive for 80% of the interview (tab_hidden 30 s)",
    }
    assert (scored.level, scored.level_description) == (3, "Adequate")


def test_attention_flags_change_only_integrity_criteria() -> None:
    content = TemplateContent(name="T", questions=[QuestionSpec(id="q1", text="Why?")], criteria=[PLAIN, INTEGRITY])
    answers = [answer("one two three four five six seven eight nine ten")]
    flagged = attention_with([("phone_detected", 0), ("paste", 0)], 0.95)
    clean, with_flags = score_interview(answers, content), score_interview(answers, content, attention=flagged)
    assert clean.criteria[0] == with_flags.criteria[0]
    assert (clean.criteria[1].score, with_flags.criteria[1].score) == (5.0, 3.0)
    assert with_flags == score_interview(answers, content, attention=flagged)  # deterministic


def test_an_integrity_criterion_takes_no_answer_rules() -> None:
    with pytest.raises(ValueError, match="integrity criterion is scored on attention flags only"):
        CriterionSpec(name="Integrity", kind="integrity", evidence_phrases=["honest"])
