"""Changing a stored report after it was built (a reviewer's adjustment, the team's decision): the JSON and the
PDF are rewritten together, one change at a time, so two changes at once never lose one another."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlmodel import Session

from interviewer.db import Database
from interviewer.errors import Conflict, NotFound
from interviewer.models import InterviewSession, StoredReport
from interviewer.report.pdf import render_pdf
from interviewer.report.schema import Report

Change = Callable[[Session, Report], None]
"""Records what it changes in the database session and sets it on the report (or raises to change nothing)."""


class ReportEditor:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = asyncio.Lock()

    async def change(self, session_id: str, change: Change) -> Report:
        """Apply `change` to the session's stored report and store the JSON and PDF again. NotFound for an
        unknown session, Conflict while it has no report; whatever `change` raises changes nothing."""
        async with self._lock:
            with self._db.session() as s:
                if s.get(InterviewSession, session_id) is None:
                    raise NotFound("no such session")
                stored = s.get(StoredReport, session_id)
                if stored is None:
                    raise Conflict("there is no report yet: finalize the interview first")
                report = Report.model_validate_json(stored.report_json)
                change(s, report)
            pdf = await asyncio.to_thread(render_pdf, report)
            with self._db.session() as s:
                stored = s.get(StoredReport, session_id)
                if stored is None:
                    raise NotFound("the session was erased meanwhile")
                stored.report_json = report.model_dump_json(indent=2)
                stored.pdf = pdf
                s.add(stored)
        return report
