"""The adverse-impact check of one template (EU AI Act high-risk hiring systems, NYC Local Law 144 bias audits).

Among the template's finalized interviews whose candidates described themselves (voluntarily, after the
interview), count per group of each attribute (gender, age band, ethnicity) how many were selected — the
decision "advance", or a total at or above a score threshold — and compare the rates:

    rate = selected / n            impact_ratio = rate / the highest rate among that attribute's groups

The four-fifths rule reads an impact ratio below 0.8 as a sign of adverse impact, to be looked into. Groups of
fewer than `MIN_GROUP` candidates say little either way: they are flagged, and so is the whole check.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from interviewer.models import SelfDescribed, SessionStatus
from interviewer.results import ResultRow, ResultsExport
from interviewer.self_description import ATTRIBUTES, OPTIONS, SelfDescriptions

MIN_GROUP = 10
FOUR_FIFTHS = 0.8


class GroupRate(BaseModel):
    attribute: str
    group: str
    n: int = Field(description="Finalized interviews of candidates in this group.")
    selected: int
    rate: float = Field(description="selected / n")
    impact_ratio: float | None = Field(description="rate / the highest rate of this attribute (null if all are 0).")
    too_small: bool = Field(description=f"n < {MIN_GROUP}: too few to say anything.")
    below_four_fifths: bool = Field(description="impact_ratio < 0.8: the four-fifths rule flags this group.")


class AdverseImpact(BaseModel):
    """Selection rates by group and their impact ratios for one template."""

    template_family_id: str
    basis: Literal["decision", "threshold"] = Field(
        description='"decision": selected = the decision "advance"; "threshold": selected = total ≥ `threshold`.'
    )
    threshold: float | None
    interviews: int = Field(description="Finalized interviews of the template.")
    respondents: int = Field(description="Of those, how many candidates described themselves.")
    min_group_size: int = MIN_GROUP
    too_small: bool = Field(description=f"Some group has fewer than {MIN_GROUP} candidates: read with care.")
    groups: list[GroupRate]


class AdverseImpactCheck:
    """Computes the check from the template's results and the self-descriptions (it stores nothing)."""

    def __init__(self, results: ResultsExport, descriptions: SelfDescriptions) -> None:
        self._results = results
        self._descriptions = descriptions

    def check(self, family_id: str, threshold: float | None = None) -> AdverseImpact:
        """By decision "advance", or by `threshold` on the total (after review) when given; NotFound if unknown."""
        rows = [r for r in self._results.results(family_id).rows if r.status == SessionStatus.FINALIZED.value]
        by_session = {r.session_id: r for r in rows}
        described = self._descriptions.of_sessions(list(by_session))
        groups: list[GroupRate] = []
        for attribute in ATTRIBUTES:
            counts: dict[str, list[int]] = {}  # group → [n, selected]
            for description in described:
                group = getattr(description, attribute)
                if group is not None:
                    tally = counts.setdefault(group, [0, 0])
                    tally[0] += 1
                    tally[1] += _selected(by_session[description.session_id], threshold)
            groups += _rates(attribute, counts)
        return AdverseImpact(
            template_family_id=family_id,
            basis="decision" if threshold is None else "threshold",
            threshold=threshold,
            interviews=len(rows),
            respondents=len(described),
            too_small=any(g.too_small for g in groups),
            groups=groups,
        )


def _selected(row: ResultRow, threshold: float | None) -> bool:
    if threshold is None:
        return row.decision == "advance"
    return row.total is not None and row.total >= threshold


def _rates(attribute: SelfDescribed, counts: dict[str, list[int]]) -> list[GroupRate]:
    """The attribute's groups in the order the candidates were offered them."""
    rates = {group: selected / n for group, (n, selected) in counts.items()}
    best = max(rates.values(), default=0.0)
    listed = []
    for group, (n, selected) in sorted(counts.items(), key=lambda item: OPTIONS[attribute].index(item[0])):
        ratio = round(rates[group] / best, 4) if best > 0 else None
        listed.append(
            GroupRate(
                attribute=attribute,
                group=group,
                n=n,
                selected=selected,
                rate=round(rates[group], 4),
                impact_ratio=ratio,
                too_small=n < MIN_GROUP,
                below_four_fifths=ratio is not None and ratio < FOUR_FIFTHS,
            )
        )
    return listed
