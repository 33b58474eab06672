"""Admin API: templates, invites, erasure, trial scoring (`Authorization: Bearer <ADMIN_API_KEY>`, or an admin's
login)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict, Field

from interviewer.api.deps import ADMIN_ONLY, AdminCaller, RateLimitedApi, SystemDep
from interviewer.api.errors import error_responses
from interviewer.erasure import ErasureReceipt
from interviewer.errors import Invalid
from interviewer.models import InviteCreate, InviteCreated, TemplateContent, TemplatePublic
from interviewer.scoring import AnswerForScoring, ScoreCard
from interviewer.scoring.agreement import MAX_ANSWERS, MIN_ANSWERS, AgreementReport, GradedAnswer, check_agreement

router = APIRouter(
    prefix="/api",
    tags=["admin"],
    dependencies=[RateLimitedApi, Depends(ADMIN_ONLY)],
    responses=error_responses(401, 403, 429),
)
WITH_BODY = (413, 422)  # a body over MAX_REQUEST_BODY_BYTES; invalid content


@router.get("/templates")
def list_templates(system: SystemDep) -> list[TemplatePublic]:
    """The current version of every template."""
    return [system.templates.public(t) for t in system.templates.list_current()]


@router.post("/templates", status_code=status.HTTP_201_CREATED, responses=error_responses(*WITH_BODY))
def create_template(content: TemplateContent, system: SystemDep, caller: AdminCaller) -> TemplatePublic:
    """Create a template (questions + rubric), as the in-app editor does."""
    return system.templates.public(system.templates.create(content, by=caller.name))


@router.put("/templates/{family_id}", responses=error_responses(404, *WITH_BODY))
def update_template(family_id: str, content: TemplateContent, system: SystemDep, caller: AdminCaller) -> TemplatePublic:
    """Edit a template; if a session already used the current version, this makes a new version."""
    return system.templates.public(system.templates.update(family_id, content, by=caller.name))


@router.post("/invites", status_code=status.HTTP_201_CREATED, responses=error_responses(404, *WITH_BODY))
def create_invite(invite: InviteCreate, system: SystemDep, caller: AdminCaller) -> InviteCreated:
    """Invite a candidate; the returned `url` (and `invite_token`) is shown only this once."""
    return system.invites.create(invite, by=caller.name)


@router.delete("/sessions/{session_id}", responses=error_responses(404, 409, 422))
async def erase_session(session_id: str, system: SystemDep, caller: AdminCaller) -> ErasureReceipt:
    """Erase everything stored about the session's candidate (404 unknown, 409 while the interview runs)."""
    return await system.erasure.erase(session_id, by=caller.name)


class TrialAnswer(BaseModel):
    """One answer to score: the question it answers and its text."""

    model_config = ConfigDict(extra="forbid")

    question_id: str = Field(min_length=1, max_length=32)
    text: str = Field(max_length=20_000)


class TrialItem(BaseModel):
    """One (imagined) candidate's answers."""

    model_config = ConfigDict(extra="forbid")

    answers: list[TrialAnswer] = Field(min_length=1, max_length=50)


class ScoreRequest(BaseModel):
    """Answers to score with a template's current rubric: no session is made and nothing is stored."""

    model_config = ConfigDict(extra="forbid")

    template_family_id: str = Field(min_length=1, max_length=32)
    items: list[TrialItem] = Field(min_length=1, max_length=500)


class ScoreResponse(BaseModel):
    """One score card per item, in order, exactly as a report would show it."""

    items: list[ScoreCard]


@router.post("/score", responses=error_responses(404, *WITH_BODY))
async def score_answers(request: ScoreRequest, system: SystemDep) -> ScoreResponse:
    """Try a rubric before inviting anyone: score up to 500 sets of answers with the template's current version."""
    content = system.templates.current(request.template_family_id).parsed()
    known = {q.id for q in content.questions}
    unknown = sorted({a.question_id for item in request.items for a in item.answers} - known)
    if unknown:
        raise Invalid(f"unknown question ids for this template: {unknown}; it has {sorted(known)}")
    items = [[AnswerForScoring(question_id=a.question_id, text=a.text) for a in item.answers] for item in request.items]
    cards = await asyncio.to_thread(system.scorer.score_many, items, content)
    return ScoreResponse(items=cards)


class AgreementRequest(BaseModel):
    """Answers to one question with the grades your team gave them (any whole-number scale)."""

    model_config = ConfigDict(extra="forbid")

    template_family_id: str = Field(min_length=1, max_length=32)
    question_id: str = Field(min_length=1, max_length=32)
    answers: list[GradedAnswer] = Field(min_length=MIN_ANSWERS, max_length=MAX_ANSWERS)


@router.post("/score/agreement", responses=error_responses(404, *WITH_BODY))
async def check_rubric_agreement(request: AgreementRequest, system: SystemDep) -> AgreementReport:
    """Check a rubric against answers your team graded: how the template's current version orders them compared
    with the grades (QWK by rank, Spearman ρ), the answers furthest apart, and whether the rubric's phrases in a
    row score below the top-graded answers. Nothing is stored or learnt."""
    content = system.templates.current(request.template_family_id).parsed()
    return await asyncio.to_thread(check_agreement, system.scorer, content, request.question_id, request.answers)
