"""The interviewer's voice: question audio from the cache, synthesized when a template is saved (and
lazily as a fallback), with word timings and the avatar's viseme timeline."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from pydantic import BaseModel

from interviewer.tts.base import SpeechFailed, WordTiming
from interviewer.tts.cache import SpeechCache
from interviewer.tts.visemes import VisemeCue, viseme_timeline

log = logging.getLogger(__name__)


class SpokenText(BaseModel):
    """What a page or API client needs to play a question: where the audio is and when each word falls."""

    provider: str
    media_type: str
    timings: list[WordTiming]
    visemes: list[VisemeCue]
    timing_source: str


class VoiceService:
    def __init__(self, cache: SpeechCache) -> None:
        self.cache = cache
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def provider_name(self) -> str:
        return self.cache.provider.name

    async def speak(self, text: str) -> tuple[SpokenText, Path] | None:
        """The question spoken (from the cache when possible); None if no provider could speak it."""
        try:
            speech, path = await self.cache.get(text)
        except SpeechFailed as error:
            log.warning("question audio failed: %s", error)
            return None
        spoken = SpokenText(
            provider=speech.provider,
            media_type=speech.media_type,
            timings=speech.timings,
            visemes=viseme_timeline(speech.timings),
            timing_source=speech.timing_source,
        )
        return spoken, path

    async def prepare(self, texts: list[str]) -> None:
        """Synthesize questions ahead of time (when a template is saved), one after another."""
        for text in texts:
            await self.speak(text)

    def prepare_soon(self, texts: list[str]) -> None:
        """Start `prepare` in the background when called from the event loop (else the first use synthesizes)."""
        try:
            task = asyncio.get_running_loop().create_task(self.prepare(texts))
        except RuntimeError:
            return
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
