"""The image's own checks, run here without Docker: the Dockerfile's HEALTHCHECK command, and what it leaves out."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DOCKERFILE = Path(__file__).resolve().parent.parent / "Dockerfile"


def healthcheck_command() -> list[str]:
    """The HEALTHCHECK's exec form, with the image's interpreter swapped for this one."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    match = re.search(r"^HEALTHCHECK .*?CMD (\[.*\])\s*$", text, re.MULTILINE)
    assert match, "the Dockerfile has a HEALTHCHECK in exec form"
    command: list[str] = json.loads(match.group(1))
    assert command[0] == ".venv/bin/python"
    return [sys.executable, *command[1:]]


class _Status(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/status" else 404)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def app_port() -> Iterator[int]:
    """Something answering `/status` the way the app does, on a port that is not 8080."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Status)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_healthcheck_asks_the_port_the_app_listens_on(app_port: int) -> None:
    """A self-hoster runs the image with API_PORT=9000: the container is healthy while the app answers there,
    and unhealthy when nothing does."""
    command = healthcheck_command()
    healthy = subprocess.run(command, env={**os.environ, "API_PORT": str(app_port)}, capture_output=True, timeout=30)
    assert healthy.returncode == 0, healthy.stderr.decode()
    down = subprocess.run(command, env={**os.environ, "API_PORT": str(free_port())}, capture_output=True, timeout=30)
    assert down.returncode != 0


def test_no_page_needs_the_nicegui_browser_files_the_image_leaves_out() -> None:
    """The image drops NiceGUI's browser code of the elements no page shows, its Sass compiler and the development
    builds of Vue and Quasar (see the Dockerfile): a page that starts to use one (`ui.plotly`, a markdown with the
    `mermaid` extra, `ui.add_scss`, `ui.run(prod_js=False)`) must keep its files, or it would fail in the image only."""
    match = re.search(r"for element in ([a-z_ ]+); do", DOCKERFILE.read_text())
    assert match, "the Dockerfile names the elements it leaves out"
    root = DOCKERFILE.parent
    code = "\n".join(path.read_text() for folder in ("pages", "interviewer") for path in (root / folder).rglob("*.py"))
    code += (root / "main.py").read_text()
    used = [e for e in match.group(1).split() if re.search(rf"\bui\.{e}\b|elements\.{e}\b|['\"]{e}['\"]", code)]
    used += [name for name in ("add_sass", "add_scss", "prod_js") if name in code]
    assert used == []
