"""The team's login: e-mail + password → one-time ticket → `/auth/complete` sets the HttpOnly cookie.

An empty e-mail means the first admin ("admin", whose password is ADMIN_PASSWORD), as before accounts."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from interviewer.ratelimit import RateLimited
from interviewer.system import System


def too_many_logins(limited: RateLimited) -> str:
    return f"Too many failed logins; try again in {limited.retry_after_s} s"


def register(system: System) -> None:
    @ui.page("/login")
    def login_page(request: Request, expired: str = "") -> None:
        ip = request.client.host if request.client else "unknown"

        def try_login() -> None:
            try:
                account = system.login.attempt(email.value or "", password.value or "", ip)
            except RateLimited as limited:
                ui.notify(too_many_logins(limited), type="warning")
                return
            if account is None or account.id is None:
                ui.notify("Wrong password or e-mail", type="negative")
                return
            ui.navigate.to(f"/auth/complete?ticket={system.signer.login_ticket(account.id)}")

        ui.page_title("Log in · Interviewer")
        with ui.card().classes("absolute-center w-80"):
            ui.label("Interviewer admin").classes("text-xl font-semibold")
            if expired:
                ui.label("That login took too long; please try again.").classes("text-orange-700")
            email = ui.input("E-mail (empty: the first admin)").classes("w-full").mark("email-input")
            password = ui.input("Password", password=True, password_toggle_button=True).mark("password-input")
            password.classes("w-full").on("keydown.enter", try_login)
            ui.button("Log in", on_click=try_login).classes("w-full").mark("login-button")
