"""Past one machine: speech transcribed by worker processes through Redis, a worker killed mid-answer, and two app
replicas on one PostgreSQL database and one Redis that share rate limits and live events."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from websockets.sync.client import connect

from interviewer.accounts import Accounts
from interviewer.audit import AuditLog
from interviewer.db import Database
from interviewer.event_messages import AnswerSaved, EventMessage
from interviewer.shared_events import CHANNEL, RedisSessionEvents
from interviewer.stt.queue_backend import QUEUE
from tests.audio import SENTENCES, spoken_answer, word_error_rate
from tests.caddy import ScaleProxy
from tests.conftest import AppProcess, SpeechWorker, admin_headers
from tests.helpers import ANSWER_1, chunks_of, create_template, pcm_of, receive_until, send_chunk, start, ws_connect


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return spoken_answer(tmp_path_factory.mktemp("speech"))


def queue_app(storage: Path, redis_url: str) -> AppProcess:
    return AppProcess(storage, STT_BACKEND="queue", REDIS_URL=redis_url, WHISPER_MODEL="base").start()


def test_an_answer_is_transcribed_by_a_worker_process_and_goes_on_when_its_replica_dies(
    tmp_path: Path, redis_url: str, answer_wav: Path
) -> None:
    """The candidate speaks half an answer on replica A, A dies, the rest goes to replica B (same database, same
    audio volume): B rebuilds the answer from disk and the worker's transcript is whole. Neither app loads a model."""
    a = queue_app(tmp_path / "storage", redis_url)
    b = AppProcess(tmp_path / "storage", STT_BACKEND="queue", REDIS_URL=redis_url, WHISPER_MODEL="base")
    worker = SpeechWorker(a, STT_WORKERS="1")
    chunks = chunks_of(pcm_of(answer_wav))
    half = len(chunks) // 2
    try:
        with a.client() as client:
            before = client.get("/status").json()
            worker.start()
            a.wait_for_speech_workers(1)
            started = start(client, create_template(client)["family_id"])
            for seq in range(half):
                assert send_chunk(client, started, seq, chunks[seq]).status_code == 200
        a.stop(crash=True)
        with b.start().client() as client:
            client.timeout = httpx.Timeout(60)
            for seq in range(half, len(chunks)):
                body = send_chunk(client, started, seq, chunks[seq], final=seq == len(chunks) - 1).json()
    finally:
        worker.stop()
        a.stop()
        b.stop()
    assert (before["stt_backend"], before["stt_workers"], before["stt"]) == ("queue", 0, "loading")
    assert word_error_rate(" ".join(SENTENCES), body["final"]) <= 0.15, body["final"]
    assert "speech model ready" not in a.output() + b.output(), "the apps load no model"


def test_a_worker_killed_mid_answer_is_replaced_and_the_transcript_is_complete(
    tmp_path: Path, redis_url: str, answer_wav: Path
) -> None:
    app = queue_app(tmp_path / "storage", redis_url)
    first, second = SpeechWorker(app, STT_WORKERS="1"), SpeechWorker(app, STT_WORKERS="1")
    try:
        first.start()
        app.wait_for_speech_workers(1)
        with app.client() as client, redis.Redis.from_url(redis_url) as queue:
            started = start(client, create_template(client)["family_id"])
            chunks = chunks_of(pcm_of(answer_wav))
            for seq, chunk in enumerate(chunks[:-1]):
                assert send_chunk(client, started, seq, chunk).status_code == 200
            deadline = time.monotonic() + 30
            while not any(queue.scard(key) for key in queue.scan_iter(f"dramatiq:__acks__.*.{QUEUE}")):
                assert time.monotonic() < deadline, "the worker never took a segment"
                time.sleep(0.05)
            first.stop(crash=True)  # SIGKILL while it holds a segment it has not acknowledged
            second.start()
            client.timeout = httpx.Timeout(90)  # the final waits for the new worker and the dead one's segment
            body = send_chunk(client, started, len(chunks) - 1, chunks[-1], final=True).json()
    finally:
        first.stop()
        second.stop()
        app.stop()
    heard = body["final"]
    assert word_error_rate(" ".join(SENTENCES), heard) <= 0.15, heard
    assert heard.lower().count("website") == 1, "no segment is lost or doubled"


def test_two_replicas_share_rate_limits_and_live_events(tmp_path: Path, redis_url: str, postgres_url: str) -> None:
    """Replica A and B on one database, one Redis and one storage volume (as behind the proxy of compose's
    `scale` profile): the admin watching on B sees the answer given on A, and failed invite redemptions count
    against one budget wherever they land."""
    shared = {"DATABASE_URL": postgres_url, "REDIS_URL": redis_url}
    a = AppProcess(tmp_path / "storage", **shared).start()
    b = AppProcess(tmp_path / "storage", **shared).start()
    try:
        with a.client() as on_a, b.client() as on_b:
            started = start(on_a, create_template(on_a)["family_id"])
            session_id = started["session_id"]
            watch = f"ws://127.0.0.1:{b.port}/interview/ws/{session_id}"
            with connect(watch, additional_headers=admin_headers(), open_timeout=10) as admin_on_b:
                receive_until(admin_on_b, "state")
                with ws_connect(a, session_id, started["ws_token"]) as candidate_on_a:
                    receive_until(candidate_on_a, "state")
                    candidate_on_a.send(json.dumps({"type": "answer", "question_id": "q-pipeline", "text": ANSWER_1}))
                    receive_until(candidate_on_a, "ack")
                    seen_on_b = receive_until(admin_on_b, "answer_saved")
            bad = {"invite_token": "not-a-real-invite-token-0123456789"}
            codes = [client.post("/interview/start", json=bad).status_code for client in (on_a, on_b) * 10]
            limited = on_a.post("/interview/start", json=bad)
    finally:
        a.stop()
        b.stop()
    assert (seen_on_b["question_id"], seen_on_b["session_id"]) == ("q-pipeline", session_id)
    assert 429 not in codes, "10 failed redemptions on each replica: 20 in all, the default limit"
    assert limited.status_code == 429, "the 21st counts the other replica's too"
    assert int(limited.headers["retry-after"]) >= 1


async def test_a_message_a_replica_cannot_read_is_dropped_with_a_warning_and_the_next_one_arrives(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Another version of the app (or anything else) on the same Redis channel sends messages this replica cannot
    read: each is dropped with a warning that quotes nothing of it, and the live view goes on with the next one."""
    here, there = RedisSessionEvents(redis_url), RedisSessionEvents(redis_url)
    received: list[EventMessage] = []
    here.subscribe("s-1", received.append)
    relay = asyncio.create_task(here.relay())
    try:
        deadline = time.monotonic() + 10
        while not received:  # until the relay listens
            assert time.monotonic() < deadline, "the other replica's message never arrived"
            await there.publish(AnswerSaved(session_id="s-1", question_id="q-ready"))
            await asyncio.sleep(0.05)
        malformed = [
            b"not json",
            json.dumps({"origin": "v0", "message": {"type": "moved", "session_id": "s-1"}}),
            json.dumps({"origin": "v0", "message": {"type": "score", "session_id": "s-1", "scores": "9 of 10"}}),
            json.dumps(
                {"origin": "v0", "message": {"type": "answer_saved", "session_id": "s-1", "text": "Łukasz said so"}}
            ),
        ]
        with redis.Redis.from_url(redis_url) as raw:
            for payload in malformed:
                raw.publish(CHANNEL, payload)
        await there.publish(AnswerSaved(session_id="s-1", question_id="q-next"))
        while received[-1] != AnswerSaved(session_id="s-1", question_id="q-next"):
            assert time.monotonic() < deadline + 10, "the message after the malformed ones never arrived"
            await asyncio.sleep(0.05)
    finally:
        relay.cancel()
        await here.close()
        await there.close()
    assert {type(m) for m in received} == {AnswerSaved}
    dropped = [r.getMessage() for r in caplog.records if "dropped a malformed message" in r.getMessage()]
    assert len(dropped) == len(malformed), dropped
    assert "Łukasz" not in caplog.text


def test_behind_the_scale_profiles_caddy_a_candidate_sticks_to_a_replica_and_goes_on_when_it_dies(
    tmp_path: Path, redis_url: str, postgres_url: str, answer_wav: Path
) -> None:
    """compose's `scale` profile on one machine: the real Caddyfile.scale at one address in front of two replicas
    (one database, one Redis, one audio folder) and a speech worker. The candidate's client sticks to a replica by
    Caddy's cookie, their speech by their token; the speech's replica dies mid-answer and, through the same address,
    the other one finishes the answer, whole. Caddy forwards each client's own address: a flood of failed invite
    redemptions with made-up X-Forwarded-For headers uses up its own budget, and no one else's."""
    shared = {"DATABASE_URL": postgres_url, "REDIS_URL": redis_url, "STT_BACKEND": "queue", "WHISPER_MODEL": "base"}
    one, two = (AppProcess(tmp_path / "storage", TRUSTED_PROXIES="127.0.0.1", **shared) for _ in range(2))
    proxy = ScaleProxy(tmp_path / "caddy", (one, two))
    worker = SpeechWorker(one, STT_WORKERS="1")
    chunks = chunks_of(pcm_of(answer_wav))
    half = len(chunks) // 2
    try:
        worker.start()
        one.start()
        two.start()
        proxy.start()
        one.wait_for_speech_workers(1)
        with (
            httpx.Client(base_url=proxy.url, headers=admin_headers(), timeout=20) as recruiter,
            httpx.Client(base_url=proxy.url, timeout=60) as candidate,  # keeps cookies, as a browser does
            client_at("127.0.0.2", proxy) as flooder,
            client_at("127.0.0.3", proxy) as neighbour,
        ):
            family_id = create_template(recruiter)["family_id"]
            started = start(candidate, family_id)
            sticky = candidate.cookies["interviewer_replica"]
            question_audio = f"/interview/{started['session_id']}/audio/{started['questions'][0]['id']}"
            token = {"Authorization": f"Bearer {started['ws_token']}"}
            for _ in range(3):  # the page plays the question, again when asked to
                assert candidate.get(question_audio, headers=token).status_code == 200
            sticks_to = set(proxy.replicas_of("/interview/start")[:1] + proxy.replicas_of(question_audio))
            for seq in range(half):
                send_until_acknowledged(candidate, started, seq, chunks[seq])
            speaking_to = set(proxy.replicas_of("/stt/stream"))

            made_up = [{"X-Forwarded-For": f"203.0.113.{n}"} for n in range(21)]
            wrong = {"invite_token": "not-a-real-invite-token-0123456789"}
            flood = [flooder.post("/interview/start", json=wrong, headers=h).status_code for h in made_up]
            mistyped = neighbour.post("/interview/start", json=wrong).status_code
            neighbours_own = start(neighbour, family_id)

            next(app for app in (one, two) if {upstream(app)} == speaking_to).stop(crash=True)
            for seq in range(half, len(chunks)):
                body = send_until_acknowledged(candidate, started, seq, chunks[seq], final=seq == len(chunks) - 1)
            audio_after = candidate.get(question_audio, headers=token).status_code
        with redis.Redis.from_url(redis_url) as shared_limits:
            counted = {key.decode().split("/")[2] for key in shared_limits.scan_iter("LIMITS:LIMITER/redeem/*")}
    finally:
        proxy.stop()
        worker.stop()
        one.stop()
        two.stop()
    survivor = next(upstream(app) for app in (one, two) if {upstream(app)} != speaking_to)
    assert len(sticks_to) == 1, "the candidate's requests stick to one replica (Caddy's cookie)"
    assert len(speaking_to) == 1, "their speech to one (their token), not necessarily the same"
    assert set(proxy.replicas_of("/stt/stream")[half:]) == {survivor}, "then to the other one"
    assert word_error_rate(" ".join(SENTENCES), body["final"]) <= 0.15, body["final"]
    assert (audio_after, proxy.replicas_of(question_audio)[-1]) == (200, survivor)
    if sticks_to == speaking_to:
        assert candidate.cookies["interviewer_replica"] != sticky, "Caddy's cookie now names the survivor"
    assert (429 in flood[:20], flood[20]) == (False, 429), "20 failed redemptions an address, made-up XFF or not"
    assert (mistyped, neighbours_own["session_id"] != started["session_id"]) == (403, True), "not the flood's 429"
    assert counted == {"127.0.0.2", "127.0.0.3"}, "the app counts the addresses Caddy saw, not the made-up ones"


def upstream(app: AppProcess) -> str:
    return f"127.0.0.1:{app.port}"


def client_at(address: str, proxy: ScaleProxy) -> httpx.Client:
    """A client on another machine, as far as Caddy can tell: it connects from another loopback address."""
    return httpx.Client(base_url=proxy.url, timeout=20, transport=httpx.HTTPTransport(local_address=address))


def send_until_acknowledged(
    client: httpx.Client, started: dict[str, Any], seq: int, chunk: bytes, *, final: bool = False
) -> dict[str, Any]:
    """One speech chunk, sent again on 502 as the page does (js/audio_capture.js) while a proxy finds that a
    replica is gone (at most 10 s)."""
    deadline = time.monotonic() + 10
    while (response := send_chunk(client, started, seq, chunk, final=final)).status_code == 502:
        assert time.monotonic() < deadline, "the proxy kept answering 502"
        time.sleep(0.25)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_two_replicas_starting_at_once_on_a_new_database_make_one_admin(postgres_url: str) -> None:
    """compose starts both replicas together on an empty database: both find no "admin" account and make one.
    The one that loses the race goes on with the other's (it used to stop on the unique e-mail), and the password
    printed once is the one that logs in."""
    databases = [Database(postgres_url) for _ in range(2)]
    databases[0].create_tables()
    together = threading.Barrier(2)

    def first_start(db: Database) -> str | None:
        together.wait()
        return Accounts(db, AuditLog(db), "").ensure_first_admin("")

    try:
        with ThreadPoolExecutor(2) as replicas:
            printed = [password for password in replicas.map(first_start, databases) if password]
        admin = Accounts(databases[0], AuditLog(databases[0]), "").authenticate("admin", printed[0])
    finally:
        for db in databases:
            db.dispose()
    assert len(printed) == 1, "one password is printed"
    assert admin is not None
