"""Avatar: the interviewer's face, voice and captions (see js/avatar.js)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui.element import Element

from interviewer.tts.service import SpokenText


class Avatar(Element, component="../../js/avatar.js"):
    def __init__(self, text: str, audio_url: str, spoken: SpokenText | None, *, on_ended: Callable[[], Any]) -> None:
        """Speak `text` from `audio_url` (empty: the browser's own voice), animating with `spoken`'s timings."""
        super().__init__()
        self._props["text"] = text
        self._props["src"] = audio_url
        self._props["timings"] = [t.model_dump() for t in spoken.timings] if spoken else []
        self._props["visemes"] = [v.model_dump() for v in spoken.visemes] if spoken else []
        self.on("ended", lambda _event: on_ended())

    def set_thinking(self, thinking: bool) -> None:
        """Show that the server is working (e.g. a follow-up is being prepared)."""
        self._props["thinking"] = thinking
        self.update()
