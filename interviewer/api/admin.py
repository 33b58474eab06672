"""Admin API for integrators: templates, invites, sessions and erasure (`Authorization: Bearer <ADMIN_API_KEY>`)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from interviewer.api.deps import AdminApi, RateLimitedApi, SystemDep
from interviewer.api.errors import error_responses
from interviewer.erasure import ErasureReceipt
from interviewer.errors import Invalid
from interviewer.models import InviteCreate, InviteCreated, TemplateContent, TemplatePublic
from interviewer.review import AdjustmentIn
from interviewer.scoring import AnswerForScoring, ScoreCard

router = APIRouter(
    prefix="/api", tags=["admin"], dependencies=[RateLimitedApi, AdminApi], responses=error_responses(401, 403, 429)
)
WITH_BODY = (413, 422)  # a body over MAX_REQUEST_BODY_BYTES; invalid content


@router.get("/templates")
def list_templates(system: SystemDep) -> list[TemplatePublic]:
    """The current version of every template."""
    return [system.templates.public(t) for t in system.templates.list_current()]


@router.post("/templates", status_code=status.HTTP_201_CREATED, responses=error_responses(*WITH_BODY))
def create_template(content: TemplateContent, system: SystemDep) -> TemplatePublic:
    """Create a template (questions + rubric), as the in-app editor does."""
    return system.templates.public(system.templates.create(content))


@router.put("/templates/{family_id}", responses=error_responses(404, *WITH_BODY))
def update_template(family_id: str, content: TemplateContent, system: SystemDep) -> TemplatePublic:
    """Edit a template; if a session already used the current version, this makes a new version."""
    return system.templates.public(system.templates.update(family_id, content))


@router.post("/invites", status_code=status.HTTP_201_CREATED, responses=error_responses(404, *WITH_BODY))
def create_invite(invite: InviteCreate, system: SystemDep) -> InviteCreated:
    """Invite a candidate; the returned `url` (and `invite_token`) is shown only this once."""
    return system.invites.create(invite)


class SessionOut(BaseModel):
    session_id: str
    candidate_name: str
    status: str
    template_family_id: str
    template_version: int
    created_at: datetime
    ai_scoring: bool = Field(default=True, description="false: the candidate asked for a person to assess the answers.")


@router.get("/sessions")
def list_sessions(system: SystemDep) -> list[SessionOut]:
    """Every interview session, newest first."""
    return [
        SessionOut(
            session_id=v.session.id,
            candidate_name=v.invite.candidate_name,
            status=v.session.status.value,
            template_family_id=v.template.family_id,
            template_version=v.template.version,
            created_at=v.session.created_at,
            ai_scoring=v.session.ai_scoring,
        )
        for v in system.interview.list_sessions()
    ]


@router.delete("/sessions/{session_id}", responses=error_responses(404, 409, 422))
async def erase_session(session_id: str, system: SystemDep) -> ErasureReceipt:
    """Erase everything stored about the session's candidate (404 unknown, 409 while the interview runs)."""
    return await system.erasure.erase(session_id)


@router.post("/sessions/{session_id}/adjustments", responses=error_responses(404, 409, *WITH_BODY))
async def adjust_score(session_id: str, adjustment: AdjustmentIn, system: SystemDep) -> dict[str, Any]:
    """A reviewer's score for one criterion of a finalized report, with the reason; returns the updated
    report (the engine's scores unchanged, the adjustment and the adjusted total under `review`)."""
    report = await system.review.adjust(session_id, adjustment)
    return report.model_dump(mode="json")


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
