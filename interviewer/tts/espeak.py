"""espeak-ng through libespeak-ng (ctypes): robotic but instant, with exact word times from its events."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import threading

from interviewer.tts.base import Speech, SpeechFailed, WordTiming, wav_bytes

_SYNCHRONOUS = 0x02
_CHARS_UTF8 = 1
_EVENT_WORD = 1
_EVENT_LIST_TERMINATED = 0


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


_Callback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


class EspeakTts:
    """Debian's espeak-ng; the library is global state, so calls are serialized."""

    name = "espeak"
    _lock = threading.Lock()

    def __init__(self, voice: str = "en-us", rate_wpm: int = 160) -> None:
        path = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        try:
            self._lib = ctypes.CDLL(path)
        except OSError as error:
            raise SpeechFailed(f"libespeak-ng not found ({error}); apt-get install espeak-ng") from error
        self._sample_rate = self._lib.espeak_Initialize(_SYNCHRONOUS, 0, None, 0)
        if self._sample_rate <= 0:
            raise SpeechFailed("espeak-ng failed to initialize")
        self._lib.espeak_SetVoiceByName(voice.encode())
        self._lib.espeak_SetParameter(1, rate_wpm, 0)  # espeakRATE

    async def synthesize(self, text: str) -> Speech:
        return await asyncio.to_thread(self._synthesize, text)

    def _synthesize(self, text: str) -> Speech:
        data = text.encode()
        pcm = bytearray()
        words: list[tuple[str, int]] = []  # (word, start ms)

        def collect(wav: ctypes._Pointer[ctypes.c_short], count: int, events: ctypes._Pointer[_Event]) -> int:
            if count > 0:
                pcm.extend(ctypes.string_at(wav, count * 2))
            i = 0
            while events[i].type != _EVENT_LIST_TERMINATED:
                event = events[i]
                if event.type == _EVENT_WORD:
                    start = event.text_position - 1  # 1-based byte position
                    words.append((data[start : start + event.length].decode(errors="replace"), event.audio_position))
                i += 1
            return 0

        callback = _Callback(collect)
        with self._lock:
            self._lib.espeak_SetSynthCallback(callback)
            status = self._lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, _CHARS_UTF8, None, None)
            self._lib.espeak_Synchronize()
        if status != 0 or not pcm:
            raise SpeechFailed(f"espeak-ng produced no audio (status {status})")
        total_ms = len(pcm) * 1000 // 2 // self._sample_rate
        timings = [
            WordTiming(word=word, start_ms=start, end_ms=(words[i + 1][1] if i + 1 < len(words) else total_ms))
            for i, (word, start) in enumerate(words)
        ]
        return Speech(
            audio=wav_bytes(bytes(pcm), self._sample_rate),
            media_type="audio/wav",
            timings=timings,
            provider=self.name,
            timing_source="espeak word events (exact start; end = next word's start)",
        )
