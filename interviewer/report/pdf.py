"""Render a report as PDF with reportlab: header, overall score, a bar per criterion, the rules behind
each score, every answer with its evidence highlighted, and the attention section.

Deterministic: reportlab's invariant mode and no clock of its own (only `report.generated_at`).
"""

from __future__ import annotations

import functools
import io
import itertools
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from interviewer.attention import in_plain_words
from interviewer.report.schema import Adjustment, Report
from interviewer.scoring import EvidenceSpan, ScoreCard
from interviewer.scoring.agreement import how_far_to_trust
from interviewer.scoring.gaming import RULE_NAMES, what_lowered

_FONT_DIR = Path("/usr/share/fonts/truetype")  # Debian's fonts-dejavu-core and fonts-wqy-microhei (scripts/install.sh)
_MAIN = ("DejaVuSans", _FONT_DIR / "dejavu/DejaVuSans.ttf", _FONT_DIR / "dejavu/DejaVuSans-Bold.ttf")
_FALLBACK = ("WenQuanYiMicroHei", _FONT_DIR / "wqy/wqy-microhei.ttc")
HIGHLIGHT = "#fde68a"


class _Fonts:
    """The report's fonts, embedded (as subsets) in every PDF: DejaVu Sans for Latin, Greek and Cyrillic (with a
    real bold), WenQuanYi Micro Hei for what DejaVu lacks (Chinese, Japanese, Korean). reportlab does not fall
    back per glyph by itself, so `markup` puts each run of characters that the main font cannot draw into the
    fallback font. Without either font installed it is Helvetica, which only draws Latin-1."""

    def __init__(self) -> None:
        self.regular, self.bold = "Helvetica", "Helvetica-Bold"
        self._main: TTFont | None = None
        self._fallback: TTFont | None = None
        name, regular, bold = _MAIN
        if regular.is_file() and bold.is_file():
            self._main = TTFont(name, str(regular))
            pdfmetrics.registerFont(self._main)
            pdfmetrics.registerFont(TTFont(f"{name}-Bold", str(bold)))
            registerFontFamily(name, normal=name, bold=f"{name}-Bold", italic=name, boldItalic=f"{name}-Bold")
            self.regular, self.bold = name, f"{name}-Bold"
        name, path = _FALLBACK
        if path.is_file():
            self._fallback = TTFont(name, str(path), subfontIndex=0)
            pdfmetrics.registerFont(self._fallback)
            registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)  # it has no bold
            if self._main is None:
                self.regular = self.bold = name

    def _needs_fallback(self, char: str) -> bool:
        if self._fallback is None or self._main is None or char.isspace():
            return False
        code = ord(char)
        return code not in self._main.face.charToGlyph and code in self._fallback.face.charToGlyph

    def markup(self, text: str) -> str:
        """`text` escaped for a Paragraph, with the runs the main font cannot draw set in the fallback font."""
        out: list[str] = []
        for fallback, run in itertools.groupby(text, self._needs_fallback):
            chunk = escape("".join(run))
            out.append(f'<font face="{_FALLBACK[0]}">{chunk}</font>' if fallback else chunk)
        return "".join(out)

    def for_label(self, text: str) -> str:
        """One font for a chart label (drawn as a single string): the fallback when the main font lacks a
        character of it."""
        return _FALLBACK[0] if any(self._needs_fallback(c) for c in text) else self.regular


@functools.cache
def _fonts() -> _Fonts:
    return _Fonts()


def _text(text: str) -> str:
    return _fonts().markup(text)


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts().regular, _fonts().bold
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=20, alignment=0),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, spaceBefore=10, keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName=bold, fontSize=11, spaceBefore=6, keepWithNext=1),
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
        initialFontName=styles["body"].fontName,  # no unused (and unembedded) Helvetica in the file
    )
    story: list[Flowable] = [
        *_header(report, styles),
        *_overall(report, styles),
        *_decision(report, styles),
        *_review(report, styles),
        *_accommodations(report, styles),
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
    candidate = _text(report.candidate.name) + (
        f" &lt;{_text(report.candidate.email)}&gt;" if report.candidate.email else ""
    )
    role = f" · {_text(template.role)}" if template.role else ""
    return [
        Paragraph("Interview report", s["title"]),
        Paragraph(f"<b>Candidate:</b> {candidate}", s["body"]),
        Paragraph(f"<b>Template:</b> {_text(template.name)}{role} · version {template.version}", s["body"]),
        Paragraph(f"<b>Generated:</b> {report.generated_at:%Y-%m-%d %H:%M} UTC", s["body"]),
        Paragraph(f"session {report.session_id} · report schema {report.schema_version}", s["small"]),
        Spacer(1, 4 * mm),
    ]


def _overall(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    scores = report.scores
    if not isinstance(scores, ScoreCard):
        return _assessed_by_a_person(report, s)
    flow: list[Flowable] = [Paragraph(f"{scores.total:.1f} / 100", s["total"]), Spacer(1, 8 * mm)]
    if fired := report.rules_fired():
        flow.append(
            Paragraph(
                f"<b>Rules fired:</b> {', '.join(RULE_NAMES[rule] for rule in fired)} — see the criteria below; look "
                "at the answers before acting on this total.",
                s["body"],
            )
        )
    return [
        *flow,
        Paragraph(
            f"Weighted total of {len(scores.criteria)} criteria · scoring {scores.scoring_version}"
            + (f" · model {_text(scores.model)}" if scores.model else ""),
            s["small"],
        ),
        Paragraph(how_far_to_trust(scores.scoring_version), s["small"]),
        _bar_chart(report),
    ]


def _assessed_by_a_person(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The head of a report without engine scores: the candidate opted out of the automatic scoring."""
    total = report.review.adjusted_total
    set_by_hand = {a.criterion_id for a in report.review.adjustments}
    left = [c for c in report.scores.criteria if c.criterion_id not in set_by_hand]
    return [
        Paragraph("Assessed by a person", s["total"]),
        Spacer(1, 8 * mm),
        Paragraph(
            "The candidate asked for a person to assess the answers instead of the automatic scoring: no scoring "
            "engine or language model rated them, and the report holds no engine score.",
            s["body"],
        ),
        Paragraph(
            f"Total set by reviewers: {total:.1f} / 100"
            if total is not None
            else f"Reviewers have set {len(report.scores.criteria) - len(left)} of {len(report.scores.criteria)} "
            "criteria; the total follows once every criterion is set.",
            s["body"],
        ),
    ]


def _decision(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The team's decision with its reason and who made it; nothing before there is one."""
    decision = report.decision
    if decision is None:
        return []
    return [
        Paragraph("Decision", s["h2"]),
        Paragraph(
            f"<b>{decision.decision.capitalize()}</b> — by {_text(decision.by)}, {decision.at:%Y-%m-%d %H:%M} UTC",
            s["body"],
        ),
        Paragraph(f"Reason: {_text(decision.reason)}", s["body"]),
    ]


def _review(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """The reviewer's adjustments, each with its reason; nothing when there are none."""
    review = report.review
    if not review.adjustments:
        return []
    if not isinstance(report.scores, ScoreCard):
        return [
            Paragraph("Reviewers' scores", s["h2"]),
            *(
                Paragraph(f"<b>{_text(a.name)}</b>: {a.score:.1f} ({_when_and_who(a)}) — {_text(a.reason)}", s["body"])
                for a in review.adjustments
            ),
        ]
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
                f"<b>{_text(a.name)}</b>: {a.engine_score:.1f} → {a.score:.1f} "
                f"({_when_and_who(a)}) — {_text(a.reason)}",
                s["body"],
            )
        )
    return flow


def _when_and_who(adjustment: Adjustment) -> str:
    when = f"{adjustment.at:%Y-%m-%d %H:%M} UTC"
    return f"{when}, by {_text(adjustment.by)}" if adjustment.by else when


def _accommodations(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Said only when the invite granted any; nothing otherwise."""
    granted = report.accommodations
    if not granted.applied:
        return []
    return [
        Paragraph("Accommodations", s["h2"]),
        Paragraph(f"Granted: {_text(', '.join(granted.applied))}. {_text(granted.note)}", s["body"]),
    ]


def _bar_chart(report: Report) -> Drawing:
    assert isinstance(report.scores, ScoreCard)
    criteria = report.scores.criteria
    row = 22
    width, height = 170 * mm, max(60.0, row * len(criteria) + 30)
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 62 * mm, 20
    chart.width, chart.height = width - 70 * mm, height - 30
    chart.data = [[c.score for c in reversed(criteria)]]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 5, 1
    names = [f"{c.name[:32]} (×{c.weight:g})" for c in reversed(criteria)]
    chart.categoryAxis.categoryNames = names
    fonts = _fonts()
    for i, name in enumerate(names):
        chart.categoryAxis.labels[i].fontName = fonts.for_label(name)
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = chart.barLabels.fontName = fonts.regular
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = colors.HexColor("#2563eb")
    chart.barLabelFormat = "%.1f"
    chart.barLabels.nudge = 8
    chart.barLabels.fontSize = 8
    drawing.add(chart)
    return drawing


def _criteria(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not isinstance(report.scores, ScoreCard):
        return [
            Paragraph("Rubric (assessed by a person)", s["h2"]),
            *(Paragraph(f"{_text(c.name)} (weight {c.weight:g})", s["body"]) for c in report.scores.criteria),
        ]
    flow: list[Flowable] = []
    heading: list[Flowable] = [Paragraph("How each score came about", s["h2"])]  # kept with the first criterion
    for criterion in report.scores.criteria:
        rows = [
            [
                Paragraph("✓" if r.fired else "·", s["body"]),
                Paragraph(_text(r.detail), s["body"]),
                Paragraph(f"{r.points:+.2f}", s["body"]),
            ]
            for r in criterion.rules
        ]
        block: list[Flowable] = [
            Paragraph(
                f"{_text(criterion.name)} — {criterion.score:g} / 5 (weight {criterion.weight:g}) · "
                f"level {criterion.level}: {_text(criterion.level_description)}",
                s["h3"],
            )
        ]
        for label, detail in what_lowered(criterion):
            block.append(Paragraph(f"<b>{label}:</b> {_text(detail)}", s["body"]))
        if criterion.closest_anchor is not None:
            block.append(Paragraph(f"Closest to the example answer for level {criterion.closest_anchor}.", s["body"]))
        for span in (e for e in criterion.evidence if e.similarity is not None):
            block.append(Paragraph(f"“{_text(span.text)}” — {_text(span.shows())}", s["small"]))
        # the heading, its notes and the first rules stay together; the other rules may go on to the next page
        flow.append(KeepTogether([*heading, *block, *_rules_table(rows[:RULES_KEPT_WITH_HEADING])]))
        flow.extend(_rules_table(rows[RULES_KEPT_WITH_HEADING:]))
        heading = []
    return flow


RULES_KEPT_WITH_HEADING = 3


def _rules_table(rows: list[list[Flowable]]) -> list[Flowable]:
    """Rules as rows of mark, detail and points (none when there are no rows)."""
    if not rows:
        return []
    table = Table(rows, colWidths=[8 * mm, 140 * mm, 16 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return [table]


def _answers(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    spans = [span for c in report.scores.criteria for span in c.evidence]
    rule_spans = [x for x in spans if not x.rule.startswith("model:")]
    heading = "Answers (rule evidence highlighted)" if report.ai_scoring else "Answers"
    flow: list[Flowable] = [Paragraph(heading, s["h2"])]
    number = 0
    for qa in report.answers:
        if qa.follow_up_of is None:
            number += 1
        label = f"↳ Follow-up: {_text(qa.question)}" if qa.follow_up_of else f"{number}. {_text(qa.question)}"
        flow.append(Paragraph(label, s["h3"]))
        if not qa.answer.strip():
            flow.append(Paragraph("<i>(no answer)</i>", s["body"]))
            continue
        mine = [x for x in rule_spans if x.question_id == qa.question_id]
        flow.append(Paragraph(highlighted(qa.answer, mine), s["body"]))
        quotes = sorted({x.text for x in spans if x.rule == "model:quote" and x.question_id == qa.question_id})
        if quotes:
            flow.append(
                Paragraph("Model quotes (verified): " + " · ".join(f"“{_text(q)}”" for q in quotes), s["small"])
            )
        facts = [
            qa.source or "",
            f"{qa.seconds_used:.0f} s used of {qa.time_limit_s} s" if qa.seconds_used else "",
            "answered again (the one retake; the first answer was discarded)" if qa.retake_used else "",
        ]
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
        parts.append(_text(text[cursor:start]))
        parts.append(f'<font backColor="{HIGHLIGHT}">{_text(text[start:end])}</font>')
        cursor = end
    parts.append(_text(text[cursor:]))
    return "".join(parts).replace("\n", "<br/>")


def _language_model(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    llm = report.llm
    if not report.ai_scoring:
        return [
            Paragraph("Language model", s["h2"]),
            Paragraph(
                "Not used to rate the answers: the candidate asked for a person to assess them."
                + (f" It asked {llm.follow_ups_asked} follow-up questions." if llm.follow_ups_asked else ""),
                s["body"],
            ),
        ]
    if llm.provider == "none":
        return [
            Paragraph("Language model", s["h2"]),
            Paragraph("None configured: the scores come from the scoring engine alone.", s["body"]),
        ]
    rate = f"{llm.hallucination_rate:.0%}" if llm.hallucination_rate is not None else "n/a"
    return [
        Paragraph("Language model", s["h2"]),
        Paragraph(
            f"{_text(llm.provider)} {_text(llm.model or '')}: {llm.follow_ups_asked} follow-up questions, "
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
        return [*flow, Paragraph(_text(attention.note), s["body"])]
    if attention.attentive_share is not None:
        flow.append(Paragraph(f"Attentive for {attention.attentive_share:.0%} of the interview.", s["body"]))
    counts = ", ".join(_kind_count(k["kind"], k["count"], k["total_ms"]) for k in attention.by_kind)
    flow.append(Paragraph(_text(counts), s["body"]))
    flow.append(_timeline_chart(report))
    return flow + _candidate_notes(report, s)


def _candidate_notes(report: Report, s: dict[str, ParagraphStyle]) -> list[Flowable]:
    """What the candidate wrote about their own flags before finishing, next to each flag; nothing without notes."""
    noted = [e for e in report.attention.events if e.get("candidate_note")]
    if not noted:
        return []
    started = report.timings.started_at
    started_ms = int(started.timestamp() * 1000) if started else None
    flow: list[Flowable] = [Paragraph("The candidate's notes on these flags", s["h3"])]
    for event in noted:
        words = in_plain_words(
            str(event["event"]), int(str(event["start_ms"])), int(str(event["duration_ms"])), started_ms
        )
        flow.append(Paragraph(f"<b>{_text(words)}</b> — “{_text(str(event['candidate_note']))}”", s["body"]))
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
        drawing.add(String(0, y + 2, kind, fontName=_fonts().for_label(kind), fontSize=7))
        drawing.add(Rect(left, y + 5, width - left - 4, 0.5, fillColor=colors.lightgrey, strokeColor=None))
        for event in (e for e in events if e["event"] == kind):
            x = left + (int(str(event["start_ms"])) - first) * scale
            w = max(1.5, int(str(event["duration_ms"])) * scale)
            drawing.add(Rect(x, y, w, 10, fillColor=colors.HexColor("#f97316"), strokeColor=None))
    minutes = (last - first) / 60000
    drawing.add(String(left, 0, "start", fontName=_fonts().regular, fontSize=6))
    drawing.add(String(width - 30, 0, f"{minutes:.1f} min", fontName=_fonts().regular, fontSize=6))
    return drawing
