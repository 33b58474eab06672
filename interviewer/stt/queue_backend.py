"""Speech recognition on worker processes behind a Redis task queue (Dramatiq), for `STT_BACKEND=queue`.

The app sends each closed speech segment as a message; a worker (`main.py worker`, see `interviewer.stt.worker`)
transcribes it with its own model and stores the result in Redis, where the app waits for it. A message is
acknowledged only after its result is stored: a worker killed mid-segment leaves it unacknowledged, and once that
worker's broker heartbeat is HEARTBEAT_TIMEOUT_MS old, the next worker to ask for work puts it back on the queue.
A segment transcribed twice gives one result key, read once, so no text is doubled.

Workers also announce themselves under WORKER_KEY_PREFIX with a short expiry: `GET /status` counts the live ones.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import redis
from dramatiq import Message
from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker
from dramatiq.results import Results, ResultTimeout
from dramatiq.results.backends.redis import RedisBackend

from interviewer.stt.transcriber import Busy, SegmentText, SttState, Word

QUEUE = "interviewer-stt"
ACTOR = "transcribe_segment"
# A worker beats at least once a second; silent this long, it is dead and its segment goes to another (a live but
# stalled one only makes a segment be transcribed twice: the text is the same, read once).
HEARTBEAT_TIMEOUT_MS = 5_000
WORKER_KEY_PREFIX = "interviewer:stt-worker:"
WORKER_TTL_S = 6  # a worker refreshes its key every WORKER_TTL_S / 3
RESULT_TTL_MS = 10 * 60_000
WAIT_STEP_S = 2  # the app re-checks between waits whether it is shutting down
WAITERS = 64  # segments one app process waits for at once (each in a thread blocked on Redis)

log = logging.getLogger(__name__)


def connect(client: redis.Redis) -> tuple[RedisBroker, RedisBackend]:
    """The broker and result store both sides use (the worker declares the actor on this broker).

    Queue maintenance (putting back the messages of dead workers) runs on every broker call, not on 0.1 % of them
    as by default: at our few calls a second it is cheap, and a dead worker's segment comes back within seconds.
    """
    results = RedisBackend(client=client)
    broker = RedisBroker(client=client, heartbeat_timeout=HEARTBEAT_TIMEOUT_MS, maintenance_chance=MAINTENANCE_SCALE)
    broker.add_middleware(Results(backend=results, result_ttl=RESULT_TTL_MS))
    return broker, results


def segment_to_json(segment: SegmentText) -> dict[str, Any]:
    """A transcribed segment as the worker stores it (JSON)."""
    words = [[w.word, w.start, w.end, w.probability] for w in segment.words]
    return {"text": segment.text, "start": segment.start, "end": segment.end, "words": words}


def segment_from_json(data: dict[str, Any]) -> SegmentText:
    words = [Word(str(w), float(s), float(e), float(p)) for w, s, e, p in data["words"]]
    return SegmentText(str(data["text"]), float(data["start"]), float(data["end"]), words)


def live_workers(client: redis.Redis) -> int:
    """How many workers refreshed their key within WORKER_TTL_S."""
    return sum(1 for _ in client.scan_iter(match=f"{WORKER_KEY_PREFIX}*", count=1000))


class QueueTranscriber:
    """Sends segments to the speech workers and waits for their text; the app loads no model."""

    def __init__(self, redis_url: str, queue_limit: int = 8) -> None:
        self._client = redis.Redis.from_url(redis_url)
        self._broker, self._results = connect(self._client)
        self._queue_limit = queue_limit
        self._pending = 0
        self._pool = ThreadPoolExecutor(max_workers=WAITERS, thread_name_prefix="stt-queue")
        self._closed = threading.Event()
        self.workers = 0
        self._detail = "looking for speech workers"
        self._watcher = threading.Thread(target=self._watch_workers, name="stt-workers", daemon=True)
        self._watcher.start()

    def _watch_workers(self) -> None:
        """Count the live workers once a second (never on the event loop)."""
        while True:
            try:
                self.workers = live_workers(self._client)
                self._detail = f"{self.workers} speech workers live" if self.workers else "no speech worker is live"
            except redis.RedisError as error:
                self.workers = 0
                self._detail = f"Redis is unreachable ({type(error).__name__})"
            if self._closed.wait(1.0):
                return

    @property
    def state(self) -> SttState:
        return "ready" if self.workers else "loading"

    @property
    def detail(self) -> str:
        return self._detail

    def require_available(self) -> None:
        """Never refuses: a missing worker is waited for (segments stay queued), not reported as no speech."""

    def admit_new_answer(self) -> None:
        """`Busy` while no worker is live, or while this app waits for more than STT_QUEUE_LIMIT segments a worker."""
        if not self.workers:
            raise Busy(2)
        if self._pending >= self._queue_limit * self.workers:
            raise Busy(1 + self._pending // self.workers)

    async def transcribe(self, pcm: bytes, offset_s: float, *, greedy: bool = False) -> SegmentText:
        """Queue the segment and wait for a worker's text, however long the queue (an answer loses nothing)."""
        self._pending += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool, self._transcribe_blocking, pcm, offset_s, greedy)
        finally:
            self._pending -= 1

    def _transcribe_blocking(self, pcm: bytes, offset_s: float, greedy: bool) -> SegmentText:
        audio = base64.b64encode(pcm).decode("ascii")
        message = self._broker.enqueue(Message(QUEUE, ACTOR, (audio, offset_s, greedy), {}, {}))
        while not self._closed.is_set():
            try:
                data = self._results.get_result(message, block=True, timeout=WAIT_STEP_S * 1000)
            except ResultTimeout:
                continue
            self._client.delete(self._results.build_message_key(message))
            if not isinstance(data, dict):  # a message skipped by the worker stores None
                raise RuntimeError("the speech worker returned no transcript")
            return segment_from_json(data)
        raise RuntimeError("the app is shutting down")

    def close(self) -> None:
        self._closed.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._client.close()
