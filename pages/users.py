"""Users: the team's accounts, invite links for teammates, disabling an account; and the page a teammate's
invite link opens to set their password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from pydantic import ValidationError

from interviewer.accounts import MIN_PASSWORD_CHARS, AccountInviteIn, Caller, Role
from interviewer.errors import DomainError, LinkProblem
from interviewer.system import System
from pages.elements.one_time_link import OneTimeLink
from pages.gate import team_page
from pages.layout import admin_frame, candidate_frame

ROLES = {Role.REVIEWER.value: "Reviewer: sessions, reports, rankings, reviews, decisions", Role.ADMIN.value: "Admin"}


def register(system: System) -> None:
    @team_page(system, "/admin/users", Role.ADMIN)
    def users_page(caller: Caller) -> None:
        form: dict[str, Any] = {"email": "", "role": Role.REVIEWER.value}

        def invite() -> None:
            try:
                created = system.accounts.invite(caller, AccountInviteIn.model_validate(form))
            except ValidationError as error:
                ui.notify(f"Not invited: {error.errors()[0]['msg']}", type="negative")
                return
            except DomainError as error:
                ui.notify(error.detail, type="negative")
                return
            link.show(created.url)
            team.refresh()

        def act(action: Callable[[], None]) -> None:
            try:
                action()
            except DomainError as error:
                ui.notify(error.detail, type="warning")
            team.refresh()

        @ui.refreshable
        def team() -> None:
            for account in system.accounts.members():
                with ui.card().classes("w-full"), ui.row().classes("w-full items-center"):
                    ui.label(account.email).classes("font-medium")
                    ui.badge(account.role.value).mark(f"role-{account.id}")
                    ui.space()
                    if account.disabled:
                        ui.badge("disabled", color="grey-8").mark(f"disabled-{account.id}")
                    elif account.id != caller.account_id:
                        ui.button(
                            "Disable", on_click=lambda a=account.id: act(lambda: system.accounts.disable(caller, a))
                        ).props("flat color=negative").mark(f"disable-{account.email}")
            for pending in system.accounts.pending_invites():
                with ui.card().classes("w-full"), ui.row().classes("w-full items-center"):
                    ui.label(f"{pending.email} (invited as {pending.role}, link not used yet)")
                    ui.space()
                    ui.button(
                        "Revoke link",
                        on_click=lambda i=pending.id or 0: act(lambda: system.accounts.revoke_invite(caller, i)),
                    ).props("flat color=negative").mark(f"revoke-user-invite-{pending.email}")

        with admin_frame("Users", system, caller):
            with ui.card().classes("w-full"):
                ui.label("Invite a teammate").classes("text-lg font-medium")
                with ui.row().classes("w-full gap-4 items-end"):
                    ui.input("E-mail (their login)").bind_value(form, "email").classes("w-64").mark("user-email")
                    ui.select(ROLES, label="Role").bind_value(form, "role").classes("w-96").mark("user-role")
                    ui.button("Create link", on_click=invite).mark("invite-user")
            link = OneTimeLink(
                "Pass this link on: it works once, for 7 days, and is shown only now.", "user-invite-link"
            )
            team()

    @ui.page("/join/{token}")
    def join_page(token: str) -> None:
        with candidate_frame("Join the hiring team · Interviewer"):
            try:
                invite = system.accounts.invite_of(token)
            except LinkProblem as problem:
                ui.label(f"This link cannot be used: it is {problem.reason}. Ask an admin for a new one.").mark(
                    "join-problem"
                )
                return

            def join() -> None:
                if password.value != repeated.value:
                    ui.notify("The two passwords differ", type="negative")
                    return
                try:
                    account = system.accounts.join(token, password.value or "")
                except DomainError as error:
                    ui.notify(error.detail, type="negative")
                    return
                ui.navigate.to(f"/auth/complete?ticket={system.signer.login_ticket(account.id or 0)}")

            ui.label("Join the hiring team").classes("text-2xl font-semibold")
            ui.label(f"Your login: {invite.email} ({invite.role}). Choose a password to finish.")
            password = ui.input(f"Password (at least {MIN_PASSWORD_CHARS} characters)", password=True).mark(
                "join-password"
            )
            repeated = ui.input("The same password again", password=True).mark("join-password-again")
            ui.button("Set password and log in", on_click=join).mark("join")
