"""The JSON error body every route answers with, and its OpenAPI description per status code."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ValidationIssue(BaseModel):
    """One problem with the request, as FastAPI reports it (`loc` names the field)."""

    type: str
    loc: list[str | int]
    msg: str
    input: Any = None


class ErrorOut(BaseModel):
    """Every error is `{"detail": ...}`: a sentence, or for 422 on the request's shape a list of issues."""

    detail: str | list[ValidationIssue]
    retry_after_s: int | None = Field(default=None, description="503 busy only: seconds before retrying.")


_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}

ERRORS: dict[int, dict[str, Any]] = {
    401: {"description": "Missing or invalid credentials (`WWW-Authenticate: Bearer`)."},
    403: {
        "description": "The credentials do not allow this (a token of another session, the candidate's token on "
        "a reviewer's route, an invalid invite, or the admin API disabled)."
    },
    404: {"description": "Unknown session, template, question, or no report yet."},
    409: {"description": "The request does not fit the session's state (e.g. a used invite, a running interview)."},
    410: {"description": "The invite expired or was revoked."},
    413: {"description": "The body is larger than the limit (MAX_REQUEST_BODY_BYTES, STT_MAX_BODY_BYTES)."},
    415: {"description": "The audio format is not 16 kHz mono PCM16 (raw or WAV)."},
    422: {"description": "The request is invalid: a list of issues naming the field, or one sentence."},
    429: {"description": "Too many requests: retry after `Retry-After` seconds.", "headers": _RETRY_AFTER},
    503: {
        "description": "Speech recognition is busy (`Retry-After`: send again) or unavailable (no model, "
        "`X-Speech-State`: type the answer instead).",
        "headers": _RETRY_AFTER,
    },
}


def error_responses(*codes: int, ok: dict[str, Any] | None = None) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for a route that can answer with these error statuses, each with `ErrorOut`; `ok`
    describes a 200 that is no JSON model (a file, audio)."""
    responses: dict[int | str, dict[str, Any]] = {code: {"model": ErrorOut, **ERRORS[code]} for code in codes}
    if ok is not None:
        responses[200] = ok
    return responses
