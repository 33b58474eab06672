"""Render a report as PDF with reportlab: header, overall score, a bar per criterion, the rules behind
each score, every answer with its evidence highlighted, and the attention section.

Deterministic: reportlab's invariant mode and no clock of its own (only `report.generated_at`).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from interviewer.report.schema import Report
from interviewer.scoring import EvidenceSpan

_DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
HIGHLIGHT = "#fde68a"


def _fonts() -> tuple[str, str]:
    """DejaVu Sans when installed (covers most scripts), else Helvetica (Latin-1 only)."""
    try:
        pdfmetrics.registerFont(TTFont("DejaVuSans", _DEJAVU))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", _DEJAVU_BOLD))
    except Exception:  # the fonts are optional: fall back to the built-in one
        return "Helvetica", "Helvetica-Bold"
    return "DejaVuSans", "DejaVuSans-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=20, alignment=0),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, spaceBefore=10),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName=bold, fontSize=11, spaceBefore=6),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=regular, fontSize=10, leading=14),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontName=regular, fontSize=8, textColor="#6b7280"),
        "total": ParagraphStyle("total", parent=base["Title"], fontName=bold, fontSize=28, alignment=0),
    }


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes; the same report gives the same bytes."""
    styles = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"Interview report: {report.candidate.name}",
        author="Interviewer",
        invariant=1,
    )
    story: list[Flowable] = [
        *_header(report, styles),
        *_overall(report, styles),
        *_review(report, styles),
        *_criteria(report, styles),
        *_answers(report, styles),
        *_language_model(report, styles),
        *_attention(report, styles),
    ]
    footer = f"audio {'deleted' if report.audio.deleted else 'kept'} ({report.audio.files_deleted} files)"

    def on_page(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(styles["small"].fontName, 8)
        canvas.setFillColor(colors.HexColor("#6b7280"))
        canvas.drawString(18 * mm, 10 * mm, f"Interviewer — confidential — page {canvas.getPageNumber()}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, footer)
        canvas.restoreState()

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()


def _header(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    template = report.template
    candidate = escape(report.candidate.name) + (
        f" &lt;{escape(report.candidate.email)}&gt;" if report.candidate.email else ""
    )
    role = f" · {escape(template.role)}" if template.role else ""
    return [
        Paragraph("Interview report", s["title"]),
        Paragraph(f"<b>Candidate:</b> {candidate}", s["body"]),
        Paragraph(f"<b>Template:</b> {escape(template.name)}{role} · version {template.version}", s["body"]),
        Paragraph(f"<b>Generated:</b> {report.generated_at:%Y-%m-%d %H:%M} UTC", s["body"]),
        Paragraph(f"session {report.session_id} · report schema {report.schema_version}", s["small"]),
        Spacer(1, 4 * mm),
    ]


def _overall(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    scores = report.scores
    return [
        Paragraph(f"{scores.total:.1f} / 100", s["total"]),
        Spacer(1, 8 * mm),
        Paragraph(
            f"Weighted total of {len(scores.criteria)} criteria · scoring {scores.scoring_version}"
            + (f" · model {escape(scores.model)}" if scores.model else ""),
            s["small"],
        ),
        _bar_chart(report),
    ]


def _review(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The reviewer's adjustments, each with its reason; nothing when there are none."""
    review = report.review
    if not review.adjustments:
        return []
    flow: list[Flowable] = [
        Paragraph("Reviewer adjustments", s["h2"]),
        Paragraph(
            f"Total after review: {review.adjusted_total:.1f} / 100 (scoring engine: {report.scores.total:.1f})",
            s["body"],
        ),
    ]
    for a in review.adjustments:
        flow.append(
            Paragraph(
                f"<b>{escape(a.name)}</b>: {a.engine_score:.1f} → {a.score:.1f} "
                f"({a.at:%Y-%m-%d %H:%M} UTC) — {escape(a.reason)}",
                s["body"],
            )
        )
    return flow


def _bar_chart(report: Report) -> Drawing:
    criteria = report.scores.criteria
    row = 22
    width, height = 170 * mm, max(60.0, row * len(criteria) + 30)
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 62 * mm, 20
    chart.width, chart.height = width - 70 * mm, height - 30
    chart.data = [[c.score for c in reversed(criteria)]]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 5, 1
    chart.categoryAxis.categoryNames = [f"{c.name[:32]} (×{c.weight:g})" for c in reversed(criteria)]
    chart.categoryAxis.labels.fontName = _styles()["body"].fontName
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = colors.HexColor("#2563eb")
    chart.barLabelFormat = "%.1f"
    chart.barLabels.nudge = 8
    chart.barLabels.fontSize = 8
    drawing.add(chart)
    return drawing


def _criteria(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    flow: list[Flowable] = [Paragraph("How each score came about", s["h2"])]
    for criterion in report.scores.criteria:
        rows = [
            [
                Paragraph("✓" if r.fired else "·", s["body"]),
                Paragraph(escape(r.detail), s["body"]),
                Paragraph(f"{r.points:+.2f}", s["body"]),
            ]
            for r in criterion.rules
        ]
        block: list[Flowable] = [
            Paragraph(
                f"{escape(criterion.name)} — {criterion.score:g} / 5 (weight {criterion.weight:g}) · "
                f"level {criterion.level}: {escape(criterion.level_description)}",
                s["h3"],
            )
        ]
        if criterion.closest_anchor is not None:
            block.append(Paragraph(f"Closest to the example answer for level {criterion.closest_anchor}.", s["body"]))
        for span in (e for e in criterion.evidence if e.similarity is not None):
            point = span.rule.partition(":")[2]
            block.append(
                Paragraph(
                    f"By meaning: “{escape(span.text)}” ≈ {escape(point)} (similarity {span.similarity:.2f})",
                    s["small"],
                )
            )
        if rows:
            table = Table(rows, colWidths=[8 * mm, 140 * mm, 16 * mm])
            table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
            block.append(table)
        flow.append(KeepTogether(block))
    return flow


def _answers(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    spans = [span for c in report.scores.criteria for span in c.evidence]
    rule_spans = [x for x in spans if not x.rule.startswith("model:")]
    flow: list[Flowable] = [Paragraph("Answers (rule evidence highlighted)", s["h2"])]
    number = 0
    for qa in report.answers:
        if qa.follow_up_of is None:
            number += 1
        label = f"↳ Follow-up: {escape(qa.question)}" if qa.follow_up_of else f"{number}. {escape(qa.question)}"
        flow.append(Paragraph(label, s["h3"]))
        if not qa.answer.strip():
            flow.append(Paragraph("<i>(no answer)</i>", s["body"]))
            continue
        mine = [x for x in rule_spans if x.question_id == qa.question_id]
        flow.append(Paragraph(highlighted(qa.answer, mine), s["body"]))
        quotes = sorted({x.text for x in spans if x.rule == "model:quote" and x.question_id == qa.question_id})
        if quotes:
            flow.append(
                Paragraph("Model quotes (verified): " + " · ".join(f"“{escape(q)}”" for q in quotes), s["small"])
            )
        facts = [qa.source or "", f"{qa.seconds_used:.0f} s used of {qa.time_limit_s} s" if qa.seconds_used else ""]
        if any(facts):
            flow.append(Paragraph(" · ".join(f for f in facts if f), s["small"]))
    return flow


def highlighted(text: str, spans: list[EvidenceSpan]) -> str:
    """Paragraph markup of `text` with the (merged) evidence spans on a highlight background."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, x.start), min(len(text), x.end)) for x in spans if x.end > x.start):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, cursor = [], 0
    for start, end in merged:
        parts.append(escape(text[cursor:start]))
        parts.append(f'<font backColor="{HIGHLIGHT}">{escape(text[start:end])}</font>')
        cursor = end
    parts.append(escape(text[cursor:]))
    return "".join(parts).replace("\n", "<br/>")


def _language_model(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    llm = report.llm
    if llm.provider == "none":
        return [
            Paragraph("Language model", s["h2"]),
            Paragraph("None configured: scores come from the rules alone.", s["body"]),
        ]
    rate = f"{llm.hallucination_rate:.0%}" if llm.hallucination_rate is not None else "n/a"
    return [
        Paragraph("Language model", s["h2"]),
        Paragraph(
            f"{escape(llm.provider)} {escape(llm.model or '')}: {llm.follow_ups_asked} follow-up questions, "
            f"{llm.ratings_used} ratings used ({', '.join(llm.prompt_versions) or 'no prompts'}); "
            f"{llm.quotes_kept} quotes verified, {llm.quotes_dropped} dropped as not in the transcript "
            f"(hallucination rate {rate}).",
            s["body"],
        ),
    ]


def _attention(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    flow: list[Flowable] = [Paragraph("Attention (flags for review; only an integrity criterion scores them)", s["h2"])]
    attention = report.attention
    if not attention.events:
        return [*flow, Paragraph(escape(attention.note), s["body"])]
    if attention.attentive_share is not None:
        flow.append(Paragraph(f"Attentive for {attention.attentive_share:.0%} of the interview.", s["body"]))
    counts = ", ".join(_kind_count(k["kind"], k["count"], k["total_ms"]) for k in attention.by_kind)
    flow.append(Paragraph(escape(counts), s["body"]))
    flow.append(_timeline_chart(report))
    return flow


def _kind_count(kind: object, count: object, total_ms: object) -> str:
    """Like `face_absent ×2 (14 s)`; moments such as a paste or a phone seen have no duration to show."""
    seconds = int(str(total_ms)) / 1000
    return f"{kind} ×{count}" + (f" ({seconds:.0f} s)" if seconds >= 0.5 else "")


def _timeline_chart(report: Report) -> Drawing:
    """One lane per event kind; a bar per event along the interview's time."""
    events = report.attention.events
    kinds = sorted({str(e["event"]) for e in events})
    started = report.timings.started_at
    first = int(started.timestamp() * 1000) if started else min(int(str(e["start_ms"])) for e in events)
    ends = [int(str(e["start_ms"])) + int(str(e["duration_ms"])) for e in events]
    finished = report.timings.finished_at
    last = max([*ends, int(finished.timestamp() * 1000) if finished else 0, first + 1])
    width, lane, left = 170 * mm, 14, 32 * mm
    drawing = Drawing(width, lane * len(kinds) + 16)
    scale = (width - left - 4) / (last - first)
    for row, kind in enumerate(reversed(kinds)):
        y = 12 + row * lane
        drawing.add(String(0, y + 2, kind, fontName=_styles()["small"].fontName, fontSize=7))
        drawing.add(Rect(left, y + 5, width - left - 4, 0.5, fillColor=colors.lightgrey, strokeColor=None))
        for event in (e for e in events if e["event"] == kind):
            x = left + (int(str(event["start_ms"])) - first) * scale
            w = max(1.5, int(str(event["duration_ms"])) * scale)
            drawing.add(Rect(x, y, w, 10, fillColor=colors.HexColor("#f97316"), strokeColor=None))
    minutes = (last - first) / 60000
    drawing.add(String(left, 0, "start", fontSize=6))
    drawing.add(String(width - 30, 0, f"{minutes:.1f} min", fontSize=6))
    return drawing
