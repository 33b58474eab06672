"""Liveness and readiness: `GET /status`."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import text

from interviewer import __version__
from interviewer.api.deps import SystemDep
from interviewer.stt.queue_backend import QueueTranscriber

router = APIRouter(tags=["status"])


class StatusOut(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    database: Literal["ok", "error"]
    llm_provider: str
    stt: str
    stt_detail: str
    stt_backend: str = Field(description="inprocess: this process transcribes; queue: speech workers through Redis")
    stt_workers: int | None = Field(description="Live speech workers (STT_BACKEND=queue); null in-process")
    tts: str
    scoring_model: str = Field(description="The sentence-embedding model of scoring v2: not loaded, ready, or error")


@router.get("/status")
def status(system: SystemDep) -> StatusOut:
    """`ok` when the database answers; also says which optional engines are configured."""
    try:
        with system.db.session() as s:
            s.connection().execute(text("SELECT 1"))
        database: Literal["ok", "error"] = "ok"
    except Exception:
        database = "error"
    transcriber = system.speech.transcriber
    return StatusOut(
        status="ok" if database == "ok" else "degraded",
        version=__version__,
        database=database,
        llm_provider=system.settings.llm_provider.value,
        stt=transcriber.state,
        stt_detail=transcriber.detail,
        stt_backend=system.settings.stt_backend.value,
        stt_workers=transcriber.workers if isinstance(transcriber, QueueTranscriber) else None,
        tts=system.voice.provider_name,
        scoring_model=system.scorer.embedder.state,
    )
