"""`TTS_PROVIDER=auto`: edge-tts when it works, else the offline voice — without making the candidate
wait for edge-tts to fail on every question (a failure is remembered for a while)."""

from __future__ import annotations

import logging
import time

from interviewer.tts.base import Speech, SpeechFailed, TtsProvider

log = logging.getLogger(__name__)


class BrowserTts:
    """`TTS_PROVIDER=browser`: no audio from the server; the page speaks with SpeechSynthesis."""

    name = "browser"

    async def synthesize(self, text: str) -> Speech:
        return Speech(audio=b"", media_type="", timings=[], provider=self.name, timing_source="browser events")


class FallbackTts:
    """Try `primary`; on failure use `fallback` and skip `primary` for `retry_after_s`."""

    def __init__(self, primary: TtsProvider, fallback: TtsProvider, retry_after_s: float = 600) -> None:
        self.primary, self.fallback = primary, fallback
        self.retry_after_s = retry_after_s
        self.name = f"{primary.name}+{fallback.name}"
        self._failed_at: float | None = None

    async def synthesize(self, text: str) -> Speech:
        if self._failed_at is None or time.monotonic() - self._failed_at > self.retry_after_s:
            try:
                speech = await self.primary.synthesize(text)
                self._failed_at = None
                return speech
            except SpeechFailed as error:
                if self._failed_at is None:
                    log.warning(
                        "%s failed (%s); using %s for %.0f min",
                        self.primary.name,
                        error,
                        self.fallback.name,
                        self.retry_after_s / 60,
                    )
                self._failed_at = time.monotonic()
        return await self.fallback.synthesize(text)
