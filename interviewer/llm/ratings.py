"""Model ratings of (answer, criterion): level 1–5 with verbatim quotes, verified against the transcript
and cached, so finalizing twice asks the model once and gives the same report."""

from __future__ import annotations

import asyncio
import hashlib
import re

from pydantic import BaseModel, Field

from interviewer.db import Database
from interviewer.llm.prompts import RATING_PROMPT, render
from interviewer.llm.provider import LLMProvider
from interviewer.llm.structured import ask_json
from interviewer.models import CachedRating, CriterionSpec
from interviewer.scoring import AnswerForScoring, ModelRating, in_scope


class RatingReply(BaseModel):
    level: int = Field(ge=1, le=5)
    quotes: list[str] = Field(default_factory=list, max_length=10)
    reason: str = Field(default="", max_length=1000)


def verify_quotes(quotes: list[str], transcript: str) -> tuple[list[str], int]:
    """Quotes found verbatim in the transcript (ignoring case and spacing), and how many were not."""
    haystack = _normalize(transcript)
    kept = [q.strip() for q in quotes if q.strip() and _normalize(q) in haystack]
    return kept, len([q for q in quotes if q.strip()]) - len(kept)


def _normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


def rating_key_prefix(answer_text: str) -> str:
    """The start of every cache key of ratings of this answer, so erasing a candidate finds them all."""
    return hashlib.sha256(answer_text.encode()).hexdigest()[:16] + "-"


class RatingService:
    def __init__(self, db: Database, provider: LLMProvider, timeout_s: float, concurrency: int = 2) -> None:
        self._db = db
        self.provider = provider
        self._timeout_s = timeout_s
        self._slots = asyncio.Semaphore(concurrency)

    async def rate(
        self,
        template_id: int,
        questions: dict[str, str],
        answers: list[AnswerForScoring],
        criteria: list[CriterionSpec],
    ) -> list[ModelRating]:
        """Ratings for every non-empty answer × criterion with a model weight; failures are left out."""
        if not self.provider.enabled:
            return []
        jobs = [
            self._rate_one(template_id, questions.get(a.scope_id or a.question_id, ""), a, c)
            for c in criteria
            if c.llm_weight > 0
            for a in answers
            if a.text.strip() and in_scope(a, c)
        ]
        results = await asyncio.gather(*jobs)
        return [r for r in results if r is not None]

    async def _rate_one(
        self, template_id: int, question: str, answer: AnswerForScoring, criterion: CriterionSpec
    ) -> ModelRating | None:
        parts = [str(template_id), criterion.id, self.provider.name, self.provider.model, RATING_PROMPT, answer.text]
        key = rating_key_prefix(answer.text) + hashlib.sha256("|".join(parts).encode()).hexdigest()[:47]
        with self._db.session() as s:
            cached = s.get(CachedRating, key)
        if cached is not None:
            return ModelRating.model_validate_json(cached.rating_json)
        prompt = render(
            RATING_PROMPT,
            name=criterion.name,
            description=criterion.description or "(no description)",
            levels="\n".join(f"{i}. {text}" for i, text in enumerate(criterion.levels, 1)),
            question=question,
            answer=answer.text,
        )
        async with self._slots:
            reply = await ask_json(self.provider, prompt, RatingReply, self._timeout_s)
        if reply is None:
            return None
        kept, dropped = verify_quotes(reply.quotes, answer.text)
        rating = ModelRating(
            question_id=answer.question_id,
            criterion_id=criterion.id,
            level=reply.level,
            quotes=kept,
            dropped_quotes=dropped,
            reason=reply.reason,
            model=f"{self.provider.name}:{self.provider.model}",
            prompt_version=RATING_PROMPT,
        )
        with self._db.session() as s:
            s.merge(CachedRating(key=key, rating_json=rating.model_dump_json()))
        return rating
