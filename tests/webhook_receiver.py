"""A webhook receiver on localhost, as an integrator would run one: it checks each delivery's signature the way
the README tells receivers to, can answer the first tries with 503, and records what arrived and when."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE_S = 300  # a receiver refuses signatures older than this (replays)


@dataclass(frozen=True)
class Arrival:
    path: str
    event: str
    body: dict[str, Any]
    signature_ok: bool
    answered: int
    at: float


def signature_ok(secret: str, header: str, raw: bytes) -> bool:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, fresh and matching."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not parts.get("t", "").isdigit() or abs(time.time() - int(parts["t"])) > TOLERANCE_S:
        return False
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


class WebhookReceiver:
    """`secrets`: path → the secret of the webhook registered with that path. `fail_first`: how many requests
    (over all paths) get 503 before it starts answering 204."""

    def __init__(self, secrets: dict[str, str], fail_first: int = 0) -> None:
        self.secrets = secrets
        self.fail_first = fail_first
        self.arrivals: list[Arrival] = []
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                return None

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                secret = receiver.secrets.get(self.path, "")
                valid = signature_ok(secret, self.headers.get("X-Interviewer-Signature", ""), raw)
                with receiver._arrived:
                    status = 503 if len(receiver.arrivals) < receiver.fail_first else (204 if valid else 400)
                    receiver.arrivals.append(
                        Arrival(
                            self.path,
                            self.headers["X-Interviewer-Event"],
                            json.loads(raw),
                            valid,
                            status,
                            time.monotonic(),
                        )
                    )
                    receiver._arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout_s: float = 20) -> list[Arrival]:
        """The first `count` arrivals, once they are there (AssertionError after the deadline)."""
        deadline = time.monotonic() + timeout_s
        with self._arrived:
            while len(self.arrivals) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"only {len(self.arrivals)} of {count} deliveries arrived: {self.arrivals}"
                self._arrived.wait(left)
            return list(self.arrivals[:count])
