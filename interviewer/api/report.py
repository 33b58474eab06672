"""Reports: finalize a session, download its JSON and PDF (reviewers only: the report holds the rubric and scores)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from interviewer.api.deps import RateLimitedApi, SystemDep, TeamCaller, require_session_access
from interviewer.api.errors import error_responses
from interviewer.audit import AuditAction, session_target
from interviewer.models import StoredReport
from interviewer.report.schema import Report

router = APIRouter(tags=["report"], dependencies=[RateLimitedApi])

SESSION_ID = r"^[0-9a-f-]{36}$"


class FinalizeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session_id: str = Field(pattern=SESSION_ID)


class FinalizeOut(BaseModel):
    """The report and its downloads for a reviewer; the candidate's own token learns only that it is done."""

    session_id: str
    status: Literal["finalized"] = "finalized"
    report: Report | None = Field(default=None, description="The team only: the report with the rubric and scores.")
    json_url: str | None = Field(default=None, description="The team only.")
    pdf_url: str | None = Field(default=None, description="The team only.")


@router.post("/report/finalize", responses=error_responses(401, 403, 404, 409, 413, 422, 429))
async def finalize(body: FinalizeIn, request: Request, system: SystemDep) -> FinalizeOut:
    """Score the session and keep its report (JSON + PDF); the session's audio is deleted.

    The team (admin key or a team member's login) at any time — that ends a running interview — and gets the
    report back. The session's own token may finalize once the candidate finished, and gets
    `{"session_id", "status"}` only: the report holds the rubric and the scores, which go to the team alone.
    Finalizing again returns the same report.
    """
    system.interview.view(body.session_id)  # 404 before auth details leak anything else
    admin = require_session_access(body.session_id, request, system)
    report = await system.reports.finalize(body.session_id, allow_unfinished=admin)
    if not admin:
        return FinalizeOut(session_id=body.session_id)
    base = f"/report/{body.session_id}"
    return FinalizeOut(session_id=body.session_id, report=report, json_url=f"{base}.json", pdf_url=f"{base}.pdf")


def _stored(session_id: str, request: Request, system: SystemDep, caller: TeamCaller) -> StoredReport:
    """The stored report, for the team only (never the candidate's token: it holds the rubric and scores);
    each download is a line in the audit trail."""
    system.interview.view(session_id)
    stored = system.reports.stored(session_id)
    if stored is None:
        raise HTTPException(status_code=404, detail="no report yet: finalize the session first")
    kind = request.url.path.rpartition(".")[2]
    system.audit.record(caller.name, AuditAction.REPORT_DOWNLOADED, session_target(session_id), kind)
    return stored


StoredDep = Annotated[StoredReport, Depends(_stored)]
DOWNLOAD_ERRORS = (401, 403, 404, 422, 429)


@router.get(
    "/report/{session_id}.json",
    responses=error_responses(
        *DOWNLOAD_ERRORS, ok={"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Report"}}}}
    ),
    response_class=Response,
)
def report_json(stored: StoredDep) -> Response:
    """The report document (schema version in `schema_version`). Admin key or a team member's login."""
    return _attachment(stored.report_json.encode(), "application/json", f"report-{stored.session_id}.json")


@router.get(
    "/report/{session_id}.pdf",
    responses=error_responses(
        *DOWNLOAD_ERRORS, ok={"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
    ),
    response_class=Response,
)
def report_pdf(stored: StoredDep) -> Response:
    """The report as PDF. Admin key or a team member's login."""
    return _attachment(stored.pdf, "application/pdf", f"report-{stored.session_id}.pdf")


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
