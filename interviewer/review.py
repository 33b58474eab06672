"""Human review of a finalized report: a reviewer may set one criterion's score, with a written reason.

The engine's scores stay in the report as they were; the report's `review` section lists every
adjustment in order (the latest per criterion counts) and the total they give. The stored JSON and PDF
are rewritten with it.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator
from sqlmodel import Session, col, select

from interviewer.audit import AuditAction, AuditLog, session_target
from interviewer.errors import Invalid
from interviewer.event_messages import ReviewChanged
from interviewer.events import SessionEvents
from interviewer.models import ScoreAdjustment
from interviewer.report.editor import ReportEditor
from interviewer.report.schema import Adjustment, Report, ReviewSection
from interviewer.scoring import ScoreCard, UnscoredCard, round_half_up, weighted_total


class AdjustmentIn(BaseModel):
    """A reviewer's score (0–5, one decimal) for one criterion, and why."""

    criterion_id: str = Field(min_length=1, max_length=32)
    score: float = Field(ge=0, le=5)
    reason: str = Field(min_length=10, max_length=2000, description="Why the score differs; shown in the report.")

    @field_validator("score")
    @classmethod
    def _one_decimal(cls, score: float) -> float:
        return round_half_up(score)

    @field_validator("reason")
    @classmethod
    def _reason_written(cls, reason: str) -> str:
        if len(reason.strip()) < 10:
            raise ValueError("write a reason of at least 10 characters")
        return reason.strip()


def review_of(scores: ScoreCard | UnscoredCard, adjustments: list[ScoreAdjustment]) -> ReviewSection:
    """The review section for `adjustments` (oldest first) on top of the engine's `scores`."""
    by_id = {c.criterion_id: c for c in scores.criteria}
    listed = [
        Adjustment(
            criterion_id=a.criterion_id,
            name=by_id[a.criterion_id].name,
            engine_score=by_id[a.criterion_id].score,
            score=a.score,
            reason=a.reason,
            by=a.by,
            at=a.created_at,
        )
        for a in adjustments
        if a.criterion_id in by_id
    ]
    latest = {a.criterion_id: a.score for a in listed}
    return ReviewSection(adjustments=listed, adjusted_total=reviewed_total(scores, latest) if latest else None)


def reviewed_total(scores: ScoreCard | UnscoredCard, latest: dict[str, float]) -> float | None:
    """The weighted total with the reviewers' latest scores in place of the engine's. Without engine scores (the
    candidate opted out of the automatic scoring) it exists only once reviewers set every criterion."""
    if isinstance(scores, ScoreCard):
        return weighted_total(scores.criteria, latest)
    if any(c.criterion_id not in latest for c in scores.criteria):
        return None
    weights = sum(c.weight for c in scores.criteria)
    points = sum(c.weight * latest[c.criterion_id] for c in scores.criteria)
    return round_half_up(points / weights * 20) if weights else 0.0


class ReviewService:
    def __init__(self, editor: ReportEditor, events: SessionEvents, audit: AuditLog) -> None:
        self._editor = editor
        self._events = events
        self._audit = audit

    async def adjust(self, session_id: str, adjustment: AdjustmentIn, *, by: str) -> Report:
        """Record the adjustment (`by`: who, named in the report and the audit trail) and rewrite the stored report;
        NotFound, Conflict (no report yet: finalize the interview first, then adjust its scores) or Invalid."""

        def add(s: Session, report: Report) -> None:
            if adjustment.criterion_id not in {c.criterion_id for c in report.scores.criteria}:
                raise Invalid(f"the report has no criterion {adjustment.criterion_id!r}")
            s.add(ScoreAdjustment(session_id=session_id, by=by, **adjustment.model_dump()))
            s.flush()
            rows = s.exec(
                select(ScoreAdjustment)
                .where(ScoreAdjustment.session_id == session_id)
                .order_by(col(ScoreAdjustment.created_at), col(ScoreAdjustment.id))
            ).all()
            report.review = review_of(report.scores, list(rows))

        report = await self._editor.change(session_id, add)
        detail = f"{adjustment.criterion_id}: {adjustment.score:.1f}"
        self._audit.record(by, AuditAction.SCORE_ADJUSTED, session_target(session_id), detail)
        await self._events.publish(ReviewChanged(session_id=session_id))
        return report
