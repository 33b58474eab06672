"""Steps an admin takes in NiceGUI's simulated browser (the `user` fixture), shared by the page stories."""

from __future__ import annotations

import asyncio
import time

from nicegui import ui
from nicegui.testing import User

from tests.conftest import ADMIN_PASSWORD


async def see_within(user: User, text: str, seconds: float = 30) -> None:
    """Poll the page until `text` shows, failing only after `seconds` (work done in the background, e.g. the report)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            await user.should_see(text, retries=1)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


async def log_in(user: User, password: str = ADMIN_PASSWORD, email: str = "") -> None:
    """Log in (the first admin when `email` is empty) and wait for the admin frame."""
    await user.open("/login")
    if email:
        user.find("email-input").type(email)
    user.find("password-input").type(password)
    user.find("login-button").click()
    await user.should_see("Sessions", retries=100)  # two redirects: up to 10 s on a busy machine


async def invite_link(user: User, name: str, template: str = "") -> str:
    """Create an invite on the admin's invites page (for `template`, else the first); returns the link's path."""
    await user.open("/admin/invites")
    if template:
        user.find("invite-template").click()
        user.find(template).click()
    user.find("invite-name").type(name)
    user.find("create-invite").click()
    path = shown_invite_path(user)
    await user.should_see("pending")
    return path


def shown_invite_path(user: User) -> str:
    """The path of the invite link the invites page shows after "Create invite"."""
    link = user.find("invite-link").elements.pop()
    assert isinstance(link, ui.input)
    return "/i/" + str(link.value).rsplit("/i/", 1)[1]
