"""Integrity criteria: the only place where attention flags from the candidate's browser change a score.

They start at 5 and lose, per INTEGRITY_DEDUCTIONS, points for every `phone_detected`, `multiple_faces` and
`paste` event (each kind capped), and per ATTENTIVE_STEPS points when the attentive share of the interview
(see `interviewer.attention`) is low; then clamped to 0..5. The rules name the events' times (UTC) as their
evidence.
"""

from __future__ import annotations

from datetime import UTC, datetime

from interviewer.attention import AttentionSummary
from interviewer.models import CriterionSpec
from interviewer.scoring.card import CriterionScore, RuleResult, criterion_score

INTEGRITY_DEDUCTIONS = {  # attention flag: (points per event, at most in all)
    "phone_detected": (-1.5, -3.0),
    "multiple_faces": (-1.0, -2.0),
    "paste": (-0.5, -1.5),
}
ATTENTIVE_STEPS = ((0.5, -2.0), (0.75, -1.0), (0.9, -0.5))  # attentive share below → points


def score_integrity(criterion: CriterionSpec, attention: AttentionSummary | None) -> CriterionScore:
    """Score an integrity criterion: 5, less the deductions for attention flags (see the module docstring)."""
    attention = attention or AttentionSummary(attentive_share=None, by_kind=[], timeline=[])
    rules: list[RuleResult] = []
    for kind, (each, cap) in INTEGRITY_DEDUCTIONS.items():
        times = [int(e["start_ms"]) for e in attention.timeline if e["event"] == kind]
        shown = ", ".join(f"{datetime.fromtimestamp(t / 1000, UTC):%H:%M:%S}" for t in times[:5])
        rules.append(
            RuleResult(
                rule=kind,
                fired=bool(times),
                detail=f"{kind}: {len(times)} × {each:g} (at most {cap:g})"
                + (f", at {shown}{' …' if len(times) > 5 else ''} UTC" if times else ""),
                points=max(cap, each * len(times)) if times else 0.0,
            )
        )
    if (share := attention.attentive_share) is not None:
        points = next((p for below, p in ATTENTIVE_STEPS if share < below), 0.0)
        away = ", ".join(f"{k.kind} {k.total_ms / 1000:.0f} s" for k in attention.by_kind if k.total_ms)
        rules.append(
            RuleResult(
                rule="attentive_share",
                fired=points < 0,
                detail=f"attentive for {share:.0%} of the interview" + (f" ({away})" if away else ""),
                points=points,
            )
        )
    return criterion_score(criterion, min(5.0, max(0.0, 5 + sum(r.points for r in rules))), [], rules)
