"""The adverse-impact section of a template's results page (admins only): selection rates by self-described group
and the four-fifths rule, for the decision "advance" or a score threshold. Counts only, never a name."""

from __future__ import annotations

from nicegui import ui

from interviewer.adverse_impact import FOUR_FIFTHS, MIN_GROUP, AdverseImpactCheck

EXPLAINED = (
    f"For each attribute the candidates described themselves by (voluntarily, after the interview), the selection "
    f"rate of a group is selected ÷ candidates, and its impact ratio is its rate ÷ the highest group's rate. The "
    f"four-fifths rule (US EEOC; used in NYC Local Law 144 bias audits) reads a ratio below {FOUR_FIFTHS:g} as a "
    f"sign of adverse impact worth looking into — not as proof. Groups of fewer than {MIN_GROUP} candidates say "
    "little either way."
)


class AdverseImpactSection:
    def __init__(self, check: AdverseImpactCheck, family_id: str) -> None:
        self.check = check
        self.family_id = family_id
        self.basis: dict[str, float | None] = {"threshold": None}

    def build(self) -> None:
        with ui.card().classes("w-full"):
            ui.label("Adverse-impact check").classes("text-lg font-medium")
            ui.label(EXPLAINED).classes("text-sm")
            ui.number(
                "Score threshold (empty: the decision 'advance' counts as selected)", min=0, max=100, step=1
            ).bind_value(self.basis, "threshold").classes("w-96").on_value_change(self.table.refresh).mark(
                "impact-threshold"
            )
            self.table()

    @ui.refreshable_method
    def table(self) -> None:
        threshold = self.basis["threshold"]
        impact = self.check.check(self.family_id, float(threshold) if threshold is not None else None)
        selected = f"a total of at least {threshold:g}" if threshold is not None else "the decision “advance”"
        ui.label(
            f"Selected: {selected}. {impact.respondents} of {impact.interviews} finalized interviews have a "
            "self-description."
        ).classes("text-sm").mark("impact-summary")
        if impact.too_small:
            ui.label(f"⚠ Some groups have fewer than {MIN_GROUP} candidates: too few to say anything.").classes(
                "text-sm font-medium text-orange-800"
            ).mark("impact-too-small")
        if not impact.groups:
            return
        rows = [
            {
                "attribute": g.attribute.replace("_", " "),
                "group": g.group,
                "n": g.n,
                "selected": g.selected,
                "rate": f"{g.rate:.0%}",
                "impact_ratio": "–" if g.impact_ratio is None else f"{g.impact_ratio:.2f}",
                "flag": ", ".join(
                    flag for flag, raised in (("below 4/5", g.below_four_fifths), ("too small", g.too_small)) if raised
                ),
            }
            for g in impact.groups
        ]
        columns = [{"name": k, "label": k.replace("_", " "), "field": k, "align": "left"} for k in rows[0]]
        ui.table(columns=columns, rows=rows).classes("w-full").props("dense flat").mark("impact-table")
