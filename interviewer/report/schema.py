"""The report document (JSON schema version 1). Everything but `generated_at`, the reviewer's `review` and the
team's `decision` is a function of the answers (and attention flags) and the template version, so finalizing the
same session twice gives the same bytes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from interviewer.models import Accommodations
from interviewer.scoring import ScoreCard, UnscoredCard
from interviewer.scoring.gaming import CAPS

REPORT_SCHEMA_VERSION = "1"


class CandidateInfo(BaseModel):
    name: str
    email: str | None = None


class TemplateRef(BaseModel):
    """Which template version the report was scored with."""

    id: int
    family_id: str
    version: int
    name: str
    role: str


class QuestionAnswer(BaseModel):
    question_id: str
    follow_up_of: str | None = None  # set for a follow-up the language model asked
    question: str
    time_limit_s: int
    answer: str  # "" when the candidate gave none
    source: str | None = None  # "typed" or "voice"
    seconds_used: float | None = None
    retake_used: bool = False  # the candidate answered this question again; only the final answer is kept


class AttentionSection(BaseModel):
    """Attention flags from the candidate's browser, for human review (only an integrity criterion scores them)."""

    monitored: bool = False
    attentive_share: float | None = None
    by_kind: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    note: str = "No attention events were recorded for this interview."


class LLMContribution(BaseModel):
    """What the language model added to this report (nothing with LLM_PROVIDER=none)."""

    provider: str
    model: str | None
    follow_ups_asked: int
    ratings_used: int
    quotes_kept: int
    quotes_dropped: int
    hallucination_rate: float | None  # dropped / all quotes the model gave
    prompt_versions: list[str]


class Timings(BaseModel):
    started_at: datetime | None
    finished_at: datetime | None
    total_answer_seconds: float | None


class AudioRetention(BaseModel):
    deleted: bool
    files_deleted: int


class AccommodationsSection(Accommodations):
    """What the invite granted the candidate: conditions of the interview, never a penalty (no score reads them)."""

    applied: list[str] = []  # in plain words, e.g. ["extra time ×1.5", "no camera analysis"]
    note: str = "Accommodations change the interview's conditions only; they never change a score."


class Adjustment(BaseModel):
    """A reviewer changed one criterion's score, and said why."""

    criterion_id: str
    name: str
    engine_score: float | None  # None: no engine score (the candidate opted out of the automatic scoring)
    score: float
    reason: str
    by: str = ""  # who: the account's e-mail, or "API"; empty for adjustments made before it was recorded
    at: datetime


class ReviewSection(BaseModel):
    """The human review on top of the engine's scores, which stay as they were."""

    adjustments: list[Adjustment] = []
    adjusted_total: float | None = None  # the weighted total with the adjusted scores; None: no adjustment (or,
    # without an engine score, not every criterion set yet)


class DecisionSection(BaseModel):
    """The team's decision: made by a named person with a reason, never by the scores or flags alone."""

    decision: Literal["advance", "hold", "reject"]
    reason: str
    by: str
    at: datetime


class Report(BaseModel):
    schema_version: str = REPORT_SCHEMA_VERSION
    session_id: str
    generated_at: datetime
    candidate: CandidateInfo
    template: TemplateRef
    answers: list[QuestionAnswer]
    ai_scoring: bool = True  # False: the candidate asked for a person to assess the answers; `scores` has no numbers
    scores: ScoreCard | UnscoredCard
    attention: AttentionSection
    llm: LLMContribution
    timings: Timings
    audio: AudioRetention
    review: ReviewSection = ReviewSection()
    accommodations: AccommodationsSection = AccommodationsSection()
    decision: DecisionSection | None = None  # None until the team decided

    def rules_fired(self) -> list[str]:
        """The capping rules that fired on an engine score that still counts (of a criterion no reviewer has set; a
        rule that left an answer out counts too), in rule order: look at the interview before acting on its total."""
        if not isinstance(self.scores, ScoreCard):  # a person assesses it: no engine score, no rule
            return []
        reviewed = {a.criterion_id for a in self.review.adjustments}
        fired = {
            rule.rule
            for criterion in self.scores.criteria
            if criterion.criterion_id not in reviewed
            for rule in criterion.rules
            if rule.rule in CAPS and rule.fired
        }
        return [rule for rule in CAPS if rule in fired]
