"""What every speech provider returns: audio plus the time of each word."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel


class WordTiming(BaseModel):
    word: str
    start_ms: int
    end_ms: int


class Speech(BaseModel):
    """Synthesized speech. `audio` is empty for the browser provider (the page speaks itself)."""

    audio: bytes
    media_type: str  # audio/wav, audio/mpeg, or "" for the browser
    timings: list[WordTiming]
    provider: str
    timing_source: str  # how the word times were obtained, i.e. how far to trust them

    @property
    def duration_ms(self) -> int:
        return self.timings[-1].end_ms if self.timings else 0


class SpeechFailed(Exception):
    """A provider could not synthesize (offline, timeout, empty output)."""


class TtsProvider(Protocol):
    name: str

    async def synthesize(self, text: str) -> Speech:
        """Speak `text`; raises `SpeechFailed`."""
        ...


def spread_by_weight(words: list[str], weights: list[int], start_ms: int, end_ms: int) -> list[WordTiming]:
    """Word times for a stretch of audio whose only known bounds are its start and end."""
    total = sum(weights) or 1
    timings, cursor = [], float(start_ms)
    for word, weight in zip(words, weights, strict=True):
        span = (end_ms - start_ms) * weight / total
        timings.append(WordTiming(word=word, start_ms=round(cursor), end_ms=round(cursor + span)))
        cursor += span
    return timings


def wav_bytes(pcm: bytes, sample_rate: int) -> bytes:
    """A mono 16-bit WAV file around raw PCM."""
    import io
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)
    return out.getvalue()
