"""After "Thank you": the template's voluntary self-description questions, each skippable, for the
adverse-impact check."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from interviewer.self_description import OPTIONS, QUESTIONS, SelfDescriptionIn, SelfDescriptions

NOTE = (
    "Optional and voluntary. Your answers help the company check that its hiring treats every group fairly. "
    "They are kept apart from your interview, never used in scoring, and never shown with your name. "
    "Skip any question, or all of them."
)


class SelfDescriptionForm:
    """Shown once the interview is over, while the candidate has not answered or skipped it in this page."""

    def __init__(self, descriptions: SelfDescriptions, session_id: str) -> None:
        self.descriptions = descriptions
        self.session_id = session_id
        self.answers: dict[str, Any] = {}

    @ui.refreshable_method
    def show(self) -> None:
        asked = self.descriptions.asked(self.session_id)
        if not asked or self.descriptions.answered(self.session_id) or self.answers.get("done"):
            return
        with ui.card().classes("w-full").mark("self-description"):
            ui.label("A few optional questions about you").classes("text-lg font-medium")
            ui.label(NOTE).classes("text-sm")
            for attribute in asked:
                ui.select(OPTIONS[attribute], label=f"{QUESTIONS[attribute]} (optional)", clearable=True).bind_value(
                    self.answers, attribute
                ).classes("w-80").mark(f"self-{attribute}")
            with ui.row():
                ui.button("Send", on_click=self.send).mark("self-send")
                ui.button("Skip", on_click=self.skip).props("flat").mark("self-skip")

    def send(self) -> None:
        given = {k: v for k, v in self.answers.items() if k in QUESTIONS and v}
        self.descriptions.record(self.session_id, SelfDescriptionIn.model_validate(given))
        self.answers["done"] = True
        ui.notify("Thank you — saved apart from your interview.", type="positive")
        self.show.refresh()

    def skip(self) -> None:
        self.answers["done"] = True
        self.show.refresh()
