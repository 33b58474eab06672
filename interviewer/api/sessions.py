"""The team's view of the interviews: the list, a reviewer's score adjustments and decisions (every team member)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from interviewer.api.deps import TEAM, RateLimitedApi, SystemDep, TeamCaller
from interviewer.api.errors import error_responses
from interviewer.decisions import DecisionIn
from interviewer.report.schema import DecisionSection
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
    decision: DecisionSection | None = Field(default=None, description="The team's decision that counts, if any.")


@router.get("")
def list_sessions(system: SystemDep) -> list[SessionOut]:
    """Every interview session, newest first, with the team's decision."""
    views = system.interview.list_sessions()
    decisions = system.decisions.latest_of(v.session.id for v in views)
    return [
        SessionOut(
            session_id=v.session.id,
            candidate_name=v.invite.candidate_name,
            status=v.session.status.value,
            template_family_id=v.template.family_id,
            template_version=v.template.version,
            created_at=v.session.created_at,
            ai_scoring=v.session.ai_scoring,
            decision=decisions.get(v.session.id),
        )
        for v in views
    ]


@router.post("/{session_id}/adjustments", responses=error_responses(404, 409, 413, 422))
async def adjust_score(
    session_id: str, adjustment: AdjustmentIn, system: SystemDep, caller: TeamCaller
) -> dict[str, Any]:
    """A reviewer's score for one criterion of a finalized report, with the reason; returns the updated
    report (the engine's scores unchanged, the adjustment and the adjusted total under `review`)."""
    report = await system.review.adjust(session_id, adjustment, by=caller.name)
    return report.model_dump(mode="json")


@router.post("/{session_id}/decision", responses=error_responses(404, 409, 413, 422))
async def decide(session_id: str, decision: DecisionIn, system: SystemDep, caller: TeamCaller) -> DecisionSection:
    """The team's decision on a finalized interview — advance, hold or reject — with a reason of at least 10
    characters, recorded with who made it (404 unknown session, 409 before the report exists). It goes into the
    report (`decision` in the JSON, and the PDF) and the sessions list; a later decision replaces it there."""
    return await system.decisions.decide(session_id, decision, by=caller.name)
