"""The score card every engine produces: criterion scores with their evidence and rules, and the total."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel

from interviewer.models import CriterionSpec, TemplateContent

ScoringVersion = Literal["rules-v1", "meaning-v2"]


class AnswerForScoring(BaseModel):
    """One answer as the scorer sees it; a follow-up's answer has `scope_id` = the question it follows."""

    question_id: str
    text: str
    seconds_used: float | None = None
    words_per_minute: float | None = None
    scope_id: str | None = None


class ModelRating(BaseModel):
    """A language model's verified rating of one answer on one criterion (cached; see `llm.ratings`)."""

    question_id: str
    criterion_id: str
    level: int
    quotes: list[str]
    dropped_quotes: int
    reason: str
    model: str
    prompt_version: str


class EvidenceSpan(BaseModel):
    """A quoted piece of a transcript that made a rule fire. `start`/`end` are character offsets in the answer."""

    question_id: str
    start: int
    end: int
    text: str
    rule: str
    similarity: float | None = None  # scoring v2: how close in meaning the span is to the rubric point (cosine)

    def shows(self) -> str:
        """What the span stands for, in a reviewer's words: 'rubric point “cache”, by its words', 'reference answer
        “Cache what can be cached.”, by meaning (similarity 0.72)', 'the result of a situation–task–action–result
        story'."""
        kind, _, point = self.rule.partition(":")
        how = "by its words" if self.similarity is None else f"by meaning (similarity {self.similarity:.2f})"
        if kind == "evidence":
            return f"rubric point “{point}”, {how}"
        if kind == "reference":
            return f"reference answer “{point}”, {how}"
        if kind == "structure":
            return f"the {point} of a situation–task–action–result story"
        return {"model:quote": "quoted by the language model", "filler": "filler word"}.get(self.rule, self.rule)


class RuleResult(BaseModel):
    """One rule the engine evaluated for a criterion, whether it fired, and what it contributed."""

    rule: str
    fired: bool
    detail: str
    points: float


class CriterionScore(BaseModel):
    """The score of one criterion with everything that explains it."""

    criterion_id: str
    name: str
    weight: float
    score: float  # 0–5
    level: int  # 0–5; 0 = nothing to score
    level_description: str
    evidence: list[EvidenceSpan]
    rules: list[RuleResult]
    closest_anchor: int | None = None  # scoring v2: the level (1–5) whose example answer the answers are closest to


class ScoreCard(BaseModel):
    """All criterion scores of a session and the weighted total (0–100), with the engine that made them."""

    scoring_version: ScoringVersion
    model: str | None = None  # the sentence-embedding model (name and sha256) of meaning-v2
    total: float
    criteria: list[CriterionScore]


PERSON_ASSESSES = "Assessed by a person: the candidate opted out of the automatic scoring"


class UnscoredCriterion(BaseModel):
    """A criterion of the rubric without an engine score: the candidate asked for a person to assess the answers
    instead of the automatic scoring, so no engine ran; reviewers set its score (`interviewer.review`)."""

    criterion_id: str
    name: str
    weight: float
    score: None = None
    level: None = None
    level_description: str = PERSON_ASSESSES
    evidence: list[EvidenceSpan] = []
    rules: list[RuleResult] = []
    closest_anchor: None = None


class UnscoredCard(BaseModel):
    """The rubric without engine numbers (`total` and every `score` null), in place of a `ScoreCard`."""

    scoring_version: Literal["person"] = "person"
    model: None = None
    total: None = None
    criteria: list[UnscoredCriterion]


def unscored(content: TemplateContent) -> UnscoredCard:
    """The card of a session that a person assesses: the rubric's criteria, no engine run, no numbers."""
    return UnscoredCard(
        criteria=[UnscoredCriterion(criterion_id=c.id, name=c.name, weight=c.weight) for c in content.criteria]
    )


def weighted_total(criteria: Sequence[CriterionScore], replaced: Mapping[str, float] | None = None) -> float:
    """The weighted mean of the criterion scores on 0–100, one decimal; `replaced` maps criterion ids to
    scores that stand in for the engine's (a reviewer's adjustments)."""
    replaced = replaced or {}
    weights = sum(c.weight for c in criteria)
    points = sum(c.weight * replaced.get(c.criterion_id, c.score) for c in criteria)
    return round_half_up(points / weights * 20) if weights else 0.0


def in_scope(answer: AnswerForScoring, criterion: CriterionSpec) -> bool:
    """Whether the criterion scores this answer (a follow-up counts for the question it follows)."""
    return not criterion.question_ids or (answer.scope_id or answer.question_id) in criterion.question_ids


def criterion_score(
    criterion: CriterionSpec,
    score: float,
    evidence: list[EvidenceSpan],
    rules: list[RuleResult],
    places: int = 1,
    closest_anchor: int | None = None,
) -> CriterionScore:
    """The score rounded to `places` with its level (at least 1 when above 0) and everything that explains it."""
    score = round_half_up(score, places)
    level = 0 if score == 0 else max(1, min(5, int(round_half_up(score, 0))))
    return CriterionScore(
        criterion_id=criterion.id,
        name=criterion.name,
        weight=criterion.weight,
        score=score,
        level=level,
        level_description=criterion.levels[level - 1] if level else "Nothing that meets the rubric",
        evidence=evidence,
        rules=rules,
        closest_anchor=closest_anchor,
    )


def round_half_up(value: float, places: int = 1) -> float:
    """Round like people do (2.25 → 2.3), not like Python's banker's rounding, ignoring float noise."""
    exact = Decimal(repr(value)).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
