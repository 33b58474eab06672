"""Follow-up questions: after an answer, the model may ask one short question about what is missing."""

from __future__ import annotations

from pydantic import BaseModel, Field

from interviewer.llm.prompts import FOLLOWUP_PROMPT, render
from interviewer.llm.provider import LLMProvider
from interviewer.llm.structured import ask_json
from interviewer.models import CriterionSpec, QuestionSpec


class FollowUpReply(BaseModel):
    follow_up: str = Field(max_length=600)


class FollowUpAsker:
    """Asks the provider for a follow-up within a few seconds; any failure means "no follow-up"."""

    def __init__(self, provider: LLMProvider, timeout_s: float) -> None:
        self.provider = provider
        self.timeout_s = timeout_s

    @property
    def enabled(self) -> bool:
        return self.provider.enabled

    async def propose(self, question: QuestionSpec, answer: str, missing: list[CriterionSpec]) -> str | None:
        """One short follow-up question, or None. The candidate's name or e-mail is never in the prompt."""
        if not self.enabled or not answer.strip():
            return None
        prompt = render(
            FOLLOWUP_PROMPT,
            question=question.text,
            answer=answer,
            missing="\n".join(f"- {c.name}: {c.description}".rstrip(": ") for c in missing) or "- (nothing)",
        )
        reply = await ask_json(self.provider, prompt, FollowUpReply, self.timeout_s)
        text = reply.follow_up.strip() if reply else ""
        if not text or text.lower().strip(" .!\"'") == "none":
            return None
        return text[:300]
