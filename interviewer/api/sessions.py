"""The team's view of the interviews: the list and a reviewer's score adjustments (every team member)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from interviewer.api.deps import TEAM, RateLimitedApi, SystemDep, TeamCaller
from interviewer.api.errors import error_responses
from interviewer.review import AdjustmentIn

router = APIRouter(
    prefix="/api/sessions",
    tags=["sessions"],
    dependencies=[RateLimitedApi, Depends(TEAM)],
    responses=error_responses(401, 403, 429),
)


class SessionOut(BaseModel):
    session_id: str
    candidate_name: str
    status: str
    template_family_id: str
    template_version: int
    created_at: datetime
    ai_scoring: bool = Field(default=True, description="false: the candidate asked for a person to assess the answers.")


@router.get("")
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


@router.post("/{session_id}/adjustments", responses=error_responses(404, 409, 413, 422))
async def adjust_score(
    session_id: str, adjustment: AdjustmentIn, system: SystemDep, caller: TeamCaller
) -> dict[str, Any]:
    """A reviewer's score for one criterion of a finalized report, with the reason; returns the updated
    report (the engine's scores unchanged, the adjustment and the adjusted total under `review`)."""
    report = await system.review.adjust(session_id, adjustment, by=caller.name)
    return report.model_dump(mode="json")
