"""The messages on the event bus (`interviewer.events`): one pydantic model per kind, told apart by `type`.

Services publish them after they committed a change; the admin's live page, the interview sockets and the
services that react (reports, speech, webhooks) receive them. `EventMessage` is the tagged union: a message that
arrives from outside the process (another replica, over Redis) is validated against it before anyone sees it.
The JSON of a message is what a reviewer's interview socket sends.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from interviewer.models import QuestionPublic
from interviewer.scoring.card import ScoreCard, UnscoredCard


class BusMessage(BaseModel):
    """What every message has: the session it is about."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    session_id: str


class QuestionAsked(BusMessage):
    """The interview moved on to a question."""

    type: Literal["question"] = "question"
    index: int
    count: int
    question: QuestionPublic


class AnswerSaved(BusMessage):
    type: Literal["answer_saved"] = "answer_saved"
    question_id: str


class TranscriptHeard(BusMessage):
    """What speech recognition heard so far (`partial`) or in the end (`final`) of a spoken answer."""

    type: Literal["transcript"] = "transcript"
    question_id: str
    partial: str | None = None
    final: str | None = None


class InterviewFinished(BusMessage):
    type: Literal["finished"] = "finished"
    status: str


class ScoresChanged(BusMessage):
    """The provisional score card after an answer or an attention flag (reviewers only)."""

    type: Literal["score"] = "score"
    scores: ScoreCard | UnscoredCard


class AttentionNoted(BusMessage):
    """An attention event as stored; its measured values (validated by `AttentionEventIn`) ride along as extra
    fields, as the candidate's browser named them."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, int | float | bool | str] = Field(init=False)

    type: Literal["attention"] = "attention"
    event: str
    start_ms: int
    duration_ms: int
    confidence: float


class ReviewChanged(BusMessage):
    """A reviewer adjusted a score or completed an assessment."""

    type: Literal["review"] = "review"


class DecisionMade(BusMessage):
    type: Literal["decision"] = "decision"
    decision: Literal["advance", "hold", "reject"]
    by: str
    at: datetime


class ReportReady(BusMessage):
    type: Literal["report"] = "report"
    total: float | None


class SessionErased(BusMessage):
    type: Literal["erased"] = "erased"


EventMessage = Annotated[
    QuestionAsked
    | AnswerSaved
    | TranscriptHeard
    | InterviewFinished
    | ScoresChanged
    | AttentionNoted
    | ReviewChanged
    | DecisionMade
    | ReportReady
    | SessionErased,
    Field(discriminator="type"),
]
