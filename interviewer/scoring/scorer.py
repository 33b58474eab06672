"""`RubricScorer`: one entry point that scores a session's answers with its template's engine.

Which engine runs is part of the template version (`TemplateContent.scoring`): `rules-v1` (words only,
`interviewer.scoring.rules_v1`) or `meaning-v2` (by meaning, `interviewer.scoring.meaning_v2`, which needs the
sentence-embedding model). Integrity criteria are scored the same way by both (`interviewer.scoring.integrity`).
"""

from __future__ import annotations

from collections.abc import Sequence

from interviewer.attention import AttentionSummary
from interviewer.embeddings import MODEL_NAME, MODEL_SHA256, SentenceEmbedder
from interviewer.models import TemplateContent
from interviewer.scoring import meaning_v2, rules_v1
from interviewer.scoring.card import AnswerForScoring, CriterionScore, ModelRating, ScoreCard, weighted_total
from interviewer.scoring.integrity import score_integrity

EMBEDDING_MODEL = f"{MODEL_NAME}, sha256 {MODEL_SHA256}"


class RubricScorer:
    """Scores answers against a template's rubric; pure and deterministic for given answers and template."""

    def __init__(self, embedder: SentenceEmbedder) -> None:
        self.embedder = embedder

    def score(
        self,
        answers: Sequence[AnswerForScoring],
        content: TemplateContent,
        ratings: Sequence[ModelRating] = (),
        attention: AttentionSummary | None = None,
    ) -> ScoreCard:
        """Score every criterion of `content` on `answers` (with cached model ratings; integrity criteria on the
        attention flags)."""
        if content.scoring == "meaning-v2":
            meaning_v2.embed_ahead(answers, content, self.embedder)  # one batched pass, then cache hits
        return self._score_embedded(answers, content, ratings, attention)

    def score_many(self, items: Sequence[Sequence[AnswerForScoring]], content: TemplateContent) -> list[ScoreCard]:
        """Score several candidates' answers on one template (no session, nothing stored)."""
        if content.scoring == "meaning-v2":
            meaning_v2.embed_ahead([a for answers in items for a in answers], content, self.embedder)
        return [self._score_embedded(answers, content) for answers in items]

    def _score_embedded(
        self,
        answers: Sequence[AnswerForScoring],
        content: TemplateContent,
        ratings: Sequence[ModelRating] = (),
        attention: AttentionSummary | None = None,
    ) -> ScoreCard:
        """`score` once the model has read everything it compares."""
        questions = {q.id: q.text for q in content.questions}
        criteria: list[CriterionScore] = []
        for criterion in content.criteria:
            if criterion.kind == "integrity":
                criteria.append(score_integrity(criterion, attention))
            elif content.scoring == "meaning-v2":
                criteria.append(
                    meaning_v2.score_criterion(answers, criterion, questions, self.embedder, content.criteria, ratings)
                )
            else:
                criteria.append(rules_v1.score_criterion(list(answers), criterion, ratings))
        return ScoreCard(
            scoring_version=content.scoring,
            model=EMBEDDING_MODEL if content.scoring == "meaning-v2" else None,
            total=weighted_total(criteria),
            criteria=criteria,
        )
