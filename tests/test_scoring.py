"""The rule engine against scores derived by hand from the formula in `interviewer.scoring`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.models import CriterionSpec, QuestionSpec, TemplateContent
from interviewer.scoring import AnswerForScoring, score_criterion, score_interview

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


criteria_strategy = st.builds(
    CriterionSpec,
    name=st.just("c"),
    weight=st.floats(min_value=0.1, max_value=10),
    evidence_phrases=st.lists(st.text(min_size=1, max_size=20), max_size=4),
    structure_cues=st.booleans(),
    expected_words_min=st.integers(min_value=0, max_value=50),
    expected_words_max=st.integers(min_value=50, max_value=500),
)


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(st.text(max_size=400), min_size=1, max_size=3),
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
