"""Build the report document from a session view: a pure function of answers + template version."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from interviewer.attention import AttentionSummary
from interviewer.interview import SessionView
from interviewer.report.schema import (
    AccommodationsSection,
    AttentionSection,
    AudioRetention,
    CandidateInfo,
    LLMContribution,
    QuestionAnswer,
    Report,
    TemplateRef,
    Timings,
)
from interviewer.scoring import ModelRating, RubricScorer, unscored


def build_report(
    view: SessionView,
    scorer: RubricScorer,
    audio: AudioRetention,
    generated_at: datetime,
    ratings: Sequence[ModelRating] = (),
    llm: tuple[str, str] = ("none", ""),
    attention: AttentionSummary | None = None,
) -> Report:
    """Score the session with its own template version (and the cached model ratings) and assemble the report."""
    answers = [
        QuestionAnswer(
            question_id=q.id,
            follow_up_of=parent,
            question=q.text,
            time_limit_s=q.time_limit_s,
            answer=a.text if (a := view.answers.get(q.id)) else "",
            source=a.source if a else None,
            seconds_used=a.seconds_used if a else None,
            retake_used=a.retake_used if a else False,
        )
        for q, parent in view.asked()
    ]
    kept, dropped = sum(len(r.quotes) for r in ratings), sum(r.dropped_quotes for r in ratings)
    used = [a.seconds_used for a in answers if a.seconds_used is not None]
    return Report(
        session_id=view.session.id,
        generated_at=generated_at,
        candidate=CandidateInfo(name=view.invite.candidate_name, email=view.invite.candidate_email),
        template=TemplateRef(
            id=view.template.id or 0,
            family_id=view.template.family_id,
            version=view.template.version,
            name=view.content.name,
            role=view.content.role,
        ),
        answers=answers,
        ai_scoring=view.session.ai_scoring,
        scores=(
            scorer.score(view.answers_for_scoring(), view.content, ratings, attention)
            if view.session.ai_scoring
            else unscored(view.content)  # the candidate asked for a person: no engine runs
        ),
        attention=AttentionSection(
            monitored=bool(attention and attention.timeline),
            attentive_share=attention.attentive_share if attention and attention.timeline else None,
            by_kind=[k.model_dump() for k in attention.by_kind] if attention else [],
            events=attention.timeline if attention else [],
        ),
        llm=LLMContribution(
            provider=llm[0],
            model=llm[1] or None,
            follow_ups_asked=len(view.follow_ups),
            ratings_used=len(ratings),
            quotes_kept=kept,
            quotes_dropped=dropped,
            hallucination_rate=round(dropped / (kept + dropped), 3) if kept + dropped else None,
            prompt_versions=sorted({r.prompt_version for r in ratings}),
        ),
        timings=Timings(
            started_at=view.session.consented_at,
            finished_at=view.session.finished_at,
            total_answer_seconds=round(sum(used), 1) if used else None,
        ),
        audio=audio,
        accommodations=AccommodationsSection(
            **view.invite.accommodations.model_dump(), applied=view.invite.accommodations.describe()
        ),
    )
