"""A template's results for admins: the export (CSV, JSON) and the adverse-impact check."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from interviewer.accounts import Caller, Role
from interviewer.errors import NotFound
from interviewer.system import System
from pages.adverse_impact import AdverseImpactSection
from pages.gate import team_page
from pages.layout import admin_frame


def register(system: System) -> None:
    @team_page(system, "/admin/templates/{family_id}/results", Role.ADMIN)
    def results_page(caller: Caller, family_id: str) -> RedirectResponse | None:
        try:
            results = system.results.results(family_id)
        except NotFound:
            return RedirectResponse("/admin/templates", status_code=303)
        with admin_frame(f"Results: {results.template_name}", system, caller):
            with ui.card().classes("w-full"):
                ui.label("Export").classes("text-lg font-medium")
                finished = sum(1 for row in results.rows if row.total is not None)
                ui.label(
                    f"{len(results.rows)} interviews, {finished} with a score. One row per interview: status, "
                    f"total, {', '.join(results.criteria)}, decision and dates. Answer text only if you ask for it."
                ).classes("text-sm")
                base = f"/api/templates/{family_id}/results"
                with ui.row().classes("gap-4"):
                    ui.button(
                        "Download CSV", icon="download", on_click=lambda: ui.download.from_url(f"{base}.csv")
                    ).mark("export-csv")
                    ui.link("JSON", f"{base}.json", new_tab=True).mark("export-json")
                    ui.link("CSV with answers", f"{base}.csv?answers=true").mark("export-csv-answers")
            AdverseImpactSection(system.adverse_impact, family_id).build()
        return None
