"""Deterministic, explained rubric scoring: answers + template version (+ model) → a score card.

`RubricScorer` is the entry point; `card` holds what every engine returns; `rules_v1` and `meaning_v2` are the
two engines a template can choose; `gaming` keeps v2 from being gamed; `integrity` scores attention flags.
"""

from interviewer.scoring import rules_v1
from interviewer.scoring.card import (
    AnswerForScoring,
    CriterionScore,
    EvidenceSpan,
    ModelRating,
    RuleResult,
    ScoreCard,
    UnscoredCard,
    UnscoredCriterion,
    in_scope,
    round_half_up,
    unscored,
    weighted_total,
)
from interviewer.scoring.scorer import RubricScorer

__all__ = [
    "AnswerForScoring",
    "CriterionScore",
    "EvidenceSpan",
    "ModelRating",
    "RubricScorer",
    "RuleResult",
    "ScoreCard",
    "UnscoredCard",
    "UnscoredCriterion",
    "in_scope",
    "round_half_up",
    "rules_v1",
    "unscored",
    "weighted_total",
]
