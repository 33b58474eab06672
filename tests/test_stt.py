"""Spoken answers through `/stt/stream` with the real Whisper model and synthesized speech."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from interviewer.stt.priority_gate import PriorityGate
from interviewer.stt.vad import MAX_SEGMENT_S, VadSegmenter
from tests.audio import FLUENT_ANSWER, SENTENCES, piper_speech, sox_make, spoken_answer, word_error_rate
from tests.browser import begin_interview, chromium, wait_for_text
from tests.conftest import AppProcess
from tests.helpers import (
    CHUNK_BYTES,
    RAW,
    TEMPLATE,
    chunks_of,
    create_template,
    invite,
    pcm_of,
    receive_until,
    send_chunk,
    start,
    ws_connect,
)


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return spoken_answer(tmp_path_factory.mktemp("speech"))


FLUENT_PART = " ".join(FLUENT_ANSWER.split(". ")[:5]) + "."  # ≈30 s of speech without a pause over 0.3 s


@pytest.fixture(scope="module")
def fluent_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return piper_speech(FLUENT_PART, tmp_path_factory.mktemp("fluent") / "fluent.wav")


def test_a_spoken_answer_is_transcribed_accurately(stt_app: AppProcess, answer_wav: Path) -> None:
    with stt_app.client() as client:
        started = start(client, create_template(client)["family_id"])
        with ws_connect(stt_app, started["session_id"], started["ws_token"]) as ws:
            chunks = chunks_of(pcm_of(answer_wav))
            partials = []
            for seq, chunk in enumerate(chunks):
                time.sleep(0.25)  # twice real time: earlier segments finish while later ones arrive
                response = send_chunk(client, started, seq, chunk, final=seq == len(chunks) - 1)
                assert response.status_code == 200, response.text
                partials.append(response.json()["partial"])
            body = response.json()
            pushed = receive_until(ws, "transcript")
    reference = " ".join(SENTENCES)
    assert body["missing"] == []
    assert word_error_rate(reference, body["final"]) <= 0.15, body["final"]
    assert any(partials[:-1]), "earlier segments are transcribed while the answer goes on"
    assert body["transcript"]["words_per_minute"] > 60
    assert body["transcript"]["words"][0]["start"] >= 0.5  # the answer starts after 1 s of silence
    assert "partial" in pushed or "final" in pushed


def test_retries_reordering_and_gaps_lose_nothing(stt_app: AppProcess, answer_wav: Path) -> None:
    chunks = chunks_of(pcm_of(answer_wav))
    last = len(chunks) - 1
    with stt_app.client() as client:
        started = start(client, create_template(client)["family_id"])
        assert send_chunk(client, started, 0, chunks[0]).json()["missing"] == []
        assert send_chunk(client, started, 0, chunks[0]).status_code == 200  # the same chunk again
        gap = send_chunk(client, started, 2, chunks[2]).json()
        assert gap["missing"] == [1]  # a gap is reported
        assert gap["missing_ranges"] == [[1, 1]]
        for seq in range(last, 2, -1):  # the rest arrives backwards, the final first
            response = send_chunk(client, started, seq, chunks[seq], final=seq == last)
        assert response.json()["final"] is None
        assert response.json()["missing"] == [1]
        done = send_chunk(client, started, 1, chunks[1]).json()  # the lost chunk is re-sent
        assert done["missing"] == []
        assert word_error_rate(" ".join(SENTENCES), done["final"]) <= 0.15
        again = send_chunk(client, started, last, chunks[last], final=True).json()
    assert again["final"] == done["final"]
    stored = Path(stt_app.env["STORAGE_DIR"]) / "audio" / started["session_id"] / "q-pipeline.wav"
    assert pcm_of(stored) == pcm_of(answer_wav)[: len(b"".join(chunks))]


def test_a_connection_dropped_mid_chunk_loses_nothing(stt_app: AppProcess, answer_wav: Path) -> None:
    chunks = chunks_of(pcm_of(answer_wav))
    with stt_app.client() as client:
        started = start(client, create_template(client)["family_id"])
        query = f"session_id={started['session_id']}&question_id=q-pipeline&seq=0&final=false"
        with socket.create_connection(("127.0.0.1", stt_app.port)) as raw:  # half a body, then hang up
            raw.sendall(
                f"POST /stt/stream?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {started['ws_token']}\r\nContent-Type: {RAW}\r\n"
                f"Content-Length: {len(chunks[0])}\r\n\r\n".encode()
                + chunks[0][: len(chunks[0]) // 2]
            )
        for seq, chunk in enumerate(chunks):  # the client retries from the first unacknowledged chunk
            body = send_chunk(client, started, seq, chunk, final=seq == len(chunks) - 1).json()
    assert word_error_rate(" ".join(SENTENCES), body["final"]) <= 0.15


def test_silence_and_noise_give_an_empty_transcript(stt_app: AppProcess, tmp_path: Path) -> None:
    with stt_app.client() as client:
        noise = sox_make(tmp_path / "noise.wav", "whitenoise", "vol", "0.3")
        for signal in (sox_make(tmp_path / "silence.wav"), noise):
            started = start(client, create_template(client)["family_id"])
            body = send_chunk(client, started, 0, signal.read_bytes(), final=True, content_type="audio/wav").json()
            assert body["final"] == ""
            assert body["transcript"]["no_speech"] is True


def test_bad_audio_gets_a_clear_error(stt_app: AppProcess, tmp_path: Path) -> None:
    with stt_app.client() as client:
        family_id = create_template(client)["family_id"]
        started, other = start(client, family_id), start(client, family_id)
        narrowband = sox_make(tmp_path / "8k.wav", "sine", "440", rate=8000).read_bytes()
        cases = {
            "8 kHz WAV": (send_chunk(client, started, 0, narrowband, content_type="audio/wav"), 415, "16000 Hz"),
            "truncated WAV": (send_chunk(client, started, 0, narrowband[:30], content_type="audio/wav"), 422, "WAV"),
            "webm": (send_chunk(client, started, 0, b"\x1aE\xdf\xa3", content_type="audio/webm"), 415, "audio/L16"),
            "odd bytes": (send_chunk(client, started, 0, b"\x00" * 3), 422, "even"),
            "50 MB": (send_chunk(client, started, 0, b"\x00" * 50_000_000), 413, "larger"),
            "negative seq": (send_chunk(client, started, -1, b"\x00" * 2), 422, "seq"),
            "another session": (send_chunk(client, other, 0, b"\x00" * 2, token=started["ws_token"]), 403, "another"),
            "no token": (
                client.post("/stt/stream", params={"session_id": other["session_id"], "question_id": "q", "seq": 0}),
                401,
                "token",
            ),
            "not the current question": (send_chunk(client, started, 0, b"\x00" * 2, question=1), 409, "current"),
        }
    for name, (response, status, words) in cases.items():
        assert response.status_code == status, f"{name}: {response.status_code} {response.text}"
        assert words in json.dumps(response.json()), f"{name}: {response.text}"


def test_finalizing_deletes_the_audio_and_says_so(stt_app: AppProcess, answer_wav: Path) -> None:
    with stt_app.client() as client:
        started = start(client, create_template(client)["family_id"])
        chunks = chunks_of(pcm_of(answer_wav))
        for seq, chunk in enumerate(chunks):
            send_chunk(client, started, seq, chunk, final=seq == len(chunks) - 1)
        folder = Path(stt_app.env["STORAGE_DIR"]) / "audio" / started["session_id"]
        assert (folder / "q-pipeline.wav").exists()
        report = client.post(
            "/report/finalize",
            json={"session_id": started["session_id"]},
            headers={"Authorization": f"Bearer {stt_app.env['ADMIN_API_KEY']}"},
        ).json()["report"]
    assert not folder.exists()
    assert report["audio"] == {"deleted": True, "files_deleted": 2}
    assert report["answers"][0]["source"] == "voice"
    assert "website" in report["answers"][0]["answer"].lower()


def test_a_candidate_flushing_minutes_of_speech_is_not_limited(stt_app: AppProcess, answer_wav: Path) -> None:
    """Default limits: 100 s of audio sent as fast as it goes (a queue flushed after an outage) all acknowledged."""
    speech = pcm_of(answer_wav)
    chunks = chunks_of((speech * (CHUNK_BYTES * 200 // len(speech) + 1))[: CHUNK_BYTES * 200])
    with stt_app.client() as client:
        started = start(client, create_template(client)["family_id"])
        codes = [send_chunk(client, started, seq, chunk).status_code for seq, chunk in enumerate(chunks)]
    assert codes == [200] * len(chunks)


def test_speech_beyond_the_per_session_budget_gets_429(tmp_path: Path) -> None:
    app = AppProcess(tmp_path / "storage", WHISPER_MODEL="base", STT_AUDIO_S_PER_MIN="10")
    app.start().wait_for_speech_model()
    try:
        with app.client() as client:
            started = start(client, create_template(client)["family_id"])
            other = start(client, create_template(client)["family_id"])
            silence = b"\x00" * CHUNK_BYTES
            codes = [send_chunk(client, started, seq, silence).status_code for seq in range(21)]
            limited = send_chunk(client, started, 21, silence)
            others = send_chunk(client, other, 0, silence)
    finally:
        app.stop()
    assert codes[:20] == [200] * 20  # 10 s of audio
    assert codes[20] == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert others.status_code == 200, "another session has its own budget"


def test_fluent_speech_is_cut_into_bounded_segments_between_words(fluent_wav: Path) -> None:
    pcm = pcm_of(fluent_wav)
    vad = VadSegmenter()
    segments = [s for i in range(0, len(pcm), CHUNK_BYTES) for s in vad.feed(pcm[i : i + CHUNK_BYTES])]
    last = vad.flush()
    assert last is not None
    pieces = [*segments, last]
    assert len(pcm) / 32000 > 25
    assert all(p.duration_s <= MAX_SEGMENT_S for p in pieces), [p.duration_s for p in pieces]
    assert all(a.end == b.start for a, b in itertools.pairwise(pieces)), "no audio lost or doubled"
    assert pieces[0].start < 32000
    assert last.end == len(pcm)


async def test_the_last_piece_of_an_answer_goes_before_pieces_still_being_spoken() -> None:
    gate, started = PriorityGate(slots=1), list[str]()
    release = asyncio.Event()

    async def piece(name: str, last: bool) -> None:
        async with gate.slot(urgent=last):
            started.append(name)
            await release.wait()

    running = asyncio.ensure_future(piece("busy", False))
    await asyncio.sleep(0)
    names = ("middle-1", "last-a", "middle-2", "last-b")
    waiting = [asyncio.ensure_future(piece(name, name.startswith("last"))) for name in names]
    gone = asyncio.ensure_future(piece("last-cancelled", True))
    await asyncio.sleep(0)
    gone.cancel()  # a stream dropped while waiting takes no slot
    release.set()
    await asyncio.wait_for(asyncio.gather(running, *waiting), timeout=5)
    assert started == ["busy", "last-a", "last-b", "middle-1", "middle-2"]


def test_a_fluent_answer_is_transcribed_while_it_goes_on(stt_app: AppProcess, fluent_wav: Path) -> None:
    """No pauses to wait for: most of the answer is transcribed before it ends, and the words stay right."""
    chunks = chunks_of(pcm_of(fluent_wav))
    with stt_app.client() as client:
        started = start(client, create_template(client)["family_id"])
        begin = time.monotonic()
        for seq, chunk in enumerate(chunks[:-1]):
            time.sleep(max(0.0, begin + seq * 0.125 - time.monotonic()))  # 4× real time
            assert send_chunk(client, started, seq, chunk).status_code == 200
        deadline = time.monotonic() + 60
        heard = ""
        while len(heard.split()) < 0.6 * len(FLUENT_PART.split()):  # the same chunk again: a no-op that polls
            assert time.monotonic() < deadline, f"only {heard!r} transcribed before the end"
            heard = send_chunk(client, started, len(chunks) - 2, chunks[-2]).json()["partial"]
        body = send_chunk(client, started, len(chunks) - 1, chunks[-1], final=True).json()
    assert word_error_rate(FLUENT_PART, body["final"]) <= 0.08, body["final"]
    assert body["final"].startswith(heard)


def test_without_a_model_speech_is_refused_at_once_and_says_why(app_process: AppProcess) -> None:
    """WHISPER_MODEL=none: a 503 that is not "busy" (no Retry-After), so the browser offers typing instead."""
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
        response = send_chunk(client, started, 0, b"\x00" * CHUNK_BYTES, final=True)
    assert response.status_code == 503
    assert "unavailable" in response.json()["detail"]
    assert "busy" not in response.json()["detail"]
    assert response.headers["x-speech-state"] == "off"
    assert "retry-after" not in response.headers


def test_an_answer_resumed_after_a_restart_with_a_broken_model_does_not_wait(tmp_path: Path, answer_wav: Path) -> None:
    chunks = chunks_of(pcm_of(answer_wav))
    first = AppProcess(tmp_path / "storage", WHISPER_MODEL="base").start().wait_for_speech_model()
    try:
        with first.client() as client:
            started = start(client, create_template(client)["family_id"])
            for seq in range(4):
                assert send_chunk(client, started, seq, chunks[seq]).status_code == 200
    finally:
        first.stop()
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"not a model")
    (broken / "config.json").write_text("{}")
    second = AppProcess(tmp_path / "storage", WHISPER_MODEL=str(broken)).start()
    try:
        with second.client() as client:  # 20 s timeout: without an answer, the test fails
            deadline = time.monotonic() + 30
            while client.get("/status").json()["stt"] != "error":
                assert time.monotonic() < deadline, second.output()
                time.sleep(0.1)
            # the stream is rebuilt from disk
            response = send_chunk(client, started, 4, b"".join(chunks[4:]), final=True)
    finally:
        second.stop()
    assert response.status_code == 503, response.text
    assert "failed to load" in response.json()["detail"]


def test_the_browser_stops_retrying_and_keeps_what_was_heard_for_typing(tmp_path: Path, answer_wav: Path) -> None:
    """Chunks refused for longer than the browser waits (here: over a tiny speech budget, Retry-After ≈ 50 s):
    the recording stops and the transcript so far goes into the answer box, with a request to type."""
    app = AppProcess(tmp_path / "storage", WHISPER_MODEL="base", STT_AUDIO_S_PER_MIN="10")
    app.start().wait_for_speech_model()
    one_question = {**TEMPLATE, "questions": TEMPLATE["questions"][:1], "silence_end_s": 5.0}
    fake_media = (
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={answer_wav}%noloop",
    )
    try:
        with app.client() as client:
            link = invite(client, create_template(client, one_question)["family_id"])["url"]
        with chromium(tmp_path / "browser", *fake_media) as browser:
            begin_interview(browser, link)
            wait_for_text(browser, "Answer by voice").click()
            status = wait_for_text(browser, "please type your answer below", timeout=45).text
            typed = browser.find_element(By.TAG_NAME, "textarea").get_attribute("value") or ""
    finally:
        app.stop()
    assert "What we heard so far is in the box" in status
    assert "every change before we ship" in typed.lower(), typed  # the first sentence, kept


def test_nobody_fills_the_disk_through_an_answer(stt_app: AppProcess) -> None:
    short = {**TEMPLATE, "questions": [{**TEMPLATE["questions"][0], "time_limit_s": 10}, *TEMPLATE["questions"][1:]]}
    with stt_app.client() as client:
        started = start(client, create_template(client, short)["family_id"])
        ahead = send_chunk(client, started, 10_000, b"\x00" * CHUNK_BYTES)
        ten_seconds = b"\x00" * (CHUNK_BYTES * 20)
        codes = [send_chunk(client, started, seq, ten_seconds).status_code for seq in range(5)]
        last = send_chunk(client, started, 5, ten_seconds)
    folder = Path(stt_app.env["STORAGE_DIR"]) / "audio" / started["session_id"]
    assert ahead.status_code == 422, ahead.text
    assert "ahead" in ahead.json()["detail"]
    assert not list(folder.glob("*.part")), "a chunk refused is not kept"
    assert codes == [200] * 4 + [413], "10 s allowed × 1.25 + 30 s slack: the fifth 10 s chunk is too much"
    assert last.status_code == 413
    assert "exceed" in last.json()["detail"]
    assert (folder / "q-pipeline.wav").stat().st_size <= 44 + (10 * 1.25 + 30) * 32_000
