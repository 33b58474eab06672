"""How the engine's scores compare with what the team did with them, over one template's interviews.

For a team that has to defend its scorer: per criterion, how often reviewers changed the engine's score and by
how much on average; and how well the engine's total alone separates the candidates the team advanced from those
it rejected (the share of (advanced, rejected) pairs in which the advanced candidate has the higher engine total,
ties counting half: 1.0 = the totals sort them exactly as the team decided, 0.5 = no better than chance). It
reads the results; nothing here changes a score or is learnt from.
"""

from __future__ import annotations

import statistics

from pydantic import BaseModel, Field

from interviewer.results import TemplateResults
from interviewer.scoring import round_half_up


class CriterionChanges(BaseModel):
    """How reviewers treated one criterion's engine scores."""

    criterion: str
    scored: int = Field(description="Interviews with an engine score for this criterion.")
    changed: int = Field(description="Of those, how many a reviewer set to another score.")
    mean_change: float | None = Field(description="Reviewer minus engine (0–5 scale) over the changed ones.")


class DecisionSeparation(BaseModel):
    """The team's decisions on interviews with an engine total, and how well that total separates them."""

    advanced: int
    held: int
    rejected: int
    advanced_above_rejected: float | None = Field(
        description="Share of (advanced, rejected) pairs whose advanced candidate has the higher engine total "
        "(ties count half); null without at least one of each."
    )


class ScoringAudit(BaseModel):
    """The engine beside the team's reviews and decisions for one template (every version)."""

    template_family_id: str
    interviews: int = Field(description="Interviews with an engine total.")
    criteria: list[CriterionChanges]
    decisions: DecisionSeparation


def scoring_audit(results: TemplateResults) -> ScoringAudit:
    """Compare the engine's scores in `results` with the reviewers' scores and the team's decisions."""
    scored = [row for row in results.rows if row.engine_total is not None]
    criteria = []
    for name in results.criteria:
        pairs = [
            (engine, counting)
            for row in scored
            if (engine := row.engine_scores.get(name)) is not None and (counting := row.scores.get(name)) is not None
        ]
        changes = [counting - engine for engine, counting in pairs if counting != engine]
        criteria.append(
            CriterionChanges(
                criterion=name,
                scored=len(pairs),
                changed=len(changes),
                mean_change=round_half_up(statistics.fmean(changes), 2) if changes else None,
            )
        )
    totals = {
        decision: [row.engine_total for row in scored if row.decision == decision and row.engine_total is not None]
        for decision in ("advance", "hold", "reject")
    }
    return ScoringAudit(
        template_family_id=results.template_family_id,
        interviews=len(scored),
        criteria=criteria,
        decisions=DecisionSeparation(
            advanced=len(totals["advance"]),
            held=len(totals["hold"]),
            rejected=len(totals["reject"]),
            advanced_above_rejected=_share_above(totals["advance"], totals["reject"]),
        ),
    )


def _share_above(higher: list[float], lower: list[float]) -> float | None:
    """The share of pairs (h, l) with h > l, ties counting half (the area under the ROC curve)."""
    if not higher or not lower:
        return None
    wins = sum(1.0 if h > low else 0.5 if h == low else 0.0 for h in higher for low in lower)
    return round_half_up(wins / (len(higher) * len(lower)), 2)
