"""Spoken answers: route chunks to their answer stream, publish partial transcripts, store the final one."""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from interviewer.errors import Conflict
from interviewer.event_messages import EventMessage, ReportReady, SessionErased, TranscriptHeard
from interviewer.events import SessionEvents
from interviewer.interview import InterviewService
from interviewer.models import utc_now
from interviewer.stt.backend import SegmentTranscriber
from interviewer.stt.stream import AnswerAudio, AnswerStream, ChunkAck
from interviewer.stt.vad import SAMPLE_RATE, VadSegmenter

AUDIO_SLACK_FACTOR = 1.25  # an answer keeps at most its time limit × this, plus AUDIO_SLACK_S, of audio
AUDIO_SLACK_S = 30

log = logging.getLogger(__name__)


def delete_session_audio(audio_root: Path, session_id: str) -> int:
    """Delete the audio folder of a session; returns how many files it held (0 when there was none)."""
    folder = audio_root / session_id
    if not folder.exists():
        return 0
    count = sum(1 for p in folder.rglob("*") if p.is_file())
    shutil.rmtree(folder, ignore_errors=True)
    return count


class SpeechService:
    def __init__(
        self,
        audio_root: Path,
        transcriber: SegmentTranscriber,
        interview: InterviewService,
        events: SessionEvents,
        segment_silence_ms: int = 600,
    ) -> None:
        self._audio_root = audio_root
        self.transcriber = transcriber
        self._interview = interview
        self._events = events
        self._segment_silence_ms = segment_silence_ms
        self._streams: dict[tuple[str, str], AnswerStream] = {}
        self._locks: defaultdict[tuple[str, str], asyncio.Lock] = defaultdict(asyncio.Lock)

    async def receive(self, session_id: str, question_id: str, seq: int, pcm: bytes, final: bool) -> ChunkAck:
        """Store one chunk (before returning), transcribe what is ready, and finish the answer on `final`.

        Raises `SpeechUnavailable` when there is no speech model, also for an answer rebuilt from disk after a
        restart, and `Busy` when a new answer must wait for the queue.
        """
        self.transcriber.require_available()  # no model (off, failed): say so now, never wait for one
        key = (session_id, question_id)
        async with self._locks[key]:
            stream = self._streams.get(key)
            if stream is None:
                time_limit_s = self._require_current(session_id, question_id)
                folder = self._audio_root / session_id
                if not (folder / f"{question_id}.wav").exists():
                    self.transcriber.admit_new_answer()  # raises Busy when the queue is full
                vad = VadSegmenter(end_silence_ms=self._segment_silence_ms)
                budget = int((time_limit_s * AUDIO_SLACK_FACTOR + AUDIO_SLACK_S) * SAMPLE_RATE * 2)
                audio = AnswerAudio(folder, question_id, max_bytes=budget)
                stream = self._streams[key] = AnswerStream(audio, self.transcriber, vad)
            had_final = stream.final is not None
            before = stream.partial
            ack = await stream.add(seq, pcm, final)
        if ack.final is not None and not had_final:
            await self._interview.save_answer(
                session_id, question_id, ack.final.text, source="voice", transcript=ack.final.model_dump()
            )
            heard = TranscriptHeard(session_id=session_id, question_id=question_id, final=ack.final.text)
            await self._events.publish(heard)
        elif ack.partial != before:
            heard = TranscriptHeard(session_id=session_id, question_id=question_id, partial=ack.partial)
            await self._events.publish(heard)
        return ack

    def _require_current(self, session_id: str, question_id: str) -> int:
        """The current question's time limit (s); `Conflict` when `question_id` is not the current question."""
        view = self._interview.view(session_id)
        current = view.current_question
        if current is None:
            raise Conflict(f"the interview is {view.session.status.value}, not in progress")
        if current.id != question_id:
            raise Conflict(f"question {question_id!r} is not the current question ({current.id!r})")
        return current.time_limit_s

    def discard_answer(self, session_id: str, question_id: str) -> None:
        """A retake: the first recording of this answer is deleted and its stream forgotten (the next starts anew)."""
        self._streams.pop((session_id, question_id), None)
        for path in (self._audio_root / session_id).glob(f"{question_id}.*"):  # .wav, .json, .<seq>.part
            path.unlink(missing_ok=True)

    def forget(self, session_id: str) -> None:
        """Drop in-memory streams of a session (after its audio was deleted)."""
        for key in [k for k in self._streams if k[0] == session_id]:
            del self._streams[key]
            self._locks.pop(key, None)

    def on_event(self, message: EventMessage) -> None:
        """A finalized report or an erasure deleted the session's audio: forget its streams too."""
        if isinstance(message, ReportReady | SessionErased):
            self.forget(message.session_id)

    def purge_abandoned(self, days: int) -> int:
        """Delete the audio of sessions not finalized and untouched for `days`; returns how many."""
        cutoff = time.time() - timedelta(days=days).total_seconds()
        purged = 0
        if not self._audio_root.exists():
            return 0
        for folder in self._audio_root.iterdir():
            newest = max((p.stat().st_mtime for p in folder.iterdir()), default=folder.stat().st_mtime)
            if newest < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
                self.forget(folder.name)
                purged += 1
        if purged:
            log.info(
                "retention: deleted the audio of %d abandoned sessions (older than %s)",
                purged,
                utc_now() - timedelta(days=days),
            )
        return purged
