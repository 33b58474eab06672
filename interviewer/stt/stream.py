"""One spoken answer arriving in numbered chunks: durable storage, ordering, and live transcription.

Chunks are written to disk before they are acknowledged: the contiguous prefix goes into
`<question_id>.wav`, chunks that arrive ahead of a gap wait in `<question_id>.<seq>.part`, and a small
`<question_id>.json` records how far the WAV is valid. A repeated chunk is acknowledged again without
being stored twice; the acknowledgement lists the sequence numbers still missing.

Bounds, so that nobody can fill the disk through an interview: a chunk may run at most MAX_AHEAD sequence
numbers ahead of the first missing one (422 otherwise; the list of missing numbers stays short), and an
answer keeps at most `max_bytes` of audio — its time limit plus slack, see `SpeechService` (413 beyond).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import struct
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from interviewer.errors import Invalid, TooLarge
from interviewer.stt.backend import SegmentTranscriber
from interviewer.stt.transcriber import SegmentText, Word
from interviewer.stt.vad import SAMPLE_RATE, Segment, VadSegmenter

PAUSE_S = 0.8  # a silence between words at least this long counts as a pause
MAX_AHEAD = 240  # chunks (2 minutes of 0.5 s chunks) past the first missing one


class Transcript(BaseModel):
    """The final transcript of one spoken answer and the speech features scoring uses."""

    text: str
    words: list[dict[str, float | str]]
    duration_s: float
    speech_s: float
    words_per_minute: float | None
    pauses: list[dict[str, float]]
    no_speech: bool


@dataclass(frozen=True)
class ChunkAck:
    seq: int
    partial: str
    final: Transcript | None
    missing: list[int]


class AnswerAudio:
    """The durable chunk store of one answer."""

    def __init__(self, folder: Path, question_id: str, max_bytes: int | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.max_bytes = max_bytes
        self.wav = folder / f"{question_id}.wav"
        self._meta = folder / f"{question_id}.json"
        self._prefix = question_id
        meta = json.loads(self._meta.read_text()) if self._meta.exists() else {"next_seq": 0, "bytes": 0}
        self.next_seq: int = meta["next_seq"]
        self.final_seq: int | None = meta.get("final_seq")
        self._bytes: int = meta["bytes"]
        self._open_wav()

    def _open_wav(self) -> None:
        if not self.wav.exists():
            self.wav.write_bytes(_wav_header(0))
        with self.wav.open("r+b") as f:
            f.truncate(44 + self._bytes)  # drop a half-written append from before a crash

    def store(self, seq: int, pcm: bytes, final: bool) -> list[bytes]:
        """Keep a chunk; returns the audio that became contiguous (in order), possibly none.

        Raises `Invalid` for a chunk too far ahead and `TooLarge` past the answer's audio budget (nothing kept)."""
        if seq < self.next_seq or self._part(seq).exists():
            if final:
                self.final_seq = seq
            self._save_meta()
            return []
        if seq - self.next_seq > MAX_AHEAD:
            raise Invalid(
                f"chunk {seq} is more than {MAX_AHEAD} ahead of the first missing one ({self.next_seq}): "
                "send the missing chunks first"
            )
        if self.max_bytes is not None and self._stored_bytes() + len(pcm) > self.max_bytes:
            raise TooLarge(
                f"this answer's audio would exceed {self.max_bytes} bytes "
                f"({self.max_bytes / (SAMPLE_RATE * 2):.0f} s, the time limit with slack)"
            )
        if final:
            self.final_seq = seq
        if seq > self.next_seq:
            self._part(seq).write_bytes(pcm)
            self._save_meta()
            return []
        appended = [pcm]
        self._append(pcm)
        while (part := self._part(self.next_seq)).exists():
            data = part.read_bytes()
            self._append(data)
            part.unlink()
            appended.append(data)
        return appended

    def _append(self, pcm: bytes) -> None:
        with self.wav.open("r+b") as f:
            f.seek(44 + self._bytes)
            f.write(pcm)
            self._bytes += len(pcm)
            f.seek(0)
            f.write(_wav_header(self._bytes))
        self.next_seq += 1
        self._save_meta()

    def _save_meta(self) -> None:
        meta = {"next_seq": self.next_seq, "bytes": self._bytes, "final_seq": self.final_seq}
        tmp = self._meta.with_suffix(".tmp")
        tmp.write_text(json.dumps(meta))
        tmp.replace(self._meta)

    def _stored_bytes(self) -> int:
        return self._bytes + sum(p.stat().st_size for p in self.folder.glob(f"{self._prefix}.*.part"))

    def _part(self, seq: int) -> Path:
        return self.folder / f"{self._prefix}.{seq}.part"

    def missing(self) -> list[int]:
        """Sequence numbers not yet received, below the highest one seen (or the final one)."""
        waiting = sorted(int(p.name.split(".")[-2]) for p in self.folder.glob(f"{self._prefix}.*.part"))
        last = self.final_seq if self.final_seq is not None else (waiting[-1] if waiting else self.next_seq - 1)
        present = set(waiting)
        return [s for s in range(self.next_seq, last + 1) if s not in present]

    @property
    def complete(self) -> bool:
        return self.final_seq is not None and self.next_seq > self.final_seq

    def pcm(self) -> bytes:
        with self.wav.open("rb") as f:
            f.seek(44)
            return f.read(self._bytes)


class AnswerStream:
    """Transcribes each closed VAD segment at once; at the end only the last segment is left to do.

    The segmenter bounds segments (see `interviewer.stt.vad`), so "the last segment" is at most a few
    seconds of audio however long the answer is and however the candidate pauses.
    """

    def __init__(self, audio: AnswerAudio, transcriber: SegmentTranscriber, vad: VadSegmenter) -> None:
        self.audio = audio
        self._transcriber = transcriber
        self._vad = vad
        self._pcm = bytearray()
        self._segments: list[tuple[Segment, asyncio.Task[SegmentText]]] = []
        self.final: Transcript | None = None
        self._consume(audio.pcm())  # after a restart: pick up what is already on disk

    def _consume(self, pcm: bytes) -> None:
        self._pcm.extend(pcm)
        for segment in self._vad.feed(pcm):
            self._segments.append((segment, self._start(segment)))

    def _start(self, segment: Segment, *, last: bool = False) -> asyncio.Task[SegmentText]:
        """Transcribe a segment in the background; the answer's last one greedily, as the candidate is waiting."""
        audio = bytes(self._pcm[segment.start : segment.end])
        return asyncio.ensure_future(self._transcriber.transcribe(audio, segment.start_s, greedy=last))

    async def add(self, seq: int, pcm: bytes, final: bool) -> ChunkAck:
        """Store a chunk, feed what became contiguous to the VAD, and finish if the answer is complete."""
        for data in self.audio.store(seq, pcm, final):
            self._consume(data)
        if self.final is None and self.audio.complete:
            self.final = await self._finish()
        return ChunkAck(seq, self.partial, self.final, self.audio.missing())

    @property
    def partial(self) -> str:
        """Text of the segments transcribed so far."""
        done = [t.result() for _, t in self._segments if t.done() and not t.cancelled() and not t.exception()]
        return " ".join(s.text for s in done if s.text)

    async def _finish(self) -> Transcript:
        """Wait for every segment; one that failed is tried again, so a retried final chunk can succeed."""
        if (last := self._vad.flush()) is not None:
            self._segments.append((last, self._start(last, last=True)))
        self._segments = [
            (segment, self._start(segment) if task.done() and (task.cancelled() or task.exception()) else task)
            for segment, task in self._segments
        ]
        results = await asyncio.gather(*(task for _, task in self._segments), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return build_transcript([r for r in results if isinstance(r, SegmentText)], len(self._pcm) / 2 / SAMPLE_RATE)


def build_transcript(segments: list[SegmentText], duration_s: float) -> Transcript:
    """Join segment texts and derive speaking rate and pauses from the word timings."""
    words: list[Word] = [w for s in segments for w in s.words]
    text = " ".join(s.text for s in segments if s.text).strip()
    speech_s = sum(s.end - s.start for s in segments)
    pauses = [
        {"at": round(a.end, 2), "duration": round(b.start - a.end, 2)}
        for a, b in itertools.pairwise(words)
        if b.start - a.end >= PAUSE_S
    ]
    spoken = (words[-1].end - words[0].start) if words else 0.0
    return Transcript(
        text=text,
        words=[{"word": w.word, "start": w.start, "end": w.end, "probability": w.probability} for w in words],
        duration_s=round(duration_s, 2),
        speech_s=round(speech_s, 2),
        words_per_minute=round(len(words) / spoken * 60, 1) if spoken > 1 else None,
        pauses=pauses,
        no_speech=not text,
    )


def _wav_header(data_bytes: int) -> bytes:
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, SAMPLE_RATE, SAMPLE_RATE * 2, 2, 16)
        + b"data"
        + struct.pack("<I", data_bytes)
    )
