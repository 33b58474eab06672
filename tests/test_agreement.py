"""Checking a rubric against answers the team graded (`interviewer.scoring.agreement`), with the real model."""

from __future__ import annotations

import pytest

from interviewer.embeddings import SentenceEmbedder
from interviewer.errors import Invalid
from interviewer.models import CriterionSpec, QuestionSpec, TemplateContent
from interviewer.scoring import RubricScorer
from interviewer.scoring.agreement import GradedAnswer, check_agreement, grade_by_rank, qwk_by_rank, read_graded

SCORER = RubricScorer(SentenceEmbedder())
RUBRIC = TemplateContent(
    name="Scaling",
    questions=[
        QuestionSpec(id="q1", text="How would you make a slow API endpoint handle ten times more traffic?"),
        QuestionSpec(id="q2", text="Tell me about a time you disagreed with a colleague."),
    ],
    criteria=[
        CriterionSpec(
            id="c-scale",
            name="Scaling",
            question_ids=["q1"],
            evidence_phrases=[
                "cache the responses | caching | cache",
                "add servers behind a load balancer | load balancer",
                "profile to find the slow part | profiling | profiler",
                "database | queries",
                "measure | where the time goes",
            ],
            expected_words_min=15,
        ),
        CriterionSpec(id="c-talk", name="Disagreement", question_ids=["q2"], evidence_phrases=["listened"]),
    ],
)
GRADED = [
    GradedAnswer(
        grade=2,
        text="First I would profile the endpoint to find where the time goes, then cache the hot responses in Redis "
        "and add more servers behind a load balancer.",
    ),
    GradedAnswer(
        grade=2,
        text="Measure first with a profiler. Most time is usually in the database, so I would add caching for "
        "repeated reads and scale out to several instances behind a load balancer.",
    ),
    GradedAnswer(
        grade=2,
        text="I'd find the slow part by profiling, put a cache in front of the expensive queries, and run more "
        "copies of the service behind a load balancer.",
    ),
    GradedAnswer(grade=1, text="I would add a cache for the responses."),
    GradedAnswer(grade=1, text="Put more servers behind a load balancer."),
    GradedAnswer(grade=1, text="I would try caching some of the results."),
    GradedAnswer(grade=0, text="I would ask the users to be patient."),
    GradedAnswer(grade=0, text="I don't know, maybe buy a faster computer."),
]
OFF_TOPIC = "I really enjoy hiking in the mountains with my family on weekends, and my favourite food is pizza."


def test_a_rubric_that_orders_answers_as_the_team_did_agrees_and_cannot_be_stuffed() -> None:
    report = check_agreement(SCORER, RUBRIC, "q1", GRADED)
    assert report.answers == 8
    assert report.grades == {0: 2, 1: 3, 2: 3}
    assert report.qwk_by_rank >= 0.8
    assert report.spearman is not None
    assert report.spearman >= 0.8
    assert report.verdict.startswith("Strong agreement")
    assert report.stuffing is not None
    assert "cache the responses" in report.stuffing.answer  # only this question's criterion: no "listened"
    assert "listened" not in report.stuffing.answer
    assert report.stuffing.below
    assert report.stuffing.score < report.stuffing.top_grade_median


def test_the_probe_says_when_a_rubric_of_few_points_can_be_gamed_with_its_own_phrases() -> None:
    scaling = RUBRIC.criteria[0]
    three_points = RUBRIC.model_copy(
        update={"criteria": [scaling.model_copy(update={"evidence_phrases": scaling.evidence_phrases[:3]})]}
    )
    probe = check_agreement(SCORER, three_points, "q1", GRADED).stuffing
    assert probe is not None
    assert not probe.below  # the README: write 5 or more evidence lines


def test_a_must_show_point_that_halves_top_graded_answers_is_named_with_their_rows() -> None:
    scaling = RUBRIC.criteria[0]
    profiler_only = RUBRIC.model_copy(
        update={"criteria": [scaling.model_copy(update={"must_show": ["profiler"]}), RUBRIC.criteria[1]]}
    )
    misses = check_agreement(SCORER, profiler_only, "q1", GRADED).must_show_misses
    assert [(m.criterion, m.top_graded, m.halved, m.lines) for m in misses] == [("Scaling", 3, 2, [1, 3])]
    # answers 1 and 3 say "profile" and "profiling", which the single word "profiler" does not find
    assert check_agreement(SCORER, RUBRIC, "q1", GRADED).must_show_misses == []  # no must-show point, nothing halved


def test_words_the_top_graded_answers_use_and_the_rubric_lacks_are_named() -> None:
    graded = [
        GradedAnswer(grade=2, text="Cache the hot responses and add read replicas behind a loadbalancer."),
        GradedAnswer(grade=2, text="I would add replicas of the database behind a loadbalancer and cache responses."),
        GradedAnswer(grade=2, text="Read replicas take the load off; a cache and a loadbalancer help the service."),
        GradedAnswer(grade=1, text="Put a cache in front of the service."),
        GradedAnswer(grade=0, text="Restart the service every night."),
        GradedAnswer(grade=0, text="Ask the users to wait for the service."),
    ]
    words = {
        w.word: (w.top_graded, w.lowest_graded) for w in check_agreement(SCORER, RUBRIC, "q1", graded).missing_words
    }
    assert words == {"replicas": (3, 0)}  # "cache" and "loadbalancer" (its "load balancer") are the rubric's
    assert check_agreement(SCORER, RUBRIC, "q1", GRADED).missing_words == []  # no word in 3 of 3 the rubric lacks


def test_each_criterion_of_a_question_is_measured_on_its_own_too() -> None:
    scaling = RUBRIC.criteria[0]
    off_the_point = CriterionSpec(
        id="c-style", name="Style", question_ids=["q1"], evidence_phrases=["honestly", "basically", "to be fair"]
    )
    two = RUBRIC.model_copy(update={"criteria": [scaling, off_the_point]})
    report = check_agreement(SCORER, two, "q1", GRADED)
    by_name = {c.criterion: c.qwk_by_rank for c in report.criteria}
    assert list(by_name) == ["Scaling", "Style"]
    assert by_name["Scaling"] > by_name["Style"]
    assert check_agreement(SCORER, RUBRIC, "q1", GRADED).criteria == []  # one criterion: the total says it all


def test_an_answer_graded_against_the_rubric_is_the_first_disagreement_named_by_its_row() -> None:
    graded = [*GRADED[:4], GradedAnswer(grade=2, text=OFF_TOPIC), *GRADED[4:]]
    report = check_agreement(SCORER, RUBRIC, "q1", graded)
    first = report.disagreements[0]
    assert (first.line, first.text, first.grade, first.grade_by_rank) == (5, OFF_TOPIC, 2, 0)
    assert report.qwk_by_rank < check_agreement(SCORER, RUBRIC, "q1", GRADED).qwk_by_rank


@pytest.mark.parametrize(
    ("graded", "question_id", "says"),
    [
        ([GradedAnswer(grade=1, text=a.text) for a in GRADED], "q1", "same grade"),
        (GRADED[:4], "q1", "give 5 to 2000 graded answers"),
        (GRADED, "q9", "unknown question id 'q9'"),
    ],
)
def test_a_check_that_cannot_measure_anything_says_why(graded: list[GradedAnswer], question_id: str, says: str) -> None:
    with pytest.raises(Invalid, match=says):
        check_agreement(SCORER, RUBRIC, question_id, graded)


def test_graded_answers_are_read_from_spreadsheet_columns_or_csv() -> None:
    pasted = "Grade\tAnswer\n2.0\tI would cache it, then add servers.\n0\tNo idea\n"
    assert read_graded(pasted) == [
        GradedAnswer(grade=2, text="I would cache it, then add servers."),
        GradedAnswer(grade=0, text="No idea"),
    ]
    csv_text = '1,"Cache, then measure"\n2,Profile it, cache it, scale out\n'
    assert [a.text for a in read_graded(csv_text)] == ["Cache, then measure", "Profile it, cache it, scale out"]
    with pytest.raises(Invalid, match="row 3: the grade 'two' is not a whole number"):
        read_graded("grade,answer\n1,ok\ntwo,not a grade")
    with pytest.raises(Invalid, match=r"row 1: the grade '1\.5' is not a whole number"):
        read_graded("1.5,half a point")


def test_grades_by_rank_hand_out_the_teams_grade_counts_in_the_rubrics_order() -> None:
    assert grade_by_rank([10, 30, 20, 40], [0, 0, 1, 2]).tolist() == [0, 1, 0, 2]
    assert grade_by_rank([5, 5, 5, 9], [0, 1, 1, 2]).tolist() == [1, 1, 1, 2]  # a tie gets its middle grade
    assert qwk_by_rank([1, 2, 3, 4], [0, 0, 1, 2]) == pytest.approx(1.0)
    assert qwk_by_rank([4, 3, 2, 1], [0, 0, 1, 2]) < 0
