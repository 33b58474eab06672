"""Settings: what this instance is configured with (read-only; set through the environment), a live check of
the language model provider, and the webhooks."""

from __future__ import annotations

from nicegui import ui

from interviewer.accounts import Caller, Role
from interviewer.audit import AuditAction
from interviewer.llm.provider import LLMUnavailable
from interviewer.system import System
from pages.gate import team_page
from pages.layout import admin_frame
from pages.webhooks import WebhooksSection


def register(system: System) -> None:
    @team_page(system, "/admin/settings", Role.ADMIN)
    def settings_page(caller: Caller) -> None:
        settings, llm = system.settings, system.llm

        async def test_connection() -> None:
            result.set_text("Checking…")
            try:
                result.set_text(f"OK: {await llm.health()}")
            except LLMUnavailable as error:
                result.set_text(f"Not reachable: {error}")

        with admin_frame("Settings", system, caller):
            with ui.card().classes("w-full"):
                ui.label("Language model").classes("text-lg font-medium")
                base_url = {"ollama": settings.ollama_base_url}.get(llm.name, settings.openai_base_url)
                rows = [("Provider (LLM_PROVIDER)", llm.name)]
                if llm.enabled:
                    rows += [("Model", llm.model), ("Endpoint", base_url)]
                    key = settings.openai_api_key.get_secret_value()
                    if llm.name == "openai":
                        rows.append(("API key", "set (hidden)" if key else "not set"))
                for label, value in rows:
                    with ui.row().classes("gap-2"):
                        ui.label(f"{label}:").classes("font-medium")
                        ui.label(value).mark(f"setting-{label.split()[0].lower()}")
                ui.button("Test connection", on_click=test_connection).mark("test-llm")
                result = ui.label().mark("llm-health")
            with ui.card().classes("w-full"):
                ui.label("Speech").classes("text-lg font-medium")
                transcriber = system.speech.transcriber
                ui.label(f"Speech-to-text model (WHISPER_MODEL): {settings.whisper_model} — {transcriber.state}")
                ui.label(f"Audio is kept at most {settings.audio_retention_days} days for unfinished interviews.")
            WebhooksSection(
                system.webhooks,
                lambda what, webhook_id: system.audit.record(
                    caller.name, AuditAction.WEBHOOK_CHANGED, f"webhook {webhook_id}", what
                ),
            ).build()
            ui.label("Change settings through environment variables or .env; see .env.sample.").classes(
                "text-sm text-gray-600"
            )
