"""Data retention: audio of abandoned sessions is deleted after AUDIO_RETENTION_DAYS (finalizing deletes
a session's audio at once, see `report.service`)."""

from __future__ import annotations

import asyncio

from interviewer.system import System

CHECK_EVERY_S = 3600


async def retention_loop(system: System) -> None:
    """Run the purge at start and then hourly, off the event loop."""
    while True:
        await asyncio.to_thread(system.speech.purge_abandoned, system.settings.audio_retention_days)
        await asyncio.sleep(CHECK_EVERY_S)
