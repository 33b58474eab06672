"""Caddy (Debian's caddy package) running compose's `Caddyfile.scale` in front of app replicas on this machine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx

from tests.conftest import AppProcess, end_process, free_port

CADDYFILE = Path(__file__).resolve().parent.parent / "Caddyfile.scale"


class ScaleProxy:
    """The scale profile's Caddyfile with `replicas` as its upstreams (in place of compose's app-1 and app-2), as
    a real process on a free port. Only its admin endpoint is off (it would take port 2019), and it logs where it
    sent each request."""

    def __init__(self, folder: Path, replicas: tuple[AppProcess, AppProcess]) -> None:
        if shutil.which("caddy") is None:
            raise RuntimeError("Caddy is not installed: run bash scripts/test.sh (apt-get install caddy)")
        self.folder = folder
        self.url = f"http://127.0.0.1:{free_port()}"
        self.env = {
            **os.environ,
            "SITE_ADDRESS": self.url,
            "APP_1": f"127.0.0.1:{replicas[0].port}",
            "APP_2": f"127.0.0.1:{replicas[1].port}",
            "XDG_CONFIG_HOME": str(folder),
            "XDG_DATA_HOME": str(folder),
        }
        self.log_path = folder / "caddy.out"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ScaleProxy:
        adapted = subprocess.run(
            ["caddy", "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        logs = {"logs": {"default": {"level": "DEBUG"}}}
        config = {**json.loads(adapted.stdout), "admin": {"disabled": True}, "logging": logs}
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "caddy.json").write_text(json.dumps(config))
        with self.log_path.open("ab") as log:
            command = ["caddy", "run", "--config", str(self.folder / "caddy.json")]
            self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"caddy did not start:\n{self.log_path.read_text(errors='replace')}")
            time.sleep(0.05)
        return self

    def answers(self) -> bool:
        try:
            return httpx.get(f"{self.url}/status", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        end_process(self.process, crash=False, timeout_s=10)
        self.process = None

    def replicas_of(self, path: str) -> list[str]:
        """The upstream ("host:port") each request to `path` was answered by, in order (from Caddy's log)."""
        answered = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            entry = json.loads(line) if line.startswith("{") else {}
            answer = entry.get("msg") == "upstream roundtrip" and "status" in entry  # not a failed connection
            if answer and entry["request"]["uri"].split("?")[0] == path:
                answered.append(entry["upstream"])
        return answered
