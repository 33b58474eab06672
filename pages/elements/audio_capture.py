"""AudioCapture: the browser records the answer and streams it to `/stt/stream` (see js/audio_capture.js).

Audio goes over HTTP, never through NiceGUI's socket; only small events (state, partial/final text)
come back to Python.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui.element import Element
from nicegui.events import GenericEventArguments

Handler = Callable[[dict[str, Any]], Any]


class AudioCapture(Element, component="../../js/audio_capture.js"):
    def __init__(
        self,
        session_id: str,
        token: str,
        *,
        silence_end_s: float,
        on_state: Handler,
        on_partial: Handler,
        on_final: Handler,
        practice_url: str = "",
    ) -> None:
        """With `practice_url`, a practice answer: one clip posted there at its end (nothing goes to /stt/stream)."""
        super().__init__()
        self._props["session_id"] = session_id
        self._props["token"] = token
        self._props["silence_end_ms"] = int(silence_end_s * 1000)
        self._props["practice_url"] = practice_url
        for event, handler in (("state", on_state), ("partial", on_partial), ("final", on_final)):
            self.on(event, _args_of(handler))

    def start(self, question_id: str, max_seconds: int) -> None:
        """Ask for the microphone and start streaming the answer to `question_id`."""
        self.run_method("start", question_id, max_seconds)

    def finish(self) -> None:
        """End the answer now (the "done" button)."""
        self.run_method("finish")


def _args_of(handler: Handler) -> Callable[[GenericEventArguments], Any]:
    return lambda event: handler(event.args if isinstance(event.args, dict) else {})
