"""A template's results for admins: the export (CSV, JSON), the engine beside the team, and the adverse-impact
check."""

from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from interviewer.accounts import Caller, Role
from interviewer.errors import NotFound
from interviewer.scoring_audit import ScoringAudit, scoring_audit
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
            engine_and_team(scoring_audit(results))
            AdverseImpactSection(system.adverse_impact, family_id).build()
        return None


def engine_and_team(audit: ScoringAudit) -> None:
    """How often reviewers changed the engine's scores, and how well its total separates the team's decisions."""
    with ui.card().classes("w-full").mark("engine-and-team"):
        ui.label("The engine and your team").classes("text-lg font-medium")
        interviews = f"{audit.interviews} interview" + ("" if audit.interviews == 1 else "s")
        ui.label(f"{interviews} with an engine score.").classes("text-sm")
        for c in audit.criteria:
            change = f" (on average {c.mean_change:+.2f} of 5)" if c.mean_change is not None else ""
            ui.label(f"{c.criterion}: reviewers changed {c.changed} of {c.scored} engine scores{change}.").classes(
                "text-sm"
            )
        d = audit.decisions
        counted = f"{d.advanced} advanced, {d.held} held, {d.rejected} rejected"
        if d.advanced_above_rejected is None:
            ui.label(
                f"Decisions: {counted}. Once you have advanced and rejected someone, this shows how well the "
                "engine's total alone separates them."
            ).classes("text-sm")
        else:
            ui.label(
                f"Decisions: {counted}. In {d.advanced_above_rejected:.0%} of (advanced, rejected) pairs the advanced "
                "candidate has the higher engine total (100%: the total alone sorts them as you decided; 50%: no "
                "better than chance)."
            ).classes("text-sm").mark("decision-separation")
