"""What an answer stream needs from speech recognition, whoever does it.

Two implementations: `Transcriber` (the model in this process, `STT_BACKEND=inprocess`) and `QueueTranscriber`
(worker processes behind a Redis task queue, `STT_BACKEND=queue`). `main.py` picks one from settings.
"""

from __future__ import annotations

from typing import Protocol

from interviewer.stt.transcriber import SegmentText, SttState


class SegmentTranscriber(Protocol):
    @property
    def state(self) -> SttState:
        """off | loading | ready | error (for the queue: ready while a worker is live)."""

    @property
    def detail(self) -> str:
        """A line for people: what was loaded, how long it took, or what went wrong."""

    def require_available(self) -> None:
        """Raise `SpeechUnavailable` when speech cannot be recognized here and retrying will not help."""

    def admit_new_answer(self) -> None:
        """Raise `Busy` when a new spoken answer should wait (queue full, nothing ready yet)."""

    async def transcribe(self, pcm: bytes, offset_s: float, *, greedy: bool = False) -> SegmentText:
        """The words in one segment of 16 kHz PCM16; times shifted by `offset_s`; `greedy` for a last piece."""
