"""The candidate's interview: notice and consent, then one question at a time, then thanks.

The page holds no interview state of its own: it renders from the database on every load and every step,
so a reload, a reconnect or a server restart continues at the current question.
"""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from interviewer.errors import DomainError, NotFound
from interviewer.interview import SessionView
from interviewer.invites import as_utc
from interviewer.models import SessionStatus, utc_now
from interviewer.security import CANDIDATE_COOKIE
from interviewer.system import System
from pages.layout import candidate_frame

LINK_PROBLEMS = {
    "invalid": "This interview link is not valid. Please check that you copied the whole link.",
    "expired": "This interview link has expired. Please ask the company that invited you for a new one.",
    "revoked": "This interview link was withdrawn. Please contact the company that invited you.",
    "used": "This interview link was already opened in another browser. For your privacy it works in one "
    "browser only; please open it there, or ask for a new link.",
    "no-session": "We could not find your interview in this browser. Please open the link from your invitation.",
}


def register(system: System) -> None:
    @ui.page("/link-problem")
    def link_problem_page(reason: str = "invalid") -> None:
        with candidate_frame("Interview link"):
            ui.label("We can't open this interview").classes("text-2xl font-semibold")
            ui.label(LINK_PROBLEMS.get(reason, LINK_PROBLEMS["invalid"])).mark("link-problem")

    @ui.page("/interview")
    def interview_page(request: Request) -> None:
        session_id = system.signer.candidate_session(request.cookies.get(CANDIDATE_COOKIE))
        try:
            view = system.interview.view(session_id or "")
        except NotFound:
            link_problem_page("no-session")
            return
        with candidate_frame(f"Interview: {view.content.name}"):
            CandidateInterview(system, view.session.id).content()


class CandidateInterview:
    """Renders whichever step the session is at; each action commits, then re-renders from the database."""

    def __init__(self, system: System, session_id: str) -> None:
        self.system = system
        self.session_id = session_id

    @ui.refreshable_method
    def content(self) -> None:
        view = self.system.interview.view(self.session_id)
        if view.session.status == SessionStatus.CONSENT:
            self.notice(view)
        elif view.session.status == SessionStatus.IN_PROGRESS:
            self.question(view)
        else:
            ui.label("Thank you!").classes("text-2xl font-semibold").mark("thanks")
            ui.label("Your answers are saved and the interview is complete. You can close this window.")

    def notice(self, view: SessionView) -> None:
        llm = self.system.settings.llm_provider.value
        ui.label(f"Hello {view.invite.candidate_name}").classes("text-2xl font-semibold")
        ui.label(f"Interview: {view.content.name}" + (f" · {view.content.role}" if view.content.role else ""))
        with ui.card().classes("w-full"):
            ui.label("Before you start: what we record and why").classes("text-lg font-medium")
            ui.markdown(
                f"""
- **What is recorded:** your answers to {len(view.content.questions)} questions (typed, or spoken and
  transcribed), and how long each answer took.
- **Where it is analysed:** on this company's own server. Answers are scored by fixed rules that the
  interviewer wrote; {"no outside AI service is used" if llm == "none" else
  "a language model the company configured may suggest follow-up questions"}.
  If your camera is used, it is analysed in your browser only: no video leaves your computer.
- **How long it is kept:** any audio is deleted as soon as your report is made. Your answers and the
  report stay with the company until they delete them.
- **Who sees it:** the people at the company who run this interview. A person reviews every result.
"""
            ).mark("notice")
        agree = ui.checkbox("I have read this and agree to take the interview.").mark("consent-box")
        start = ui.button("Start the interview", on_click=self.consent).mark("start-interview")
        start.disable()
        agree.on_value_change(lambda e: start.set_enabled(e.value))

    def question(self, view: SessionView) -> None:
        question = view.current_question
        assert question is not None
        index, count = view.session.current_index, len(view.content.questions)
        ui.label(f"Question {index + 1} of {count}").classes("text-sm text-gray-600").mark("progress")
        ui.linear_progress(index / count, show_value=False)
        ui.label(question.text).classes("text-xl").mark("question")
        existing = view.answers.get(question.id)
        answer = ui.textarea("Your answer", value=existing.text if existing else "").props("autogrow outlined")
        answer.classes("w-full").mark("answer-box")
        started = view.session.question_started_at
        deadline = (as_utc(started).timestamp() if started else utc_now().timestamp()) + question.time_limit_s
        timer_label = ui.label().classes("text-sm text-gray-600").mark("timer")

        async def tick() -> None:
            left = int(deadline - utc_now().timestamp())
            timer_label.set_text(f"Time left: {max(left, 0) // 60}:{max(left, 0) % 60:02d}")
            if left <= 0:
                clock.deactivate()
                ui.notify("Time is up for this question; your answer was saved.")
                await self.submit(question.id, answer.value or "")

        clock = ui.timer(1.0, tick)
        label = "Finish the interview" if view.is_last_question else "Next question"
        ui.button(label, on_click=lambda: self.submit(question.id, answer.value or "")).mark("next-button")

    async def consent(self) -> None:
        await self.system.interview.consent(self.session_id)
        self.content.refresh()

    async def submit(self, question_id: str, text: str) -> None:
        """Save the answer (if any), then go on; the last question finishes the interview."""
        try:
            if text.strip():
                await self.system.interview.save_answer(self.session_id, question_id, text)
            await self.system.interview.next_question(self.session_id, from_question_id=question_id)
        except DomainError as error:
            ui.notify(error.detail, type="warning")
        self.content.refresh()
