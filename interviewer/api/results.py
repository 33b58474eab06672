"""A template's results for admins: the download, one row per interview as CSV or JSON (each export is audited),
the engine beside the team's reviews and decisions, and the adverse-impact check."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from interviewer.adverse_impact import AdverseImpact
from interviewer.api.deps import AdminCaller, RateLimitedApi, SystemDep
from interviewer.api.errors import error_responses
from interviewer.audit import AuditAction, template_target
from interviewer.results import TemplateResults, to_csv
from interviewer.scoring_audit import ScoringAudit, scoring_audit
from interviewer.system import System

router = APIRouter(
    prefix="/api/templates",
    tags=["results"],
    dependencies=[RateLimitedApi],
    responses=error_responses(401, 403, 404, 422, 429),
)
WithAnswers = Query(default=False, description="true: one more column per question with the answer text.")


@router.get(
    "/{family_id}/results.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def results_csv(family_id: str, system: SystemDep, caller: AdminCaller, answers: bool = WithAnswers) -> Response:
    """Every interview of the template (all versions), newest first: `session_id`, `candidate_name`, `status`,
    `template_version`, `total`, `engine_total`, one column per criterion (its name), `decision`, the dates."""
    results = exported(system, caller.name, family_id, "csv", answers)
    return Response(
        to_csv(results),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="results-{family_id}.csv"'},
    )


@router.get("/{family_id}/results.json")
def results_json(
    family_id: str, system: SystemDep, caller: AdminCaller, answers: bool = WithAnswers
) -> TemplateResults:
    """The same rows as the CSV, as JSON (`scores` maps each criterion's name to the score that counts,
    `engine_scores` to the engine's)."""
    return exported(system, caller.name, family_id, "json", answers)


def exported(system: System, actor: str, family_id: str, kind: str, answers: bool) -> TemplateResults:
    """The results, and the audit line that `actor` exported them (NotFound first: nothing exported, no line)."""
    results = system.results.results(family_id, with_answers=answers)
    system.audit.record(
        actor, AuditAction.DATA_EXPORTED, template_target(family_id), kind + (" with answers" if answers else "")
    )
    return results


@router.get("/{family_id}/scoring-audit")
def engine_and_team(family_id: str, system: SystemDep, _caller: AdminCaller) -> ScoringAudit:
    """How often reviewers changed each criterion's engine score and by how much, and how well the engine's total
    separates the interviews the team advanced from those it rejected (counts and shares only, no names)."""
    return scoring_audit(system.results.results(family_id))


@router.get("/{family_id}/adverse-impact")
def adverse_impact(
    family_id: str,
    system: SystemDep,
    _caller: AdminCaller,
    threshold: float | None = Query(
        default=None, ge=0, le=100, description='Selected = total ≥ threshold, instead of the decision "advance".'
    ),
) -> AdverseImpact:
    """Selection rates by self-described group and their impact ratios (four-fifths rule)."""
    return system.adverse_impact.check(family_id, threshold)
