"""A template's results as a download: one row per interview, as CSV or JSON (admin key or admin login)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Response

from interviewer.api.deps import ADMIN_ONLY, RateLimitedApi, SystemDep
from interviewer.api.errors import error_responses
from interviewer.results import TemplateResults, to_csv

router = APIRouter(
    prefix="/api/templates",
    tags=["results"],
    dependencies=[RateLimitedApi, Depends(ADMIN_ONLY)],
    responses=error_responses(401, 403, 404, 422, 429),
)
WithAnswers = Query(default=False, description="true: one more column per question with the answer text.")


@router.get(
    "/{family_id}/results.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def results_csv(family_id: str, system: SystemDep, answers: bool = WithAnswers) -> Response:
    """Every interview of the template (all versions), newest first: `session_id`, `candidate_name`, `status`,
    `template_version`, `total`, `engine_total`, one column per criterion (its name), `decision`, the dates."""
    results = system.results.results(family_id, with_answers=answers)
    return Response(
        to_csv(results),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="results-{family_id}.csv"'},
    )


@router.get("/{family_id}/results.json")
def results_json(family_id: str, system: SystemDep, answers: bool = WithAnswers) -> TemplateResults:
    """The same rows as the CSV, as JSON (`scores` maps each criterion's name to its score)."""
    return system.results.results(family_id, with_answers=answers)
