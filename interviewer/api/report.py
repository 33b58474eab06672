"""Reports: finalize a session, download its JSON and PDF."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from interviewer.api.deps import RateLimitedApi, SystemDep, require_session_access
from interviewer.models import StoredReport

router = APIRouter(tags=["report"], dependencies=[RateLimitedApi])

SESSION_ID = r"^[0-9a-f-]{36}$"


class FinalizeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session_id: str = Field(pattern=SESSION_ID)


class FinalizeOut(BaseModel):
    report: dict[str, Any]
    json_url: str
    pdf_url: str


@router.post("/report/finalize")
async def finalize(body: FinalizeIn, request: Request, system: SystemDep) -> FinalizeOut:
    """Score the session and keep its report (JSON + PDF); the session's audio is deleted.

    Admin (bearer key or login) at any time — that ends a running interview; the session's own token once
    the candidate finished. Finalizing again returns the same report.
    """
    system.interview.view(body.session_id)  # 404 before auth details leak anything else
    admin = require_session_access(body.session_id, request, system)
    report = await system.reports.finalize(body.session_id, allow_unfinished=admin)
    base = f"/report/{body.session_id}"
    return FinalizeOut(report=report.model_dump(mode="json"), json_url=f"{base}.json", pdf_url=f"{base}.pdf")


def _stored(session_id: str, request: Request, system: SystemDep) -> StoredReport:
    system.interview.view(session_id)
    require_session_access(session_id, request, system)
    stored = system.reports.stored(session_id)
    if stored is None:
        raise HTTPException(status_code=404, detail="no report yet: finalize the session first")
    return stored


StoredDep = Annotated[StoredReport, Depends(_stored)]


@router.get("/report/{session_id}.json")
def report_json(stored: StoredDep) -> Response:
    """The report document (schema version in `schema_version`)."""
    return _attachment(stored.report_json.encode(), "application/json", f"report-{stored.session_id}.json")


@router.get("/report/{session_id}.pdf")
def report_pdf(stored: StoredDep) -> Response:
    """The report as PDF."""
    return _attachment(stored.pdf, "application/pdf", f"report-{stored.session_id}.pdf")


def _attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
