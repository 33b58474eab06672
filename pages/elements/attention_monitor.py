"""AttentionMonitor: page-level attention events (tab hidden, window blurred, paste); see js/attention_monitor.js."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui.element import Element
from nicegui.events import GenericEventArguments


class AttentionMonitor(Element, component="../../js/attention_monitor.js"):
    def __init__(self, on_event: Callable[[dict[str, Any]], Awaitable[Any]]) -> None:
        super().__init__()

        async def forward(event: GenericEventArguments) -> None:
            if isinstance(event.args, dict):
                await on_event(event.args)

        self.on("attention", forward)
