"""HTTP chat providers: OpenAI-compatible (`/chat/completions`, also llama.cpp server, vLLM, Groq…) and
Ollama (`/api/chat`). One shared `httpx.AsyncClient`, bounded retries on 429/5xx (honouring
Retry-After), and a circuit breaker so that a dead provider costs one timeout, not one per answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx

from interviewer.llm.provider import ChatMessage, LLMUnavailable

log = logging.getLogger(__name__)

RETRY_STATUS = {429, 500, 502, 503, 504}
SEED = 7  # with temperature 0: the same prompt gives the same answer where the server supports seeds


class CircuitBreaker:
    """Opens after `threshold` failures in a row; while open, calls fail at once for `cooldown_s`."""

    def __init__(self, threshold: int = 2, cooldown_s: float = 60.0) -> None:
        self.threshold, self.cooldown_s = threshold, cooldown_s
        self.failures = 0
        self.opened_at: float | None = None

    def check(self) -> None:
        if self.opened_at is not None and time.monotonic() - self.opened_at < self.cooldown_s:
            raise LLMUnavailable("the language model failed repeatedly; skipping it for a while")

    def record(self, ok: bool) -> None:
        if ok:
            self.failures, self.opened_at = 0, None
            return
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened_at = time.monotonic()


class HttpChatProvider:
    """What both wire formats share: the client, retries, the breaker."""

    name = "http"
    enabled = True

    def __init__(self, base_url: str, model: str, max_retries: int, headers: dict[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._max_retries = max_retries
        self._client = httpx.AsyncClient(headers=headers or {}, timeout=httpx.Timeout(30.0, connect=3.0))
        self.breaker = CircuitBreaker()

    async def chat(self, messages: list[ChatMessage], schema: dict[str, Any] | None, timeout_s: float) -> str:
        self.breaker.check()
        try:
            body = await asyncio.wait_for(self._post_with_retries(self._request(messages, schema)), timeout_s)
            text = self._reply_text(body)
        except (TimeoutError, httpx.HTTPError, LLMUnavailable, KeyError, IndexError, TypeError, ValueError) as error:
            self.breaker.record(ok=False)
            log.warning("%s call failed: %s", self.name, type(error).__name__)
            raise LLMUnavailable(f"{self.name}: {type(error).__name__}") from error
        self.breaker.record(ok=True)
        return text

    async def _post_with_retries(self, request: tuple[str, dict[str, Any]]) -> Any:
        path, payload = request
        for attempt in range(self._max_retries + 1):
            response = await self._client.post(f"{self.base_url}{path}", json=payload)
            if response.status_code not in RETRY_STATUS or attempt == self._max_retries:
                response.raise_for_status()
                return response.json()
            retry_after = response.headers.get("retry-after", "")
            await asyncio.sleep(float(retry_after) if retry_after.replace(".", "", 1).isdigit() else 0.5 * 2**attempt)
        raise LLMUnavailable("retries exhausted")  # unreachable: the loop returns or raises

    def _request(self, messages: list[ChatMessage], schema: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def _reply_text(self, body: Any) -> str:
        raise NotImplementedError

    async def health(self) -> str:
        raise NotImplementedError

    async def _probe(self, path: str) -> tuple[Any, float]:
        """GET a cheap endpoint: (JSON body, milliseconds), or `LLMUnavailable`."""
        started = time.perf_counter()
        try:
            response = await self._client.get(f"{self.base_url}{path}", timeout=5)
            response.raise_for_status()
            return response.json(), (time.perf_counter() - started) * 1000
        except (httpx.HTTPError, ValueError) as error:
            raise LLMUnavailable(f"{self.base_url}: {type(error).__name__}") from error

    async def close(self) -> None:
        await self._client.aclose()


class OpenAICompatible(HttpChatProvider):
    """`POST {OPENAI_BASE_URL}/chat/completions` with `response_format` = the JSON schema."""

    name = "openai"

    def _request(self, messages: list[ChatMessage], schema: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
        payload: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": 0, "seed": SEED}
        if schema is not None:
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema.get("title", "reply"), "schema": schema, "strict": True},
            }
        return "/chat/completions", payload

    def _reply_text(self, body: Any) -> str:
        return str(body["choices"][0]["message"]["content"])

    async def health(self) -> str:
        _body, took_ms = await self._probe("/models")
        return f"reachable in {took_ms:.0f} ms, model {self.model}"


class Ollama(HttpChatProvider):
    """`POST {OLLAMA_BASE_URL}/api/chat` with `format` = the JSON schema."""

    name = "ollama"

    def _request(self, messages: list[ChatMessage], schema: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "stream": False,
            "options": {"temperature": 0, "seed": SEED},
        }
        if schema is not None:
            payload["format"] = schema
        return "/api/chat", payload

    def _reply_text(self, body: Any) -> str:
        return str(body["message"]["content"])

    async def health(self) -> str:
        body, took_ms = await self._probe("/api/tags")
        models = [m.get("name", "") for m in body.get("models", [])]
        have = "available" if any(m.split(":")[0] == self.model.split(":")[0] for m in models) else "NOT pulled"
        return f"reachable in {took_ms:.0f} ms, model {self.model} {have}"
