"""The event bus across app replicas (REDIS_URL set): every message also goes out over Redis pub/sub.

A replica delivers another replica's message to its listeners of that session — the admin's live view, the
score panel, interview sockets — so a page served by replica B shows an answer given on replica A. Listeners of
all sessions are the services of one process (report building and the like): they react once, on
the replica where it happened, never again on every other one.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

import redis.asyncio as aioredis
from pydantic import BaseModel, ValidationError
from redis.exceptions import RedisError

from interviewer.event_messages import EventMessage
from interviewer.events import SessionEvents

CHANNEL = "interviewer:events"
RECONNECT_S = 1.0

log = logging.getLogger(__name__)


class Relayed(BaseModel):
    """A message as it travels between replicas: with the replica that published it."""

    origin: str
    message: EventMessage


class RedisSessionEvents(SessionEvents):
    """`SessionEvents` whose messages reach the session's listeners on every replica."""

    def __init__(self, redis_url: str) -> None:
        super().__init__()
        self._redis = aioredis.Redis.from_url(redis_url)
        self._origin = uuid.uuid4().hex

    async def publish(self, message: EventMessage) -> None:
        """Deliver here at once, then tell the other replicas (a Redis outage only costs them this message)."""
        await super().publish(message)
        try:
            await self._redis.publish(CHANNEL, Relayed(origin=self._origin, message=message).model_dump_json())
        except RedisError as error:
            log.warning("a %s message did not reach the other replicas (%s)", message.type, error)

    async def relay(self) -> None:
        """Deliver the other replicas' messages here, for the app's lifetime; reconnects after a Redis outage."""
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    async for item in pubsub.listen():
                        if item["type"] == "message":
                            await self._receive(item["data"])
            except RedisError as error:
                log.warning("live events from other replicas paused: Redis is unreachable (%s)", error)
                await asyncio.sleep(RECONNECT_S)

    async def _receive(self, data: bytes) -> None:
        """Deliver another replica's message to this replica's listeners of its session; one that is not a
        valid message (another version of the app, or not ours at all) is dropped with a warning."""
        try:
            relayed = Relayed.model_validate_json(data)
        except ValidationError as error:  # its text may quote the message: only the problems' places are logged
            places = sorted({".".join(map(str, problem["loc"])) for problem in error.errors()})
            log.warning("dropped a malformed message from another replica (invalid: %s)", ", ".join(places))
            return
        if relayed.origin != self._origin:
            message = relayed.message
            await self._deliver(message, list(self._listeners.get(message.session_id, [])))

    async def close(self) -> None:
        await self._redis.aclose()
