"""Rate limits with the `limits` library: fixed per-minute windows keyed by purpose and client."""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerMinute, storage, strategies

SPEECH_UNITS_PER_S = 10
"""The per-session speech budget counts tenths of a second of audio (see `speech_cost`)."""


def speech_cost(audio_seconds: float) -> int:
    """Units of the speech budget a chunk of `audio_seconds` uses; at least 1, so empty chunks count too."""
    return max(1, math.ceil(audio_seconds * SPEECH_UNITS_PER_S))


class RateLimited(Exception):
    """Raised when a client exceeded a limit; carries the seconds until it may retry."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many requests, retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


class RateLimiter:
    """Named per-minute limits, e.g. `limiter.hit("login", client_ip)`."""

    def __init__(self, per_minute: dict[str, int], storage_uri: str = "memory://") -> None:
        self._items = {name: RateLimitItemPerMinute(n) for name, n in per_minute.items()}
        self._strategy = strategies.FixedWindowRateLimiter(storage.storage_from_string(storage_uri))

    def hit(self, name: str, key: str, cost: int = 1) -> None:
        """Count one request (or `cost` units of the limit); raise `RateLimited` if it goes over the limit."""
        item = self._items[name]
        if not self._strategy.hit(item, name, key, cost=cost):
            reset_at = self._strategy.get_window_stats(item, name, key).reset_time
            raise RateLimited(max(1, math.ceil(reset_at - time.time())))

    def reset(self) -> None:
        """Forget all counts (used when the app starts)."""
        self._strategy.storage.reset()
