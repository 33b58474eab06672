"""A template's results, one row per interview (every version of the template): the export as JSON and CSV.

A row holds the scores that count (a reviewer's adjusted score in place of the engine's, the total after review
if there is one), the engine's total beside them, the decision, the scoring rules that fired on an engine score that
still counts (`rules_fired`: a keyword list, an answer in another language, …; look before acting on it) and the
dates. Answer text is left out unless the caller asks for it. CSV cells that a spreadsheet would run as a formula
(starting with = + - @, a tab or a carriage return) are written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import col, select

from interviewer.db import Database
from interviewer.errors import NotFound
from interviewer.invites import as_utc
from interviewer.models import Answer, CriterionSpec, InterviewSession, Invite, StoredReport, Template
from interviewer.report.schema import Report

FIXED_COLUMNS = ["session_id", "candidate_name", "status", "template_version", "total", "engine_total"]
DATE_COLUMNS = ["created_at", "finished_at", "finalized_at"]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ResultRow(BaseModel):
    """One interview of the template."""

    session_id: str
    candidate_name: str
    status: str
    template_version: int
    total: float | None = Field(
        description="The total that counts (0–100): after review if reviewed, else the engine's; null before the "
        "report or without a score."
    )
    engine_total: float | None = Field(description="The scoring engine's total, as the report has it.")
    scores: dict[str, float | None] = Field(
        description="Criterion name → the score that counts (0–5): the reviewer's latest, else the engine's."
    )
    engine_scores: dict[str, float | None] = Field(
        description="Criterion name → the engine's score (0–5) as the report has it, before any review."
    )
    decision: str | None = Field(default=None, description="The team's decision (advance, hold, reject), if any.")
    rules_fired: list[str] = Field(
        default_factory=list,
        description="The scoring rules (keyword_list, rubric_paste, question_echo, repetition, copied_answer, "
        "off_topic, not_english) that fired on an engine score that still counts, i.e. of a criterion no reviewer "
        "has set: look at the interview before acting on its total.",
    )
    created_at: datetime
    finished_at: datetime | None
    finalized_at: datetime | None
    answers: dict[str, str] | None = Field(
        default=None, description="Question id → answer text; only with `answers=true`."
    )


class TemplateResults(BaseModel):
    """Every interview of one template, newest first; `criteria` names the score columns in order."""

    template_family_id: str
    template_name: str
    criteria: list[str]
    rows: list[ResultRow]


class ResultsExport:
    """Reads a template's results for the export (it writes nothing)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def results(self, family_id: str, *, with_answers: bool = False) -> TemplateResults:
        """The results of every version of the template; NotFound for an unknown template."""
        with self._db.session() as s:
            versions = s.exec(
                select(Template).where(Template.family_id == family_id).order_by(col(Template.version).desc())
            ).all()
            if not versions:
                raise NotFound(f"template {family_id!r} not found")
            found = s.exec(
                select(InterviewSession, Invite, Template, StoredReport)
                .join(Invite, col(Invite.id) == InterviewSession.invite_id)
                .join(Template, col(Template.id) == InterviewSession.template_id)
                .outerjoin(StoredReport, col(StoredReport.session_id) == InterviewSession.id)
                .where(Template.family_id == family_id)
                .order_by(col(InterviewSession.created_at).desc())
            ).all()
            answers: dict[str, dict[str, str]] = {}
            if with_answers and found:
                for answer in s.exec(
                    select(Answer).where(col(Answer.session_id).in_([session.id for session, *_ in found]))
                ):
                    answers.setdefault(answer.session_id, {})[answer.question_id] = answer.text
        columns = criterion_columns([v.parsed().criteria for v in versions])
        rows = []
        for session, invite, template, stored in found:
            report = Report.model_validate_json(stored.report_json) if stored is not None else None
            rows.append(
                ResultRow(
                    session_id=session.id,
                    candidate_name=invite.candidate_name,
                    status=session.status.value,
                    template_version=template.version,
                    total=_counting_total(report),
                    engine_total=report.scores.total if report else None,
                    decision=report.decision.decision if report and report.decision else None,
                    rules_fired=report.rules_fired() if report else [],
                    scores=_by_column(counting_scores(report) if report else {}, columns),
                    engine_scores=_by_column(
                        {c.criterion_id: c.score for c in report.scores.criteria} if report else {}, columns
                    ),
                    created_at=as_utc(session.created_at),
                    finished_at=as_utc(session.finished_at) if session.finished_at else None,
                    finalized_at=as_utc(session.finalized_at) if session.finalized_at else None,
                    answers=answers.get(session.id, {}) if with_answers else None,
                )
            )
        return TemplateResults(
            template_family_id=family_id,
            template_name=versions[0].name,
            criteria=list(columns.values()),
            rows=rows,
        )


def criterion_columns(criteria_by_version: list[list[CriterionSpec]]) -> dict[str, str]:
    """Criterion id → its column name (its name in the newest version that has it), newest version's order
    first; a name that another column already uses gets the id appended."""
    columns: dict[str, str] = {}
    for criteria in criteria_by_version:
        for criterion in criteria:
            if criterion.id in columns:
                continue
            taken = {*FIXED_COLUMNS, *DATE_COLUMNS, "decision", "rules_fired", *columns.values()}
            columns[criterion.id] = f"{criterion.name} ({criterion.id})" if criterion.name in taken else criterion.name
    return columns


def _counting_total(report: Report | None) -> float | None:
    if report is None:
        return None
    return report.review.adjusted_total if report.review.adjusted_total is not None else report.scores.total


def counting_scores(report: Report) -> dict[str, float | None]:
    """Criterion id → the score that counts (0–5): the reviewer's latest, else the engine's."""
    adjusted = {a.criterion_id: a.score for a in report.review.adjustments}  # oldest first: the latest wins
    return {c.criterion_id: adjusted.get(c.criterion_id, c.score) for c in report.scores.criteria}


def _by_column(scores: dict[str, float | None], columns: dict[str, str]) -> dict[str, float | None]:
    """Criterion id → score, as column name → score (every column, None where the report has none)."""
    named: dict[str, float | None] = dict.fromkeys(columns.values())
    for criterion_id, score in scores.items():
        if criterion_id in columns:
            named[columns[criterion_id]] = score
    return named


def to_csv(results: TemplateResults) -> str:
    """The results as CSV (RFC 4180, a header row), one row per interview; answer columns only if present."""
    question_ids: list[str] = []
    for row in results.rows:
        question_ids += [q for q in (row.answers or {}) if q not in question_ids]
    header = [
        *FIXED_COLUMNS,
        *results.criteria,
        "decision",
        "rules_fired",
        *DATE_COLUMNS,
        *(f"answer: {q}" for q in question_ids),
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_cell(name) for name in header])
    for row in results.rows:
        values: list[object] = [
            row.session_id,
            row.candidate_name,
            row.status,
            row.template_version,
            row.total,
            row.engine_total,
            *(row.scores.get(name) for name in results.criteria),
            row.decision,
            "; ".join(row.rules_fired),
            *(_iso(moment) for moment in (row.created_at, row.finished_at, row.finalized_at)),
            *((row.answers or {}).get(q, "") for q in question_ids),
        ]
        writer.writerow([_cell(value) for value in values])
    return buffer.getvalue()


def _iso(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _cell(value: object) -> object:
    """Numbers as they are, None as empty; text a spreadsheet would run as a formula behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
