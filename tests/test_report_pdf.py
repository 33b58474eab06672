"""The PDF report: real reportlab output, read back with pypdf and rendered with pdftoppm."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from interviewer.report.pdf import highlighted, render_pdf
from interviewer.report.schema import (
    AttentionSection,
    CandidateInfo,
)
from interviewer.scoring import EvidenceSpan
from tests.sample_report import sample_report


def test_the_pdf_shows_candidate_scores_and_evidence(tmp_path: Path) -> None:
    report = sample_report()
    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    for expected in (
        "Zoë Naïve-Ørsted",
        "Platform engineer",
        "version 3",
        f"{report.scores.total:.1f} / 100",
        "Redis cache <&>",
        "(no answer)",
        "Attention",
        "No attention events",
        "page 1",
        "scoring meaning-v2 · model all-MiniLM-L6-v2",
        "Closest to the example answer for level 5",
        "by meaning (similarity",
        "An aid for a person's judgement, not a decision",  # and how well the engine agreed with trained raters
        "QWK 0.44–0.69",
    ):
        assert expected in " ".join(text.split()), expected
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 10_000


NAME = "Łukasz 王芳 Дмитрий"
WORLD_ANSWER = "Ελένη and 김민준 reviewed it; ありがとう — задержка fell by 40 %, 延迟降低了。"


def test_names_and_answers_in_any_script_survive_in_the_pdf(tmp_path: Path) -> None:
    """A candidate called Łukasz 王芳 Дмитрий answers in Greek, Korean, Japanese, Russian and Chinese: every
    character is drawn by a font embedded in the PDF (a reviewer's machine needs no fonts of its own) and
    reads back as itself, not as ■ or an empty box."""
    report = sample_report()
    report = report.model_copy(
        update={
            "candidate": CandidateInfo(name=NAME, email=None),
            "answers": [report.answers[0].model_copy(update={"answer": WORLD_ANSWER}), *report.answers[1:]],
            "scores": report.scores.model_copy(
                update={"criteria": [report.scores.criteria[0].model_copy(update={"name": "沟通 Communication"})]}
            ),
        }
    )
    pdf = render_pdf(report)
    reader = PdfReader(BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for expected in (f"Candidate: {NAME}", WORLD_ANSWER, "沟通 Communication — "):
        assert expected in text, expected
    assert "\x00" not in text

    not_embedded: set[str] = set()

    def embedded(_text: str, _cm: object, _tm: object, font: dict[str, Any] | None, _size: object) -> None:
        if font is None or not _text.strip():
            return
        descriptor = font.get("/FontDescriptor")
        if descriptor is None or "/FontFile2" not in descriptor.get_object():
            not_embedded.add(str(font.get("/BaseFont")))

    for page in reader.pages:
        page.extract_text(visitor_text=embedded)
    assert not not_embedded, f"fonts not embedded: {not_embedded}"
    path = tmp_path / "world.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-l", "1", str(path), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 10_000


def test_the_attention_section_counts_kinds_and_draws_a_timeline(tmp_path: Path) -> None:
    start = int(datetime(2026, 11, 25, 9, 0, tzinfo=UTC).timestamp() * 1000)
    events: list[dict[str, object]] = [
        {"event": "tab_hidden", "start_ms": start + 10_000, "duration_ms": 4_000, "confidence": 1},
        {"event": "phone_detected", "start_ms": start + 30_000, "duration_ms": 0, "confidence": 0.68, "frames": 2},
    ]
    attention = AttentionSection(
        monitored=True,
        attentive_share=0.9,
        by_kind=[
            {"kind": "phone_detected", "count": 1, "total_ms": 0},
            {"kind": "tab_hidden", "count": 1, "total_ms": 4_000},
        ],
        events=events,
    )
    pdf = render_pdf(sample_report().model_copy(update={"attention": attention}))
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "Attentive for 90% of the interview." in text
    assert "phone_detected ×1, tab_hidden ×1 (4 s)" in text  # a moment has no duration to show
    assert "tab_hidden phone_detected start 0.3 min" in " ".join(text.split())  # timeline lanes, 20 s axis


def test_the_same_report_gives_the_same_bytes() -> None:
    assert render_pdf(sample_report()) == render_pdf(sample_report())


def test_overlapping_evidence_is_highlighted_once_and_escaped() -> None:
    spans = [
        EvidenceSpan(question_id="q", start=0, end=5, text="", rule="a"),
        EvidenceSpan(question_id="q", start=3, end=9, text="", rule="b"),
    ]
    assert highlighted("a<b>cache & more", spans) == '<font backColor="#fde68a">a&lt;b&gt;cache</font> &amp; more'


def test_a_heading_is_never_left_alone_at_the_foot_of_a_page() -> None:
    report = sample_report()
    first = report.scores.criteria[0]
    quoted = [e for e in first.evidence if e.similarity is not None] * 12  # a criterion with much evidence
    scores = report.scores.model_copy(
        update={"criteria": [first.model_copy(update={"evidence": quoted}), *report.scores.criteria[1:]]}
    )
    pages = [
        page.extract_text()
        for page in PdfReader(BytesIO(render_pdf(report.model_copy(update={"scores": scores})))).pages
    ]
    heading = next(i for i, text in enumerate(pages) if "How each score came about" in text)
    assert f"{first.name} —" in pages[heading]
