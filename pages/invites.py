"""Invites: make a single-use candidate link, list links with their state, revoke."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from pydantic import ValidationError

from interviewer.accounts import Caller, Role
from interviewer.errors import DomainError
from interviewer.invites import InviteState
from interviewer.models import InviteCreate
from interviewer.system import System
from pages.elements.one_time_link import OneTimeLink
from pages.gate import team_page
from pages.layout import admin_frame


def register(system: System) -> None:
    @team_page(system, "/admin/invites", Role.ADMIN)
    def invites_page(caller: Caller) -> None:
        templates = {t.family_id: f"{t.name} (v{t.version})" for t in system.templates.list_current()}
        form: dict[str, Any] = {
            "template": next(iter(templates), None),
            "name": "",
            "email": "",
            "hours": 168,
            "extra_time": 1.0,
            "camera_off": False,
            "pausable": False,
        }

        def create() -> None:
            try:
                request_ = InviteCreate(
                    template_family_id=form["template"] or "",
                    candidate_name=str(form["name"]),
                    candidate_email=str(form["email"]).strip() or None,
                    expires_in_hours=int(form["hours"] or 0),
                    extra_time_factor=float(form["extra_time"] or 1.0),
                    camera="off" if form["camera_off"] else None,
                    pausable_timer=bool(form["pausable"]),
                )
                created = system.invites.create(request_, by=caller.name)
            except ValidationError as error:
                ui.notify(f"Not created: {error.errors()[0]['msg']}", type="negative")
                return
            except DomainError as error:
                ui.notify(error.detail, type="negative")
                return
            new_link.show(created.url)
            invite_list.refresh()

        def revoke(invite_id: int) -> None:
            try:
                system.invites.revoke(invite_id, by=caller.name)
            except DomainError as error:
                ui.notify(error.detail, type="warning")
            invite_list.refresh()

        @ui.refreshable
        def invite_list() -> None:
            rows = system.invites.list()
            if not rows:
                ui.label("No invites yet.").classes("text-gray-600")
            for row in rows:
                with ui.card().classes("w-full"), ui.row().classes("w-full items-center"):
                    with ui.column().classes("gap-0"):
                        ui.label(row.invite.candidate_name).classes("font-medium")
                        ui.label(f"{row.template_name} · expires {row.invite.expires_at:%Y-%m-%d %H:%M} UTC").classes(
                            "text-sm text-gray-600"
                        )
                        if granted := row.invite.accommodations.describe():
                            ui.label("Accommodations: " + ", ".join(granted)).classes("text-sm").mark(
                                f"invite-accommodations-{row.invite.id}"
                            )
                    ui.space()
                    ui.badge(row.state.value).mark(f"invite-state-{row.invite.id}")
                    if row.state == InviteState.PENDING:
                        ui.button("Revoke", on_click=lambda i=row.invite.id or 0: revoke(i)).props(
                            "flat color=negative"
                        ).mark(f"revoke-{row.invite.id}")

        with admin_frame("Invites", system, caller):
            with ui.card().classes("w-full"):
                ui.label("Invite a candidate").classes("text-lg font-medium")
                with ui.row().classes("w-full gap-4 items-end"):
                    ui.select(templates, label="Template").bind_value(form, "template").classes("w-64").mark(
                        "invite-template"
                    )
                    ui.input("Candidate name").bind_value(form, "name").mark("invite-name")
                    ui.input("E-mail (optional)").bind_value(form, "email").mark("invite-email")
                    ui.number("Valid for (hours)", min=1, max=2160, format="%d").bind_value(form, "hours").classes(
                        "w-36"
                    )
                    ui.button("Create link", on_click=create).mark("create-invite")
                with ui.row().classes("w-full gap-4 items-end"):
                    ui.label("Accommodations (never change a score):").classes("text-sm")
                    ui.number("Extra time (× each time limit)", min=1, max=3, step=0.25, format="%.2f").bind_value(
                        form, "extra_time"
                    ).classes("w-56").mark("invite-extra-time")
                    ui.checkbox("No camera analysis").bind_value(form, "camera_off").mark("invite-camera-off")
                    ui.checkbox("Timer can be paused").bind_value(form, "pausable").mark("invite-pausable")
            new_link = OneTimeLink(
                "Send this link to the candidate. It works once and is shown only now.", "invite-link"
            )
            invite_list()
