"""The one faster-whisper model of the process, loaded once and shared by all sessions.

Transcription runs in a small thread pool (never on the event loop). The number of segments waiting
for a worker is bounded: past the bound, new answers are told to retry (`Busy`) instead of queueing
without limit. When there is no model (`WHISPER_MODEL=none`) or it failed to load, every request says so
at once (`SpeechUnavailable`): nothing waits for a model that will not come.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from interviewer.stt.model import ModelNotAvailable, resolve_model
from interviewer.stt.priority_gate import PriorityGate
from interviewer.stt.vad import SAMPLE_RATE

log = logging.getLogger(__name__)

SttState = Literal["off", "loading", "ready", "error"]


class Busy(Exception):
    """Too many segments are waiting for a worker; retry after `retry_after_s`."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__("speech recognition is busy, retrying")
        self.retry_after_s = retry_after_s


class SpeechUnavailable(Exception):
    """There is no speech model (off, or it failed to load): answers must be typed; retrying will not help."""

    def __init__(self, state: str, detail: str) -> None:
        reason = "it is turned off (WHISPER_MODEL=none)" if state == "off" else f"the model failed to load ({detail})"
        super().__init__(f"speech recognition is unavailable on this server: {reason}; please type the answer")
        self.state = state


@dataclass(frozen=True)
class Word:
    word: str
    start: float  # seconds from the start of the answer
    end: float
    probability: float


@dataclass(frozen=True)
class SegmentText:
    """What Whisper heard in one speech segment, with times relative to the whole answer."""

    text: str
    start: float
    end: float
    words: list[Word] = field(default_factory=list)


# A segment that is probably not speech (no-speech probability above this) and decoded with little confidence
# (mean log-probability below faster-whisper's -1.0) is dropped. Whisper's own 0.6 let through the phrases it makes up
# in the silence after an answer ("So", "We'll see you in the next video."), whose no-speech probability was 0.50–0.56
# while real speech's was 0.01–0.02: with 0.4, 1 of 56 clips kept one (31 before).
NO_SPEECH_THRESHOLD = 0.4
SHORT_WINDOW_FRAMES = 1000  # 10 s of log-mel frames: our pieces are at most ≈ 8.6 s (see interviewer.stt.vad)
WINDOW_MARGIN_FRAMES = 100  # at least 1 s of padding after the audio stays in the window


def short_window_model(model_path: str, workers: int) -> Any:
    """Whisper that reads a short piece in a 10 s window instead of the 30 s one.

    faster-whisper pads every window to 30 s of features with zero columns, so the encoder costs the same for a
    4 s piece as for 30 s of speech. When the audio ends at least `WINDOW_MARGIN_FRAMES` before 10 s, only the
    first 10 s go through the encoder: 2–4× faster per piece, same word error rate on our fluent-speech bench
    (bench/stt_latency.py; whisper.cpp's `audio_ctx` does the same). Longer audio keeps the 30 s window.
    """
    from faster_whisper import WhisperModel

    class ShortWindowWhisper(WhisperModel):  # type: ignore[misc]
        def encode(self, features: np.ndarray) -> Any:
            if isinstance(features, np.ndarray) and features.shape[-1] > SHORT_WINDOW_FRAMES:
                columns = np.abs(features).reshape(-1, features.shape[-1]).max(axis=0)
                audio_frames = int(np.flatnonzero(columns)[-1]) + 1 if columns.any() else 0
                if audio_frames + WINDOW_MARGIN_FRAMES <= SHORT_WINDOW_FRAMES:
                    features = np.ascontiguousarray(features[..., :SHORT_WINDOW_FRAMES])
            return super().encode(features)

    return ShortWindowWhisper(model_path, device="cpu", compute_type="int8", num_workers=workers)


class Transcriber:
    """Owns the model and the worker pool."""

    def __init__(self, model_setting: str, workers: int = 2, queue_limit: int = 8, beam_size: int = 5) -> None:
        self.model_setting = model_setting
        self.state: SttState = "off" if model_setting == "none" else "loading"
        self.detail = ""
        self._workers = workers
        self._queue_limit = queue_limit
        self._beam_size = beam_size
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="whisper")
        self._gate = PriorityGate(workers)  # answers' last pieces first
        self._model: Any = None
        self._pending = 0
        self._settled = asyncio.Event()  # set once loading ended, ready or not

    def check_available(self) -> str:
        """Resolve the model setting now (fast); raises `ModelNotAvailable` with what to set instead."""
        try:
            return resolve_model(self.model_setting)
        except OSError as error:
            raise ModelNotAvailable(str(error)) from error

    async def load(self, model_path: str) -> None:
        """Load and warm up the model in a worker thread; `state` says how far it got."""
        started = time.perf_counter()
        try:
            await asyncio.get_running_loop().run_in_executor(self._pool, self._load_blocking, model_path)
        except Exception as error:  # a broken model must not take the app down: typed answers still work
            self.state, self.detail = "error", f"{type(error).__name__}: {error}"
            log.error("speech model failed to load: %s", self.detail)
            self._settled.set()
            return
        self.state, self.detail = "ready", f"{self.model_setting} loaded in {time.perf_counter() - started:.1f} s"
        self._settled.set()
        log.info("speech model ready: %s", self.detail)

    def _load_blocking(self, model_path: str) -> None:
        self._model = short_window_model(model_path, self._workers)
        self._model.transcribe(np.zeros(SAMPLE_RATE, dtype=np.float32), beam_size=1)  # warm-up

    @property
    def busy(self) -> bool:
        return self._pending >= self._queue_limit

    def require_available(self) -> None:
        """Raise `SpeechUnavailable` when there is no model and will be none (off, or failed to load)."""
        if self.state in ("off", "error"):
            raise SpeechUnavailable(self.state, self.detail)

    def admit_new_answer(self) -> None:
        """Raise `Busy` when the queue is full (or the model is still loading), so a new answer waits."""
        self.require_available()
        if self.state != "ready":
            raise Busy(2)
        if self.busy:
            raise Busy(1 + self._pending // max(1, self._workers))

    async def transcribe(self, pcm: bytes, offset_s: float, *, greedy: bool = False) -> SegmentText:
        """Transcribe one segment of PCM16 audio; times are shifted by `offset_s`. `greedy` is for an answer's last
        piece, which the candidate waits for: it goes before waiting pieces of answers still being spoken, and is
        decoded with beam 1 (≈ 30 % faster on a 6 s piece).

        While the model loads, this waits for it; if it then fails (or there is none), `SpeechUnavailable`.
        """
        self.require_available()
        await self._settled.wait()
        self.require_available()
        self._pending += 1
        try:
            loop = asyncio.get_running_loop()
            beam_size = 1 if greedy else self._beam_size
            async with self._gate.slot(urgent=greedy):
                return await loop.run_in_executor(self._pool, self._transcribe_blocking, pcm, offset_s, beam_size)
        finally:
            self._pending -= 1

    def _transcribe_blocking(self, pcm: bytes, offset_s: float, beam_size: int) -> SegmentText:
        audio = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
        segments, _info = self._model.transcribe(
            audio,
            beam_size=beam_size,
            language="en",
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=True,  # Silero VAD inside faster-whisper: drops noise that webrtcvad let through
            no_speech_threshold=NO_SPEECH_THRESHOLD,
        )
        words: list[Word] = []
        texts: list[str] = []
        for segment in segments:
            texts.append(segment.text.strip())
            words.extend(
                Word(w.word.strip(), round(offset_s + w.start, 2), round(offset_s + w.end, 2), round(w.probability, 3))
                for w in segment.words or []
            )
        duration = len(pcm) / 2 / SAMPLE_RATE
        return SegmentText(" ".join(t for t in texts if t), round(offset_s, 2), round(offset_s + duration, 2), words)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
