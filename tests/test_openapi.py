"""What `/docs` promises is what the API does: error statuses and bodies, the speech body, strict numbers
(issue 13, finding 10). Against a real app process."""

from __future__ import annotations

from typing import Any

import pytest

from interviewer.api.errors import ErrorOut
from tests.conftest import AppProcess, admin_headers
from tests.helpers import TEMPLATE, create_template, start

ERROR_REF = "#/components/schemas/ErrorOut"


@pytest.fixture(scope="module")
def schema(app_process: AppProcess) -> dict[str, Any]:
    with app_process.client() as client:
        return dict(client.get("/openapi.json").json())


def documented_errors(schema: dict[str, Any], method: str, path: str) -> dict[int, str]:
    responses = schema["paths"][path][method]["responses"]
    return {
        int(code): body["content"]["application/json"]["schema"]["$ref"]
        for code, body in responses.items()
        if code.startswith(("4", "5"))
    }


@pytest.mark.parametrize(
    ("method", "path", "codes"),
    [
        ("post", "/interview/start", {403, 409, 410, 413, 422, 429}),
        ("post", "/stt/stream", {401, 403, 409, 413, 415, 422, 429, 503}),
        ("post", "/report/finalize", {401, 403, 404, 409, 413, 422, 429}),
        ("get", "/report/{session_id}.json", {401, 403, 404, 429}),
        ("get", "/report/{session_id}.pdf", {401, 403, 404, 429}),
        ("get", "/interview/{session_id}/audio/{question_id}", {401, 403, 404}),
        ("post", "/api/templates", {401, 403, 413, 422, 429}),
        ("put", "/api/templates/{family_id}", {401, 403, 404, 413, 422, 429}),
        ("post", "/api/invites", {401, 403, 404, 413, 422, 429}),
        ("delete", "/api/sessions/{session_id}", {401, 403, 404, 409, 429}),
        ("post", "/api/sessions/{session_id}/adjustments", {401, 403, 404, 409, 413, 422, 429}),
        ("post", "/api/score", {401, 403, 404, 413, 422, 429}),
    ],
)
def test_every_error_status_is_documented_with_the_json_error_body(
    schema: dict[str, Any], method: str, path: str, codes: set[int]
) -> None:
    errors = documented_errors(schema, method, path)
    assert codes <= set(errors), sorted(codes - set(errors))
    assert set(errors.values()) == {ERROR_REF}


def test_every_operation_documents_its_errors(schema: dict[str, Any]) -> None:
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
        if path != "/status" and not documented_errors(schema, method, path)
    ]
    assert undocumented == []


def test_the_speech_body_is_documented_as_binary_audio(schema: dict[str, Any]) -> None:
    body = schema["paths"]["/stt/stream"]["post"]["requestBody"]
    assert body["required"] is True
    assert {"audio/L16;rate=16000", "application/octet-stream", "audio/wav"} <= set(body["content"])
    assert {c["schema"]["format"] for c in body["content"].values()} == {"binary"}
    limited = schema["paths"]["/stt/stream"]["post"]["responses"]["429"]
    assert "Retry-After" in limited["headers"]


def test_real_errors_have_the_documented_body(app_process: AppProcess) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
        own = {"Authorization": f"Bearer {started['ws_token']}"}
        responses = [
            client.post("/interview/start", json={"invite_token": "q" * 32}),  # 403
            client.get(f"/report/{started['session_id']}.json", headers=own),  # 403
            client.get(f"/report/{started['session_id']}.json"),  # 401
            client.post("/report/finalize", json={"session_id": started["session_id"]}, headers=own),  # 409
            client.post("/api/templates", json={**TEMPLATE, "questions": []}, headers=admin_headers()),  # 422
        ]
    assert [r.status_code for r in responses] == [403, 403, 401, 409, 422]
    for response in responses:
        ErrorOut.model_validate(response.json())


@pytest.mark.parametrize(
    ("where", "field", "value"),
    [
        ("criteria", "llm_weight", False),
        ("criteria", "weight", True),
        ("criteria", "expected_words_min", False),
        ("criteria", "evidence_needed", True),
        ("criteria", "structure_cues", 1),
        ("questions", "time_limit_s", True),
        ("questions", "max_follow_ups", False),
    ],
)
def test_a_bool_is_no_number_in_a_template(app_process: AppProcess, where: str, field: str, value: object) -> None:
    content = {**TEMPLATE, where: [{**TEMPLATE[where][0], field: value}, *TEMPLATE[where][1:]]}
    with app_process.client() as client:
        response = client.post("/api/templates", json=content, headers=admin_headers())
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", where, 0, field]


def test_json_numbers_still_work_in_a_template(app_process: AppProcess) -> None:
    numbers = {"weight": 2, "llm_weight": 1, "expected_words_min": 5.0, "evidence_needed": 2}
    content = {
        **TEMPLATE,
        "questions": [{**TEMPLATE["questions"][0], "time_limit_s": 120.0}, TEMPLATE["questions"][1]],
        "criteria": [{**TEMPLATE["criteria"][0], **numbers}, TEMPLATE["criteria"][1]],
        "silence_end_s": 3,
    }
    with app_process.client() as client:
        created = client.post("/api/templates", json=content, headers=admin_headers())
    assert created.status_code == 201, created.text
    saved = created.json()["content"]
    assert saved["criteria"][0] | {"weight": 2.0, "llm_weight": 1.0, "expected_words_min": 5} == saved["criteria"][0]
    assert saved["questions"][0]["time_limit_s"] == 120
    assert saved["silence_end_s"] == 3.0


@pytest.mark.parametrize("content_type", ["audio/L16; channels=2", "audio/L16;rate=16000;channels=2"])
def test_stereo_pcm_is_refused_not_ignored(app_process: AppProcess, content_type: str) -> None:
    with app_process.client() as client:
        started = start(client, create_template(client)["family_id"])
        response = client.post(
            "/stt/stream",
            params={"session_id": started["session_id"], "question_id": "q-pipeline", "seq": 0},
            content=b"\x00\x00" * 8000,
            headers={"Authorization": f"Bearer {started['ws_token']}", "Content-Type": content_type},
        )
    assert response.status_code == 415
    assert "channels=1" in response.json()["detail"]
