"""A report as the app builds it, scored by the real engine, for tests of what is made from reports (PDF, views)."""

from __future__ import annotations

from datetime import UTC, datetime

from interviewer.embeddings import SentenceEmbedder
from interviewer.models import CriterionSpec, QuestionSpec, TemplateContent
from interviewer.report.schema import (
    AttentionSection,
    AudioRetention,
    CandidateInfo,
    LLMContribution,
    QuestionAnswer,
    Report,
    TemplateRef,
    Timings,
)
from interviewer.scoring import AnswerForScoring, RubricScorer

ANSWER = "Zoë added a Redis cache <&> and an index; as a result latency improved by 40% ✓"


def sample_report() -> Report:
    """A two-question report with non-Latin names and markup-like characters in the answer."""
    content = TemplateContent(
        name="Platform engineer",
        role="SRE",
        questions=[QuestionSpec(id="q1", text="How did you speed things up?"), QuestionSpec(id="q2", text="And?")],
        criteria=[
            CriterionSpec(
                id="c1",
                name="Technical depth",
                weight=2,
                evidence_phrases=["cache | redis", "index", "the pages got much quicker"],
                reference_answer="Cache the hot reads and add the missing index; measure the latency before and after.",
                level_examples=["I would wait.", "", "", "", "Added a cache and an index, and latency halved."],
                expected_words_min=5,
            ),
            CriterionSpec(id="c2", name="Results", structure_cues=True, expected_words_min=5),
        ],
    )
    scores = RubricScorer(SentenceEmbedder()).score([AnswerForScoring(question_id="q1", text=ANSWER)], content)
    return Report(
        session_id="00000000-0000-4000-8000-000000000000",
        generated_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
        candidate=CandidateInfo(name="Zoë Naïve-Ørsted", email="zoe@example.org"),
        template=TemplateRef(id=1, family_id="abcd1234", version=3, name=content.name, role=content.role),
        answers=[
            QuestionAnswer(
                question_id="q1",
                question="How did you speed things up?",
                time_limit_s=180,
                answer=ANSWER,
                source="voice",
                seconds_used=42.0,
            ),
            QuestionAnswer(question_id="q2", question="And?", time_limit_s=60, answer=""),
        ],
        scores=scores,
        attention=AttentionSection(),
        llm=LLMContribution(
            provider="none",
            model=None,
            follow_ups_asked=0,
            ratings_used=0,
            quotes_kept=0,
            quotes_dropped=0,
            hallucination_rate=None,
            prompt_versions=[],
        ),
        timings=Timings(started_at=None, finished_at=None, total_answer_seconds=42.0),
        audio=AudioRetention(deleted=True, files_deleted=2),
    )
