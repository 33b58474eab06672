"""Templates: the list, and the editor for questions and the rubric."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import run, ui
from pydantic import ValidationError

from interviewer.accounts import Caller, Role
from interviewer.errors import NotFound
from interviewer.models import DEFAULT_PRACTICE_QUESTION, CriterionSpec, QuestionSpec, TemplateContent
from interviewer.scoring import AnswerForScoring
from interviewer.scoring.gaming import STRUNG_GROUPS
from interviewer.scoring.rules_v1 import point_groups
from interviewer.system import System
from interviewer.tts.service import VoiceService
from pages.elements.agreement_check import AgreementCheck
from pages.elements.score_panel import ScorePanel
from pages.gate import team_page
from pages.layout import admin_frame

LEVEL_NAMES = ["1 – lowest", "2", "3", "4", "5 – highest"]
SCORING_ENGINES = {
    "meaning-v2": "v2: evidence by meaning (recommended)",
    "rules-v1": "v1: evidence by exact words (older templates)",
}
SELF_DESCRIPTION = {"gender": "Gender", "age_band": "Age band", "ethnicity": "Ethnicity"}
CRITERION_KINDS = {
    "answers": "The answers (rules, and the model if configured)",
    "integrity": "Attention flags (integrity): phone seen, several faces, pastes, time not attentive",
}


def register(system: System) -> None:
    @team_page(system, "/admin/templates", Role.ADMIN)
    def templates_page(caller: Caller) -> None:
        with admin_frame("Templates", system, caller):
            ui.button("New template", icon="add", on_click=lambda: ui.navigate.to("/admin/templates/new")).mark(
                "new-template"
            )
            for template in system.templates.list_current():
                content = template.parsed()
                with ui.card().classes("w-full"), ui.row().classes("w-full items-center"):
                    with ui.column().classes("gap-0"):
                        ui.label(content.name).classes("text-lg font-medium")
                        ui.label(
                            f"{content.role or 'no role'} · version {template.version} · "
                            f"{len(content.questions)} questions · {len(content.criteria)} criteria"
                            + (
                                f" ({integrity} on attention flags)"
                                if (integrity := content.integrity_criteria)
                                else ""
                            )
                        ).classes("text-sm text-gray-600")
                    ui.space()
                    ui.button(
                        "Results", on_click=lambda f=template.family_id: ui.navigate.to(f"/admin/templates/{f}/results")
                    ).props("flat").mark(f"results-{template.family_id}")
                    ui.button(
                        "Edit", on_click=lambda f=template.family_id: ui.navigate.to(f"/admin/templates/{f}")
                    ).props("flat").mark(f"edit-{template.family_id}")

    @team_page(system, "/admin/templates/{family_id}", Role.ADMIN)
    def editor_page(caller: Caller, family_id: str) -> RedirectResponse | None:
        if family_id == "new":
            draft = _draft(None)
        else:
            try:
                current = system.templates.current(family_id)
            except NotFound:
                return RedirectResponse("/admin/templates", status_code=303)
            draft = _draft(current.parsed())
        title = "New template" if family_id == "new" else f"Edit template (version {current.version})"
        with admin_frame(title, system, caller):
            TemplateEditor(draft, lambda content: _save(system, family_id, content, caller), system).build()
        return None


def _save(system: System, family_id: str, content: TemplateContent, caller: Caller) -> None:
    if family_id == "new":
        saved = system.templates.create(content, by=caller.name)
    else:
        saved = system.templates.update(family_id, content, by=caller.name)
    ui.notify(f"Saved “{saved.name}”, version {saved.version}", type="positive")
    ui.navigate.to("/admin/templates")


def _draft(content: TemplateContent | None) -> dict[str, Any]:
    """A plain, mutable copy of the content that the inputs bind to."""
    if content is None:
        content = TemplateContent(
            name="New template",
            questions=[QuestionSpec(text="Tell me about yourself.")],
            criteria=[CriterionSpec(name="Communication")],
            practice_question=DEFAULT_PRACTICE_QUESTION,  # on by default; cleared, the template has none
        )
    draft = content.model_dump()
    draft["criteria"] = [_criterion_draft(c) for c in content.criteria]
    return draft


def _criterion_draft(criterion: CriterionSpec) -> dict[str, Any]:
    """Flatten what inputs cannot bind to: evidence phrases and must-show points as text lines, levels as
    `level_1`..`level_5`, example answers as `example_1`..`example_5`."""
    draft = criterion.model_dump(exclude={"evidence_phrases", "must_show", "levels", "level_examples"})
    draft["evidence_text"] = "\n".join(criterion.evidence_phrases)
    draft["must_show_text"] = "\n".join(criterion.must_show)
    draft.update({f"level_{i + 1}": text for i, text in enumerate(criterion.levels)})
    draft.update({f"example_{i + 1}": text for i, text in enumerate(criterion.level_examples)})
    return draft


def _content_of(draft: dict[str, Any]) -> TemplateContent:
    criteria = []
    for criterion in draft["criteria"]:
        fields = {
            k: v
            for k, v in criterion.items()
            if k not in ("evidence_text", "must_show_text") and not k.startswith(("level_", "example_"))
        }
        fields["evidence_phrases"] = _lines(criterion["evidence_text"])
        fields["must_show"] = _lines(criterion["must_show_text"])
        fields["levels"] = [criterion[f"level_{i + 1}"] for i in range(5)]
        fields["level_examples"] = [criterion[f"example_{i + 1}"] or "" for i in range(5)]
        fields["evidence_needed"] = int(criterion["evidence_needed"]) if criterion.get("evidence_needed") else None
        if fields["kind"] == "integrity":  # the answer rules' inputs are hidden then: whatever they hold is dropped
            fields.update(
                evidence_phrases=[],
                must_show=[],
                structure_cues=False,
                llm_weight=0.0,
                question_ids=[],
                reference_answer="",
                level_examples=[""] * 5,
                evidence_needed=None,
            )
        criteria.append(fields)
    return TemplateContent.model_validate({**draft, "criteria": criteria})


def few_points_hint(evidence_text: str) -> str:
    """What to know about a criterion with 1–4 evidence lines (empty when it has none or 5 or more)."""
    count = len(_lines(evidence_text or ""))
    if not 1 <= count < STRUNG_GROUPS:
        return ""
    return (
        f"{count} point{'s' if count > 1 else ''}: an answer that only glues them into a sentence scores like a terse "
        f"correct one (fine where such a list is the answer). With {STRUNG_GROUPS} or more, scoring v2 tells them "
        "apart; the gaming probe in “Check against graded answers” shows it."
    )


def single_words_hint(must_show_text: str) -> str:
    """What to know about must-show points written as single words (empty when there are none)."""
    single = [group[0] for group in point_groups(_lines(must_show_text or "")) if all(" " not in a for a in group)]
    return _named(
        single,
        "a point of single words is found by those words only (as written or misspelt), hardly ever by meaning, so "
        "scoring v2 halves an answer that says it another way. List the other words candidates use.",
    )


def _named(points: list[str], says: str) -> str:
    """The points, quoted, then what `says` about them (empty when there are none)."""
    return f"{', '.join(f'“{point}”' for point in points)}: {says}" if points else ""


DESCRIBED_ANSWER = re.compile(
    r"\bthe candidate(?:'s)?\b|\b(?:a|the) (?:strong|good|great|ideal|best|complete) answer\b"
    r"|\bshould (?:mention|explain|describe|name|say|show|include|cover|discuss|give)\b",
    re.IGNORECASE,
)
"""Words that tell a description of a good answer ("the candidate should explain …") from an answer."""


def described_answer_hint(reference_text: str) -> str:
    """What to know about a reference answer written as a description of one (empty when it reads as an answer)."""
    found = DESCRIBED_ANSWER.search(reference_text or "")
    if not found:
        return ""
    return (
        f"This reads as a description of a good answer (“{found.group()}”), and scoring v2 compares answers with it "
        "by meaning: a description matches no real answer. Write it as a strong candidate would say it "
        "(“I was responsible for …, I measured …”)."
    )


_DOES = ("mention", "talk about", "explain", "describe", "discuss", "name", "identify", "list", "cover", "refer to")
_DOES_3RD = ("mentions", "talks about", "explains", "describes", "discusses", "names", "identifies", "lists", "covers")
DESCRIBED_POINT = re.compile(
    rf"^(?:(?:the )?(?:candidate|answer) )?(?:(?:should|must|will) (?:{'|'.join(_DOES)})|{'|'.join(_DOES_3RD)}"
    r"|refers to|gives an example of|shows (?:that|how))\s+\S",
    re.IGNORECASE,
)
"""A rubric point written as what the answer does ("mentions caching") instead of what it says ("caching")."""


def described_points_hint(points_text: str) -> str:
    """What to know about rubric points written as what an answer does (empty when there are none)."""
    groups = point_groups(_lines(points_text or ""))
    return _named(
        [alternative for group in groups for alternative in group if DESCRIBED_POINT.match(alternative)],
        "points are matched with what candidates say, so write what the answer says (“caching”), not what it does "
        "(“mentions caching”): written so, a point is hardly ever found.",
    )


def described_examples_hint(criterion: dict[str, Any]) -> str:
    """What to know about example answers written as descriptions of answers (empty when each reads as an answer)."""
    described = [
        str(level) for level in range(1, 6) if DESCRIBED_ANSWER.search(criterion.get(f"example_{level}") or "")
    ]
    if not described:
        return ""
    return (
        f"Example for level {', '.join(described)}: reads as a description of an answer, and answers are compared "
        "with the examples by meaning. Write what a candidate at that level would say."
    )


COMPARED_FIELDS = (
    "evidence_text",
    "must_show_text",
    "reference_answer",
    *(f"example_{i}" for i in range(1, 6)),
    "llm_weight",
)
"""The draft fields of a criterion that give the scorer something to compare answers with."""
LENGTH_ONLY_HINT = (
    "Nothing to compare answers with yet: this criterion is scored on answer length and fillers only (and story "
    "structure, when ticked). Add evidence phrases, a reference answer or example answers for two levels."
)


def compares_nothing(criterion: dict[str, Any]) -> bool:
    """Whether a criterion draft has no evidence phrases, must-show points, reference answer or model weight, and
    fewer than two example answers: then only length, fillers and structure score its answers."""
    examples = sum(1 for i in range(1, 6) if (criterion.get(f"example_{i}") or "").strip())
    return not (
        _lines(criterion.get("evidence_text") or "")
        or _lines(criterion.get("must_show_text") or "")
        or (criterion.get("reference_answer") or "").strip()
        or examples >= 2
        or criterion.get("llm_weight")
    )


def _hint(criterion: dict[str, Any], field: str, hint: Callable[[str], str]) -> ui.label:
    """A warning under a field of a criterion: `hint` of the field's text, shown while it is not empty."""
    return _draft_hint(criterion, (field,), lambda draft: hint(draft.get(field) or ""))


def _draft_hint(criterion: dict[str, Any], fields: Sequence[str], hint: Callable[[dict[str, Any]], str]) -> ui.label:
    """A warning under a criterion: `hint` of its whole draft, shown while it is not empty; re-read whenever any of
    `fields` changes."""
    label = ui.label().classes("text-xs text-orange-800")
    for field in fields:
        label.bind_text_from(criterion, field, backward=lambda _: hint(criterion))
        label.bind_visibility_from(criterion, field, backward=lambda _: bool(hint(criterion)))
    return label


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


class TemplateEditor:
    """Form for one template: basics, ordered questions, rubric criteria; validates on save."""

    def __init__(self, draft: dict[str, Any], on_save: Any, system: System) -> None:
        self.draft = draft
        self.on_save = on_save
        self.voice: VoiceService = system.voice
        self.scorer = system.scorer
        self.player: ui.audio | None = None
        self.trial_answers: dict[str, str] = {}

    def build(self) -> None:
        with ui.row().classes("w-full gap-4"):
            ui.input("Name").bind_value(self.draft, "name").classes("grow").mark("template-name")
            ui.input("Role").bind_value(self.draft, "role").classes("grow").mark("template-role")
            ui.number("Spoken answer ends after silence (s)", min=1, max=30, step=0.5).bind_value(
                self.draft, "silence_end_s"
            ).classes("w-64")
            ui.select(
                {"off": "off", "optional": "optional", "required": "required"}, label="Camera analysis"
            ).bind_value(self.draft, "camera").classes("w-40").tooltip(
                "Attention flags from the camera, analysed in the candidate's browser"
            )
            ui.select({0: "none", 1: "one per question"}, label="Answer again").bind_value(
                self.draft, "retakes"
            ).classes("w-44").mark("retakes").tooltip(
                "The candidate may discard an answer once and answer the question again; the report says so"
            )
        ui.select(SCORING_ENGINES, label="Scoring").bind_value(self.draft, "scoring").classes("w-96").mark(
            "scoring-engine"
        ).tooltip("Reports name the engine; templates saved before v2 keep v1")
        ui.input("Practice question (asked first; never stored or scored; empty for none)").bind_value(
            self.draft, "practice_question"
        ).classes("w-full").mark("practice-question")
        ui.select(
            SELF_DESCRIPTION, multiple=True, label="Voluntary questions after the interview (adverse-impact check)"
        ).bind_value(self.draft, "self_description").classes("w-full").mark("self-description").tooltip(
            "Each skippable; kept apart from the interview, never scored, counted by group for admins only"
        )
        ui.label("Questions (asked in this order)").classes("text-lg font-medium mt-2")
        self.preview_slot = ui.row().classes("w-full")
        self.questions()
        ui.button("Add question", icon="add", on_click=self.add_question).props("flat").mark("add-question")
        ui.label("Rubric criteria").classes("text-lg font-medium mt-2")
        self.criteria()
        ui.button("Add criterion", icon="add", on_click=self.add_criterion).props("flat").mark("add-criterion")
        ui.button("Save template", icon="save", on_click=self.save).classes("mt-4").mark("save-template")
        self.trial()

    def trial(self) -> None:
        """ "Try it": answers typed here are scored with the rubric as it stands in the form; nothing is stored."""
        self.try_it = ui.expansion("Try it: score answers with this rubric before inviting anyone", icon="science")
        with self.try_it.classes("w-full mt-4").mark("try-it"):
            self.trial_inputs()
            ui.button("Score these answers", icon="grading", on_click=self.score_trial).mark("try-score")
            self.trial_panel = ScorePanel()
        with (
            ui.expansion(
                "Check against graded answers: does the rubric order them as your team did?", icon="fact_check"
            )
            .classes("w-full")
            .mark("check-agreement")
        ):
            self.agreement = AgreementCheck(self.scorer, self.validated, self.try_answer, self.add_evidence_line)
        self.questions_changed()

    def questions_changed(self) -> None:
        """Keep the "Try it" answers and the agreement check's question list in step with the questions."""
        self.trial_inputs.refresh()
        self.question_texts_changed()

    def question_texts_changed(self) -> None:
        """The agreement check's question list names the questions as they read now (Try it keeps its focus)."""
        self.agreement.set_questions(
            {q["id"]: f"{i + 1}. {q['text'][:80]}" for i, q in enumerate(self.draft["questions"])}
        )

    @ui.refreshable_method
    def trial_inputs(self) -> None:
        for index, question in enumerate(self.draft["questions"]):
            ui.textarea(f"Answer to {index + 1}. {question['text'][:80]}").bind_value(
                self.trial_answers, question["id"]
            ).classes("w-full").props("autogrow").mark(f"try-answer-{index}")

    async def add_evidence_line(self, criterion_id: str, line: str) -> bool:
        """Add `line` to the evidence phrases of the criterion `criterion_id` in the form (from the agreement check);
        False when the form no longer has that criterion."""
        criterion = next((c for c in self.draft["criteria"] if c["id"] == criterion_id), None)
        if criterion is None:
            return False
        criterion["evidence_text"] = "\n".join(filter(None, [(criterion.get("evidence_text") or "").rstrip(), line]))
        await self.criteria.refresh()
        return True

    async def try_answer(self, question_id: str, text: str) -> None:
        """Show one answer's score card in "Try it" (in place of the answers typed there)."""
        self.trial_answers.clear()
        self.trial_answers[question_id] = text
        self.trial_inputs.refresh()
        self.try_it.open()
        await self.score_trial()

    async def score_trial(self) -> None:
        content = self.validated()
        if content is None:
            return
        answers = [
            AnswerForScoring(question_id=q.id, text=text)
            for q in content.questions
            if (text := self.trial_answers.get(q.id, "")).strip()
        ]
        if not answers:
            ui.notify("Type an answer to at least one question first.")
            return
        card = await run.io_bound(self.scorer.score, answers, content)
        if card is not None:  # None only while the app shuts down
            self.trial_panel.show(card, content)

    @ui.refreshable_method
    def questions(self) -> None:
        items = self.draft["questions"]
        for index, question in enumerate(items):
            with ui.card().classes("w-full"), ui.row().classes("w-full items-start gap-2"):
                ui.label(f"{index + 1}.").classes("text-lg mt-4")
                ui.textarea("Question").bind_value(question, "text").classes("grow").props("autogrow").mark(
                    f"question-{index}"
                ).on("blur", self.question_texts_changed)
                ui.number("Time limit (s)", min=10, max=3600, step=10, format="%d").bind_value(
                    question, "time_limit_s", forward=lambda v: int(v or 0)
                ).classes("w-32").mark(f"time-limit-{index}")
                ui.number("Follow-ups (0–2)", min=0, max=2, step=1, format="%d").bind_value(
                    question, "max_follow_ups", forward=lambda v: int(v or 0)
                ).classes("w-32").tooltip(
                    "How many follow-up questions the language model may ask (needs LLM_PROVIDER)"
                )
                with ui.column().classes("gap-0"):
                    ui.button(icon="volume_up", on_click=lambda q=question: self.preview(q["text"])).props(
                        f'flat dense aria-label="Hear question {index + 1}"'
                    ).tooltip("Hear this question").mark(f"preview-{index}")
                    ui.button(icon="arrow_upward", on_click=lambda i=index: self.move(items, i, -1)).props(
                        f'flat dense aria-label="Move question {index + 1} up"'
                    ).set_enabled(index > 0)
                    ui.button(icon="arrow_downward", on_click=lambda i=index: self.move(items, i, 1)).props(
                        f'flat dense aria-label="Move question {index + 1} down"'
                    ).set_enabled(index < len(items) - 1)
                    ui.button(icon="delete", on_click=lambda i=index: self.remove(items, i)).props(
                        f'flat dense color=negative aria-label="Delete question {index + 1}"'
                    )

    @ui.refreshable_method
    def criteria(self) -> None:
        items = self.draft["criteria"]
        question_options = {q["id"]: f"{i + 1}. {q['text'][:40]}" for i, q in enumerate(self.draft["questions"])}
        for index, criterion in enumerate(items):
            with ui.card().classes("w-full"):
                with ui.row().classes("w-full items-start gap-2"):
                    ui.input("Criterion").bind_value(criterion, "name").classes("grow").mark(f"criterion-{index}")
                    ui.number("Weight", min=0.1, max=100, step=0.5).bind_value(criterion, "weight").classes(
                        "w-24"
                    ).mark(f"weight-{index}")
                    ui.button(icon="delete", on_click=lambda i=index: self.remove(items, i)).props(
                        f'flat dense color=negative aria-label="Delete criterion {index + 1}"'
                    )
                ui.select(CRITERION_KINDS, label="Scored on").bind_value(criterion, "kind").classes("w-full").mark(
                    f"kind-{index}"
                )
                ui.input("Description").bind_value(criterion, "description").classes("w-full")
                with ui.row().classes("w-full gap-2"):
                    for level in range(5):
                        ui.input(f"Level {LEVEL_NAMES[level]}").bind_value(criterion, f"level_{level + 1}").classes(
                            "grow"
                        )
                with ui.column().classes("w-full gap-2").bind_visibility_from(criterion, "kind", value="answers"):
                    self.answer_rules(criterion, index, question_options)

    def answer_rules(self, criterion: dict[str, Any], index: int, question_options: dict[str, str]) -> None:
        """The inputs of a criterion scored on the answers (an integrity criterion has none of them)."""
        ui.textarea(
            "Evidence phrases: one rubric point per line; synonyms separated by |",
            placeholder="load balancer | spread the traffic over several servers",
        ).bind_value(criterion, "evidence_text").classes("w-full").mark(f"evidence-{index}").tooltip(
            "Scoring v2 also finds a point when a sentence of the answer means it: short sentences a good answer "
            "would contain work best"
        )
        _hint(criterion, "evidence_text", few_points_hint).mark(f"few-points-{index}")
        _hint(criterion, "evidence_text", described_points_hint).mark(f"described-points-{index}")
        _draft_hint(criterion, COMPARED_FIELDS, lambda draft: LENGTH_ONLY_HINT if compares_nothing(draft) else "").mark(
            f"length-only-{index}"
        )
        ui.textarea(
            "Must show (optional): points without which an answer cannot score well; one per line, synonyms with |",
            placeholder="measure first | profile it | find the slow part",
        ).bind_value(criterion, "must_show_text").classes("w-full").props("autogrow").mark(
            f"must-show-{index}"
        ).tooltip("They count as rubric points too; scoring v2 halves the criterion's score when one is not found")
        _hint(criterion, "must_show_text", single_words_hint).mark(f"single-words-{index}")
        _hint(criterion, "must_show_text", described_points_hint).mark(f"described-must-show-{index}")
        ui.number("Points for full marks (empty: all)", min=1, max=50, format="%d").bind_value(
            criterion, "evidence_needed"
        ).classes("w-64").mark(f"evidence-needed-{index}")
        ui.textarea("Reference answer (optional): a strong answer, as a candidate would give it").bind_value(
            criterion, "reference_answer"
        ).classes("w-full").props("autogrow").mark(f"reference-{index}")
        _hint(criterion, "reference_answer", described_answer_hint).mark(f"described-answer-{index}")
        ui.label("Example answers (optional): what an answer at a level sounds like").classes("text-sm mt-1")
        with ui.row().classes("w-full gap-2"):
            for level in range(5):
                ui.textarea(f"Example {LEVEL_NAMES[level]}").bind_value(criterion, f"example_{level + 1}").classes(
                    "grow"
                ).props("autogrow").mark(f"example-{index}-{level + 1}")
        examples = [f"example_{level}" for level in range(1, 6)]
        _draft_hint(criterion, examples, described_examples_hint).mark(f"described-examples-{index}")
        with ui.row().classes("w-full items-center gap-4"):
            ui.number("Expected words from", min=0, format="%d").bind_value(
                criterion, "expected_words_min", forward=lambda v: int(v or 0)
            ).classes("w-40")
            ui.number("to", min=1, format="%d").bind_value(
                criterion, "expected_words_max", forward=lambda v: int(v or 0)
            ).classes("w-32")
            ui.checkbox("Reward situation/task/action/result structure").bind_value(criterion, "structure_cues")
            ui.number("Model weight (0–1)", min=0, max=1, step=0.1).bind_value(
                criterion, "llm_weight", forward=lambda v: float(v or 0)
            ).classes("w-40").tooltip("Share of the score from the language model's rating, if configured")
        ui.select(question_options, multiple=True, label="Scores these questions (none selected: all)").bind_value(
            criterion, "question_ids"
        ).classes("w-full")

    async def preview(self, text: str) -> None:
        """Play the question in the interviewer's voice (synthesized now, and cached for the interview)."""
        voiced = await self.voice.speak(text)
        if voiced is None or not voiced[0].media_type:
            ui.notify("No audio: the voice could not be synthesized, or the browser speaks the questions.")
            return
        if self.player is not None:
            self.player.delete()
        with self.preview_slot:
            self.player = ui.audio(voiced[1], autoplay=True).classes("w-full").mark("preview-audio")

    def add_question(self) -> None:
        self.draft["questions"].append(QuestionSpec(text="New question?").model_dump())
        self.questions.refresh()
        self.criteria.refresh()
        self.questions_changed()

    def add_criterion(self) -> None:
        self.draft["criteria"].append(_criterion_draft(CriterionSpec(name="New criterion")))
        self.criteria.refresh()

    def move(self, items: list[Any], index: int, step: int) -> None:
        items[index], items[index + step] = items[index + step], items[index]
        self.questions.refresh()
        self.criteria.refresh()
        self.questions_changed()

    def remove(self, items: list[Any], index: int) -> None:
        del items[index]
        for criterion in self.draft["criteria"]:
            known = {q["id"] for q in self.draft["questions"]}
            criterion["question_ids"] = [q for q in criterion["question_ids"] if q in known]
        self.questions.refresh()
        self.criteria.refresh()
        self.questions_changed()

    def validated(self) -> TemplateContent | None:
        """The form as a template, or None after telling the admin what is wrong."""
        try:
            return _content_of(self.draft)
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'template'}: {e['msg']}" for e in error.errors()[:3]
            )
            ui.notify(f"Not valid: {problems}", type="negative", multi_line=True)
            return None

    def save(self) -> None:
        if (content := self.validated()) is not None:
            self.on_save(content)
