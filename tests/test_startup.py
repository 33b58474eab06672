"""Starting the app as a new user does: secrets, dev mode, the printed admin password, the docs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import ROOT, AppProcess


def test_a_placeholder_secret_is_refused_outside_dev_mode(tmp_path: Path) -> None:
    app = AppProcess(tmp_path / "storage", SESSION_SECRET="change-me")
    result = subprocess.run(
        [sys.executable, "main.py"], cwd=ROOT, env=app.env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "SESSION_SECRET" in result.stderr
    assert "DEV_MODE=true" in result.stderr


def test_dev_mode_generates_a_secret_and_prints_the_admin_password_once(tmp_path: Path) -> None:
    storage = tmp_path / "storage"
    app = AppProcess(storage, SESSION_SECRET="", DEV_MODE="true", ADMIN_PASSWORD="").start()
    try:
        printed = re.search(r"Admin password \(shown once, stored hashed\): (\S+)", app.output())
        assert printed is not None, app.output()
        password = printed.group(1)
        with app.client() as client:
            docs = client.get("/docs")
            schema = client.get("/openapi.json").json()
    finally:
        app.stop()
    assert (storage / "dev_session_secret").read_text().strip()
    assert password not in (storage / "logs" / "interviewer.log").read_text()
    assert docs.status_code == 200
    assert {"/interview/start", "/stt/stream", "/report/finalize", "/status"} <= set(schema["paths"])

    again = AppProcess(storage, SESSION_SECRET="", DEV_MODE="true", ADMIN_PASSWORD="")
    again.log_path = tmp_path / "second.out"
    again.start()
    again.stop()
    assert "Admin password" not in again.output()


def test_docs_can_be_turned_off(tmp_path: Path) -> None:
    app = AppProcess(tmp_path / "storage", ENABLE_DOCS="false").start()
    try:
        assert httpx.get(f"{app.url}/docs").status_code == 404
    finally:
        app.stop()
