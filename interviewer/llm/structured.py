"""Ask for JSON matching a pydantic model: the provider's structured output, validation, one repair."""

from __future__ import annotations

import logging
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from interviewer.llm.provider import ChatMessage, LLMProvider, LLMUnavailable

log = logging.getLogger(__name__)
Reply = TypeVar("Reply", bound=BaseModel)


async def ask_json(provider: LLMProvider, prompt: str, reply_type: type[Reply], timeout_s: float) -> Reply | None:
    """The validated reply, or None if the provider failed or twice gave no valid JSON."""
    schema = reply_type.model_json_schema()
    messages: list[ChatMessage] = [{"role": "user", "content": prompt}]
    for attempt in range(2):
        try:
            text = await provider.chat(messages, schema, timeout_s)
        except LLMUnavailable:
            return None
        try:
            return reply_type.model_validate_json(_strip_fences(text))
        except ValidationError as error:
            log.warning("%s gave invalid JSON (attempt %d)", provider.name, attempt + 1)
            messages += [
                {"role": "assistant", "content": text},
                {
                    "role": "user",
                    "content": f"That was not valid JSON for the schema ({error.errors()[0]['msg']}). "
                    "Reply with the JSON object only.",
                },
            ]
    return None


def _strip_fences(text: str) -> str:
    """Some models wrap JSON in ``` fences despite being asked not to."""
    text = text.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    return text
