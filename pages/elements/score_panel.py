"""ScorePanel: the total and every criterion's score with its evidence and rules."""

from __future__ import annotations

from nicegui import ui

from interviewer.scoring import ScoreCard


class ScorePanel(ui.column):
    """Shows a `ScoreCard`; call `show(card)` again whenever scores change."""

    def __init__(self) -> None:
        super().__init__()
        self.classes("w-full gap-2")

    def show(self, card: ScoreCard) -> None:
        self.clear()
        with self:
            ui.label(f"Total {card.total:.1f} / 100").classes("text-xl font-semibold").mark("score-total")
            ui.label(f"Scoring {card.scoring_version}" + (f" · {card.model}" if card.model else "")).classes(
                "text-xs text-gray-500"
            )
            for criterion in card.criteria:
                with ui.card().classes("w-full"):
                    with ui.row().classes("w-full items-center"):
                        ui.label(f"{criterion.name} (weight {criterion.weight:g})").classes("font-medium")
                        ui.space()
                        ui.label(f"{criterion.score:g} / 5").mark(f"score-{criterion.criterion_id}")
                    ui.linear_progress(criterion.score / 5, show_value=False).props("rounded size=10px")
                    ui.label(f"Level {criterion.level}: {criterion.level_description}").classes("text-sm")
                    if criterion.closest_anchor is not None:
                        ui.label(f"Closest to the example answer for level {criterion.closest_anchor}").classes(
                            "text-sm"
                        ).mark(f"anchor-{criterion.criterion_id}")
                    with ui.expansion("Evidence and rules").classes("w-full text-sm"):
                        for rule in criterion.rules:
                            mark = "✓" if rule.fired else "·"
                            ui.label(f"{mark} {rule.detail} ({rule.points:+.2f})")
                        for span in criterion.evidence:
                            meaning = f", similarity {span.similarity:.2f}" if span.similarity is not None else ""
                            ui.label(f"“{span.text}” — {span.rule} in {span.question_id}{meaning}").classes(
                                "italic text-gray-700"
                            )
