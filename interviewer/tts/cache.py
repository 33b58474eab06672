"""Question audio cached on disk by hash of (text, voice, provider): asking a question costs no synthesis.

Files are written to a temporary name and renamed, so a failed or partial synthesis is never served.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import defaultdict
from pathlib import Path

from interviewer.tts.base import Speech, SpeechFailed, TtsProvider, WordTiming

EXTENSIONS = {"audio/wav": "wav", "audio/mpeg": "mp3", "": "none"}


class SpeechCache:
    def __init__(self, root: Path, provider: TtsProvider, voice: str) -> None:
        self.root = root
        self.provider = provider
        self.voice = voice
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{text}\x00{self.voice}\x00{self.provider.name}".encode()).hexdigest()[:32]

    def _meta(self, key: str) -> Path:
        return self.root / f"{key}.json"

    def cached(self, key: str) -> tuple[Speech, Path] | None:
        """The cached speech for `key` and its audio file, if complete."""
        meta = self._meta(key)
        if not meta.exists():
            return None
        info = json.loads(meta.read_text())
        audio = self.root / f"{key}.{EXTENSIONS.get(info['media_type'], 'bin')}"
        if info["media_type"] and (not audio.exists() or audio.stat().st_size == 0):
            return None
        speech = Speech(
            audio=b"",  # read from the file when served
            media_type=info["media_type"],
            timings=[WordTiming(**t) for t in info["timings"]],
            provider=info["provider"],
            timing_source=info["timing_source"],
        )
        return speech, audio

    def forget(self, text: str) -> int:
        """Delete the cached speech of `text` (a follow-up may quote the candidate); returns files deleted."""
        files = list(self.root.glob(f"{self.key(text)}.*")) if self.root.exists() else []
        for path in files:
            path.unlink(missing_ok=True)
        return len(files)

    async def get(self, text: str) -> tuple[Speech, Path]:
        """Cached speech for `text`, synthesizing it once if needed; raises `SpeechFailed`."""
        key = self.key(text)
        async with self._locks[key]:
            if (hit := self.cached(key)) is not None:
                return hit
            speech = await self.provider.synthesize(text)
            if speech.media_type and not speech.audio:
                raise SpeechFailed(f"{speech.provider} returned empty audio")
            self.root.mkdir(parents=True, exist_ok=True)
            audio = self.root / f"{key}.{EXTENSIONS.get(speech.media_type, 'bin')}"
            if speech.audio:
                partial = audio.with_suffix(".partial")
                partial.write_bytes(speech.audio)
                partial.replace(audio)
            meta = speech.model_dump(exclude={"audio"})
            partial_meta = self._meta(key).with_suffix(".partial")
            partial_meta.write_text(json.dumps(meta))
            partial_meta.replace(self._meta(key))
            return speech, audio
