"""edge-tts: Microsoft's online neural voices (needs internet; LGPL-3). Word times from its WordBoundary
events (exact, 100 ns ticks)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from interviewer.tts.base import Speech, SpeechFailed, WordTiming

TICKS_PER_MS = 10_000


class EdgeTts:
    name = "edge"

    def __init__(self, voice: str, timeout_s: float = 8.0) -> None:
        self.voice = voice
        self.timeout_s = timeout_s

    async def synthesize(self, text: str) -> Speech:
        try:
            events = await asyncio.wait_for(self._stream(text), self.timeout_s)
        except (TimeoutError, OSError, ValueError) as error:  # aiohttp's errors are OSErrors
            raise SpeechFailed(f"edge-tts: {type(error).__name__}") from error
        return speech_from_events(events)

    async def _stream(self, text: str) -> list[dict[str, Any]]:
        import edge_tts

        communicate = edge_tts.Communicate(text, self.voice, boundary="WordBoundary")
        return [dict(event) async for event in communicate.stream()]


def speech_from_events(events: Iterable[dict[str, Any]]) -> Speech:
    """Join the MP3 audio and turn WordBoundary events into word times; no audio is a failure."""
    audio, timings = bytearray(), []
    for event in events:
        if event.get("type") == "audio":
            audio.extend(event["data"])
        elif event.get("type") == "WordBoundary":
            start = int(event["offset"]) // TICKS_PER_MS
            timings.append(
                WordTiming(
                    word=str(event["text"]), start_ms=start, end_ms=start + int(event["duration"]) // TICKS_PER_MS
                )
            )
    if not audio:
        raise SpeechFailed("edge-tts returned no audio")
    return Speech(
        audio=bytes(audio),
        media_type="audio/mpeg",
        timings=timings,
        provider="edge",
        timing_source="edge-tts WordBoundary events (exact)",
    )
