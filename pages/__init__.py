"""NiceGUI pages, one module per page; `register_pages` adds them all."""

from __future__ import annotations

from interviewer.system import System
from pages import candidate, invites, login, sessions, settings, templates_editor


def register_pages(system: System) -> None:
    for module in (login, templates_editor, invites, sessions, settings, candidate):
        module.register(system)
