"""Shared fixtures: a clean environment per test, and a real app process for API and restart tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.postgres import create_database, postgres_server
from tests.redis import redis_server

ROOT = Path(__file__).resolve().parent.parent
ADMIN_PASSWORD = "correct horse battery"
ADMIN_API_KEY = "test-admin-api-key-0123456789"


def app_environment(storage_dir: Path, **overrides: str) -> dict[str, str]:
    """Settings for a test instance: no .env, its own storage, known admin credentials."""
    return {
        "ENV_FILE": "",
        "STORAGE_DIR": str(storage_dir),
        "SESSION_SECRET": "test-session-secret-that-is-long-enough",
        "DEV_MODE": "false",
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
        "ADMIN_API_KEY": ADMIN_API_KEY,
        "LOG_LEVEL": "INFO",
        "WHISPER_MODEL": "none",  # typed answers only; speech tests ask for the real model
        "TTS_PROVIDER": "espeak",  # instant; the voice tests use piper
        **overrides,
    }


@pytest.fixture(autouse=True)
def _clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test (and the `user` fixture's in-process app) gets fresh storage and known settings."""
    for key, value in app_environment(tmp_path / "storage", API_PORT="8765").items():
        monkeypatch.setenv(key, value)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def end_process(process: subprocess.Popen[bytes] | None, *, crash: bool, timeout_s: float) -> None:
    """SIGTERM and wait for it to exit, or SIGKILL (`crash=True`) as a power cut would; nothing when not running."""
    if process is None:
        return
    if crash:
        process.kill()
    else:
        process.terminate()
    process.wait(timeout=timeout_s)


class AppProcess:
    """`python main.py` as a real process on a free port, like a user starts it; `root` is the checkout it runs
    (set it to another release's files before `start`, as the upgrade test does)."""

    def __init__(self, storage_dir: Path, **overrides: str) -> None:
        self.root = ROOT
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_"))}
        self.env = {**inherited, **app_environment(storage_dir, API_PORT=str(self.port), **overrides)}
        self.log_path = storage_dir.parent / f"app-{self.port}.out"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> AppProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "main.py"], cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"app exited early:\n{self.output()}")
            try:
                if httpx.get(f"{self.url}/status", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"app did not answer /status in time:\n{self.output()}")

    def stop(self, *, crash: bool = False) -> None:
        """Stop gracefully, or with SIGKILL (`crash=True`) as a power cut would."""
        end_process(self.process, crash=crash, timeout_s=15)
        self.process = None

    def wait_for_speech_model(self) -> AppProcess:
        """Wait (at most 60 s) until the speech model has loaded."""
        deadline = time.monotonic() + 60
        with self.client() as client:
            while client.get("/status").json()["stt"] != "ready":
                assert time.monotonic() < deadline, self.output()
                time.sleep(0.2)
        return self

    def wait_for_speech_workers(self, count: int, timeout_s: float = 60) -> AppProcess:
        """Wait until `GET /status` counts `count` live speech workers (STT_BACKEND=queue)."""
        deadline = time.monotonic() + timeout_s
        with self.client() as client:
            while client.get("/status").json()["stt_workers"] != count:
                assert time.monotonic() < deadline, self.output()
                time.sleep(0.2)
        return self

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=20, **kwargs)


class SpeechWorker:
    """`python main.py worker` as a real process with the settings of `app` (STT_BACKEND=queue, REDIS_URL)."""

    def __init__(self, app: AppProcess, **overrides: str) -> None:
        self.root = app.root
        self.env = {**app.env, **overrides}
        self.log_path = app.log_path.with_name(f"worker-{uuid.uuid4().hex[:8]}.out")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> SpeechWorker:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "main.py", "worker"], cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def stop(self, *, crash: bool = False) -> None:
        """Stop gracefully (SIGTERM), or with SIGKILL (`crash=True`) as a dying machine would."""
        end_process(self.process, crash=crash, timeout_s=30)
        self.process = None


@pytest.fixture(scope="module")
def app_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppProcess]:
    """One running app shared by a test module."""
    app = AppProcess(tmp_path_factory.mktemp("app") / "storage").start()
    yield app
    app.stop()


def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_API_KEY}"}


@pytest.fixture(scope="module")
def stt_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppProcess]:
    """A running app with the packaged Whisper base model, once the model has loaded."""
    app = AppProcess(tmp_path_factory.mktemp("stt") / "storage", WHISPER_MODEL="base").start().wait_for_speech_model()
    yield app
    app.stop()


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """One throwaway PostgreSQL server for the test run."""
    with postgres_server(free_port()) as url:
        yield url


@pytest.fixture(scope="session")
def redis_server_url() -> Iterator[str]:
    """One throwaway Redis server for the test run."""
    with redis_server(free_port()) as url:
        yield url


@pytest.fixture
def redis_url(redis_server_url: str) -> str:
    """The Redis server emptied for one test."""
    with redis.Redis.from_url(redis_server_url) as client:
        client.flushall()
    return redis_server_url


@pytest.fixture
def postgres_url(postgres_server_url: str, request: pytest.FixtureRequest) -> str:
    """A fresh database on it for one test."""
    return create_database(postgres_server_url, "t_" + request.node.name.lower().replace("[", "_").strip("]")[:50])
