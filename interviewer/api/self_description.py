"""The candidate's voluntary self-description after the interview (session token), for the adverse-impact check."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from interviewer.api.deps import RateLimitedApi, SystemDep, session_of_bearer
from interviewer.api.errors import error_responses
from interviewer.models import SelfDescribed
from interviewer.self_description import OPTIONS, QUESTIONS, SelfDescriptionIn

router = APIRouter(tags=["interview"], dependencies=[RateLimitedApi])


class SelfDescriptionQuestion(BaseModel):
    attribute: SelfDescribed
    question: str
    options: list[str]


class SelfDescriptionQuestions(BaseModel):
    """What this interview asks, all optional; empty: nothing."""

    questions: list[SelfDescriptionQuestion]
    note: str = (
        "Voluntary: helps check that hiring treats every group fairly. Kept apart from the interview, never used "
        "in scoring, never shown with your name. Skip any question."
    )


class SelfDescriptionStored(BaseModel):
    stored: list[SelfDescribed]


def _candidate(session_id: str, request: Request, system: SystemDep) -> None:
    """Only the candidate (the session's bearer token) describes themselves; 401/403 otherwise."""
    owner = session_of_bearer(request, system)
    if owner is None:
        raise HTTPException(401, "the session's token is required", headers={"WWW-Authenticate": "Bearer"})
    if owner != session_id:
        raise HTTPException(403, "this token belongs to another session")


@router.get("/interview/{session_id}/self-description", responses=error_responses(401, 403, 404, 429))
def self_description_questions(session_id: str, request: Request, system: SystemDep) -> SelfDescriptionQuestions:
    """The voluntary questions this interview's template offers after the interview, with their options."""
    _candidate(session_id, request, system)
    asked = system.self_descriptions.asked(session_id)
    return SelfDescriptionQuestions(
        questions=[SelfDescriptionQuestion(attribute=a, question=QUESTIONS[a], options=OPTIONS[a]) for a in asked]
    )


@router.post("/interview/{session_id}/self-description", responses=error_responses(401, 403, 404, 409, 413, 422, 429))
def describe_self(
    session_id: str, answers: SelfDescriptionIn, request: Request, system: SystemDep
) -> SelfDescriptionStored:
    """After the interview (409 before): `{"gender"?, "age_band"?, "ethnicity"?}`, every field optional; a later
    call replaces the earlier answers, `{}` withdraws them. Only questions the template asks are accepted."""
    _candidate(session_id, request, system)
    return SelfDescriptionStored(stored=system.self_descriptions.record(session_id, answers))
