"""The team's frame (header + navigation by role) and the candidate's frame."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nicegui import ui

from interviewer.accounts import Caller, Role
from interviewer.system import System

VENDOR_DIR = Path(__file__).resolve().parent.parent / "assets" / "vendor"  # filled by scripts/install.sh
NAV = [
    ("Sessions", "/admin", Role.REVIEWER),
    ("Rankings", "/admin/rankings", Role.REVIEWER),
    ("Templates", "/admin/templates", Role.ADMIN),
    ("Invites", "/admin/invites", Role.ADMIN),
    ("Users", "/admin/users", Role.ADMIN),
    ("Activity", "/admin/activity", Role.ADMIN),
    ("Settings", "/admin/settings", Role.ADMIN),
]


@contextmanager
def admin_frame(title: str, system: System, caller: Caller) -> Iterator[None]:
    """Header with the navigation the caller's role opens, the speech model's state, who is logged in, and a
    centred content column. Pages get it through `pages.gate.team_page`."""
    ui.page_title(f"{title} · Interviewer")
    with ui.header().classes("items-center bg-slate-800"):
        ui.label("Interviewer").classes("text-lg font-bold mr-6")
        for label, target, role in NAV:
            if caller.may(role):
                ui.link(label, target).classes("text-white no-underline mr-4")
        ui.space()
        speech_state(system)
        ui.label(f"{caller.name} · {caller.role}").classes("text-sm mr-4").mark("who")
        ui.link("Log out", "/auth/logout").classes("text-white no-underline").mark("logout")
    with ui.column().classes("w-full max-w-5xl mx-auto p-4 gap-4"):
        ui.label(title).classes("text-2xl font-semibold")
        yield


@contextmanager
def candidate_frame(title: str) -> Iterator[None]:
    """A calm, single-column frame for the candidate."""
    ui.page_title(title)
    with ui.column().classes("w-full max-w-2xl mx-auto p-4 sm:p-6 gap-4"):  # narrower margins on a phone
        yield


def speech_state(system: System) -> None:
    """`speech: loading/ready/error/off`, kept current while the model loads."""
    transcriber = system.speech.transcriber
    label = ui.label().classes("text-sm mr-6").mark("stt-state")

    def update() -> None:
        label.set_text(f"speech: {transcriber.state}")
        label.tooltip(transcriber.detail or "")
        if transcriber.state != "loading":
            timer.deactivate()

    timer = ui.timer(0.5, update)
    update()
