"""ScorePanel: the total and every criterion's score with its evidence and rules."""

from __future__ import annotations

from nicegui import ui

from interviewer.models import TemplateContent
from interviewer.scoring import ScoreCard, UnscoredCard
from interviewer.scoring.agreement import how_far_to_trust
from interviewer.scoring.gaming import what_lowered


class ScorePanel(ui.column):
    """Shows a `ScoreCard`; call `show(card)` again whenever scores change. An `UnscoredCard` (the candidate asked
    for a person to assess the answers) shows the rubric without engine numbers."""

    def __init__(self) -> None:
        super().__init__()
        self.classes("w-full gap-2")

    def show(self, card: ScoreCard | UnscoredCard, rubric: TemplateContent | None = None) -> None:
        """Show `card`; `rubric` (the template) numbers the answers that evidence is quoted from and, for an
        `UnscoredCard`, gives the criteria to show."""
        self.clear()
        with self:
            if isinstance(card, UnscoredCard):
                self._rubric(card, rubric)
                return
            ui.label(f"Total {card.total:.1f} / 100").classes("text-xl font-semibold").mark("score-total")
            ui.label(f"Scoring {card.scoring_version}" + (f" · {card.model}" if card.model else "")).classes(
                "text-xs text-gray-500"
            )
            ui.label(how_far_to_trust(card.scoring_version)).classes("text-xs text-gray-700")
            numbers = {q.id: n for n, q in enumerate(rubric.questions, start=1)} if rubric else {}
            for criterion in card.criteria:
                with ui.card().classes("w-full"):
                    with ui.row().classes("w-full items-center"):
                        ui.label(f"{criterion.name} (weight {criterion.weight:g})").classes("font-medium")
                        ui.space()
                        ui.label(f"{criterion.score:g} / 5").mark(f"score-{criterion.criterion_id}")
                    bar = ui.linear_progress(criterion.score / 5, show_value=False).props("rounded size=10px")
                    bar.props["aria-label"] = f"{criterion.name}: {criterion.score:g} of 5"
                    ui.label(f"Level {criterion.level}: {criterion.level_description}").classes("text-sm")
                    for label, detail in what_lowered(criterion):
                        ui.label(f"{label}: {detail}").classes("text-sm font-medium text-orange-800")
                    if criterion.closest_anchor is not None:
                        ui.label(f"Closest to the example answer for level {criterion.closest_anchor}").classes(
                            "text-sm"
                        ).mark(f"anchor-{criterion.criterion_id}")
                    with ui.expansion("Evidence and rules").classes("w-full text-sm"):
                        for rule in criterion.rules:
                            mark = "✓" if rule.fired else "·"
                            ui.label(f"{mark} {rule.detail} ({rule.points:+.2f})")
                        for span in criterion.evidence:
                            number = numbers.get(span.question_id)
                            where = f"in answer {number}" if number else f"in the answer to {span.question_id}"
                            ui.label(f"“{span.text}” — {span.shows()}, {where}").classes("italic text-gray-700")

    @staticmethod
    def _rubric(card: UnscoredCard, rubric: TemplateContent | None) -> None:
        ui.label("Assessed by a person").classes("text-xl font-semibold").mark("score-total")
        ui.label(
            "The candidate asked for a person to assess the answers instead of the automatic scoring: no engine "
            "score. Set every criterion in the review once the report is built."
        ).classes("text-sm").mark("no-engine-score")
        specs = {c.id: c for c in rubric.criteria} if rubric else {}
        for criterion in card.criteria:
            with ui.card().classes("w-full").mark(f"rubric-{criterion.criterion_id}"):
                ui.label(f"{criterion.name} (weight {criterion.weight:g})").classes("font-medium")
                if (spec := specs.get(criterion.criterion_id)) is not None:
                    if spec.description:
                        ui.label(spec.description).classes("text-sm")
                    for level, text in enumerate(spec.levels, start=1):
                        ui.label(f"Level {level}: {text}").classes("text-sm text-gray-700")
