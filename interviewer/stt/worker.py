"""`main.py worker`: a speech worker process for `STT_BACKEND=queue`.

It loads the Whisper model once (the same `Transcriber` the app uses in-process, with the same settings:
WHISPER_MODEL, STT_WORKERS segments at a time), then transcribes segments from the Redis queue until SIGTERM or
SIGINT. It can run on another machine: it needs only REDIS_URL, not the app's storage or database. One worker per
core is the intended shape (STT_WORKERS=1 each); see the README, "Past one machine".
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import signal
import socket
import sys
import threading
import uuid
from typing import Any

import dramatiq
import redis
from dramatiq import Message, MessageProxy

from interviewer.config import Settings
from interviewer.stt.model import ModelNotAvailable
from interviewer.stt.queue_backend import ACTOR, QUEUE, WORKER_KEY_PREFIX, WORKER_TTL_S, connect, segment_to_json
from interviewer.stt.transcriber import Transcriber

SEGMENT_TIME_LIMIT_MS = 120_000
# An idle worker asks Redis for work at least this often (Dramatiq backs off up to 1 s by default, which a
# candidate waiting for the last piece of an answer would feel).
IDLE_POLL_MS = 100
SEGMENT_RETRIES = 2  # a segment whose transcription raised is tried this often more, then reported failed

log = logging.getLogger(__name__)


class MessageIdsOnly(logging.Filter):
    """Dramatiq logs a failed message with its arguments — the candidate's voice: log the message's id instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(a.message_id if isinstance(a, Message | MessageProxy) else a for a in record.args)
        return True


def run_worker(settings: Settings) -> int:
    """Serve until told to stop; returns the process' exit code (2: not configured for it)."""
    if not settings.redis_url:
        print("Refusing to start a speech worker: set REDIS_URL (and STT_BACKEND=queue on the app).", file=sys.stderr)
        return 2
    transcriber = Transcriber(settings.whisper_model, settings.stt_workers, settings.stt_queue_limit)
    if transcriber.state == "off":
        print("Refusing to start a speech worker: WHISPER_MODEL=none.", file=sys.stderr)
        return 2
    try:
        model_path = transcriber.check_available()
    except ModelNotAvailable as error:
        print(f"Refusing to start: speech model {settings.whisper_model!r} is unavailable ({error}).", file=sys.stderr)
        return 2
    for handler in logging.getLogger().handlers:
        handler.addFilter(MessageIdsOnly())
    loop = asyncio.new_event_loop()  # the transcriber's own: its pool threads report back to it
    threading.Thread(target=loop.run_forever, name="whisper-loop", daemon=True).start()
    asyncio.run_coroutine_threadsafe(transcriber.load(model_path), loop).result()
    if transcriber.state != "ready":
        print(f"Speech worker: the model failed to load ({transcriber.detail}).", file=sys.stderr)
        return 1

    def transcribe_segment(audio: str, offset_s: float, greedy: bool) -> dict[str, Any]:
        pcm = base64.b64decode(audio)
        work = transcriber.transcribe(pcm, offset_s, greedy=greedy)
        return segment_to_json(asyncio.run_coroutine_threadsafe(work, loop).result())

    client = redis.Redis.from_url(settings.redis_url)
    broker, _results = connect(client)
    declare = dramatiq.actor(
        broker=broker,
        actor_name=ACTOR,
        queue_name=QUEUE,
        store_results=True,
        max_retries=SEGMENT_RETRIES,
        min_backoff=200,
        time_limit=SEGMENT_TIME_LIMIT_MS,
    )
    declare(transcribe_segment)
    worker = dramatiq.Worker(broker, worker_threads=settings.stt_workers, worker_timeout=IDLE_POLL_MS)
    worker.queue_prefetch = settings.stt_workers  # hold no more segments than it works on: the rest go to others
    worker.start()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    key = WORKER_KEY_PREFIX + uuid.uuid4().hex
    about = json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "threads": settings.stt_workers})
    log.info("speech worker ready: %s, %d at a time", transcriber.detail, settings.stt_workers)
    try:
        while not stop.is_set():
            try:
                client.set(key, about, ex=WORKER_TTL_S)
            except redis.RedisError as error:
                log.warning("speech worker: Redis is unreachable (%s)", type(error).__name__)
            stop.wait(WORKER_TTL_S / 3)
    finally:
        log.info("speech worker stopping: segments in hand are finished or put back")
        client.delete(key)
        worker.stop(timeout=SEGMENT_TIME_LIMIT_MS)
        transcriber.close()
        loop.call_soon_threadsafe(loop.stop)
    return 0
