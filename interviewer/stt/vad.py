"""Cut a growing 16 kHz PCM16 stream into speech segments with webrtcvad, as the audio arrives.

Frames of 30 ms are classified; a segment opens when most frames of a short window are voiced and
closes after `end_silence_ms` of unvoiced frames. Closed segments are handed out at once so they can be
transcribed while the candidate is still speaking.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import webrtcvad

SAMPLE_RATE = 16_000
FRAME_MS = 30
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * 2
PADDING_MS = 300  # audio kept before the detected start and after the end of a segment


@dataclass(frozen=True)
class Segment:
    """Byte offsets [start, end) of one stretch of speech in the answer's PCM stream."""

    start: int
    end: int

    @property
    def start_s(self) -> float:
        return self.start / 2 / SAMPLE_RATE


class VadSegmenter:
    """Feed PCM16 bytes in order; collect `Segment`s as they close."""

    def __init__(self, aggressiveness: int = 2, end_silence_ms: int = 600, window_frames: int = 10) -> None:
        self._vad = webrtcvad.Vad(aggressiveness)
        self._end_silence_frames = max(1, end_silence_ms // FRAME_MS)
        self._window: deque[bool] = deque(maxlen=window_frames)
        self._buffer = b""
        self._offset = 0  # bytes consumed so far
        self._start: int | None = None
        self._silent_frames = 0

    def feed(self, pcm: bytes) -> list[Segment]:
        """Consume more audio; returns the segments that closed within it."""
        self._buffer += pcm
        closed = []
        while len(self._buffer) >= FRAME_BYTES:
            frame, self._buffer = self._buffer[:FRAME_BYTES], self._buffer[FRAME_BYTES:]
            voiced = self._vad.is_speech(frame, SAMPLE_RATE)
            self._window.append(voiced)
            frame_start = self._offset
            self._offset += FRAME_BYTES
            if self._start is None:
                if sum(self._window) > 0.6 * (self._window.maxlen or 1):
                    pad = len(self._window) * FRAME_BYTES + _ms_to_bytes(PADDING_MS)
                    self._start = max(0, frame_start - pad)
                    self._silent_frames = 0
                continue
            self._silent_frames = 0 if voiced else self._silent_frames + 1
            if self._silent_frames >= self._end_silence_frames:
                end = self._offset - (self._silent_frames * FRAME_BYTES) + _ms_to_bytes(PADDING_MS)
                closed.append(Segment(self._start, min(end, self._offset)))
                self._start = None
                self._window.clear()
        return closed

    def flush(self) -> Segment | None:
        """At the end of the answer: the segment still open, if any."""
        total = self._offset + len(self._buffer)
        if self._start is None:
            return None
        segment = Segment(self._start, total)
        self._start = None
        return segment


def _ms_to_bytes(ms: int) -> int:
    return SAMPLE_RATE * ms // 1000 * 2
