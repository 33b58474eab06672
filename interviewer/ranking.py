"""A template's finished interviews side by side: the ranking (total and every criterion — the scores that count,
after review — the attention flags and the decision), filters, and the comparison of two or three interviews
(scores, the evidence for each criterion, the answers to the same question next to each other).

It reads what the export reads (`ResultsExport`), so the ranking and the CSV never disagree. Attention flags are
shown as a count for review; they are no column of the total and decide nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import col, select

from interviewer.db import Database
from interviewer.errors import Invalid, NotFound
from interviewer.models import AttentionEventRow, SessionStatus, StoredReport
from interviewer.report.schema import Report
from interviewer.results import ResultsExport, counting_scores
from interviewer.scoring import EvidenceSpan

FINISHED = (SessionStatus.FINISHED.value, SessionStatus.FINALIZED.value)
NO_DECISION = "none"
COMPARE_AT_MOST = 3


class RankedInterview(BaseModel):
    """One finished interview in the ranking."""

    session_id: str
    candidate_name: str
    status: str
    total: float | None
    scores: dict[str, float | None]  # criterion name → the score that counts (0–5)
    decision: str | None
    finished_at: datetime | None
    flags: int  # attention events, for review only
    rules_fired: list[str]  # capping rules fired on an engine score still counting: look before acting


class Ranking(BaseModel):
    """Every finished interview of a template (all versions), highest total first."""

    family_id: str
    template_name: str
    criteria: list[str]
    rows: list[RankedInterview]

    def filtered(
        self,
        status: str | None = None,
        decision: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[RankedInterview]:
        """The rows with this status, this decision (`NO_DECISION`: none yet), finished within [since, until]."""
        return [
            row
            for row in self.rows
            if (status is None or row.status == status)
            and (decision is None or (row.decision or NO_DECISION) == decision)
            and (since is None or (row.finished_at is not None and row.finished_at.date() >= since))
            and (until is None or (row.finished_at is not None and row.finished_at.date() <= until))
        ]


class ComparedCriterion(BaseModel):
    """One criterion of one compared interview: the score that counts, and the evidence the engine found."""

    score: float | None
    level_description: str
    evidence: list[EvidenceSpan]


class ComparedInterview(BaseModel):
    interview: RankedInterview
    criteria: dict[str, ComparedCriterion]  # criterion id → …
    answers: dict[str, str]  # question id → the answer ("" for none)


class Comparison(BaseModel):
    """Two or three interviews of one template: `criteria` (id → name) and `questions` (id → text) in order."""

    family_id: str
    criteria: dict[str, str]
    questions: dict[str, str]
    interviews: list[ComparedInterview]


class RankingService:
    def __init__(self, db: Database, results: ResultsExport) -> None:
        self._db = db
        self._results = results

    def ranking(self, family_id: str) -> Ranking:
        """The finished interviews of a template, highest total first (no total last); NotFound for none."""
        results = self._results.results(family_id)
        finished = [row for row in results.rows if row.status in FINISHED]
        flags = self._flags([row.session_id for row in finished])
        rows = [
            RankedInterview(
                session_id=row.session_id,
                candidate_name=row.candidate_name,
                status=row.status,
                total=row.total,
                scores=row.scores,
                decision=row.decision,
                finished_at=row.finished_at,
                flags=flags.get(row.session_id, 0),
                rules_fired=row.rules_fired,
            )
            for row in finished
        ]
        rows.sort(key=lambda r: (r.total is None, -(r.total or 0.0), r.candidate_name))
        return Ranking(family_id=family_id, template_name=results.template_name, criteria=results.criteria, rows=rows)

    def compare(self, family_id: str, session_ids: list[str]) -> Comparison:
        """Two or three finalized interviews of the template side by side; Invalid otherwise."""
        if not 2 <= len(set(session_ids)) <= COMPARE_AT_MOST:
            raise Invalid(f"choose two or three interviews to compare, not {len(set(session_ids))}")
        ranking = self.ranking(family_id)
        by_id = {row.session_id: row for row in ranking.rows}
        if unknown := [s for s in session_ids if s not in by_id]:
            raise NotFound(f"not finished interviews of this template: {unknown}")
        reports = self._reports(session_ids)
        if missing := [s for s in session_ids if s not in reports]:
            raise Invalid(f"no report yet for {missing}: finalize them first")
        criteria: dict[str, str] = {}
        questions: dict[str, str] = {}
        for report in reports.values():
            for criterion in report.scores.criteria:
                criteria.setdefault(criterion.criterion_id, criterion.name)
            for answer in report.answers:
                questions.setdefault(answer.question_id, answer.question)
        interviews = []
        for session_id in dict.fromkeys(session_ids):
            report = reports[session_id]
            scores = counting_scores(report)
            compared = {
                c.criterion_id: ComparedCriterion(
                    score=scores[c.criterion_id], level_description=c.level_description, evidence=c.evidence
                )
                for c in report.scores.criteria
            }
            answers = {a.question_id: a.answer for a in report.answers}
            interviews.append(ComparedInterview(interview=by_id[session_id], criteria=compared, answers=answers))
        return Comparison(family_id=family_id, criteria=criteria, questions=questions, interviews=interviews)

    def _flags(self, session_ids: list[str]) -> dict[str, int]:
        if not session_ids:
            return {}
        with self._db.session() as s:
            counted = s.exec(
                select(AttentionEventRow.session_id, func.count())
                .where(col(AttentionEventRow.session_id).in_(session_ids))
                .group_by(col(AttentionEventRow.session_id))
            ).all()
        return {session_id: int(count) for session_id, count in counted}

    def _reports(self, session_ids: list[str]) -> dict[str, Report]:
        with self._db.session() as s:
            stored = s.exec(select(StoredReport).where(col(StoredReport.session_id).in_(session_ids))).all()
        return {row.session_id: Report.model_validate_json(row.report_json) for row in stored}
