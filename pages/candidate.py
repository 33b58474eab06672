"""The candidate's interview: notice and consent, then one question at a time, then thanks.

The page holds no interview state of its own: it renders from the database on every load and every step,
so a reload, a reconnect or a server restart continues at the current question.
"""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import Request
from nicegui import ui

from interviewer.attention import MAX_NOTE_CHARS
from interviewer.errors import DomainError, NotFound
from interviewer.interview import PRACTICE_ID, SessionView
from interviewer.invites import as_utc
from interviewer.models import SessionStatus, TemplateContent, utc_now
from interviewer.ratelimit import RateLimited
from interviewer.scoring.language import other_language
from interviewer.security import CANDIDATE_COOKIE
from interviewer.system import System
from pages.elements.attention_monitor import AttentionMonitor
from pages.elements.audio_capture import AudioCapture
from pages.elements.avatar import Avatar
from pages.layout import VENDOR_DIR, candidate_frame
from pages.self_description import SelfDescriptionForm

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
    async def interview_page(request: Request) -> None:
        session_id = system.signer.candidate_session(request.cookies.get(CANDIDATE_COOKIE))
        try:
            view = system.interview.view(session_id or "")
        except NotFound:
            link_problem_page("no-session")
            return
        with candidate_frame(f"Interview: {view.content.name}"):
            interview = CandidateInterview(system, view.session.id, practising=view.before_first_question)
            await interview.content()
            camera = view.content.camera if VENDOR_DIR.joinpath("human", "human.esm.js").exists() else "off"
            interview.monitor = AttentionMonitor(
                on_event=lambda event: record_attention(system, view.session.id, event),
                # never before consent, never after the last answer
                camera=camera if view.session.status == SessionStatus.IN_PROGRESS else "off",
                thresholds=system.settings.attention_thresholds(),
                with_microphone=interview.voice_enabled,
                on_camera=interview.on_camera,
            ).mark("attention-monitor")
            interview.camera = camera


async def record_attention(system: System, session_id: str, event: dict[str, Any]) -> None:
    """Store an event from the page; a malformed or too frequent one is dropped (the candidate is not bothered)."""
    with contextlib.suppress(DomainError, RateLimited):
        await system.attention.record(session_id, event)


def integrity_notice(content: TemplateContent) -> str:
    """Said only when the rubric turns these events into points (an integrity criterion)."""
    if not content.integrity_criteria:
        return ""
    return (
        "\n- **How these events count:** a person reviews them, and this interview's rubric also scores "
        "them: a phone in view, another person in view, pasted text and time away lower the integrity score."
    )


def scoring_notice(content: TemplateContent) -> str:
    """How this template's engine scores, in the candidate's words."""
    if content.scoring == "rules-v1":
        return "Answers are scored by fixed rules that the interviewer wrote"
    return (
        "Answers are scored against the points the interviewer wrote: a small language model that runs on this "
        "server compares the meaning of your sentences with those points, and the same answers always get the "
        "same score"
    )


def language_note(answer: str) -> str:
    """Said under an answer typed in another language than English (empty otherwise)."""
    if not other_language(answer or ""):
        return ""
    return (
        "This interview is held in English, and your answer seems to be in another language: please answer in English "
        "if you can."
    )


def accommodation_notice(view: SessionView) -> str:
    """What the company granted this candidate, said before they start (empty when nothing was)."""
    granted = view.invite.accommodations
    if not granted.any:
        return ""
    said = []
    if granted.extra_time_factor != 1.0:
        said.append(f"{granted.extra_time_factor:g} times the usual time for each answer")
    if granted.camera == "off":
        said.append("no camera analysis")
    if granted.pausable_timer:
        said.append("a timer you can pause (a pause never counts as time used)")
    return f"- **Arranged for you:** {'; '.join(said)}. This never lowers your result.\n"


def camera_notice(camera: str) -> str:
    """The notice's part on the camera: exactly what is analysed, and that no video leaves the device."""
    if camera == "off":
        return " Your camera is not used."
    need = "required for this interview" if camera == "required" else "optional"
    return (
        f"\n- **Camera ({need}):** your browser checks about twice a second whether a face is visible, "
        "whether more than one person is in view, whether you look away from the screen for a while (head "
        "turned), and about once a second whether a phone is in view; and it notes if the camera stops. Only "
        "these events (what, when, how long, how sure) are sent to the server: no video or picture ever "
        "leaves your computer. The camera is asked for together with the microphone."
    )


class CandidateInterview:
    """Renders whichever step the session is at; each action commits, then re-renders from the database."""

    def __init__(self, system: System, session_id: str, practising: bool = False) -> None:
        self.system = system
        self.session_id = session_id
        self.monitor: AttentionMonitor | None = None
        self.camera = "off"
        self.practising = practising  # from consent until the candidate starts the real questions; a page opened
        # before the first question was heard starts here too (`SessionView.before_first_question`)
        self.flags_before: str | None = None  # the last question, once answered: its flags are shown before finishing

    @ui.refreshable_method
    async def content(self) -> None:
        view = self.system.interview.view(self.session_id)
        if view.session.status == SessionStatus.CONSENT:
            self.notice(view)
        elif view.session.status == SessionStatus.IN_PROGRESS:
            current = view.current_question
            if current is not None and current.id == self.flags_before:
                self.own_flags(view, current.id)
            elif self.practising and view.content.practice_question:
                await self.practice(view)
            else:
                await self.question(view)
        else:
            if self.monitor is not None:
                self.monitor.set_camera("off")  # the interview is over: the camera goes off at once
            ui.label("Thank you!").classes("text-2xl font-semibold").mark("thanks")
            ui.label("Your answers are saved and the interview is complete. You can close this window.")
            SelfDescriptionForm(self.system.self_descriptions, self.session_id).show()

    def notice(self, view: SessionView) -> None:
        llm = self.system.settings.llm_provider.value
        ui.label(f"Hello {view.invite.candidate_name}").classes("text-2xl font-semibold")
        ui.label(f"Interview: {view.content.name}" + (f" · {view.content.role}" if view.content.role else ""))
        arranged = accommodation_notice(view)
        with ui.card().classes("w-full"):
            ui.label("Before you start: what we record and why").classes("text-lg font-medium")
            ui.markdown(
                f"""
- **What is recorded:** your answers to {len(view.content.questions)} questions (typed, or spoken and
  transcribed), and how long each answer took.
- **Where it is analysed:** on this company's own server. {scoring_notice(view.content)}; {
                    "no outside AI service is used"
                    if llm == "none"
                    else "a language model the company configured may suggest follow-up questions"
                }.
  We also note when this tab is hidden, the window loses focus, or text is pasted into an answer (only
  that it happened, when, and for how long).{camera_notice(view.content.camera)}{integrity_notice(view.content)}
- **How long it is kept:** any audio is deleted as soon as your report is made. Your answers and the
  report stay with the company until they delete them.
- **Who sees it:** the people at the company who run this interview. A person reviews every result.
{arranged}- **Your choice:** if you prefer, a person assesses your answers instead of the automatic scoring.
  Nothing else changes for you.
"""
            ).mark("notice")
        by_person = ui.checkbox("Have a person assess my answers instead of the automatic scoring").mark("ai-opt-out")
        agree = ui.checkbox("I have read this and agree to take the interview.").mark("consent-box")
        start = ui.button("Start the interview", on_click=lambda: self.consent(ai_scoring=not by_person.value))
        start.mark("start-interview")
        start.disable()
        agree.on_value_change(lambda e: start.set_enabled(e.value))

    async def question(self, view: SessionView) -> None:
        question = view.current_question
        assert question is not None
        index, count = view.session.current_index, len(view.content.questions)
        ui.label(f"Question {index + 1} of {count}").classes("text-sm text-gray-600").mark("progress")
        ui.linear_progress(index / count, show_value=False).props(f'aria-label="{index} of {count} questions answered"')
        if view.session.follow_up_number:
            ui.label("A follow-up question").classes("text-sm font-medium text-blue-700").mark("follow-up")
        voiced = await self.system.voice.speak(question.text)
        spoken = voiced[0] if voiced else None
        audio_url = f"/interview/{self.session_id}/audio/{question.id}" if spoken and spoken.media_type else ""
        avatar = Avatar(question.text, audio_url, spoken, on_ended=lambda: heard()).classes("w-full").mark("avatar")
        ui.label(question.text).classes("sr-only").mark("question")  # the captions show it; screen readers too
        voice = VoiceAnswer(self, view, question.id) if self.voice_enabled else None
        existing = view.answers.get(question.id)
        retaken = existing is not None and existing.retake_used
        if retaken:
            ui.label("You are answering this question again; your first answer was discarded.").classes(
                "text-sm font-medium"
            ).mark("retaking")
        answer = ui.textarea("Your answer", value=existing.text if existing else "").props("autogrow outlined")
        answer.classes("w-full").mark("answer-box")
        language = ui.label().classes("text-sm text-orange-800").props('aria-live="polite"').mark("language-note")
        language.bind_text_from(answer, "value", backward=language_note)
        language.bind_visibility_from(language, "text", backward=bool)  # shown while it has something to say
        timer_label = ui.label().classes("text-sm text-gray-600").props("role=timer").mark("timer")
        warning = ui.label().classes("text-sm font-medium text-orange-800").props('aria-live="assertive"')
        warning.mark("time-warning")
        clock = AnswerClock(view, question.time_limit_s)
        label = "Finish the interview" if view.is_last_question else "Next question"
        with ui.row().classes("items-center gap-2"):
            ui.button(label, on_click=lambda: self.next(question.id, answer.value or "", voice, avatar)).mark(
                "next-button"
            )
            pause = ui.button("Pause the timer", icon="pause", on_click=lambda: toggle_pause()).props("outline")
            pause.mark("pause-button").set_visibility(view.invite.accommodations.pausable_timer)
            if view.content.retakes and not retaken:
                ui.button("Answer again", icon="replay", on_click=lambda: self.answer_again(question.id, voice)).props(
                    "flat"
                ).mark("retake-button")
        if voice is not None:
            voice.answer = answer

        def heard() -> None:
            """The question was read out: the time limit starts, and so does listening (or typing)."""
            clock.update(self.system.interview.start_answer_clock(self.session_id, question.id))
            if voice is not None:
                voice.start(clock.deadline())
            else:
                answer.run_method("focus")

        def toggle_pause() -> None:
            """Accommodation "timer can be paused": the clock stops, and so does typing, until resumed."""
            try:
                paused = self.system.interview.pause_clock(self.session_id, question.id, paused=clock.paused_at is None)
            except DomainError as error:
                ui.notify(error.detail, type="warning")
                return
            clock.update(paused)
            resting = clock.paused_at is not None
            pause.set_text("Resume the timer" if resting else "Pause the timer")
            pause.props(f"icon={'play_arrow' if resting else 'pause'}")
            if resting:
                answer.props("readonly")
            else:
                answer.props(remove="readonly")
            warning.set_text("The timer is paused." if resting else "The timer runs again.")

        async def tick() -> None:
            left = clock.seconds_left()
            if left is None:
                timer_label.set_text("The time starts when the question has been read out.")
                return
            paused = " (paused)" if clock.paused_at is not None else ""
            timer_label.set_text(f"Time left: {max(left, 0) // 60}:{max(left, 0) % 60:02d}{paused}")
            if said := clock.warning(left):
                warning.set_text(said)
            if left > 0:
                return
            ticker.deactivate()
            ui.notify("Time is up for this question; your answer was saved.")
            await self.next(question.id, answer.value or "", voice, avatar)

        ticker = ui.timer(1.0, tick)

    async def next(self, question_id: str, text: str, voice: VoiceAnswer | None, avatar: Avatar) -> None:
        """Go on; a recording still running is finished first and submitted with its transcript."""
        if voice is not None and voice.recording:
            voice.finish_then_submit()
            return
        avatar.set_thinking(True)  # a follow-up question may take the model a few seconds
        await self.submit(question_id, text)

    async def answer_again(self, question_id: str, voice: VoiceAnswer | None) -> None:
        """The template's one retake: discard this answer (and its recording), ask the question again."""
        if voice is not None and voice.recording:
            ui.notify("Press Done first, then answer again.", type="warning")
            return
        try:
            await self.system.interview.retake(self.session_id, question_id)
        except DomainError as error:
            ui.notify(error.detail, type="warning")
            return
        self.system.speech.discard_answer(self.session_id, question_id)
        self.content.refresh()

    @property
    def voice_enabled(self) -> bool:
        return self.system.speech.transcriber.state in ("loading", "ready")

    def on_camera(self, state: str) -> None:
        """A required camera that is denied or missing stops the interview until it works."""
        if self.camera != "required" or state not in ("denied", "unavailable"):
            return
        with ui.dialog().props("persistent") as dialog, ui.card():
            ui.label("This interview needs your camera").classes("text-lg font-medium")
            ui.label(
                "The camera is analysed in your browser only; no video leaves your computer. Please allow the "
                "camera (the icon in the address bar), connect one if needed, and reload this page."
            ).mark("camera-required")
        dialog.open()

    async def consent(self, ai_scoring: bool = True) -> None:
        try:
            await self.system.interview.consent(self.session_id, ai_scoring=ai_scoring)
        except NotFound:  # erased by the company meanwhile
            ui.navigate.to("/link-problem?reason=no-session")
            return
        if self.monitor is not None:
            self.monitor.set_camera(self.camera)  # the camera is asked for only after consent
        self.practising = True
        self.content.refresh()

    async def submit(self, question_id: str, text: str) -> None:
        """Save the answer (if any, and unless it is the stored transcript), then go on; before the last question
        finishes the interview, the candidate sees the attention events recorded (if any)."""
        try:
            view = self.system.interview.view(self.session_id)
            stored = view.answers.get(question_id)
            if text.strip() and (stored is None or stored.text != text):
                await self.system.interview.save_answer(self.session_id, question_id, text)
            if (
                view.is_last_question
                and self.flags_before != question_id
                and self.system.attention.events(view.session.id)
            ):
                self.flags_before = question_id
            else:
                await self.system.interview.next_question(self.session_id, from_question_id=question_id)
        except DomainError as error:
            ui.notify(error.detail, type="warning")
        self.content.refresh()

    async def practice(self, view: SessionView) -> None:
        """A practice question before the first one: hear the interviewer, try answering, see what we would get.
        Nothing of it is stored or scored, and it can be repeated; the real questions' clocks have not started."""
        text = view.content.practice_question
        ui.label("Practice question (not recorded, not scored)").classes("text-sm text-gray-600").mark("practice")
        voiced = await self.system.voice.speak(text)
        spoken = voiced[0] if voiced else None
        audio_url = f"/interview/{self.session_id}/audio/{PRACTICE_ID}" if spoken and spoken.media_type else ""
        Avatar(text, audio_url, spoken, on_ended=lambda: heard()).classes("w-full").mark("practice-avatar")
        ui.label(text).classes("sr-only").mark("practice-question")
        voice = VoiceAnswer(self, view, PRACTICE_ID, practice=True) if self.voice_enabled else None
        answer = ui.textarea("Your practice answer").props("autogrow outlined").classes("w-full")
        answer.mark("practice-answer")
        if voice is not None:
            voice.answer = answer

        def heard() -> None:
            """As for a real question, listening starts once the question was read out."""
            if voice is not None:
                voice.start()

        echo = ui.label().classes("italic text-gray-700").props('aria-live="polite"').mark("practice-echo")

        def check() -> None:
            typed = str(answer.value or "").strip()
            echo.set_text(f"This is what we would receive: “{typed}”" if typed else "We received no answer yet.")

        def again() -> None:
            answer.set_value("")
            echo.set_text("")
            self.content.refresh()  # the interviewer asks it again

        with ui.row():
            ui.button("Check my answer", on_click=check).props("outline").mark("practice-check")
            ui.button("Try again", on_click=again).props("flat").mark("practice-again")
            ui.button("Start the real interview", on_click=self.end_practice).mark("practice-done")

    def end_practice(self) -> None:
        self.practising = False
        self.content.refresh()

    def own_flags(self, view: SessionView, question_id: str) -> None:
        """Before finishing: the attention events of this interview in plain words, each with room for a note."""
        flags = self.system.attention.own_flags(view.session)
        ui.label("Before you finish").classes("text-2xl font-semibold")
        scored = " This interview's rubric also counts some of them." if view.content.integrity_criteria else ""
        ui.label(
            "Your browser noted these moments during the interview. A person at the company reviews them, and sees "
            f"any note you add here next to them (for example: “my child came into the room”).{scored}"
        ).mark("flags-intro")
        notes: dict[int, ui.input] = {}
        with ui.column().classes("w-full gap-2").props("role=list aria-label='Moments your browser noted'"):
            for index, flag in enumerate(flags):
                with ui.card().classes("w-full").props("role=listitem"):
                    ui.label(flag.words[:1].upper() + flag.words[1:]).classes("font-medium").mark(f"flag-{index}")
                    notes[flag.id] = (
                        ui.input(f"Your note on this (optional, up to {MAX_NOTE_CHARS} characters)")
                        .props(f"maxlength={MAX_NOTE_CHARS}")
                        .classes("w-full")
                        .mark(f"flag-note-{index}")
                    )
                    notes[flag.id].value = flag.note or ""
        with ui.row():
            ui.button("Back to the question", on_click=self.back_to_question).props("flat").mark("flags-back")
            ui.button("Finish the interview", on_click=lambda: self.finish_with_notes(question_id, notes)).mark(
                "flags-finish"
            )

    def back_to_question(self) -> None:
        self.flags_before = None
        self.content.refresh()

    async def finish_with_notes(self, question_id: str, notes: dict[int, ui.input]) -> None:
        """Keep the candidate's notes, then go on (this finishes the interview unless a follow-up comes)."""
        try:
            view = self.system.interview.view(self.session_id)
            stored = {e.id: e.candidate_note or "" for e in self.system.attention.events(self.session_id)}
            for event_id, box in notes.items():
                if " ".join(str(box.value or "").split()) != stored.get(event_id, ""):
                    self.system.attention.add_note(view.session, event_id, str(box.value or ""))
            await self.system.interview.next_question(self.session_id, from_question_id=question_id)
        except DomainError as error:
            ui.notify(error.detail, type="warning")
            return
        self.content.refresh()


VOICE_MESSAGES = {
    "listening": "Listening… speak now. Pause for a few seconds or press Done when you have finished.",
    "quiet": "We can't hear you. Check that your microphone is on and not muted — or type your answer below.",
    "denied": "Microphone access was blocked, so please type your answer below. (You can allow the microphone "
    "in your browser's address bar and reload to answer by voice.)",
    "unavailable": "No microphone is available, so please type your answer below.",
    "finishing": "Finishing your answer…",
    "retrying": "The connection is unsteady; your answer is kept and sent again automatically.",
    "error": "The recording could not be saved. Please type your answer below.",
    "speech-unavailable": "Speech recognition is not available right now, so please type your answer below.",
    "gave-up": "We could not send your recording for a while, so please type your answer below.",
    "done": "Got it. You can correct the text below, then go on.",
}


GAVE_UP = ("error", "speech-unavailable", "gave-up")  # the recording stopped for good: type the rest


TIME_WARNINGS = ((60, "One minute left for this answer."), (15, "15 seconds left for this answer."))
"""Said (and announced to screen readers) as the time runs out; each only when the limit is longer than it."""


class AnswerClock:
    """The time limit of one answer, which runs from when the question was heard; paused time is added to it."""

    def __init__(self, view: SessionView, limit_s: int) -> None:
        self.limit_s = limit_s
        self.warned: set[int] = set()
        self.update(view)

    def update(self, view: SessionView) -> None:
        """Take the clock's state (started, paused) as the database has it."""
        session = view.session
        self.started_at = as_utc(session.question_started_at).timestamp() if session.question_started_at else None
        self.paused_at = as_utc(session.clock_paused_at).timestamp() if session.clock_paused_at else None
        self.paused_s = session.clock_paused_s

    def deadline(self) -> float | None:
        """When the time is up (as a timestamp), counting a pause that is still going on."""
        if self.started_at is None:
            return None
        ongoing = utc_now().timestamp() - self.paused_at if self.paused_at is not None else 0.0
        return self.started_at + self.limit_s + self.paused_s + ongoing

    def seconds_left(self) -> int | None:
        deadline = self.deadline()
        return None if deadline is None else int(deadline - utc_now().timestamp())

    def warning(self, left: int) -> str | None:
        """The warning due now, once each; after a reload only the latest one (none while the clock is paused)."""
        due = [(at_s, words) for at_s, words in TIME_WARNINGS if self.limit_s > at_s >= left > 0]
        due = [(at_s, words) for at_s, words in due if at_s not in self.warned]
        if self.paused_at is not None or not due:
            return None
        self.warned.update(at_s for at_s, _ in due)
        return min(due)[1]


PRACTICE_RECORD_S = 20
"""A spoken practice answer is recorded for at most this long (the server takes up to PRACTICE_MAX_S)."""


class VoiceAnswer:
    """The voice part of one question: start/done buttons, level meter, status and what was heard. For the
    practice question (`practice`), the recording is transcribed by POST /stt/practice and forgotten."""

    def __init__(self, page: CandidateInterview, view: SessionView, question_id: str, practice: bool = False) -> None:
        self.page = page
        self.question_id = question_id
        self.deadline: float | None = None
        self.recording = False
        self.submit_when_final = False
        self.answer: ui.textarea | None = None
        self.practice = practice
        token = page.system.signer.session_token(view.session.id)
        with ui.card().classes("w-full"):
            self.status = ui.label("Speak your answer, or type it below.").props("role=status").mark("voice-status")
            self.capture = AudioCapture(
                view.session.id,
                token,
                silence_end_s=view.content.silence_end_s,
                on_state=self.on_state,
                on_partial=self.on_partial,
                on_final=self.on_final,
                practice_url=f"/stt/practice?session_id={view.session.id}" if practice else "",
            ).classes("w-full")
            self.heard = ui.label().classes("italic text-gray-700").props('aria-live="polite"').mark("heard")
            with ui.row():
                self.speak = ui.button("Answer by voice", icon="mic", on_click=lambda: self.start()).mark(
                    "speak-button"
                )
                self.done = ui.button("Done", icon="stop", on_click=self.capture.finish).mark("done-button")
                self.done.disable()

    def start(self, deadline: float | None = None) -> None:
        """Listen until the answer ends (Done, silence, or the time limit)."""
        self.deadline = deadline or self.deadline
        seconds = int(self.deadline - utc_now().timestamp()) if self.deadline else 600
        seconds = min(seconds, PRACTICE_RECORD_S) if self.practice else seconds
        self.capture.start(self.question_id, max(1, seconds))

    def finish_then_submit(self) -> None:
        """Time is up while speaking: end the recording and go on once the transcript is in."""
        self.submit_when_final = True
        self.capture.finish()

    async def on_state(self, event: dict[str, Any]) -> None:
        state = str(event.get("state", ""))
        message = VOICE_MESSAGES.get(state, state)
        self.recording = state in ("listening", "quiet", "finishing", "retrying")
        self.speak.disable()  # one recording per answer; the text stays editable
        self.done.set_enabled(state in ("listening", "quiet"))
        if state in ("denied", "unavailable", *GAVE_UP):
            self.speak.set_visibility(False)
            self.done.set_visibility(False)
        if state in GAVE_UP and self.keep_heard(str(event.get("partial", ""))):
            message += " What we heard so far is in the box."
        self.status.set_text(message)
        if state in GAVE_UP and self.submit_when_final:  # time was up while speaking: go on with what there is
            await self.page.submit(self.question_id, self.answer.value if self.answer is not None else "")

    def keep_heard(self, heard: str) -> bool:
        """Put what was transcribed before the recording stopped into the answer box (after any typed text)."""
        if self.answer is None or not heard.strip():
            return False
        typed = str(self.answer.value or "").strip()
        if heard not in typed:
            self.answer.set_value(f"{typed} {heard}".strip())
        return True

    def on_partial(self, event: dict[str, Any]) -> None:
        if text := str(event.get("text", "")):
            self.heard.set_text(f"We heard: {text}")

    async def on_final(self, event: dict[str, Any]) -> None:
        text = str(event.get("text", ""))
        self.heard.set_text("" if text else "We heard no speech. Please try again or type your answer.")
        if self.answer is not None and text:
            self.answer.set_value(text)
        if self.submit_when_final:
            await self.page.submit(self.question_id, text)
