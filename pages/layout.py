"""The admin frame (header + navigation) and the admin guard used by every admin page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from interviewer.security import ADMIN_COOKIE
from interviewer.system import System

VENDOR_DIR = Path(__file__).resolve().parent.parent / "assets" / "vendor"  # filled by scripts/install.sh
NAV = [
    ("Sessions", "/admin"),
    ("Templates", "/admin/templates"),
    ("Invites", "/admin/invites"),
    ("Settings", "/admin/settings"),
]


def admin_redirect(request: Request, system: System) -> RedirectResponse | None:
    """A redirect to the login page unless the request carries a valid admin cookie."""
    if system.signer.admin_cookie_valid(request.cookies.get(ADMIN_COOKIE), system.admin.password_hash):
        return None
    return RedirectResponse("/login", status_code=303)


@contextmanager
def admin_frame(title: str, system: System) -> Iterator[None]:
    """Header with navigation, the speech model's state, and a centred content column."""
    ui.page_title(f"{title} · Interviewer")
    with ui.header().classes("items-center bg-slate-800"):
        ui.label("Interviewer").classes("text-lg font-bold mr-6")
        for label, target in NAV:
            ui.link(label, target).classes("text-white no-underline mr-4")
        ui.space()
        speech_state(system)
        ui.link("Log out", "/auth/logout").classes("text-white no-underline").mark("logout")
    with ui.column().classes("w-full max-w-5xl mx-auto p-4 gap-4"):
        ui.label(title).classes("text-2xl font-semibold")
        yield


@contextmanager
def candidate_frame(title: str) -> Iterator[None]:
    """A calm, single-column frame for the candidate."""
    ui.page_title(title)
    with ui.column().classes("w-full max-w-2xl mx-auto p-6 gap-4"):
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
