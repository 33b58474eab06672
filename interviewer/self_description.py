"""The candidate's voluntary self-description after the interview (gender, age band, ethnicity), for the
adverse-impact check.

The template decides which questions are offered; every one is optional and skippable. The answers are kept in
their own table, apart from the interview: no score, report, export or page next to a candidate's name reads
them; only `adverse_impact` counts them, by group. Erasing the candidate erases them.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict
from sqlmodel import col, select

from interviewer.db import Database
from interviewer.errors import Conflict, Invalid
from interviewer.interview import InterviewService
from interviewer.models import SelfDescribed, SelfDescription, SessionStatus

Gender = Literal["woman", "man", "non-binary", "another gender"]
AgeBand = Literal["under 30", "30-39", "40-49", "50-59", "60 or over"]
Ethnicity = Literal[  # the EEO-1 categories that NYC Local Law 144 bias audits use
    "Hispanic or Latino",
    "White",
    "Black or African American",
    "Asian",
    "Native Hawaiian or Other Pacific Islander",
    "American Indian or Alaska Native",
    "Two or more races",
    "another",
]
OPTIONS: dict[SelfDescribed, list[str]] = {
    "gender": list(get_args(Gender)),
    "age_band": list(get_args(AgeBand)),
    "ethnicity": list(get_args(Ethnicity)),
}
QUESTIONS: dict[SelfDescribed, str] = {
    "gender": "Your gender",
    "age_band": "Your age",
    "ethnicity": "Your ethnicity",
}
ATTRIBUTES: tuple[SelfDescribed, ...] = ("gender", "age_band", "ethnicity")


class SelfDescriptionIn(BaseModel):
    """Each field optional; leave one out (or null) to skip it."""

    model_config = ConfigDict(extra="forbid")

    gender: Gender | None = None
    age_band: AgeBand | None = None
    ethnicity: Ethnicity | None = None

    def given(self) -> dict[SelfDescribed, str]:
        """The answered fields only."""
        return {a: value for a in ATTRIBUTES if (value := getattr(self, a)) is not None}


class SelfDescriptions:
    """Stores a candidate's self-description and hands them out for counting only."""

    def __init__(self, db: Database, interview: InterviewService) -> None:
        self._db = db
        self._interview = interview

    def asked(self, session_id: str) -> list[SelfDescribed]:
        """The questions the session's template offers."""
        return list(self._interview.view(session_id).content.self_description)

    def answered(self, session_id: str) -> bool:
        with self._db.session() as s:
            return (
                s.exec(select(SelfDescription.id).where(SelfDescription.session_id == session_id)).first() is not None
            )

    def record(self, session_id: str, answers: SelfDescriptionIn) -> list[SelfDescribed]:
        """Keep the answers (replacing earlier ones) once the interview is over; returns the fields stored.
        NotFound, Conflict (still running) or Invalid (a question this template does not ask)."""
        view = self._interview.view(session_id)
        if view.session.status not in (SessionStatus.FINISHED, SessionStatus.FINALIZED):
            raise Conflict("the self-description comes after the interview: finish it first")
        given = answers.given()
        not_asked = sorted(set(given) - set(view.content.self_description))
        if not_asked:
            raise Invalid(
                f"this interview does not ask about {not_asked}; it asks about {view.content.self_description}"
            )
        with self._db.session() as s:
            row = s.exec(select(SelfDescription).where(SelfDescription.session_id == session_id)).first()
            if not given:  # everything skipped: nothing is kept
                if row is not None:
                    s.delete(row)
                return []
            row = row or SelfDescription(session_id=session_id)
            for attribute in ATTRIBUTES:
                setattr(row, attribute, given.get(attribute))
            s.add(row)
        return list(given)

    def of_sessions(self, session_ids: list[str]) -> list[SelfDescription]:
        """The self-descriptions among these sessions (for counting by group; never shown one by one)."""
        if not session_ids:
            return []
        with self._db.session() as s:
            return list(s.exec(select(SelfDescription).where(col(SelfDescription.session_id).in_(session_ids))))
