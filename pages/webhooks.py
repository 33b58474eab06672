"""The settings page's webhooks: register a URL for events, see the delivery log, send a delivery again."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from nicegui import ui
from pydantic import ValidationError

from interviewer.errors import DomainError
from interviewer.webhooks import WebhookCreate, WebhookEvent, WebhookService

STATE_COLOR = {"pending": "orange", "delivered": "green", "failed": "red"}


class WebhooksSection:
    """A card on the settings page (admins only); `on_change(what, webhook id)` hears of every change (the audit)."""

    def __init__(self, webhooks: WebhookService, on_change: Callable[[str, int], None]) -> None:
        self.webhooks = webhooks
        self.on_change = on_change
        self.form: dict[str, Any] = {}

    def build(self) -> None:
        with ui.card().classes("w-full"):
            ui.label("Webhooks").classes("text-lg font-medium")
            ui.label(
                "Each event is posted as JSON, signed in X-Interviewer-Signature (t=<unix seconds>,v1=<HMAC-SHA256 of "
                "'<t>.<body>' with the secret>); a failed delivery is retried for a day."
            ).classes("text-sm text-gray-600")
            self.registered()
            self.new_form()
            ui.label("Delivery log").classes("font-medium mt-2")
            self.log()
            ui.timer(5, self.log.refresh)  # pending retries change state by themselves

    @ui.refreshable_method
    def registered(self) -> None:
        hooks = self.webhooks.registered()
        if not hooks:
            ui.label("No webhooks yet.").classes("text-sm").mark("no-webhooks")
        for hook in hooks:
            with ui.row().classes("w-full items-center gap-2"):
                ui.label(hook.url).classes("font-mono text-sm").mark(f"webhook-{hook.id}")
                ui.label(", ".join(hook.events)).classes("text-sm")
                if hook.include_candidate:
                    ui.badge("with candidate details", color="purple")
                ui.space()
                ui.button("Delete", on_click=lambda h=hook.id: self.remove(h)).props("flat color=negative").mark(
                    f"delete-webhook-{hook.id}"
                )

    def new_form(self) -> None:
        self.form = {
            "url": "",
            "secret": secrets.token_urlsafe(24),
            "include_candidate": False,
            **{event.value: True for event in WebhookEvent},
        }
        with ui.row().classes("w-full items-start gap-2"):
            ui.input("URL (http or https)").bind_value(self.form, "url").classes("grow").mark("webhook-url")
            ui.input("Secret (copy it to the receiver)").bind_value(self.form, "secret").classes("w-72").mark(
                "webhook-secret"
            )
        with ui.row().classes("items-center gap-2"):
            for event in WebhookEvent:
                ui.checkbox(event.value).bind_value(self.form, event.value).mark(f"webhook-event-{event.value}")
            ui.checkbox("Include candidate details (name, e-mail, answers)").bind_value(
                self.form, "include_candidate"
            ).mark("webhook-details")
            ui.button("Add webhook", on_click=self.add).mark("webhook-add")

    def add(self) -> None:
        try:
            webhook = WebhookCreate(
                url=self.form["url"].strip(),
                events=[event for event in WebhookEvent if self.form[event.value]],
                secret=self.form["secret"].strip(),
                include_candidate=self.form["include_candidate"],
            )
        except ValidationError as error:
            problem = error.errors()[0]
            ui.notify(f"Not added: {problem['loc'][0]}: {problem['msg']}", type="negative")
            return
        webhook_id = self.webhooks.register(webhook)
        self.on_change("registered", webhook_id)
        ui.notify("Webhook added", type="positive")
        self.form["url"], self.form["secret"] = "", secrets.token_urlsafe(24)
        self.registered.refresh()

    def remove(self, webhook_id: int) -> None:
        try:
            self.webhooks.remove(webhook_id)
        except DomainError as error:
            ui.notify(error.detail, type="negative")
        else:
            self.on_change("deleted", webhook_id)
        self.registered.refresh()
        self.log.refresh()

    @ui.refreshable_method
    def log(self) -> None:
        deliveries = self.webhooks.deliveries(limit=30)
        if not deliveries:
            ui.label("Nothing delivered yet.").classes("text-sm").mark("no-deliveries")
        for d in deliveries:
            with ui.row().classes("w-full items-center gap-2 text-sm"):
                ui.label(f"{d.created_at:%Y-%m-%d %H:%M:%S} UTC")
                ui.label(d.event).classes("font-medium")
                ui.label(d.url).classes("font-mono")
                ui.badge(d.state, color=STATE_COLOR.get(d.state, "grey")).mark(f"delivery-{d.id}")
                answer = d.last_error or (f"HTTP {d.last_status}" if d.last_status else "")
                ui.label(
                    f"{d.attempts} attempt{'s' if d.attempts != 1 else ''}" + (f", last: {answer}" if answer else "")
                )
                if d.next_attempt_at is not None:
                    ui.label(f"next {d.next_attempt_at:%H:%M:%S} UTC").classes("text-gray-600")
                ui.space()
                ui.button("Send again", on_click=lambda i=d.id: self.send_again(i)).props("flat dense").mark(
                    f"send-again-{d.id}"
                )

    def send_again(self, delivery_id: int) -> None:
        try:
            self.webhooks.send_again(delivery_id)
        except DomainError as error:
            ui.notify(error.detail, type="negative")
        self.log.refresh()
