"""Sessions: the list (admin home) and one session's live view with scores, answers and the report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import background_tasks, run, ui
from pydantic import ValidationError

from interviewer.accounts import Caller, Role
from interviewer.decisions import DecisionIn
from interviewer.errors import DomainError, NotFound
from interviewer.event_messages import AnswerSaved, AttentionNoted, EventMessage, SessionErased, TranscriptHeard
from interviewer.interview import SessionView
from interviewer.models import SessionStatus
from interviewer.report.schema import DecisionSection, Report
from interviewer.review import AdjustmentIn
from interviewer.scoring.gaming import RULE_NAMES
from interviewer.system import System
from pages.elements.score_panel import ScorePanel
from pages.gate import team_page
from pages.layout import admin_frame

# dark shades of Quasar's palette: white badge text on them reaches 4.5:1 (WCAG 2.1 AA)
STATUS_COLOR = {"consent": "grey-8", "in_progress": "blue-9", "finished": "deep-orange-10", "finalized": "green-9"}
DECISION_COLOR = {"advance": "green-9", "hold": "grey-8", "reject": "red-9"}


def register(system: System) -> None:
    @team_page(system, "/admin", Role.REVIEWER)
    def sessions_page(caller: Caller) -> None:
        with admin_frame("Sessions", system, caller):
            views = system.interview.list_sessions()
            if not views:
                ui.label("No interviews yet. Create an invite and open its link to try one.")
                if caller.may(Role.ADMIN):
                    ui.link("Create an invite", "/admin/invites")
            decisions = system.decisions.latest_of(v.session.id for v in views)
            for view in views:
                _session_row(view, system, decisions.get(view.session.id))

    @team_page(system, "/admin/sessions/{session_id}", Role.REVIEWER)
    async def session_page(caller: Caller, session_id: str) -> RedirectResponse | None:
        try:
            view = system.interview.view(session_id)
        except NotFound:
            return RedirectResponse("/admin", status_code=303)
        with admin_frame(f"Interview with {view.invite.candidate_name}", system, caller):
            live = SessionLiveView(system, view, caller)
            live.build()
            unsubscribe = system.events.subscribe(session_id, live.on_event)
            ui.context.client.on_delete(unsubscribe)
        return None


def _session_row(view: SessionView, system: System, decision: DecisionSection | None) -> None:
    with ui.card().classes("w-full"), ui.row().classes("w-full items-center"):
        with ui.column().classes("gap-0"):
            ui.link(view.invite.candidate_name, f"/admin/sessions/{view.session.id}").classes("font-medium").mark(
                f"session-{view.session.id}"
            )
            ui.label(
                f"{view.content.name} v{view.template.version} · started {view.session.created_at:%Y-%m-%d %H:%M} UTC"
            ).classes("text-sm text-gray-600")
        ui.space()
        if flags := len(system.attention.events(view.session.id)):
            ui.badge(f"{flags} attention flag{'s' if flags > 1 else ''}", color="deep-orange-10").mark(
                f"flags-{view.session.id}"
            )
        if not view.session.ai_scoring:
            ui.badge("assessed by a person", color="purple-8").mark(f"by-person-{view.session.id}")
        if decision is not None:
            ui.badge(decision.decision, color=DECISION_COLOR[decision.decision]).mark(f"decision-{view.session.id}")
        if (stored := system.reports.stored(view.session.id)) is not None:
            if fired := Report.model_validate_json(stored.report_json).rules_fired():
                ui.badge("rules fired: " + ", ".join(RULE_NAMES[rule] for rule in fired), color="deep-orange-10").mark(
                    f"rules-{view.session.id}"
                ).tooltip("Scoring rules capped or flagged a score nobody has reviewed yet: look before acting on it")
            ui.label("report ready")
        status = view.session.status.value
        ui.badge(status.replace("_", " "), color=STATUS_COLOR[status])


class SessionLiveView:
    """Status, live ScorePanel, answers and report downloads of one session; refreshes on its events."""

    def __init__(self, system: System, view: SessionView, caller: Caller) -> None:
        self.system = system
        self.caller = caller
        self.session_id = view.session.id
        self.scores_flags = bool(view.content.integrity_criteria)  # attention events change its scores
        self.hearing: dict[str, str] = {}  # question id → partial transcript of an answer being spoken

    def build(self) -> None:
        with ui.row().classes("w-full items-start gap-6"):
            with ui.column().classes("w-80 gap-2"):
                self.summary()
            with ui.column().classes("grow gap-2"):
                ui.label("Scores (update as answers arrive)").classes("text-lg font-medium")
                self.scores = ScorePanel()
                ui.timer(0, self.show_scores, once=True)
                self.decision()
                self.review()
        ui.label("Answers").classes("text-lg font-medium")
        self.answers()
        ui.label("Attention (flags for review)").classes("text-lg font-medium")
        self.attention()

    @ui.refreshable_method
    def summary(self) -> None:
        view = self.system.interview.view(self.session_id)
        ui.label(f"Status: {view.session.status.value.replace('_', ' ')}").mark("session-status")
        ui.label(f"Template: {view.content.name}, version {view.template.version}")
        ui.label(f"Answered {len(view.answers)} of {len(view.content.questions)} questions")
        if not view.session.ai_scoring:
            ui.label("Assessed by a person: the candidate opted out of the automatic scoring").classes(
                "text-sm font-medium"
            ).mark("by-person")
        if granted := view.invite.accommodations.describe():
            ui.label("Accommodations: " + ", ".join(granted) + " (never change a score)").classes("text-sm").mark(
                "accommodations"
            )
        if view.invite.candidate_email:
            ui.label(view.invite.candidate_email).classes("text-sm text-gray-600")
        if self.system.reports.has_report(self.session_id):
            with ui.row():
                ui.link("Download PDF", f"/report/{self.session_id}.pdf").mark("download-pdf")
                ui.link("Download JSON", f"/report/{self.session_id}.json").mark("download-json")
        else:
            ui.button("End interview and build report", on_click=self.finalize).props("outline").mark("finalize")
        if view.session.status != SessionStatus.IN_PROGRESS and self.caller.may(Role.ADMIN):
            ui.button("Erase candidate data", icon="delete_forever", on_click=self.confirm_erasure).props(
                "outline color=negative"
            ).mark("erase")

    @ui.refreshable_method
    def review(self) -> None:
        """Once the report exists: the reviewer's adjustments so far, and a form to add one."""
        # refreshed on every event while the interview runs: ask cheaply before loading the report
        stored = (
            self.system.reports.stored(self.session_id) if self.system.reports.has_report(self.session_id) else None
        )
        if stored is None:
            return
        report = Report.model_validate_json(stored.report_json)
        ui.label("Review").classes("text-lg font-medium")
        engine_total = report.scores.total
        latest = {a.criterion_id: a.score for a in report.review.adjustments}
        if engine_total is None:
            left = [c.name for c in report.scores.criteria if c.criterion_id not in latest]
            if left:
                ui.label(
                    "No engine score: the candidate asked for a person to assess the answers. Set every criterion; "
                    f"still to set: {', '.join(left)}."
                ).classes("text-sm").mark("criteria-left")
        if report.review.adjusted_total is not None:
            engine = f" (engine {engine_total:.1f})" if engine_total is not None else " (set by reviewers)"
            ui.label(f"Total after review {report.review.adjusted_total:.1f} / 100{engine}").classes(
                "font-semibold"
            ).mark("adjusted-total")
        for a in report.review.adjustments:
            was = f"{a.engine_score:.1f} → " if a.engine_score is not None else ""
            who = f" (by {a.by})" if a.by else ""
            ui.label(f"{a.name}: {was}{a.score:.1f}{who} — {a.reason}").classes("text-sm")
        criteria = {
            c.criterion_id: f"{c.name} (engine {c.score:.1f})"
            if c.score is not None
            else f"{c.name} ({f'set to {latest[c.criterion_id]:.1f}' if c.criterion_id in latest else 'not set yet'})"
            for c in report.scores.criteria
        }
        form: dict[str, Any] = {"criterion_id": next(iter(criteria)), "score": None, "reason": ""}
        with ui.row().classes("w-full items-start gap-2"):
            ui.select(criteria, label="Criterion").bind_value(form, "criterion_id").classes("w-64").mark(
                "adjust-criterion"
            )
            ui.number("Your score (0–5)", min=0, max=5, step=0.5).bind_value(form, "score").classes("w-36").mark(
                "adjust-score"
            )
        ui.textarea("Reason (shown in the report)").bind_value(form, "reason").classes("w-full").mark("adjust-reason")
        ui.button("Save adjustment", on_click=lambda: self.adjust(form)).props("outline").mark("adjust-save")

    @ui.refreshable_method
    def decision(self) -> None:
        """Once the report exists: the team's decision so far, and a form to make (or change) it."""
        if not self.system.reports.has_report(self.session_id):
            return
        ui.label("Decision").classes("text-lg font-medium")
        current = self.system.decisions.latest(self.session_id)
        if current is None:
            ui.label("No decision yet.").classes("text-sm").mark("decision-none")
        else:
            ui.label(
                f"{current.decision.capitalize()} — by {current.by}, {current.at:%Y-%m-%d %H:%M} UTC: {current.reason}"
            ).classes("font-semibold").mark("decision-current")
        ui.label("A person decides: neither the scores nor the attention flags decide anything by themselves.").classes(
            "text-xs text-gray-600"
        )
        form: dict[str, Any] = {"decision": current.decision if current else "hold", "reason": ""}
        ui.select({"advance": "Advance", "hold": "Hold", "reject": "Reject"}, label="Decision").bind_value(
            form, "decision"
        ).classes("w-48").mark("decision-choice")
        ui.textarea("Reason (at least 10 characters; shown in the report)").bind_value(form, "reason").classes(
            "w-full"
        ).mark("decision-reason")
        ui.button("Save decision", on_click=lambda: self.decide(form)).props("outline").mark("decision-save")

    async def decide(self, form: dict[str, Any]) -> None:
        try:
            await self.system.decisions.decide(self.session_id, DecisionIn.model_validate(form), by=self.caller.name)
        except ValidationError as error:
            ui.notify(f"Not saved: {error.errors()[0]['msg']}", type="negative")
        except DomainError as error:
            ui.notify(f"Not saved: {error.detail}", type="negative")

    async def adjust(self, form: dict[str, Any]) -> None:
        try:
            adjustment = AdjustmentIn.model_validate(form)
            await self.system.review.adjust(self.session_id, adjustment, by=self.caller.name)
        except ValidationError as error:
            ui.notify(f"Not saved: {error.errors()[0]['msg']}", type="negative")
        except DomainError as error:
            ui.notify(f"Not saved: {error.detail}", type="negative")

    def confirm_erasure(self) -> None:
        """Ask before erasing: it cannot be undone."""
        with ui.dialog() as dialog, ui.card():
            ui.label("Erase this candidate's data?").classes("text-lg font-medium")
            ui.label(
                "Answers, transcripts, attention events, the report, any audio and the invite with the "
                "candidate's name and e-mail are deleted for good."
            )
            with ui.row():
                ui.button("Cancel", on_click=dialog.close).props("flat")
                ui.button("Erase", on_click=lambda: self.erase(dialog)).props("color=negative").mark("erase-confirm")
        dialog.open()

    async def erase(self, dialog: ui.dialog) -> None:
        dialog.close()
        await self.system.erasure.erase(self.session_id, by=self.caller.name)
        ui.navigate.to("/admin")

    @ui.refreshable_method
    def answers(self) -> None:
        view = self.system.interview.view(self.session_id)
        for index, question in enumerate(view.content.questions):
            answer = view.answers.get(question.id)
            with ui.card().classes("w-full"):
                ui.label(f"{index + 1}. {question.text}").classes("font-medium")
                if answer is None and question.id in self.hearing:
                    ui.label(f"(speaking) {self.hearing[question.id]}").classes("italic text-gray-700").mark(
                        f"partial-{question.id}"
                    )
                    continue
                ui.label(answer.text if answer else "(no answer yet)").classes("whitespace-pre-wrap").mark(
                    f"answer-{question.id}"
                )
                if answer is not None and answer.retake_used:
                    ui.label("answered again (the one retake)").classes("text-xs text-gray-600").mark(
                        f"retake-{question.id}"
                    )
                if answer is not None and answer.transcript:
                    rate = answer.transcript.get("words_per_minute")
                    ui.label(
                        f"spoken · {answer.transcript.get('duration_s', 0):.0f} s"
                        + (f" · {rate:.0f} words/min" if rate else "")
                        + f" · {len(answer.transcript.get('pauses', []))} long pauses"
                    ).classes("text-xs text-gray-500")

    @ui.refreshable_method
    def attention(self) -> None:
        events = self.system.attention.events(self.session_id)
        if not events:
            ui.label("No attention events.").classes("text-gray-600").mark("attention-none")
        for event in events:
            when = datetime.fromtimestamp(event.start_ms / 1000, UTC)
            seconds = f" for {event.duration_ms / 1000:.1f} s" if event.duration_ms else ""
            ui.label(f"{when:%H:%M:%S} UTC · {event.kind}{seconds}").mark(f"attention-{event.kind}")
            if event.candidate_note:
                ui.label(f"Candidate's note: “{event.candidate_note}”").classes("text-sm italic ml-4").mark(
                    f"attention-note-{event.id}"
                )

    async def finalize(self) -> None:
        await self.system.reports.finalize(self.session_id, allow_unfinished=True)
        self.refresh()

    def refresh(self) -> None:
        self.summary.refresh()
        self.decision.refresh()
        self.review.refresh()
        self.answers.refresh()
        background_tasks.create(self.show_scores(), name="live scores")

    async def show_scores(self) -> None:
        """Score off the event loop (scoring v2 runs a model), then show the card."""
        card = await run.io_bound(self.system.interview.scores, self.session_id)
        if card is not None and not self.scores.is_deleted:
            self.scores.show(card, self.system.interview.view(self.session_id).content)

    def on_event(self, message: EventMessage) -> None:
        if isinstance(message, SessionErased):
            ui.navigate.to("/admin")  # nothing is left to show
            return
        if isinstance(message, AnswerSaved):
            return  # the "score" event that follows every saved answer refreshes the page once
        if isinstance(message, AttentionNoted):
            self.attention.refresh()
            if self.scores_flags:
                background_tasks.create(self.show_scores(), name="live scores")
            return
        if isinstance(message, TranscriptHeard) and message.partial is not None:
            self.hearing[message.question_id] = message.partial
            self.answers.refresh()
            return
        self.refresh()
