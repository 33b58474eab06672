"""Database tables and the schemas that cross the API boundary.

Template content (questions + rubric) is a pydantic document stored as JSON on the template row: a
template version is immutable once a session used it, so storing it whole keeps a report reproducible.
"""

from __future__ import annotations

import enum
import re
import secrets
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, field_validator, model_validator
from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,27}$"  # ≤ 28 chars: follow-up ids append "-f1"


def utc_now() -> datetime:
    """Current time, timezone-aware UTC (the only clock the app uses)."""
    return datetime.now(UTC)


def new_short_id(prefix: str) -> str:
    """A short random id for questions and criteria, e.g. ``q-3f9a1c``."""
    return f"{prefix}-{secrets.token_hex(3)}"


# ---------------------------------------------------------------- template content (questions + rubric)


def _not_a_bool(value: Any) -> Any:
    """pydantic's lax mode reads `true` as 1 and `false` as 0: a number field must get a number."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    return value


Count = Annotated[int, BeforeValidator(_not_a_bool)]
"""A whole number: JSON 2 and 2.0 are read, true/false are refused (not read as 1/0)."""
Number = Annotated[float, Field(strict=True)]
"""A number: JSON 2 and 0.5 are read, true/false and strings are refused."""
Flag = Annotated[bool, Field(strict=True)]
"""true or false: 1, 0, "yes" or "off" are refused."""


class QuestionSpec(BaseModel):
    """One question of a template, asked in list order."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=lambda: new_short_id("q"), pattern=_ID_PATTERN)
    text: str = Field(min_length=3, max_length=2000)
    time_limit_s: Count = Field(default=180, ge=10, le=3600, description="Seconds the candidate has to answer.")
    max_follow_ups: Count = Field(
        default=0, ge=0, le=2, description="Follow-up questions the language model may ask (needs LLM_PROVIDER)."
    )


class CriterionSpec(BaseModel):
    """One rubric criterion; scored 0–5 by the rule engine in `interviewer.scoring`."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=lambda: new_short_id("c"), pattern=_ID_PATTERN)
    kind: Literal["answers", "integrity"] = Field(
        default="answers",
        description="'answers': scored on the answers. 'integrity': scored on the attention flags from the "
        "candidate's browser (phone seen, several faces, pastes, time not attentive); the only way those "
        "flags change a score.",
    )
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    weight: Number = Field(default=1.0, gt=0, le=100)
    levels: list[str] = Field(
        default_factory=lambda: ["Poor", "Weak", "Adequate", "Good", "Excellent"],
        min_length=5,
        max_length=5,
        description="What levels 1–5 look like, lowest first.",
    )
    evidence_phrases: list[str] = Field(
        default_factory=list,
        max_length=50,
        description='Phrases that show the criterion; alternatives (synonyms) separated by "|", '
        'e.g. "load balancer | load balancing". What an answer says, not what it does ("mentions load balancing").',
    )
    must_show: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Points an answer must show to score well, written like evidence phrases; they count as "
        "evidence too. Scoring v2 halves the criterion's score when one of them is not found, by its words or "
        "by meaning (e.g. 'measure first | profile it' where a good answer starts by measuring). A point of "
        "single words is found by those words only (as written or misspelt), so list the words candidates use.",
    )
    evidence_needed: Annotated[int, Field(ge=1, le=50), BeforeValidator(_not_a_bool)] | None = Field(
        default=None,
        description="How many evidence-phrase groups a full-marks answer shows (e.g. 'names three of these'); "
        "default: all of them.",
    )
    reference_answer: str = Field(
        default="",
        max_length=4000,
        description="Optional: a strong answer, written as a candidate would give it ('I was responsible for …'), "
        "not a description of one ('the candidate should explain …'): scoring v2 compares answers with it by meaning.",
    )
    level_examples: list[str] = Field(
        default_factory=lambda: [""] * 5,
        min_length=5,
        max_length=5,
        description="Optional example answers for levels 1–5 (behaviourally anchored), lowest first; '' for none. "
        "Scoring v2 reports the anchor an answer is closest to and uses it.",
    )
    structure_cues: Flag = Field(default=False, description="Reward situation/task/action/result structure.")
    expected_words_min: Count = Field(default=40, ge=0, le=5000)
    expected_words_max: Count = Field(default=300, ge=1, le=10000)
    question_ids: list[str] = Field(
        default_factory=list, description="Questions this criterion scores; empty means all questions."
    )
    llm_weight: Number = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of the score taken from the language model's rating, when one is configured "
        "(0: rules only).",
    )

    @field_validator("level_examples")
    @classmethod
    def _examples_not_too_long(cls, examples: list[str]) -> list[str]:
        if any(len(e) > 2000 for e in examples):
            raise ValueError("a level example is longer than 2000 characters")
        return [e.strip() for e in examples]

    @field_validator("evidence_phrases")
    @classmethod
    def _phrases_not_blank(cls, phrases: list[str]) -> list[str]:
        cleaned = [p.strip() for p in phrases if p.strip()]
        if any(len(p) > 300 for p in cleaned):
            raise ValueError("an evidence phrase is longer than 300 characters")
        return cleaned

    @model_validator(mode="after")
    def _consistent(self) -> CriterionSpec:
        if self.expected_words_min > self.expected_words_max:
            raise ValueError("expected_words_min must not exceed expected_words_max")
        if self.kind == "integrity" and (
            self.evidence_phrases
            or self.structure_cues
            or self.llm_weight
            or self.question_ids
            or self.reference_answer
            or any(self.level_examples)
        ):
            raise ValueError(
                "an integrity criterion is scored on attention flags only: it takes no evidence phrases, "
                "structure cues, model weight, questions, reference answer or level examples"
            )
        return self


DEFAULT_PRACTICE_QUESTION = "To try things out: what did you have for breakfast today?"
SelfDescribed = Literal["gender", "age_band", "ethnicity"]
"""What a candidate may describe about themselves, voluntarily, for the adverse-impact check."""


class TemplateContent(BaseModel):
    """Everything an admin writes for one interview: questions and the rubric."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    role: str = Field(default="", max_length=120)
    scoring: Literal["rules-v1", "meaning-v2"] = Field(
        default="meaning-v2",
        description="Scoring engine: 'meaning-v2' finds evidence by meaning (sentence embeddings), uses reference "
        "answers and level examples, and refuses keyword lists, echoes, repetition, off-topic text and rubric "
        "pastes; 'rules-v1' matches evidence phrases by their words (templates saved before v2 keep it).",
    )
    questions: list[QuestionSpec] = Field(min_length=1, max_length=50)
    criteria: list[CriterionSpec] = Field(min_length=1, max_length=20)
    silence_end_s: Number = Field(
        default=4.0, ge=1.0, le=30.0, description="A spoken answer ends after this much silence."
    )
    practice_question: str = Field(
        default=DEFAULT_PRACTICE_QUESTION,
        max_length=2000,
        description="Asked before the first question so the candidate can try the page (the interviewer's voice, "
        "answering); its answer is never stored or scored, and it can be repeated. On by default; '' for none.",
    )
    camera: Literal["off", "optional", "required"] = Field(
        default="optional",
        description="Attention analysis of the camera in the candidate's browser (events only, no video leaves "
        "it); with 'required' the candidate cannot go on without a working camera.",
    )
    retakes: int = Field(
        default=0,
        ge=0,
        le=1,
        description="How often the candidate may answer a question again before moving on (0 or 1): the first "
        "answer is discarded, the question is asked again with a fresh time limit; the report says so.",
    )
    self_description: list[SelfDescribed] = Field(
        default_factory=list,
        max_length=3,
        description="Voluntary questions offered after the interview for the adverse-impact check (gender, "
        "age_band, ethnicity), each skippable; the answers are stored apart and never scored. [] asks none.",
    )

    @property
    def integrity_criteria(self) -> int:
        """How many criteria score the attention flags rather than the answers."""
        return sum(1 for c in self.criteria if c.kind == "integrity")

    @model_validator(mode="after")
    def _ids_consistent(self) -> TemplateContent:
        question_ids = [q.id for q in self.questions]
        if len(set(question_ids)) != len(question_ids):
            raise ValueError("question ids must be unique")
        criterion_ids = [c.id for c in self.criteria]
        if len(set(criterion_ids)) != len(criterion_ids):
            raise ValueError("criterion ids must be unique")
        for criterion in self.criteria:
            unknown = set(criterion.question_ids) - set(question_ids)
            if unknown:
                raise ValueError(f"criterion {criterion.id!r} names unknown questions: {sorted(unknown)}")
        if len(set(self.self_description)) != len(self.self_description):
            raise ValueError("self_description names a question twice")
        return self


# ---------------------------------------------------------------- tables


class SessionStatus(enum.StrEnum):
    """Where an interview session is; `interviewer.interview` is the one place that moves it."""

    CONSENT = "consent"  # link opened, notice not yet accepted
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"  # candidate is done; the report is being built (finalizing; a restart resumes it)
    FINALIZED = "finalized"  # report stored, then audio deleted


class AppSetting(SQLModel, table=True):
    """Small key/value store for instance-wide values (admin password hash)."""

    key: str = SQLField(primary_key=True, max_length=64)
    value: str


class Template(SQLModel, table=True):
    """One version of an interview template. Versions of the same template share `family_id`."""

    __table_args__ = (UniqueConstraint("family_id", "version"),)

    id: int | None = SQLField(default=None, primary_key=True)
    family_id: str = SQLField(index=True, max_length=32)
    version: int = 1
    name: str = SQLField(max_length=120)
    role: str = SQLField(default="", max_length=120)
    content: dict = SQLField(sa_column=Column(JSON, nullable=False))  # type: ignore[type-arg]
    is_current: bool = True
    created_at: datetime = SQLField(default_factory=utc_now)

    def parsed(self) -> TemplateContent:
        """The stored content as a validated document; content saved before scoring v2 keeps rules v1."""
        return TemplateContent.model_validate({"scoring": "rules-v1", **self.content})


class Invite(SQLModel, table=True):
    """A single-use candidate link. Only a hash of its token is stored."""

    id: int | None = SQLField(default=None, primary_key=True)
    token_hash: str = SQLField(unique=True, index=True, max_length=64)
    template_family_id: str = SQLField(index=True, max_length=32)
    candidate_name: str = SQLField(max_length=200)
    candidate_email: str | None = SQLField(default=None, max_length=320)
    created_at: datetime = SQLField(default_factory=utc_now)
    expires_at: datetime
    revoked_at: datetime | None = None
    used_at: datetime | None = None
    extra_time_factor: float = 1.0  # accommodation: each answer's time limit × this (1–3)
    camera: str | None = SQLField(default=None, max_length=8)  # accommodation: "off" = no camera analysis
    pausable_timer: bool = False  # accommodation: the candidate may pause an answer's timer

    @property
    def accommodations(self) -> Accommodations:
        return Accommodations(
            extra_time_factor=self.extra_time_factor,
            camera=self.camera if self.camera else None,
            pausable_timer=self.pausable_timer,
        )


class InterviewSession(SQLModel, table=True):
    """One candidate's run through one template version; all interview state lives here."""

    id: str = SQLField(primary_key=True, max_length=36)
    invite_id: int = SQLField(foreign_key="invite.id", unique=True)
    template_id: int = SQLField(foreign_key="template.id")
    status: SessionStatus = SessionStatus.CONSENT
    current_index: int = 0
    follow_up_number: int = 0  # 0: the question itself is being asked; n: its n-th follow-up
    ai_scoring: bool = True  # False: the candidate asked for a person to assess the answers (no engine score)
    question_started_at: datetime | None = None  # when the answer clock started (after the question was heard)
    clock_paused_at: datetime | None = None  # the answer clock is paused since (accommodation "pausable_timer")
    clock_paused_s: float = 0.0  # how long the current answer's clock was paused before (never counts as time used)
    created_at: datetime = SQLField(default_factory=utc_now)
    consented_at: datetime | None = None
    finished_at: datetime | None = None
    finalized_at: datetime | None = None


class Answer(SQLModel, table=True):
    """The candidate's answer to one question; saved before it is acknowledged."""

    __table_args__ = (UniqueConstraint("session_id", "question_id"),)

    id: int | None = SQLField(default=None, primary_key=True)
    session_id: str = SQLField(foreign_key="interviewsession.id", index=True, max_length=36)
    question_id: str = SQLField(max_length=32)
    text: str
    source: str = SQLField(default="typed", max_length=16)
    seconds_used: float | None = None
    transcript: dict | None = SQLField(default=None, sa_column=Column(JSON, nullable=True))  # type: ignore[type-arg]
    updated_at: datetime = SQLField(default_factory=utc_now)
    retake_used: bool = False  # the candidate answered this question again (the first answer was discarded)


class FollowUp(SQLModel, table=True):
    """A follow-up question the language model asked after an answer; answered like any question."""

    __table_args__ = (UniqueConstraint("session_id", "question_id", "number"),)

    id: int | None = SQLField(default=None, primary_key=True)
    session_id: str = SQLField(foreign_key="interviewsession.id", index=True, max_length=36)
    question_id: str = SQLField(max_length=32)  # the question it follows
    number: int
    text: str

    @property
    def answer_id(self) -> str:
        """The id its answer is stored under."""
        return f"{self.question_id}-f{self.number}"


class AttentionEventRow(SQLModel, table=True):
    """One attention event from the candidate's browser: measured values only, never pixels."""

    __tablename__ = "attentionevent"

    id: int | None = SQLField(default=None, primary_key=True)
    session_id: str = SQLField(foreign_key="interviewsession.id", index=True, max_length=36)
    kind: str = SQLField(max_length=32)
    start_ms: int
    duration_ms: int
    confidence: float
    measured: dict | None = SQLField(default=None, sa_column=Column(JSON, nullable=True))  # type: ignore[type-arg]
    received_at: datetime = SQLField(default_factory=utc_now)
    candidate_note: str | None = SQLField(default=None, max_length=300)  # what the candidate said about it


class CachedRating(SQLModel, table=True):
    """A verified model rating of one (answer, criterion), keyed by everything that could change it."""

    key: str = SQLField(primary_key=True, max_length=64)
    rating_json: str
    created_at: datetime = SQLField(default_factory=utc_now)


class ScoreAdjustment(SQLModel, table=True):
    """A reviewer's judgement on one criterion of a finalized report, with the reason; the latest one counts."""

    id: int | None = SQLField(default=None, primary_key=True)
    session_id: str = SQLField(foreign_key="interviewsession.id", index=True, max_length=36)
    criterion_id: str = SQLField(max_length=32)
    score: float
    reason: str
    by: str = SQLField(default="", max_length=320)  # the account's e-mail, or "API"; "" if made before 0010
    created_at: datetime = SQLField(default_factory=utc_now)


class Decision(SQLModel, table=True):
    """The team's decision on an interview, with the reason and who made it; the latest one counts."""

    id: int | None = SQLField(default=None, primary_key=True)
    session_id: str = SQLField(foreign_key="interviewsession.id", index=True, max_length=36)
    decision: str = SQLField(max_length=8)  # advance, hold or reject
    reason: str = SQLField(max_length=2000)
    by: str = SQLField(max_length=320)  # the account's e-mail, or "API"
    at: datetime = SQLField(default_factory=utc_now)


class StoredReport(SQLModel, table=True):
    """The finalized report of a session, kept verbatim so finalizing twice returns the same report."""

    session_id: str = SQLField(primary_key=True, foreign_key="interviewsession.id", max_length=36)
    report_json: str
    pdf: bytes
    created_at: datetime = SQLField(default_factory=utc_now)


class AuditEntry(SQLModel, table=True):
    """One consequential action: who did what to which object, and when (`interviewer.audit`).

    Targets name objects by id (``session 3f…``, ``template ab…``), never by a candidate's name, so an
    erasure leaves the line intact and nothing personal in it.
    """

    id: int | None = SQLField(default=None, primary_key=True)
    at: datetime = SQLField(default_factory=utc_now, index=True)
    actor: str = SQLField(max_length=320)  # an account's e-mail, or "API" for the ADMIN_API_KEY
    action: str = SQLField(max_length=64, index=True)
    target: str = SQLField(max_length=120)
    detail: str = SQLField(default="", max_length=500)


class Account(SQLModel, table=True):
    """A member of the hiring team with their own login; `role` is "admin" or "reviewer"."""

    id: int | None = SQLField(default=None, primary_key=True)
    email: str = SQLField(unique=True, index=True, max_length=320)  # the first admin's login is "admin"
    role: str = SQLField(max_length=16)
    password_hash: str = SQLField(max_length=200)
    created_at: datetime = SQLField(default_factory=utc_now)
    disabled_at: datetime | None = None


class AccountInvite(SQLModel, table=True):
    """A one-time link by which a teammate sets their password; only a hash of its token is stored."""

    id: int | None = SQLField(default=None, primary_key=True)
    token_hash: str = SQLField(unique=True, index=True, max_length=64)
    email: str = SQLField(max_length=320)
    role: str = SQLField(max_length=16)
    created_by: str = SQLField(max_length=320)
    created_at: datetime = SQLField(default_factory=utc_now)
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None


class Webhook(SQLModel, table=True):
    """A URL an admin registered for some events; `secret` signs every delivery (so it is kept, never shown)."""

    id: int | None = SQLField(default=None, primary_key=True)
    url: str = SQLField(max_length=2000)
    events: list = SQLField(sa_column=Column(JSON, nullable=False))  # type: ignore[type-arg]
    secret: str = SQLField(max_length=200)
    include_candidate: bool = False  # the candidate's name, e-mail and answers go into the bodies
    created_at: datetime = SQLField(default_factory=utc_now)


class WebhookDelivery(SQLModel, table=True):
    """One event for one webhook: its body as sent, and where its delivery stands (retried until `due_at`
    is None). `session_id` names the interview it is about, so erasing the candidate erases it too."""

    id: int | None = SQLField(default=None, primary_key=True)
    webhook_id: int = SQLField(foreign_key="webhook.id", index=True)
    event: str = SQLField(max_length=32)
    session_id: str | None = SQLField(default=None, index=True, max_length=36)
    body: str
    state: str = SQLField(default="pending", max_length=16)  # pending | delivered | failed
    attempts: int = 0
    due_at: float | None = SQLField(default=None, index=True)  # unix seconds of the next attempt; None: done
    last_status: int | None = None
    last_error: str | None = SQLField(default=None, max_length=300)
    created_at: datetime = SQLField(default_factory=utc_now)
    delivered_at: datetime | None = None


class SelfDescription(SQLModel, table=True):
    """What a candidate chose to say about themselves after the interview (each field optional), kept apart from
    the interview: only the adverse-impact check reads it, in aggregate; no score, report or export does."""

    __tablename__ = "selfdescription"

    id: int | None = SQLField(default=None, primary_key=True)
    session_id: str = SQLField(foreign_key="interviewsession.id", unique=True, max_length=36)
    gender: str | None = SQLField(default=None, max_length=64)
    age_band: str | None = SQLField(default=None, max_length=64)
    ethnicity: str | None = SQLField(default=None, max_length=64)


# ---------------------------------------------------------------- API schemas


class TemplatePublic(BaseModel):
    """A template version as the API returns it."""

    id: int
    family_id: str
    version: int
    content: TemplateContent


class Accommodations(BaseModel):
    """What an admin granted one candidate on the invite. They change the interview's conditions, never a score."""

    model_config = ConfigDict(extra="forbid")

    extra_time_factor: Number = Field(
        default=1.0, ge=1.0, le=3.0, description="Each answer's time limit is multiplied by this (e.g. 1.5 or 2)."
    )
    camera: Literal["off"] | None = Field(
        default=None, description='"off": no camera analysis for this candidate, whatever the template says.'
    )

    pausable_timer: bool = Field(
        default=False, description="The candidate may pause each answer's timer (a pause never counts as time used)."
    )

    @property
    def any(self) -> bool:
        return self.extra_time_factor != 1.0 or self.camera == "off" or self.pausable_timer

    def describe(self) -> list[str]:
        """In plain words, e.g. ["extra time ×1.5", "no camera analysis", "timer can be paused"]."""
        said = [f"extra time ×{self.extra_time_factor:g}"] if self.extra_time_factor != 1.0 else []
        said += ["no camera analysis"] if self.camera == "off" else []
        return said + (["timer can be paused"] if self.pausable_timer else [])


class InviteCreate(Accommodations):
    """What an admin provides to invite a candidate (with any accommodations)."""

    model_config = ConfigDict(extra="forbid")

    template_family_id: str = Field(min_length=1, max_length=32)
    candidate_name: str = Field(min_length=1, max_length=200)
    candidate_email: EmailStr | None = None
    expires_in_hours: Count = Field(default=168, ge=1, le=24 * 90)

    @field_validator("candidate_name")
    @classmethod
    def _name_is_text(cls, name: str) -> str:
        name = re.sub(r"\s+", " ", name).strip()
        if not name:
            raise ValueError("candidate_name must not be blank")
        return name


class InviteCreated(BaseModel):
    """A new invite: the token is shown this once and never stored in clear."""

    invite_id: int
    invite_token: str
    url: str
    expires_at: datetime


class QuestionPublic(BaseModel):
    """A question as the candidate (or an integrator) sees it."""

    id: str
    text: str
    time_limit_s: int
    follow_up_of: str | None = None
    audio_url: str | None = Field(default=None, description="The question spoken (session token or cookie).")
    timings: list[dict[str, int | str]] = Field(default_factory=list, description="Word, start_ms, end_ms.")
