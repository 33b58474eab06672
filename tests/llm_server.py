"""A stand-in language-model server on localhost speaking the OpenAI and Ollama wire formats.

It answers follow-up and rating requests from the prompt it receives (quoting the real answer), and can
misbehave on demand: slow, 500, 429 with Retry-After, malformed JSON, made-up quotes. It records every
request body so tests can check what left the app.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FOLLOW_UP = "What was the measurable result of that change?"
MADE_UP_QUOTE = "I single-handedly saved the company"


class FakeLLM:
    """`mode`: ok | hallucinate | malformed_once | malformed | throttled_once | slow | error."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.requests: list[dict[str, Any]] = []
        self._misbehaved = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                return None

            def do_GET(self) -> None:  # health checks
                body = (
                    {"data": [{"id": "test-model"}]}
                    if self.path.endswith("/models")
                    else {"models": [{"name": "test-model"}]}
                )
                self._send(200, body)

            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(request)
                status, content, headers = fake.reply(request)
                if status != 200:
                    self._send(status, {"error": "simulated"}, headers)
                elif self.path.endswith("/chat/completions"):
                    self._send(200, {"choices": [{"message": {"role": "assistant", "content": content}}]})
                else:
                    self._send(200, {"message": {"role": "assistant", "content": content}, "done": True})

            def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def set_mode(self, mode: str) -> None:
        self.mode, self._misbehaved = mode, False
        self.requests.clear()

    def reply(self, request: dict[str, Any]) -> tuple[int, str, dict[str, str]]:
        """(status, assistant content, headers) for one request, per the current mode."""
        once = not self._misbehaved
        if self.mode == "slow":
            time.sleep(3)
        if self.mode == "error" or (self.mode == "throttled_once" and once):
            self._misbehaved = True
            return (500, "", {}) if self.mode == "error" else (429, "", {"Retry-After": "1"})
        if self.mode == "malformed" or (self.mode == "malformed_once" and once):
            self._misbehaved = True
            return 200, "Sure! Here is my answer: level four", {}
        prompt = request["messages"][0]["content"]
        if _schema_title(request) == "FollowUpReply":
            return 200, json.dumps({"follow_up": FOLLOW_UP}), {}
        answer = re.search(r"Answer \(transcript\):\n(.*?)\n\nReply with JSON", prompt, re.S)
        words = (answer.group(1) if answer else "").split()
        quotes = [" ".join(words[:4])] if words else []
        if self.mode == "hallucinate":
            quotes.append(MADE_UP_QUOTE)
        return 200, json.dumps({"level": 4, "quotes": quotes, "reason": "Concrete and specific."}), {}

    def sent_text(self) -> str:
        """Everything the app sent, as one string."""
        return json.dumps(self.requests)


def _schema_title(request: dict[str, Any]) -> str:
    if "response_format" in request:
        return str(request["response_format"]["json_schema"]["name"])
    return str(request.get("format", {}).get("title", ""))
