"""The event bus across app replicas (REDIS_URL set): every message also goes out over Redis pub/sub.

A replica delivers another replica's message to its listeners of that session — the admin's live view, the
score panel, interview sockets — so a page served by replica B shows an answer given on replica A. Listeners of
all sessions are the services of one process (report building and the like): they react once, on
the replica where it happened, never again on every other one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from interviewer.events import Message, SessionEvents

CHANNEL = "interviewer:events"
RECONNECT_S = 1.0

log = logging.getLogger(__name__)


class RedisSessionEvents(SessionEvents):
    """`SessionEvents` whose messages reach the session's listeners on every replica."""

    def __init__(self, redis_url: str) -> None:
        super().__init__()
        self._redis = aioredis.Redis.from_url(redis_url)
        self._origin = uuid.uuid4().hex

    async def publish(self, session_id: str, message: Message) -> None:
        """Deliver here at once, then tell the other replicas (a Redis outage only costs them this message)."""
        await super().publish(session_id, message)
        payload = {"origin": self._origin, "session_id": session_id, "message": {**message, "session_id": session_id}}
        try:
            await self._redis.publish(CHANNEL, json.dumps(payload))
        except RedisError as error:
            log.warning("a %s message did not reach the other replicas (%s)", message.get("type"), error)

    async def relay(self) -> None:
        """Deliver the other replicas' messages here, for the app's lifetime; reconnects after a Redis outage."""
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    async for item in pubsub.listen():
                        if item["type"] == "message":
                            await self._receive(json.loads(item["data"]))
            except RedisError as error:
                log.warning("live events from other replicas paused: Redis is unreachable (%s)", error)
                await asyncio.sleep(RECONNECT_S)

    async def _receive(self, payload: dict[str, object]) -> None:
        message, session_id = payload["message"], str(payload["session_id"])
        if payload["origin"] != self._origin and isinstance(message, dict):
            await self._deliver(message, list(self._listeners.get(session_id, [])))

    async def close(self) -> None:
        await self._redis.aclose()
