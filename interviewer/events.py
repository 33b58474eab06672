"""In-process publish/subscribe of interview events, keyed by session id.

Pages (the admin's live view, the candidate page) and public WebSocket connections subscribe; the
services publish after they committed a change. Messages are the typed models of `interviewer.event_messages`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the messages import the scoring, which imports services that import this module
    from interviewer.event_messages import EventMessage

Listener = Callable[["EventMessage"], Awaitable[None] | None]

log = logging.getLogger(__name__)


class SessionEvents:
    """Fan-out of messages to the listeners of one session (and to listeners of all sessions)."""

    ALL = "*"

    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = defaultdict(list)

    def subscribe(self, session_id: str, listener: Listener) -> Callable[[], None]:
        """Register `listener`; returns the function that unregisters it."""
        self._listeners[session_id].append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners.get(session_id, []):
                self._listeners[session_id].remove(listener)

        return unsubscribe

    async def publish(self, message: EventMessage) -> None:
        """Deliver `message` to every listener of its session and of all sessions; a failing one is logged."""
        listeners = [*self._listeners.get(message.session_id, []), *self._listeners.get(self.ALL, [])]
        await self._deliver(message, listeners)

    async def _deliver(self, message: EventMessage, listeners: list[Listener]) -> None:
        for listener in listeners:
            try:
                result = listener(message)
                if asyncio.iscoroutine(result):
                    await result
            except Exception:
                log.exception("event listener failed for a %s message", message.type)
