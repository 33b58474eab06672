"""Admin API for integrators: templates, invites, sessions and erasure (`Authorization: Bearer <ADMIN_API_KEY>`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel

from interviewer.api.deps import AdminApi, RateLimitedApi, SystemDep
from interviewer.erasure import ErasureReceipt
from interviewer.models import InviteCreate, InviteCreated, TemplateContent, TemplatePublic
from interviewer.review import AdjustmentIn

router = APIRouter(prefix="/api", tags=["admin"], dependencies=[RateLimitedApi, AdminApi])


@router.get("/templates")
def list_templates(system: SystemDep) -> list[TemplatePublic]:
    """The current version of every template."""
    return [system.templates.public(t) for t in system.templates.list_current()]


@router.post("/templates", status_code=status.HTTP_201_CREATED)
def create_template(content: TemplateContent, system: SystemDep) -> TemplatePublic:
    """Create a template (questions + rubric), as the in-app editor does."""
    return system.templates.public(system.templates.create(content))


@router.put("/templates/{family_id}")
def update_template(family_id: str, content: TemplateContent, system: SystemDep) -> TemplatePublic:
    """Edit a template; if a session already used the current version, this makes a new version."""
    return system.templates.public(system.templates.update(family_id, content))


@router.post("/invites", status_code=status.HTTP_201_CREATED)
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
        )
        for v in system.interview.list_sessions()
    ]


@router.delete("/sessions/{session_id}")
async def erase_session(session_id: str, system: SystemDep) -> ErasureReceipt:
    """Erase everything stored about the session's candidate (404 unknown, 409 while the interview runs)."""
    return await system.erasure.erase(session_id)


@router.post("/sessions/{session_id}/adjustments")
async def adjust_score(session_id: str, adjustment: AdjustmentIn, system: SystemDep) -> dict[str, Any]:
    """A reviewer's score for one criterion of a finalized report, with the reason; returns the updated
    report (the engine's scores unchanged, the adjustment and the adjusted total under `review`)."""
    report = await system.review.adjust(session_id, adjustment)
    return report.model_dump(mode="json")
