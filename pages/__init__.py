"""NiceGUI pages, one module per page; `register_pages` adds them all."""

from __future__ import annotations

from interviewer.system import System
from pages import activity, candidate, invites, login, rankings, results, sessions, settings, templates_editor, users
from pages.theme import apply_theme


def register_pages(system: System) -> None:
    apply_theme()
    for module in (login, templates_editor, results, invites, sessions, rankings, settings, users, activity, candidate):
        module.register(system)
