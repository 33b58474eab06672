"""The interviewer's voice: real synthesis by each provider that runs here, the fallback, the cache, visemes."""

from __future__ import annotations

import io
import wave
from pathlib import Path
from typing import Any

import httpx
import pytest

from interviewer.tts.base import Speech, SpeechFailed, WordTiming
from interviewer.tts.cache import SpeechCache
from interviewer.tts.edge import EdgeTts, speech_from_events
from interviewer.tts.espeak import EspeakTts
from interviewer.tts.fallback import FallbackTts
from interviewer.tts.piper_voice import PiperTts
from interviewer.tts.visemes import viseme_timeline, word_visemes
from tests.conftest import AppProcess
from tests.helpers import create_template, start

QUESTION = "Tell me about a backend system you built. What was your part in it?"


def wav_seconds(audio: bytes) -> float:
    with wave.open(io.BytesIO(audio)) as wav:
        return float(wav.getnframes() / wav.getframerate())


@pytest.mark.parametrize("provider", [EspeakTts(), PiperTts()], ids=["espeak", "piper"])
async def test_offline_providers_speak_with_word_timings(provider: Any) -> None:
    speech = await provider.synthesize(QUESTION)
    assert speech.media_type == "audio/wav"
    assert [t.word.strip(".?") for t in speech.timings] == [w.strip(".?") for w in QUESTION.split()]
    starts = [t.start_ms for t in speech.timings]
    assert starts == sorted(starts)
    assert all(t.end_ms > t.start_ms for t in speech.timings)
    assert abs(speech.timings[-1].end_ms / 1000 - wav_seconds(speech.audio)) < 0.5


async def test_piper_is_deterministic() -> None:
    voice = PiperTts()
    assert (await voice.synthesize("Hello there.")).audio == (await voice.synthesize("Hello there.")).audio


class OfflineEdge:
    """Stands in for edge-tts where it has no network, counting how often it is tried."""

    name = "edge"

    def __init__(self) -> None:
        self.calls = 0

    async def synthesize(self, text: str) -> Speech:
        self.calls += 1
        raise SpeechFailed("offline")


async def test_edge_tts_fails_offline() -> None:
    with pytest.raises(SpeechFailed):
        await EdgeTts("en-US-AriaNeural", timeout_s=10).synthesize(QUESTION)  # no route to its service here


async def test_auto_falls_back_and_remembers_the_failure() -> None:
    edge = OfflineEdge()
    auto = FallbackTts(edge, EspeakTts())
    assert (await auto.synthesize(QUESTION)).provider == "espeak"
    assert (await auto.synthesize("Another question?")).provider == "espeak"
    assert edge.calls == 1  # the candidate does not wait for edge-tts to fail on every question


def test_edge_word_boundaries_are_parsed_from_recorded_events() -> None:
    events: list[
        dict[str, Any]
    ] = [  # as edge-tts 7.x streams them with boundary="WordBoundary" (offsets in 100 ns ticks)
        {"type": "WordBoundary", "offset": 1_000_000, "duration": 3_125_000, "text": "Tell"},
        {"type": "audio", "data": b"\xff\xf3" * 50},
        {"type": "WordBoundary", "offset": 4_375_000, "duration": 1_250_000, "text": "me"},
        {"type": "audio", "data": b"\xff\xf3" * 50},
    ]
    speech = speech_from_events(events)
    assert speech.media_type == "audio/mpeg"
    assert speech.timings == [
        WordTiming(word="Tell", start_ms=100, end_ms=412),
        WordTiming(word="me", start_ms=437, end_ms=562),
    ]
    with pytest.raises(SpeechFailed):
        speech_from_events([{"type": "WordBoundary", "offset": 0, "duration": 1, "text": "x"}])  # no audio


class CountingVoice:
    name = "counting"

    def __init__(self, fail: bool = False) -> None:
        self.fail, self.calls = fail, 0

    async def synthesize(self, text: str) -> Speech:
        self.calls += 1
        if self.fail:
            return Speech(audio=b"", media_type="audio/wav", timings=[], provider=self.name, timing_source="-")
        return await EspeakTts().synthesize(text)


async def test_the_cache_synthesizes_once_and_keeps_nothing_of_a_failure(tmp_path: Path) -> None:
    voice = CountingVoice()
    cache = SpeechCache(tmp_path / "tts", voice, "en-us")
    first, path = await cache.get(QUESTION)
    again, same_path = await cache.get(QUESTION)
    assert voice.calls == 1
    assert same_path == path
    assert again.timings == first.timings
    assert path.stat().st_size > 1000

    broken = SpeechCache(tmp_path / "broken", CountingVoice(fail=True), "en-us")
    with pytest.raises(SpeechFailed):
        await broken.get(QUESTION)
    assert not (tmp_path / "broken").exists() or not list((tmp_path / "broken").iterdir())


def test_visemes_follow_the_spelling_and_fill_the_gaps() -> None:
    assert word_visemes("mom") == ["closed", "round", "closed"]
    assert word_visemes("five") == ["teeth", "wide", "teeth", "wide"]
    cues = viseme_timeline(
        [WordTiming(word="be", start_ms=100, end_ms=300), WordTiming(word="ma", start_ms=400, end_ms=600)]
    )
    assert [(c.start_ms, c.end_ms, c.viseme) for c in cues] == [
        (0, 100, "rest"),
        (100, 200, "closed"),
        (200, 300, "wide"),
        (300, 400, "rest"),
        (400, 500, "closed"),
        (500, 600, "open"),
    ]


def test_questions_come_with_audio_only_for_their_session(app_process: AppProcess) -> None:
    with app_process.client() as client:
        family_id = create_template(client)["family_id"]
        mine, other = start(client, family_id), start(client, family_id)
        question = mine["questions"][0]
        assert question["audio_url"] == f"/interview/{mine['session_id']}/audio/q-pipeline"
        assert question["timings"][0]["word"] == "Describe"
        audio = client.get(question["audio_url"], headers={"Authorization": f"Bearer {mine['ws_token']}"})
        foreign = client.get(question["audio_url"], headers={"Authorization": f"Bearer {other['ws_token']}"})
        anonymous = httpx.get(f"{app_process.url}{question['audio_url']}")
    assert audio.status_code == 200
    assert audio.headers["content-type"] == "audio/wav"
    assert audio.content.startswith(b"RIFF")
    assert foreign.status_code == 403
    assert anonymous.status_code == 401
