"""How well a rubric agrees with grades people gave: check a rubric against answers the team graded itself.

Nothing is trained or stored: the answers are scored with the rubric as it stands, ordered by score, and that
order is compared with the team's grades.
- QWK by rank: sort the answers by score and hand out the team's grade counts from the bottom (the lowest n0
  answers get the lowest grade, the next n1 the next one, …; answers with the same score all get the grade at
  the middle of their tie block), then quadratic weighted kappa against the team's grades. It asks whether
  the rubric puts the answers in the order the team would, whatever the scale.
- Spearman ρ of score and grade.
- The answers whose grade-by-rank is furthest from the team's grade: where to look when writing the rubric.
- The gaming probe: the rubric's evidence phrases in a row (and glued three ways), scored like an answer,
  against the median score of the answers with the team's top grade.
- Must-show points that halved answers with the team's top grade: the point misses how those answers say it.
- Words the answers with the team's top grade use far more often than those with its lowest, and that neither the
  rubric nor the question has: what the team credits that the rubric does not say. The admin decides which are
  rubric points (nothing is added by itself).
`bench/scoring_agreement.py` measures the engines with the same metrics on public human-graded data.
"""

from __future__ import annotations

import csv
import io
import math
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from interviewer.errors import Invalid
from interviewer.models import CriterionSpec, QuestionSpec, TemplateContent
from interviewer.scoring.card import AnswerForScoring, ScoreCard, in_scope, weighted_total
from interviewer.scoring.meaning_v2 import criterion_text
from interviewer.scoring.rules_v1 import phrase_groups
from interviewer.scoring.spelling import point_needles
from interviewer.scoring.text import WORD, content_stems, content_words, stem

MEASURED_AGREEMENT = {  # QWK by rank, ASAP dev sets 3/4/7/8/9, rubric-only (bench/RESULTS.md)
    "meaning-v2": "0.44–0.69",
    "rules-v1": "0.35–0.59",
}
HUMAN_AGREEMENT = "0.75–0.97"  # the same sets' two human raters
MIN_ANSWERS = 5
MAX_ANSWERS = 2000
SHOWN_DISAGREEMENTS = 5
SHOWN_HALVED = 5  # rows named per criterion whose must-show rule halved top-graded answers
SHOWN_WORDS = 8  # words the top-graded answers use that the rubric lacks
WORD_MIN_ANSWERS = 3  # … used in at least this many top-graded answers (and WORD_MIN_SHARE of them)
WORD_MIN_SHARE = 0.03
WORD_LIFT = 2.0  # … and this many times as often as in the lowest-graded ones
STRONG_AGREEMENT = 0.80  # human raters of the public ASAP sets agree at 0.75–0.97
MODERATE_AGREEMENT = 0.60
SAME_SCORE = "No agreement: the rubric gives every answer the same score. Add evidence lines the answers differ in."


class Scorer(Protocol):
    """What the check needs of `RubricScorer`."""

    def score_many(self, items: Sequence[Sequence[AnswerForScoring]], content: TemplateContent) -> list[ScoreCard]:
        """Score several candidates' answers on one template."""
        ...


class GradedAnswer(BaseModel):
    """An answer to the question and the grade a person gave it (any whole-number scale, e.g. 0–2 or 1–5)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=20_000)
    grade: int = Field(ge=0, le=100)


class Disagreement(BaseModel):
    """An answer the rubric ranks far from the team's grade."""

    line: int  # 1-based position in the graded answers
    text: str
    grade: int  # the team's
    grade_by_rank: int  # the grade the rubric's order gives it
    score: float  # the rubric's score for the question, 0–100


class StuffingProbe(BaseModel):
    """The rubric's evidence phrases in a row, scored like an answer, against the top-graded answers."""

    answer: str  # the best-scoring of the stuffed answers
    score: float
    top_grade_median: float  # median score of the answers with the team's top grade
    below: bool


class MustShowMisses(BaseModel):
    """Answers with the team's top grade whose score a criterion's must-show rule halved."""

    criterion: str
    top_graded: int  # answers with the team's top grade
    halved: int  # of them, halved because a must-show point was not found
    lines: list[int]  # the first SHOWN_HALVED of them, 1-based positions in the graded answers


class MissingWord(BaseModel):
    """A word the answers with the team's top grade use that the rubric and the question do not."""

    word: str  # as the top-graded answers most often write it
    top_graded: int  # answers with the top grade that use it (any form of the word)
    lowest_graded: int  # answers with the lowest grade that use it


class CriterionAgreement(BaseModel):
    """One criterion's own scores against the team's grades (when several criteria score the question)."""

    criterion: str
    qwk_by_rank: float


class AgreementReport(BaseModel):
    """How the rubric's scores for one question agree with the team's grades."""

    question_id: str
    answers: int
    grades: dict[int, int]  # grade → how many answers have it
    qwk_by_rank: float
    spearman: float | None  # None when the rubric gives every answer the same score
    verdict: str
    disagreements: list[Disagreement]
    stuffing: StuffingProbe | None  # None when the rubric has no evidence phrases for this question
    criteria: list[CriterionAgreement]  # each criterion on its own, when several score the question; else empty
    must_show_misses: list[MustShowMisses] = []  # criteria whose must-show rule halved top-graded answers
    missing_words: list[MissingWord] = []  # what top-graded answers say and the rubric does not; most telling first


def check_agreement(
    scorer: Scorer, content: TemplateContent, question_id: str, graded: Sequence[GradedAnswer]
) -> AgreementReport:
    """Score `graded` answers to one question with `content`'s rubric and compare the order with their grades."""
    question = next((q for q in content.questions if q.id == question_id), None)
    if question is None:
        raise Invalid(f"unknown question id {question_id!r}; the template has {[q.id for q in content.questions]}")
    if not MIN_ANSWERS <= len(graded) <= MAX_ANSWERS:
        raise Invalid(f"give {MIN_ANSWERS} to {MAX_ANSWERS} graded answers; got {len(graded)}")
    grades = [a.grade for a in graded]
    if len(set(grades)) < 2:
        raise Invalid("every answer has the same grade; agreement needs answers graded differently")
    probe = AnswerForScoring(question_id=question_id, text="")
    criteria = [c for c in content.criteria if c.kind == "answers" and in_scope(probe, c)]
    if not criteria:
        raise Invalid(f"no criterion of the rubric scores question {question_id!r}")
    scoped = content.model_copy(update={"criteria": criteria})

    def score_cards(texts: Sequence[str]) -> list[ScoreCard]:
        return scorer.score_many([[AnswerForScoring(question_id=question_id, text=text)] for text in texts], scoped)

    cards = score_cards([a.text for a in graded])
    scores = [weighted_total(card.criteria) for card in cards]
    by_rank = grade_by_rank(scores, grades)
    kappa, rho = qwk(by_rank, grades), spearman(scores, grades)
    far = sorted(range(len(graded)), key=lambda i: (-abs(int(by_rank[i]) - grades[i]), i))
    disagreements = [
        Disagreement(line=i + 1, text=graded[i].text, grade=grades[i], grade_by_rank=int(by_rank[i]), score=scores[i])
        for i in far[:SHOWN_DISAGREEMENTS]
        if by_rank[i] != grades[i]
    ]
    stuffing = None
    if stuffed := stuffed_answers(scoped, question_id):
        stuffed_scores = [weighted_total(card.criteria) for card in score_cards(stuffed)]
        best = max(range(len(stuffed)), key=lambda i: stuffed_scores[i])
        top = statistics.median(s for s, g in zip(scores, grades, strict=True) if g == max(grades))
        stuffing = StuffingProbe(
            answer=stuffed[best], score=stuffed_scores[best], top_grade_median=top, below=stuffed_scores[best] < top
        )
    return AgreementReport(
        question_id=question_id,
        answers=len(graded),
        grades=dict(sorted(Counter(grades).items())),
        qwk_by_rank=round(kappa, 3),
        spearman=None if math.isnan(rho) else round(rho, 3),
        verdict=verdict(kappa) if len(set(scores)) > 1 else SAME_SCORE,
        disagreements=disagreements,
        stuffing=stuffing,
        criteria=[
            CriterionAgreement(
                criterion=criterion.name,
                qwk_by_rank=round(qwk_by_rank([card.criteria[k].score for card in cards], grades), 3),
            )
            for k, criterion in enumerate(criteria)
        ]
        if len(criteria) > 1
        else [],
        must_show_misses=must_show_misses(cards, grades, [c.name for c in criteria]),
        missing_words=missing_words(graded, question, criteria),
    )


def missing_words(
    graded: Sequence[GradedAnswer], question: QuestionSpec, criteria: Sequence[CriterionSpec]
) -> list[MissingWord]:
    """Content words (by stem; none of the question's or the criteria's texts, nor a point's compound written as one
    word, which the evidence reads already) that at least WORD_MIN_ANSWERS and WORD_MIN_SHARE of the answers with
    the top grade use, WORD_LIFT times as often as the answers with the lowest grade; ordered by the difference of
    those shares, at most SHOWN_WORDS."""
    needles = [n for criterion in criteria for group in phrase_groups(criterion) for n in point_needles(group)]
    closed = {needle[0] for needle in needles if len(needle) == 1}  # "loadbalancer" for "load balancer" too
    known = content_stems(" ".join([question.text, *map(criterion_text, criteria)])) | closed
    top, lowest = max(a.grade for a in graded), min(a.grade for a in graded)
    written: dict[str, Counter[str]] = {}  # stem → how the top-graded answers write it
    for answer in (a for a in graded if a.grade == top):
        own = set(content_words(answer.text))
        for word in {w for w in WORD.findall(answer.text) if w.lower() in own}:
            written.setdefault(stem(word.lower()), Counter())[word] += 1
    in_top = Counter(s for a in graded if a.grade == top for s in content_stems(a.text))
    in_lowest = Counter(s for a in graded if a.grade == lowest for s in content_stems(a.text))
    n_top, n_lowest = sum(a.grade == top for a in graded), sum(a.grade == lowest for a in graded)
    telling = sorted(
        (s for s in in_top if s not in known and in_top[s] >= max(WORD_MIN_ANSWERS, WORD_MIN_SHARE * n_top)),
        key=lambda s: (in_lowest[s] / n_lowest - in_top[s] / n_top, s),
    )
    return [
        MissingWord(word=_as_written(written[s]), top_graded=in_top[s], lowest_graded=in_lowest[s])
        for s in telling
        if in_top[s] / n_top > WORD_LIFT * in_lowest[s] / n_lowest
    ][:SHOWN_WORDS]


def _as_written(forms: Counter[str]) -> str:
    """The most common form of a word, in lower case if it is ever so written ("however", not the "However" that
    opens sentences; "CDN" and "Paul" as they always are)."""
    lower = [form for form in forms if form.islower()] or list(forms)
    return min(lower, key=lambda form: (-forms[form], form))


def must_show_misses(cards: Sequence[ScoreCard], grades: Sequence[int], names: Sequence[str]) -> list[MustShowMisses]:
    """Per criterion (`names`, in the cards' order): the answers with the top grade that its must-show rule halved;
    criteria that halved none are left out."""
    top = [i for i, grade in enumerate(grades) if grade == max(grades)]
    found = []
    for k, name in enumerate(names):
        halved = [i + 1 for i in top if any(r.rule == "must_show" and r.fired for r in cards[i].criteria[k].rules)]
        if halved:
            found.append(
                MustShowMisses(criterion=name, top_graded=len(top), halved=len(halved), lines=halved[:SHOWN_HALVED])
            )
    return found


def how_far_to_trust(scoring_version: str) -> str:
    """One sentence for a report: what the score is for and how well the engine agreed with trained raters."""
    return (
        "An aid for a person's judgement, not a decision: on five public sets of short answers graded by trained "
        f"raters, this engine ranked answers at QWK {MEASURED_AGREEMENT[scoring_version]} (the raters agreed with each "
        f"other at {HUMAN_AGREEMENT}). The evidence below shows what each score rests on."
    )


def verdict(kappa: float) -> str:
    """What a QWK by rank means for the team, in words."""
    if kappa >= STRONG_AGREEMENT:
        return "Strong agreement: the rubric orders these answers much as your graders did."
    if kappa >= MODERATE_AGREEMENT:
        return "Moderate agreement: read the disagreements below before you rely on the scores."
    return (
        "Weak agreement: the rubric orders these answers differently from your graders. Read the disagreements; "
        "add evidence lines, a reference answer, example answers or must-show points, and check again."
    )


def stuffed_answers(content: TemplateContent, question_id: str) -> list[str]:
    """The evidence phrases of the question's criteria (the first alternative of every group) in a row, and glued
    three ways, then the same four `with_typos`: the "answers" someone gaming the rubric would give."""
    question = next(q for q in content.questions if q.id == question_id)
    probe = AnswerForScoring(question_id=question_id, text="")
    phrases = [group[0] for c in content.criteria if in_scope(probe, c) for group in phrase_groups(c)]
    if not phrases:
        return []
    plain = [
        " ".join(phrases),
        "I think " + " and ".join(phrases) + ".",
        " ".join(f"It is about {p}." for p in phrases),
        f"{question.text} {', '.join(phrases)}.",
    ]
    return plain + [with_typos(text) for text in plain]


def with_typos(text: str) -> str:
    """`text` with the third and fourth letters of every word of 5+ letters swapped ("cahce daatbase inedx"): a
    paste that hopes the rules against pastes read only exact words."""
    return _LONG_WORD.sub(lambda m: m[0][:2] + m[0][3] + m[0][2] + m[0][4:], text)


_LONG_WORD = re.compile(r"[^\W\d_]{5,}")


def read_graded(text: str) -> list[GradedAnswer]:
    """Graded answers pasted from a spreadsheet or a CSV file: one per row, the grade first, then the answer,
    separated by a tab or a comma (quoted cells may hold commas and line breaks); a first row whose grade is not a
    number is taken as the header; "2.0", as spreadsheets may export it, is 2."""
    delimiter = "\t" if "\t" in text else ","
    graded: list[GradedAnswer] = []
    for number, row in enumerate(csv.reader(io.StringIO(text.strip()), delimiter=delimiter), start=1):
        if not any(cell.strip() for cell in row):
            continue
        grade, answer = _number(row[0]), delimiter.join(row[1:]).strip()
        if grade is None and number == 1:
            continue  # the header
        if grade is None or not grade.is_integer():
            raise Invalid(f"row {number}: the grade {row[0].strip()[:20]!r} is not a whole number")
        if not answer:
            raise Invalid(f"row {number}: no answer after the grade")
        graded.append(GradedAnswer(text=answer, grade=int(grade)))
    return graded


def _number(cell: str) -> float | None:
    try:
        return float(cell.strip())
    except ValueError:
        return None


# ---------------------------------------------------------------- metrics


def average_ranks(values: Sequence[float]) -> np.ndarray:
    """Ranks 1..n, ties sharing the average of their positions."""
    order, blocks = _tie_blocks(values)
    ranks = np.empty(len(order), dtype=float)
    for start, end in blocks:
        ranks[order[start : end + 1]] = (start + end) / 2 + 1
    return ranks


def pearson(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    """Pearson r; NaN when either side is constant."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman ρ: Pearson r of the average ranks."""
    return pearson(average_ranks(x), average_ranks(y))


def grade_by_rank(scores: Sequence[float], human: Sequence[int]) -> np.ndarray:
    """Grades from the order of `scores` alone, using how many answers humans put at each grade.

    Sorted by score, the lowest n0 answers get the lowest human grade, the next n1 the next one, …; all
    answers with the same score get the grade at the middle position (rounded down) of their tie block."""
    by_position = np.sort(np.asarray(human, dtype=int))  # the grade handed out at each sorted position
    order, blocks = _tie_blocks(scores)
    grades = np.empty(len(order), dtype=int)
    for start, end in blocks:
        grades[order[start : end + 1]] = by_position[(start + end) // 2]
    return grades


def _tie_blocks(values: Sequence[float]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The stable ascending order of `values`, and the (first, last) sorted positions of each run of equal values."""
    x = np.asarray(values, dtype=float)
    order = np.argsort(x, kind="mergesort")
    sorted_x = x[order]
    blocks = []
    start = 0
    while start < len(x):
        end = start
        while end + 1 < len(x) and sorted_x[end + 1] == sorted_x[start]:
            end += 1
        blocks.append((start, end))
        start = end + 1
    return order, blocks


def qwk(a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray) -> float:
    """Quadratic weighted kappa of two integer ratings; NaN when it is undefined (no spread)."""
    x, y = np.asarray(a, dtype=int), np.asarray(b, dtype=int)
    low, high = int(min(x.min(), y.min())), int(max(x.max(), y.max()))
    k = high - low + 1
    if len(x) == 0 or k == 1:
        return math.nan
    observed = np.zeros((k, k))
    np.add.at(observed, (x - low, y - low), 1)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / len(x)
    i, j = np.indices((k, k))
    weights = (i - j) ** 2 / (k - 1) ** 2
    denominator = float((weights * expected).sum())
    return 1 - float((weights * observed).sum()) / denominator if denominator else math.nan


def qwk_by_rank(scores: Sequence[float], human: Sequence[int]) -> float:
    """QWK of `grade_by_rank(scores, human)` against `human`."""
    return qwk(grade_by_rank(scores, human), human)
