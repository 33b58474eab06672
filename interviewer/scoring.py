"""Deterministic rubric scoring (rules v1). TO BE WRITTEN — see the types below."""

from __future__ import annotations

from pydantic import BaseModel

from interviewer.models import CriterionSpec, TemplateContent

SCORING_VERSION = "rules-v1"


class AnswerForScoring(BaseModel):
    """One answer as the scorer sees it."""

    question_id: str
    text: str
    seconds_used: float | None = None


class EvidenceSpan(BaseModel):
    """A quoted piece of a transcript that made a rule fire. `start`/`end` are character offsets in the answer."""

    question_id: str
    start: int
    end: int
    text: str
    rule: str


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


class ScoreCard(BaseModel):
    """All criterion scores of a session and the weighted total (0–100)."""

    scoring_version: str = SCORING_VERSION
    total: float
    criteria: list[CriterionScore]


def score_interview(answers: list[AnswerForScoring], content: TemplateContent) -> ScoreCard:
    """Score every criterion of `content` on `answers`. Pure and deterministic."""
    raise NotImplementedError


def score_criterion(answers: list[AnswerForScoring], criterion: CriterionSpec) -> CriterionScore:
    """Score one criterion."""
    raise NotImplementedError
