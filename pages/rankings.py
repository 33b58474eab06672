"""Rankings: a template's finished interviews in one sortable, filterable table with charts of the score
distribution (NiceGUI's own ECharts, served by the app), and two or three of them compared side by side."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import events, ui

from interviewer.accounts import Caller, Role
from interviewer.errors import DomainError
from interviewer.ranking import COMPARE_AT_MOST, NO_DECISION, Comparison, RankedInterview, Ranking
from interviewer.scoring.gaming import RULE_NAMES
from interviewer.system import System
from pages.gate import team_page
from pages.layout import admin_frame

ANY = "any"
BINS = 10  # the total's distribution in bins of 10 points
SELECTED_COLORS = ["#b45309", "#7e22ce", "#0f766e"]  # one per selected interview (≤ COMPARE_AT_MOST)
OTHERS_COLOR = "#1d4ed8"


def register(system: System) -> None:
    @team_page(system, "/admin/rankings", Role.REVIEWER)
    def rankings_page(caller: Caller) -> None:
        with admin_frame("Rankings", system, caller):
            ui.label("Pick a template to rank its finished interviews and compare them.").classes("text-sm")
            for template in system.templates.list_current():
                ranked = len(system.rankings.ranking(template.family_id).rows)
                with ui.card().classes("w-full"), ui.row().classes("w-full items-center"):
                    ui.link(template.name, f"/admin/rankings/{template.family_id}").classes("font-medium").mark(
                        f"ranking-{template.family_id}"
                    )
                    ui.space()
                    ui.label(f"{ranked} finished interview{'' if ranked == 1 else 's'}").classes("text-sm")

    @team_page(system, "/admin/rankings/{family_id}", Role.REVIEWER)
    def ranking_page(caller: Caller, family_id: str) -> RedirectResponse | None:
        try:
            ranking = system.rankings.ranking(family_id)
        except DomainError:
            return RedirectResponse("/admin/rankings", status_code=303)
        with admin_frame(f"Ranking: {ranking.template_name}", system, caller):
            RankingView(ranking).build()
        return None

    @team_page(system, "/admin/rankings/{family_id}/compare", Role.REVIEWER)
    def compare_page(caller: Caller, family_id: str, sessions: str = "") -> RedirectResponse | None:
        try:
            comparison = system.rankings.compare(family_id, [s for s in sessions.split(",") if s])
        except DomainError:
            return RedirectResponse(f"/admin/rankings/{family_id}", status_code=303)
        names = " · ".join(i.interview.candidate_name for i in comparison.interviews)
        with admin_frame(f"Compare: {names}", system, caller):
            ui.link("Back to the ranking", f"/admin/rankings/{family_id}")
            side_by_side(comparison)
        return None


class RankingView:
    """The table (sortable, filterable, up to three rows selected), the charts, and the way to compare."""

    def __init__(self, ranking: Ranking) -> None:
        self.ranking = ranking
        self.filters: dict[str, Any] = {"status": ANY, "decision": ANY, "since": "", "until": ""}
        self.selected: list[str] = []
        self.columns = {f"c{i}": name for i, name in enumerate(ranking.criteria)}

    def build(self) -> None:
        ui.label(
            "Totals and criteria are the scores that count (after review). Attention flags are for review: they "
            "are counted here and decide nothing. “Rules fired” names the scoring rules that fired on a score nobody "
            "has reviewed yet (a keyword list, an answer in another language, …): look at that interview before "
            "acting on its total. Select two or three interviews to compare them."
        ).classes("text-sm text-gray-600")
        with ui.row().classes("w-full items-end gap-4"):
            statuses = {ANY: "Any status", "finished": "finished", "finalized": "finalized"}
            decisions = {ANY: "Any decision", "advance": "advance", "hold": "hold", "reject": "reject"}
            ui.select(statuses, label="Status", on_change=self.refresh).bind_value(self.filters, "status").classes(
                "w-40"
            ).mark("filter-status")
            ui.select(
                {**decisions, NO_DECISION: "no decision yet"}, label="Decision", on_change=self.refresh
            ).bind_value(self.filters, "decision").classes("w-44").mark("filter-decision")
            ui.input("Finished from", on_change=self.refresh).props("type=date").bind_value(self.filters, "since").mark(
                "filter-since"
            )
            ui.input("Finished until", on_change=self.refresh).props("type=date").bind_value(
                self.filters, "until"
            ).mark("filter-until")
            self.compare = ui.button("Compare selected", icon="compare_arrows", on_click=self.open_comparison).mark(
                "compare"
            )
        self.table = (
            ui.table(
                columns=self.table_columns(),
                rows=[],
                row_key="session_id",
                selection="multiple",
                on_select=self.on_select,
                pagination=25,
            )
            .classes("w-full")
            .mark("ranking-table")
        )
        self.table.add_slot(  # named checkboxes (WCAG 2.1: a screen reader says whom a checkbox selects)
            "header-selection", '<q-checkbox v-model="props.selected" aria-label="Select every interview shown" />'
        )
        self.table.add_slot(
            "body-selection", '<q-checkbox v-model="props.selected" :aria-label="\'Select \' + props.row.candidate" />'
        )
        self.table.add_slot(
            "body-cell-candidate",
            '<q-td :props="props"><a :href="\'/admin/sessions/\' + props.row.session_id">{{ props.value }}</a></q-td>',
        )
        self.chosen = ui.label().classes("text-sm").mark("chosen")
        with ui.row().classes("w-full gap-4 no-wrap"):
            self.totals_chart = ui.echart({}).classes("w-1/2 h-80").mark("totals-chart")
            self.criteria_chart = ui.echart({}).classes("w-1/2 h-80").mark("criteria-chart")
        self.refresh()

    def table_columns(self) -> list[dict[str, Any]]:
        def column(name: str, label: str, align: str = "right") -> dict[str, Any]:
            return {"name": name, "label": label, "field": name, "sortable": True, "align": align}

        return [
            column("candidate", "Candidate", "left"),
            column("status", "Status", "left"),
            column("total", "Total"),
            *(column(key, name) for key, name in self.columns.items()),
            column("flags", "Flags"),
            column("rules", "Rules fired", "left"),
            column("decision", "Decision", "left"),
            column("finished", "Finished (UTC)", "left"),
        ]

    def visible(self) -> list[RankedInterview]:
        f = self.filters
        return self.ranking.filtered(
            status=None if f["status"] == ANY else f["status"],
            decision=None if f["decision"] == ANY else f["decision"],
            since=date.fromisoformat(f["since"]) if f["since"] else None,
            until=date.fromisoformat(f["until"]) if f["until"] else None,
        )

    def refresh(self) -> None:
        rows = self.visible()
        self.table.rows = [
            {
                "session_id": r.session_id,
                "candidate": r.candidate_name,
                "status": r.status,
                "total": r.total,
                **{key: _one_decimal(r.scores.get(name)) for key, name in self.columns.items()},
                "flags": r.flags,
                "rules": ", ".join(RULE_NAMES[rule] for rule in r.rules_fired),
                "decision": r.decision or "",
                "finished": f"{r.finished_at:%Y-%m-%d %H:%M}" if r.finished_at else "",
            }
            for r in rows
        ]
        shown = {r.session_id for r in rows}
        self.selected = [s for s in self.selected if s in shown]
        self.table.selected = [row for row in self.table.rows if row["session_id"] in self.selected]
        self.table.update()
        self.show_selection(rows)

    def on_select(self, event: events.TableSelectionEventArguments) -> None:
        chosen = [str(row["session_id"]) for row in event.selection]
        kept = [s for s in self.selected if s in chosen] + [s for s in chosen if s not in self.selected]
        if len(kept) > COMPARE_AT_MOST:
            ui.notify(f"Compare at most {COMPARE_AT_MOST} interviews at a time", type="warning")
            kept = kept[:COMPARE_AT_MOST]
            self.table.selected = [row for row in self.table.rows if row["session_id"] in kept]
        self.selected = kept
        self.show_selection(self.visible())

    def show_selection(self, rows: list[RankedInterview]) -> None:
        picked = [next(r for r in rows if r.session_id == s) for s in self.selected]
        self.chosen.set_text(
            "Selected: " + ", ".join(f"{r.candidate_name} ({_points(r.total)})" for r in picked)
            if picked
            else "Select interviews to see where they fall."
        )
        self.compare.set_enabled(2 <= len(picked) <= COMPARE_AT_MOST)
        self.totals_chart.options.clear()
        self.totals_chart.options.update(totals_chart(rows, picked))
        self.criteria_chart.options.clear()
        self.criteria_chart.options.update(criteria_chart(self.ranking.criteria, rows, picked))
        self.totals_chart.update()
        self.criteria_chart.update()

    def open_comparison(self) -> None:
        ui.navigate.to(f"/admin/rankings/{self.ranking.family_id}/compare?sessions={','.join(self.selected)}")


def totals_chart(rows: list[RankedInterview], picked: list[RankedInterview]) -> dict[str, Any]:
    """How many interviews have a total in each 10-point bin; the bins of the selected ones in their colours."""
    counts = [0] * BINS
    for row in rows:
        if row.total is not None:
            counts[_bin(row.total)] += 1
    colors = {_bin(r.total): SELECTED_COLORS[i] for i, r in enumerate(picked) if r.total is not None}
    return {
        "title": {"text": "Totals (0–100)", "textStyle": {"fontSize": 14}},
        "animation": False,
        "tooltip": {},
        "xAxis": {"type": "category", "data": [f"{b * 10}–{b * 10 + 10}" for b in range(BINS)]},
        "yAxis": {"type": "value", "minInterval": 1, "name": "interviews"},
        "series": [
            {
                "type": "bar",
                "name": "interviews",
                "data": [
                    {"value": count, "itemStyle": {"color": colors.get(b, OTHERS_COLOR)}}
                    for b, count in enumerate(counts)
                ],
            }
        ],
    }


def criteria_chart(criteria: list[str], rows: list[RankedInterview], picked: list[RankedInterview]) -> dict[str, Any]:
    """Every criterion's scores (a bubble's size: how many interviews have that score) and the selected ones."""
    bubbles: dict[tuple[int, float], int] = {}
    for row in rows:
        for x, name in enumerate(criteria):
            if (score := row.scores.get(name)) is not None:
                bubbles[(x, score)] = bubbles.get((x, score), 0) + 1
    return {
        "title": {"text": "Criteria (0–5)", "textStyle": {"fontSize": 14}},
        "animation": False,
        "tooltip": {},
        "legend": {"bottom": 0, "data": [r.candidate_name for r in picked]},
        "grid": {"bottom": 60},
        "xAxis": {
            "type": "category",
            "data": criteria,
            "axisLabel": {"interval": 0, "overflow": "truncate", "width": 140},
        },
        "yAxis": {"type": "value", "min": 0, "max": 5},
        "series": [
            {
                "type": "scatter",
                "name": "all interviews",
                "itemStyle": {"color": OTHERS_COLOR, "opacity": 0.45},
                "data": [{"value": [x, score], "symbolSize": 8 + 5 * n} for (x, score), n in sorted(bubbles.items())],
            },
            *(
                {
                    "type": "scatter",
                    "name": r.candidate_name,
                    "symbol": "diamond",
                    "symbolSize": 16,
                    "itemStyle": {"color": SELECTED_COLORS[i]},
                    "data": [
                        [x, r.scores.get(name)] for x, name in enumerate(criteria) if r.scores.get(name) is not None
                    ],
                }
                for i, r in enumerate(picked)
            ),
        ],
    }


def side_by_side(comparison: Comparison) -> None:
    """Scores, evidence per criterion and the answers to each question, one column per interview."""
    columns = len(comparison.interviews)
    with ui.grid(columns=columns).classes("w-full gap-4"):
        for compared in comparison.interviews:
            row = compared.interview
            with ui.card().classes("w-full").mark(f"compare-{row.session_id}"):
                ui.link(row.candidate_name, f"/admin/sessions/{row.session_id}").classes("text-lg font-medium")
                ui.label(f"Total {_points(row.total)}").classes("text-xl font-semibold")
                ui.label(f"Decision: {row.decision or 'none yet'} · {row.flags} attention flags").classes("text-sm")
    for criterion_id, name in comparison.criteria.items():
        ui.label(name).classes("text-lg font-medium mt-2")
        with ui.grid(columns=columns).classes("w-full gap-4"):
            for compared in comparison.interviews:
                with ui.column().classes("gap-1"):
                    scored = compared.criteria.get(criterion_id)
                    if scored is None:
                        ui.label("not in this version").classes("text-sm text-gray-600")
                        continue
                    score = "—" if scored.score is None else f"{scored.score:.1f} / 5"
                    ui.label(score).classes("font-semibold").mark(
                        f"score-{compared.interview.session_id}-{criterion_id}"
                    )
                    ui.label(scored.level_description).classes("text-sm")
                    for span in scored.evidence[:4]:
                        ui.label(f"“{span.text}”").classes("text-sm italic")
    ui.label("Answers").classes("text-xl font-semibold mt-4")
    for question_id, question in comparison.questions.items():
        ui.label(question).classes("font-medium mt-2")
        with ui.grid(columns=columns).classes("w-full gap-4"):
            for compared in comparison.interviews:
                text = compared.answers.get(question_id) or "(no answer)"
                ui.label(text).classes("text-sm whitespace-pre-wrap").mark(
                    f"answer-{compared.interview.session_id}-{question_id}"
                )


def _bin(total: float) -> int:
    return min(int(total // 10), BINS - 1)


def _one_decimal(score: float | None) -> float | None:
    return None if score is None else round(score, 1)


def _points(total: float | None) -> str:
    return "—" if total is None else f"{total:.1f}"
