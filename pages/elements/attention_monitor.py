"""AttentionMonitor: attention events from the candidate's browser (see js/attention_monitor.js).

Page events (tab hidden, window blurred, paste) always; camera analysis (face, head pose, phone) when the
template uses the camera and the vendor libraries are installed. Only events reach Python, never pixels.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui.element import Element
from nicegui.events import GenericEventArguments


class AttentionMonitor(Element, component="../../js/attention_monitor.js"):
    def __init__(
        self,
        on_event: Callable[[dict[str, Any]], Awaitable[Any]],
        *,
        camera: str,
        thresholds: dict[str, float],
        with_microphone: bool,
        on_camera: Callable[[str], Any],
    ) -> None:
        super().__init__()
        self._props["camera"] = camera
        self._props["thresholds"] = thresholds
        self._props["withMicrophone"] = with_microphone
        self.on("camera", lambda event: on_camera(str((event.args or {}).get("state", ""))))

        async def forward(event: GenericEventArguments) -> None:
            if isinstance(event.args, dict):
                await on_event(event.args)

        self.on("attention", forward)

    def set_camera(self, camera: str) -> None:
        """Start camera analysis ("optional" or "required") or keep it "off"."""
        self._props["camera"] = camera
        self.update()
