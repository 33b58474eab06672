"""The provider protocol and the `none` provider. Only text is ever sent to a provider."""

from __future__ import annotations

from typing import Any, Protocol, TypedDict


class ChatMessage(TypedDict):
    role: str  # "system" | "user" | "assistant"
    content: str


class LLMUnavailable(Exception):
    """The provider cannot answer now (not configured, down, too slow, or its circuit is open)."""


class LLMProvider(Protocol):
    """A chat model that can be asked for JSON matching a schema."""

    name: str
    model: str
    enabled: bool

    async def chat(self, messages: list[ChatMessage], schema: dict[str, Any] | None, timeout_s: float) -> str:
        """The assistant's reply text; raises `LLMUnavailable` when the provider fails."""
        ...

    async def health(self) -> str:
        """A one-line description of the provider's state; raises `LLMUnavailable` when unreachable."""
        ...

    async def close(self) -> None: ...


class NoLLM:
    """`LLM_PROVIDER=none`: no outside calls; follow-ups and model ratings are off."""

    name = "none"
    model = ""
    enabled = False

    async def chat(self, messages: list[ChatMessage], schema: dict[str, Any] | None, timeout_s: float) -> str:
        raise LLMUnavailable("no language model is configured (LLM_PROVIDER=none)")

    async def health(self) -> str:
        return "no language model configured; scoring is rule-based"

    async def close(self) -> None:
        return None
