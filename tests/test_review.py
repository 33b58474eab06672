"""A reviewer adjusts a criterion's score with a reason: the report keeps the engine's scores beside it."""

from __future__ import annotations

import json
from io import BytesIO

from pypdf import PdfReader

from tests.conftest import AppProcess, admin_headers
from tests.helpers import ANSWER_1, ANSWER_2, REASON, adjust, create_template, receive_until, start, ws_connect


def finished_interview(app: AppProcess) -> str:
    """A two-question interview answered and finished over the WebSocket; returns the session id."""
    with app.client() as client:
        started = start(client, create_template(client)["family_id"])
    with ws_connect(app, started["session_id"], started["ws_token"]) as ws:
        receive_until(ws, "state")
        for question_id, text in (("q-pipeline", ANSWER_1), ("q-failure", ANSWER_2)):
            ws.send(json.dumps({"type": "answer", "question_id": question_id, "text": text}))
            receive_until(ws, "ack")
            ws.send(json.dumps({"type": "next" if question_id == "q-pipeline" else "finish"}))
        receive_until(ws, "report")
    return str(started["session_id"])


def test_an_adjustment_with_a_reason_goes_into_the_report_beside_the_engine_score(app_process: AppProcess) -> None:
    session_id = finished_interview(app_process)
    with app_process.client() as client:
        before = client.get(f"/report/{session_id}.json", headers=admin_headers()).json()
    response = adjust(app_process, session_id, criterion_id="c-tech", score=4.5, reason=REASON)
    assert response.status_code == 200, response.text
    with app_process.client() as client:
        after = client.get(f"/report/{session_id}.json", headers=admin_headers()).json()
        pdf = client.get(f"/report/{session_id}.pdf", headers=admin_headers()).content
    assert after == response.json()
    assert after["scores"] == before["scores"]  # the engine's scores stay as they were
    [adjustment] = after["review"]["adjustments"]
    engine = {c["criterion_id"]: c for c in before["scores"]["criteria"]}
    assert (adjustment["criterion_id"], adjustment["score"], adjustment["reason"]) == ("c-tech", 4.5, REASON)
    assert adjustment["engine_score"] == engine["c-tech"]["score"]
    assert adjustment["by"] == "API"  # who adjusted: the admin key here, a person's e-mail on the session page
    weights, story = engine["c-tech"]["weight"], engine["c-story"]
    expected = (weights * 4.5 + story["weight"] * story["score"]) / (weights + story["weight"]) * 20
    assert after["review"]["adjusted_total"] == round(expected, 1)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).split())
    assert "Reviewer adjustments" in text
    assert f"Total after review: {after['review']['adjusted_total']:.1f} / 100" in text
    assert "in depth when asked in the live call" in text
    assert "by API" in text


def test_adjustments_are_refused_with_a_clear_reason(app_process: AppProcess) -> None:
    session_id = finished_interview(app_process)
    short = adjust(app_process, session_id, criterion_id="c-tech", score=3, reason="ok")
    unknown = adjust(app_process, session_id, criterion_id="c-nope", score=3, reason=REASON)
    too_high = adjust(app_process, session_id, criterion_id="c-tech", score=7, reason=REASON)
    with app_process.client() as client:
        running = start(client, create_template(client)["family_id"])["session_id"]
    early = adjust(app_process, running, criterion_id="c-tech", score=3, reason=REASON)
    assert (short.status_code, unknown.status_code, too_high.status_code, early.status_code) == (422, 422, 422, 409)
    assert "10 characters" in json.dumps(short.json())
    assert "c-nope" in unknown.json()["detail"]
    assert "finalize the interview first" in early.json()["detail"]
