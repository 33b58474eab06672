"""The interview state machine and the one service that changes interview state.

    consent ──consent()──▶ in_progress(q0) ──answer()/next()──▶ in_progress(qN) ──finish()──▶ finished
                                                                             finalize (reports) ──▶ finalized

Every change is committed before it is announced (`SessionEvents`) or acknowledged, so a crash or a
restart loses nothing that the candidate was told was saved.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session as DbSession
from sqlmodel import col, select

from interviewer.attention import AttentionService
from interviewer.db import Database
from interviewer.errors import Conflict, Invalid, LinkProblem, NotFound
from interviewer.event_messages import AnswerSaved, InterviewFinished, QuestionAsked, ScoresChanged
from interviewer.events import SessionEvents
from interviewer.invites import InviteState, as_utc, invite_state
from interviewer.llm.followup import FollowUpAsker
from interviewer.models import (
    Answer,
    FollowUp,
    InterviewSession,
    Invite,
    QuestionPublic,
    QuestionSpec,
    SessionStatus,
    Template,
    TemplateContent,
    utc_now,
)
from interviewer.scoring import AnswerForScoring, RubricScorer, ScoreCard, UnscoredCard, rules_v1, unscored
from interviewer.security import hash_token

log = logging.getLogger(__name__)


PRACTICE_ID = "practice"
"""The practice question's id in audio URLs; no answer is ever stored under it (question ids are the template's)."""


def accommodated(content: TemplateContent, invite: Invite) -> TemplateContent:
    """The template as it applies to this candidate, with the invite's accommodations: each answer's time limit
    × the extra-time factor (whole seconds), and no camera analysis if the invite says so. No engine reads either,
    so an accommodation never changes a score."""
    granted = invite.accommodations
    if not granted.any:
        return content
    questions = [
        q.model_copy(update={"time_limit_s": round(q.time_limit_s * granted.extra_time_factor)})
        for q in content.questions
    ]
    camera = "off" if granted.camera == "off" else content.camera
    return content.model_copy(update={"questions": questions, "camera": camera})


@dataclass(frozen=True)
class SessionView:
    """Everything known about one session, read in one go (pages and reports render from it)."""

    session: InterviewSession
    template: Template
    content: TemplateContent
    invite: Invite
    answers: dict[str, Answer] = field(default_factory=dict)
    follow_ups: list[FollowUp] = field(default_factory=list)

    def seconds_paused(self) -> float:
        """How long the current answer's clock was paused so far (accommodation "pausable_timer")."""
        paused_at = self.session.clock_paused_at
        ongoing = (utc_now() - as_utc(paused_at)).total_seconds() if paused_at else 0.0
        return self.session.clock_paused_s + ongoing

    @property
    def before_first_question(self) -> bool:
        """Consent given, but the first question not yet heard nor anything answered (the practice question's time)."""
        session = self.session
        return (
            session.status == SessionStatus.IN_PROGRESS
            and session.current_index == 0
            and session.follow_up_number == 0
            and session.question_started_at is None
            and not self.answers
        )

    @property
    def current_question(self) -> QuestionSpec | None:
        """The question being asked (perhaps a follow-up), or None when the interview is not in progress."""
        if self.session.status != SessionStatus.IN_PROGRESS:
            return None
        question = self.content.questions[self.session.current_index]
        if self.session.follow_up_number == 0:
            return question
        follow_up = next(f for f in self.follow_ups_of(question.id) if f.number == self.session.follow_up_number)
        return QuestionSpec(id=follow_up.answer_id, text=follow_up.text, time_limit_s=question.time_limit_s)

    @property
    def current_parent(self) -> QuestionSpec:
        """The template question being asked, or whose follow-up is."""
        return self.content.questions[self.session.current_index]

    @property
    def is_last_question(self) -> bool:
        return self.session.current_index >= len(self.content.questions) - 1

    def current_public(self) -> QuestionPublic | None:
        """The current question as clients see it (a follow-up names the question it follows)."""
        question = self.current_question
        if question is None:
            return None
        follow_up_of = self.current_parent.id if self.session.follow_up_number else None
        return QuestionPublic(
            id=question.id, text=question.text, time_limit_s=question.time_limit_s, follow_up_of=follow_up_of
        )

    def follow_ups_of(self, question_id: str) -> list[FollowUp]:
        return [f for f in self.follow_ups if f.question_id == question_id]

    def asked(self) -> list[tuple[QuestionSpec, str | None]]:
        """Every question asked so far, follow-ups after their question: (question, id it follows or None)."""
        asked: list[tuple[QuestionSpec, str | None]] = []
        for question in self.content.questions:
            asked.append((question, None))
            for f in self.follow_ups_of(question.id):
                asked.append(
                    (QuestionSpec(id=f.answer_id, text=f.text, time_limit_s=question.time_limit_s), question.id)
                )
        return asked

    def answers_for_scoring(self) -> list[AnswerForScoring]:
        """Answers in question order, ready for the rubric engine; a question the candidate went past without an
        answer (once the interview is over: every one) as a blank answer, which the engine counts as not answered."""
        over = self.session.status in (SessionStatus.FINISHED, SessionStatus.FINALIZED)
        current = self.current_question  # None unless in progress
        passed = current is not None  # the questions before the current one
        found: list[AnswerForScoring] = []
        for question, parent in self.asked():
            if current is not None and question.id == current.id:
                passed = False
            answer = self.answers.get(question.id)
            if answer is not None:
                found.append(
                    AnswerForScoring(
                        question_id=question.id,
                        text=answer.text,
                        seconds_used=answer.seconds_used,
                        words_per_minute=(answer.transcript or {}).get("words_per_minute"),
                        scope_id=parent,
                    )
                )
            elif over or passed:
                found.append(AnswerForScoring(question_id=question.id, text="", scope_id=parent))
        return found

    def questions_public(self) -> list[QuestionPublic]:
        return [QuestionPublic(id=q.id, text=q.text, time_limit_s=q.time_limit_s) for q in self.content.questions]


class InterviewService:
    """Opens invites into sessions and moves sessions through their states."""

    def __init__(
        self,
        db: Database,
        events: SessionEvents,
        attention: AttentionService,
        max_answer_chars: int,
        scorer: RubricScorer,
        follow_ups: FollowUpAsker | None = None,
    ) -> None:
        self._db = db
        self._scorer = scorer
        self._events = events
        self._attention = attention
        self._max_answer_chars = max_answer_chars
        self._follow_ups = follow_ups
        self._moving: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._scoring: dict[str, asyncio.Task[None]] = {}  # the live re-score running per session
        self._rescore: set[str] = set()  # sessions with an answer saved while their re-score ran
        self._when_finished: Callable[[str], None] | None = None

    def when_finished(self, start: Callable[[str], None]) -> None:
        """`start(session_id)` is called whenever an interview is finished: the report service builds the report
        (set once, by the composition root; the event bus only tells the pages)."""
        self._when_finished = start

    # ------------------------------------------------------------ reading

    def view(self, session_id: str) -> SessionView:
        with self._db.session() as s:
            session = s.get(InterviewSession, session_id)
            if session is None:
                raise NotFound("session not found")
            template = s.get(Template, session.template_id)
            invite = s.get(Invite, session.invite_id)
            answers = s.exec(select(Answer).where(Answer.session_id == session_id)).all()
            follow_ups = s.exec(
                select(FollowUp).where(FollowUp.session_id == session_id).order_by(col(FollowUp.number))
            ).all()
        if template is None or invite is None:
            raise NotFound("session data incomplete")
        by_id = {a.question_id: a for a in answers}
        return SessionView(session, template, accommodated(template.parsed(), invite), invite, by_id, list(follow_ups))

    def list_sessions(self) -> list[SessionView]:
        """All sessions, newest first."""
        with self._db.session() as s:
            ids = s.exec(select(InterviewSession.id).order_by(col(InterviewSession.created_at).desc())).all()
        return [self.view(session_id) for session_id in ids]

    def scores(self, session_id: str) -> ScoreCard | UnscoredCard:
        """Provisional scores from the answers (and attention flags) so far, by the engine the report uses; the
        rubric without numbers when the candidate asked for a person to assess the answers (no engine runs)."""
        view = self.view(session_id)
        if not view.session.ai_scoring:
            return unscored(view.content)
        attention = self._attention.summary(view.session) if view.content.integrity_criteria else None
        return self._scorer.score(view.answers_for_scoring(), view.content, attention=attention)

    # ------------------------------------------------------------ transitions

    def open_invite(self, token: str, *, consented: bool = False, ai_scoring: bool = True) -> str:
        """Redeem a single-use invite token into a new session; returns the session id.

        `consented=True` is for API clients, whose integrator showed the notice (and the candidate's choice of
        `ai_scoring`); the page asks first.
        """
        now = utc_now()
        with self._db.session() as s:
            invite = s.exec(select(Invite).where(Invite.token_hash == hash_token(token))).first()
            if invite is None:
                raise LinkProblem("invalid")
            state = invite_state(invite, now)
            if state != InviteState.PENDING:
                raise LinkProblem(state.value)
            template = s.exec(
                select(Template).where(Template.family_id == invite.template_family_id, col(Template.is_current))
            ).first()
            if template is None:
                raise LinkProblem("invalid")
            invite.used_at = now
            session = InterviewSession(
                id=str(uuid.uuid4()), invite_id=invite.id or 0, template_id=template.id or 0, ai_scoring=ai_scoring
            )
            if consented:
                session.status, session.consented_at = SessionStatus.IN_PROGRESS, now
            s.add(invite)
            s.add(session)
        log.info("invite %s opened as session %s", invite.id, session.id)
        return session.id

    def opened_by(self, token: str, session_id: str) -> bool:
        """True if `session_id` is the session that this invite token was redeemed into."""
        with self._db.session() as s:
            invite = s.exec(select(Invite).where(Invite.token_hash == hash_token(token))).first()
            session = s.get(InterviewSession, session_id)
        return invite is not None and session is not None and session.invite_id == invite.id

    async def consent(self, session_id: str, *, ai_scoring: bool = True) -> SessionView:
        """The candidate accepted the notice: the first question is asked. `ai_scoring=False`: they asked for a
        person to assess their answers instead of the automatic scoring."""
        now = utc_now()
        with self._db.session() as s:
            session = self._locked(s, session_id)
            if session.status == SessionStatus.CONSENT:
                session.status, session.consented_at = SessionStatus.IN_PROGRESS, now
                session.ai_scoring = ai_scoring
                s.add(session)
        view = self.view(session_id)
        await self._announce_question(view)
        return view

    def start_answer_clock(self, session_id: str, question_id: str) -> SessionView:
        """The candidate heard the question: its time limit runs from now (once; a reload does not reset it)."""
        view = self.view(session_id)
        current = view.current_question
        if current is None or current.id != question_id or view.session.question_started_at is not None:
            return view
        with self._db.session() as s:
            session = self._locked(s, session_id)
            session.question_started_at = session.question_started_at or utc_now()
            s.add(session)
        return self.view(session_id)

    def pause_clock(self, session_id: str, question_id: str, *, paused: bool) -> SessionView:
        """Pause (or resume) the answer clock of the current question: only with the invite's accommodation
        "pausable_timer", once the clock runs. A pause lengthens the time limit and never counts as time used."""
        view = self.view(session_id)
        current = self._require_in_progress(view)
        if not view.invite.accommodations.pausable_timer:
            raise Conflict("this interview's timer cannot be paused")
        if question_id != current.id or view.session.question_started_at is None:
            raise Conflict(f"the answer clock of {question_id!r} is not running")
        with self._db.session() as s:
            session = self._locked(s, session_id)
            if paused and session.clock_paused_at is None:
                session.clock_paused_at = utc_now()
            elif not paused and session.clock_paused_at is not None:
                session.clock_paused_s += (utc_now() - as_utc(session.clock_paused_at)).total_seconds()
                session.clock_paused_at = None
            s.add(session)
        return self.view(session_id)

    async def retake(self, session_id: str, question_id: str) -> SessionView:
        """Answer the current question again (a template with `retakes` 1, once per question): the first answer
        is discarded, the question is asked again and its clock restarts once heard; the report says so."""
        view = self.view(session_id)
        current = self._require_in_progress(view)
        if question_id != current.id:
            raise Conflict(f"question {question_id!r} is not the current question ({current.id!r})")
        if view.content.retakes < 1:
            raise Conflict("this interview allows no retake")
        if (stored := view.answers.get(question_id)) is not None and stored.retake_used:
            raise Conflict("this question was already answered again once")
        with self._db.session() as s:
            session = self._locked(s, session_id)
            answer = s.exec(
                select(Answer).where(Answer.session_id == session_id, Answer.question_id == question_id)
            ).first() or Answer(session_id=session_id, question_id=question_id, text="")
            answer.text, answer.transcript, answer.seconds_used = "", None, None
            answer.retake_used, answer.updated_at = True, utc_now()
            s.add(answer)
            session.question_started_at, session.clock_paused_at, session.clock_paused_s = None, None, 0.0
            s.add(session)
        log.info("session %s: %s is answered again", session_id, question_id)
        await self._events.publish(AnswerSaved(session_id=session_id, question_id=question_id))
        return self.view(session_id)

    async def save_answer(
        self,
        session_id: str,
        question_id: str,
        text: str,
        source: str = "typed",
        transcript: dict[str, Any] | None = None,
    ) -> Answer:
        """Store (or replace) the answer to the current question; committed before this returns.

        A spoken answer comes with its `transcript` (words with times, speaking rate, pauses).
        """
        if len(text) > self._max_answer_chars:
            raise Invalid(f"answer is longer than {self._max_answer_chars} characters")
        view = self.view(session_id)
        current = self._require_in_progress(view)
        if question_id != current.id:
            raise Conflict(f"question {question_id!r} is not the current question ({current.id!r})")
        started = view.session.question_started_at
        seconds_used = (utc_now() - as_utc(started)).total_seconds() - view.seconds_paused() if started else None
        with self._db.session() as s:
            answer = s.exec(
                select(Answer).where(Answer.session_id == session_id, Answer.question_id == question_id)
            ).first() or Answer(session_id=session_id, question_id=question_id, text="")
            answer.text, answer.source, answer.updated_at = text, source, utc_now()
            answer.transcript = transcript
            answer.seconds_used = round(seconds_used, 1) if seconds_used is not None else None
            s.add(answer)
        log.info("session %s: answer to %s saved (%d chars)", session_id, question_id, len(text))
        await self._events.publish(AnswerSaved(session_id=session_id, question_id=question_id))
        self._score_soon(session_id)
        return answer

    async def next_question(self, session_id: str, from_question_id: str | None = None) -> SessionView:
        """Move on: to a follow-up if the language model proposes one, else to the next question; after the
        last question this finishes the interview.

        With `from_question_id`, only moves if that is still the current question (a double click moves once).
        """
        async with self._moving[session_id]:
            view = self.view(session_id)
            current = self._require_in_progress(view)
            if from_question_id is not None and from_question_id != current.id:
                raise Conflict("that question was already left")
            follow_up = await self._propose_follow_up(view, current)
            if follow_up is None and view.is_last_question:
                return await self.finish(session_id)
            with self._db.session() as s:
                session = self._locked(s, session_id)
                if follow_up is not None:
                    session.follow_up_number += 1
                    s.add(
                        FollowUp(
                            session_id=session_id,
                            question_id=view.current_parent.id,
                            number=session.follow_up_number,
                            text=follow_up,
                        )
                    )
                else:
                    session.current_index, session.follow_up_number = session.current_index + 1, 0
                session.question_started_at = None  # the answer clock starts once the question was heard
                session.clock_paused_at, session.clock_paused_s = None, 0.0
                s.add(session)
            view = self.view(session_id)
        await self._announce_question(view)
        return view

    async def _propose_follow_up(self, view: SessionView, current: QuestionSpec) -> str | None:
        """A follow-up text if the template allows one more and the model has one (never raises)."""
        parent = view.current_parent
        answer = view.answers.get(current.id)
        if self._follow_ups is None or answer is None or view.session.follow_up_number >= parent.max_follow_ups:
            return None
        scoped = [a for a in view.answers_for_scoring() if (a.scope_id or a.question_id) == parent.id]
        missing = [
            c
            for c in view.content.criteria
            if c.kind == "answers" and (not c.question_ids or parent.id in c.question_ids)
            if not [
                e for e in rules_v1.score_criterion(scoped, c).evidence if not e.rule.startswith(("filler", "model"))
            ]
        ]
        text = await self._follow_ups.propose(parent, answer.text, missing)
        log.info("session %s: follow-up after %s %s", view.session.id, current.id, "asked" if text else "skipped")
        return text

    async def finish(self, session_id: str) -> SessionView:
        """The candidate is done (or the admin ends the interview). Idempotent once finished."""
        with self._db.session() as s:
            session = self._locked(s, session_id)
            if session.status in (SessionStatus.CONSENT, SessionStatus.IN_PROGRESS):
                session.status, session.finished_at = SessionStatus.FINISHED, utc_now()
                s.add(session)
        view = self.view(session_id)
        if self._when_finished is not None:
            self._when_finished(session_id)
        await self._events.publish(InterviewFinished(session_id=session_id, status=view.session.status.value))
        return view

    def mark_finalized(self, session_id: str) -> None:
        """Called by the report service once the report is stored."""
        with self._db.session() as s:
            session = self._locked(s, session_id)
            session.status, session.finalized_at = SessionStatus.FINALIZED, session.finalized_at or utc_now()
            s.add(session)

    # ------------------------------------------------------------ helpers

    @staticmethod
    def _locked(s: DbSession, session_id: str) -> InterviewSession:
        session = s.get(InterviewSession, session_id, with_for_update=True)
        if session is None:
            raise NotFound("session not found")
        return session

    @staticmethod
    def _require_in_progress(view: SessionView) -> QuestionSpec:
        question = view.current_question
        if question is None:
            raise Conflict(f"the interview is {view.session.status.value}, not in progress")
        return question

    async def _announce_question(self, view: SessionView) -> None:
        question = view.current_public()
        if question is None:
            return
        await self._events.publish(
            QuestionAsked(
                session_id=view.session.id,
                index=view.session.current_index,
                count=len(view.content.questions),
                question=question,
            )
        )

    def _score_soon(self, session_id: str) -> None:
        """Re-score the session for the reviewer's live card in the background: the answer is acknowledged as soon
        as it is stored (scoring 12 answers of 20,000 characters on 20 criteria takes seconds); answers saved while
        a re-score runs are covered by one more run after it."""
        if session_id in self._scoring:
            self._rescore.add(session_id)
            return
        self._scoring[session_id] = asyncio.get_running_loop().create_task(self._keep_scoring(session_id))

    async def _keep_scoring(self, session_id: str) -> None:
        try:
            while True:
                self._rescore.discard(session_id)
                try:
                    await self._announce_scores(session_id)
                except NotFound:  # erased meanwhile
                    return
                except Exception:
                    log.exception("session %s: the live score failed", session_id)
                if session_id not in self._rescore:
                    return
        finally:
            del self._scoring[session_id]

    async def _announce_scores(self, session_id: str) -> None:
        card = await asyncio.to_thread(self.scores, session_id)  # scoring v2 embeds text: off the event loop
        await self._events.publish(ScoresChanged(session_id=session_id, scores=card))
