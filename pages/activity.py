"""Activity: the audit trail for admins — who saved, invited, adjusted, decided, downloaded, exported, erased."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from interviewer.accounts import Caller, Role
from interviewer.audit import AuditAction
from interviewer.system import System
from pages.gate import team_page
from pages.layout import admin_frame

COLUMNS = [
    {"name": "at", "label": "When (UTC)", "field": "at", "align": "left"},
    {"name": "actor", "label": "Who", "field": "actor", "align": "left"},
    {"name": "action", "label": "What", "field": "action", "align": "left"},
    {"name": "target", "label": "On", "field": "target", "align": "left"},
    {"name": "detail", "label": "Detail", "field": "detail", "align": "left"},
]
ALL = "all"


def register(system: System) -> None:
    @team_page(system, "/admin/activity", Role.ADMIN)
    def activity_page(caller: Caller) -> None:
        choice: dict[str, Any] = {"action": ALL}

        @ui.refreshable
        def trail() -> None:
            action = None if choice["action"] == ALL else AuditAction(choice["action"])
            rows = [
                {**line.model_dump(mode="json"), "at": f"{line.at:%Y-%m-%d %H:%M:%S}"}
                for line in system.audit.recent(action=action)
            ]
            ui.table(columns=COLUMNS, rows=rows, row_key="id", pagination=50).classes("w-full").mark("audit-table")

        with admin_frame("Activity", system, caller):
            ui.label(
                "Every consequential action, newest first. Sessions are named by id: an erased candidate's lines stay, "
                "without a name."
            ).classes("text-sm text-gray-600")
            options = {ALL: "All actions", **{a.value: a.value for a in AuditAction}}
            ui.select(options, label="Action", on_change=trail.refresh).bind_value(choice, "action").classes(
                "w-64"
            ).mark("audit-action")
            trail()
