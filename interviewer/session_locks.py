"""One lock per interview session, shared by the services that must not touch a session at the same time.

Building the report and erasing the candidate's data hold the same session's lock: an erasure waits for the
report being built (and the model ratings it caches), then deletes them too. Different sessions never wait
for each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class SessionLocks:
    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, session_id: str) -> AsyncIterator[None]:
        """Hold the session's lock; the lock is forgotten once no one holds or waits for it."""
        lock = self._locks.setdefault(session_id, asyncio.Lock())
        self._users[session_id] = self._users.get(session_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[session_id] -= 1
            if not self._users[session_id]:
                del self._users[session_id], self._locks[session_id]

    def busy(self, session_id: str) -> bool:
        """Whether someone holds or waits for the session's lock."""
        return session_id in self._locks
