"""AgreementCheck: "Check against graded answers" in the template editor — paste answers the team graded and see
how the rubric in the form orders them (`interviewer.scoring.agreement`); nothing is stored."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from nicegui import run, ui
from pydantic import ValidationError

from interviewer.errors import Invalid
from interviewer.models import CriterionSpec, TemplateContent
from interviewer.scoring import AnswerForScoring, RubricScorer, in_scope
from interviewer.scoring.agreement import MAX_ANSWERS, MIN_ANSWERS, AgreementReport, check_agreement, read_graded

EXCERPT_CHARS = 200


class AgreementCheck(ui.column):
    """The form (question, pasted grades and answers) and the result of the last check."""

    def __init__(
        self,
        scorer: RubricScorer,
        rubric: Callable[[], TemplateContent | None],
        try_answer: Callable[[str, str], Awaitable[None]],
        add_points: Callable[[str, str], Awaitable[bool]],
    ) -> None:
        super().__init__()
        self.classes("w-full gap-2")
        self.scorer = scorer
        self.rubric = rubric  # the rubric as it stands in the form, or None after telling the admin what is wrong
        self.try_answer = try_answer  # (question id, text): show that answer's score card
        self.add_points = add_points  # (criterion id, evidence line): add it to that criterion; False: no such one
        with self:
            ui.label(
                "Paste answers to one question that people on your team graded, one per row: the grade (a whole "
                "number on any scale, such as 0–2 or 1–5), then the answer, separated by a tab (two columns copied "
                f"from a spreadsheet) or a comma. {MIN_ANSWERS} to {MAX_ANSWERS:,} answers. Nothing is stored."
            ).classes("text-sm")
            self.question = ui.select({}, label="Question").classes("w-96").mark("agreement-question")
            self.pasted = ui.textarea("Grade and answer, one per row").classes("w-full").props("autogrow")
            self.pasted.mark("graded-answers")
            self.button = ui.button("Check agreement", icon="fact_check", on_click=self.check)
            self.button.mark("check-agreement-run")
            self.result = ui.column().classes("w-full gap-1")

    def set_questions(self, questions: dict[str, str]) -> None:
        """The questions to choose from (id → text), kept in step with the form."""
        chosen = self.question.value if self.question.value in questions else next(iter(questions), None)
        self.question.set_options(questions, value=chosen)

    async def check(self) -> None:
        content = self.rubric()
        if content is None:
            return
        self.button.props("loading")  # 600 answers take about 5 s on 2 cores
        try:
            graded = read_graded(self.pasted.value or "")
            report = await run.io_bound(check_agreement, self.scorer, content, self.question.value or "", graded)
        except (Invalid, ValidationError) as error:
            ui.notify(f"Cannot check: {error}", type="negative", multi_line=True)
            return
        finally:
            self.button.props(remove="loading")
        if report is not None:  # None only while the app shuts down
            self.show(report, content)

    def show(self, report: AgreementReport, content: TemplateContent) -> None:
        self.result.clear()
        with self.result:
            counts = ", ".join(f"{grade}: {n}" for grade, n in report.grades.items())
            rho = "–" if report.spearman is None else f"{report.spearman:.2f}"
            ui.label(
                f"QWK by rank {report.qwk_by_rank:.2f} · Spearman ρ {rho} · {report.answers} answers (grades {counts})"
            ).classes("text-lg font-medium").mark("agreement-figures")
            ui.label(report.verdict).classes("text-sm")
            if report.criteria:
                ui.label(
                    "Each criterion on its own: "
                    + " · ".join(f"{c.criterion} {c.qwk_by_rank:.2f}" for c in report.criteria)
                ).classes("text-sm").mark("agreement-criteria")
            if (probe := report.stuffing) is not None:
                outcome = "below it" if probe.below else "NOT below it: the rubric can be gamed with its own phrases"
                ui.label(
                    f"Gaming probe: the rubric's phrases in a row (“{probe.answer[:120]}”) score {probe.score:.1f}; "
                    f"the median answer with your top grade scores {probe.top_grade_median:.1f} — {outcome}."
                ).classes("text-sm" if probe.below else "text-sm font-medium text-orange-800").mark("agreement-probe")
            for misses in report.must_show_misses:
                rows = ", ".join(map(str, misses.lines)) + (" …" if misses.halved > len(misses.lines) else "")
                ui.label(
                    f"Must show halved {misses.halved} of the {misses.top_graded} answers with your top grade "
                    f"({misses.criterion}; answer no. {rows}): its points miss how these answers say it. Add the "
                    "words they use to the must-show lines."
                ).classes("text-sm font-medium text-orange-800").mark("agreement-must-show")
            if report.missing_words:
                self.show_missing_words(report, content)
            if report.disagreements:
                ui.label("Furthest from your grades (click one to see its score card in “Try it”)").classes(
                    "font-medium mt-2"
                )
                by_line = {d.line: d.text for d in report.disagreements}
                table = (
                    ui.table(
                        columns=[
                            {"name": "line", "label": "Answer no.", "field": "line"},
                            {"name": "grade", "label": "Your grade", "field": "grade"},
                            {"name": "by_rank", "label": "Rubric's grade (by rank)", "field": "by_rank"},
                            {"name": "score", "label": "Score (0–100)", "field": "score"},
                            {"name": "text", "label": "Answer", "field": "text", "align": "left"},
                        ],
                        rows=[
                            {
                                "line": d.line,
                                "grade": d.grade,
                                "by_rank": d.grade_by_rank,
                                "score": f"{d.score:.1f}",
                                "text": d.text[:EXCERPT_CHARS] + ("…" if len(d.text) > EXCERPT_CHARS else ""),
                            }
                            for d in report.disagreements
                        ],
                    )
                    .classes("w-full cursor-pointer")
                    .props("wrap-cells dense")
                    .mark("agreement-disagreements")
                )
                table.on("rowClick", lambda e: self.try_answer(report.question_id, by_line[e.args[1]["line"]]))

    def show_missing_words(self, report: AgreementReport, content: TemplateContent) -> None:
        """The words the top-graded answers use that the rubric lacks, with how many answers use them; the admin
        ticks those that are points and adds them as one evidence line to a criterion that scores the question."""
        top, lowest = max(report.grades), min(report.grades)
        counts = (
            f"“{w.word}” ({w.top_graded} of {report.grades[top]} graded {top}, "
            f"{w.lowest_graded} of {report.grades[lowest]} graded {lowest})"
            for w in report.missing_words
        )
        ui.label(
            f"Words your answers graded {top} use and the rubric does not: {', '.join(counts)}. Tick those that are "
            "points of a good answer and add them to the rubric as one evidence line; leave out words that merely "
            "come with good answers."
        ).classes("text-sm").mark("agreement-missing-words")
        with ui.row().classes("gap-2"):
            ticks = {w.word: ui.checkbox(w.word).mark(f"missing-word-{w.word}") for w in report.missing_words}
        probe = AnswerForScoring(question_id=report.question_id, text="")
        for index, criterion in enumerate(content.criteria):  # the mark names the criterion's place in the form
            if criterion.kind == "answers" and in_scope(probe, criterion):
                ui.button(
                    f"Add the ticked words to “{criterion.name}”",
                    icon="playlist_add",
                    on_click=functools.partial(self._add_ticked, ticks, criterion),
                ).props("flat").mark(f"add-missing-words-{index}")

    async def _add_ticked(self, ticks: dict[str, ui.checkbox], criterion: CriterionSpec) -> None:
        chosen = [word for word, tick in ticks.items() if tick.value]
        if not chosen:
            ui.notify("Tick the words that are points of a good answer first.", type="warning")
            return
        if not await self.add_points(criterion.id, " | ".join(chosen)):
            ui.notify(f"The form has no criterion “{criterion.name}” any more: check again.", type="warning")
            return
        ui.notify(f"Added “{' | '.join(chosen)}” to the evidence phrases of {criterion.name}; check again to see it.")
