"""Cut a growing 16 kHz PCM16 stream into speech segments with webrtcvad, as the audio arrives.

Frames of 30 ms are classified; a segment opens when most frames of a short window are voiced and
closes after `end_silence_ms` of unvoiced frames. Closed segments are handed out at once so they can be
transcribed while the candidate is still speaking.

Bounded segments. Fluent speech has no 600 ms pauses: webrtcvad called 2 % of the frames of a 60 s Piper
answer unvoiced, and its longest gap (between sentences) lasted 270 ms, so the whole answer was one segment
and was transcribed only after the candidate stopped. A segment is therefore cut once it is
`max_segment_s` long, at its quietest `QUIET_FRAMES` × 30 ms between `max_segment_s / 2` and
`max_segment_s`: in speech that is a gap between words (a sentence gap when there is one), so no word is
split and the pieces join up with no overlap. When the candidate stops, at most `max_segment_s` (on
average about half) is left to transcribe, whatever the length of the answer or its pauses.

Why this and not the alternatives. Waiting for a shorter pause does not help: there are none to wait for
(see above). Re-decoding a growing window and keeping the words two passes agree on costs a Whisper pass
every second or two, and each pass pays the encoder over a padded 30 s window (≈0.5 s of a 2-core
machine's CPU) — several times the work, which 4 candidates on 2 cores cannot afford. Why 8 s: Whisper's
cost per call is mostly fixed (measured under load: 2 s of audio 1.25 s, 8 s 1.85 s), so shorter pieces
save little at the end and cost more in total, and they lose context: on the 60 s Piper answer the word
error rate was 4.0 % for the whole answer at once, 3.6 % with 6 s or 8 s pieces, 4.0 % with 10 s and
4.9 % with 5 s.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import webrtcvad

SAMPLE_RATE = 16_000
FRAME_MS = 30
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * 2
PADDING_MS = 300  # audio kept before the detected start and after the end of a segment
MAX_SEGMENT_S = 8.0  # a longer segment is cut at its quietest point in its second half
QUIET_FRAMES = 3  # the cut goes in the middle of the quietest 90 ms


@dataclass(frozen=True)
class Segment:
    """Byte offsets [start, end) of one stretch of speech in the answer's PCM stream."""

    start: int
    end: int

    @property
    def start_s(self) -> float:
        return self.start / 2 / SAMPLE_RATE

    @property
    def duration_s(self) -> float:
        return (self.end - self.start) / 2 / SAMPLE_RATE


class VadSegmenter:
    """Feed PCM16 bytes in order; collect `Segment`s as they close (at a pause, or cut when too long)."""

    def __init__(
        self,
        aggressiveness: int = 2,
        end_silence_ms: int = 600,
        window_frames: int = 10,
        max_segment_s: float = MAX_SEGMENT_S,
    ) -> None:
        self._vad = webrtcvad.Vad(aggressiveness)
        self._end_silence_frames = max(1, end_silence_ms // FRAME_MS)
        self._window: deque[bool] = deque(maxlen=window_frames)
        self._max_frames = max(2 * QUIET_FRAMES, round(max_segment_s * 1000 / FRAME_MS))
        # energy of the latest frames, enough to cover an open segment up to its maximum length
        self._energy: deque[float] = deque(maxlen=self._max_frames + 1)
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
            samples = np.frombuffer(frame, dtype=np.int16).astype(np.float32)
            self._energy.append(float(np.dot(samples, samples)))
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
            elif self._offset - self._start >= self._max_frames * FRAME_BYTES:
                cut = self._quietest_cut()
                closed.append(Segment(self._start, cut))
                self._start = cut  # the next piece goes on from here: nothing is lost or heard twice
        return closed

    def _quietest_cut(self) -> int:
        """Byte offset in the middle of the quietest `QUIET_FRAMES` frames of the open segment's second half."""
        energy = np.asarray(self._energy)[-self._max_frames :]  # the open segment's frames, oldest first
        first = self._offset // FRAME_BYTES - len(energy)  # frame number of energy[0]
        half = len(energy) // 2
        sums = np.convolve(energy[half:], np.ones(QUIET_FRAMES), mode="valid")
        quietest = first + half + int(np.argmin(sums))
        return (quietest + QUIET_FRAMES // 2 + 1) * FRAME_BYTES

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
