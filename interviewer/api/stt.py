"""`POST /stt/stream`: spoken answers in numbered chunks of 16 kHz mono PCM16 (raw or WAV); `POST /stt/practice`:
the practice question's spoken answer, one clip transcribed in memory and forgotten."""

from __future__ import annotations

import io
import wave
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field

from interviewer.api.deps import SystemDep, client_ip, session_of_bearer
from interviewer.api.errors import error_responses
from interviewer.models import SessionStatus
from interviewer.ratelimit import speech_cost
from interviewer.stt.transcriber import SpeechUnavailable
from interviewer.stt.vad import SAMPLE_RATE

router = APIRouter(tags=["speech"])

RAW_TYPES = {"audio/l16", "application/octet-stream"}
WAV_TYPES = {"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"}


class ChunkOut(BaseModel):
    seq: int
    partial: str
    final: str | None
    missing: list[int] = Field(description="Sequence numbers not received yet (at most 240 ahead): send them again.")
    missing_ranges: list[tuple[int, int]] = Field(description="The same gaps as [first, last] ranges.")
    transcript: dict[str, Any] | None = None


_PCM = {"type": "string", "format": "binary", "description": "PCM16 little-endian, 16 kHz, mono."}
AUDIO_BODY = {
    "requestBody": {
        "required": True,
        "description": "One chunk of the answer (≈0.5 s; at most STT_MAX_BODY_BYTES): raw 16 kHz mono PCM16, or a "
        "WAV file of that format. May be empty with `final=true`.",
        "content": {
            "audio/L16;rate=16000": {"schema": _PCM},
            "application/octet-stream": {"schema": _PCM},
            "audio/wav": {"schema": {"type": "string", "format": "binary", "description": "16 kHz, mono, 16-bit."}},
        },
    }
}


@router.post(
    "/stt/stream", responses=error_responses(401, 403, 404, 409, 413, 415, 422, 429, 503), openapi_extra=AUDIO_BODY
)
async def stream_chunk(
    request: Request,
    system: SystemDep,
    session_id: Annotated[str, Query(pattern=r"^[0-9a-f-]{36}$")],
    question_id: Annotated[str, Query(min_length=1, max_length=32)],
    seq: Annotated[int, Query(ge=0, le=100_000)],
    final: bool = False,
) -> ChunkOut:
    """Append one chunk of the answer to `question_id`; `final=true` on the last one ends the answer.

    Idempotent per (answer, seq). `missing` lists sequence numbers not received yet: send them again.
    `final` is null until the whole answer is in, then it is the final transcript.

    Limits: a session may send STT_AUDIO_S_PER_MIN seconds of audio a minute (4× real time by default, so a
    candidate flushing a queue after an outage is not stopped); requests without a valid token count against
    the client address' RATE_LIMIT_PER_MIN.

    503 comes in two kinds: "speech recognition is busy, retrying" (with Retry-After: send the chunk again)
    and "speech recognition is unavailable …" (no model: WHISPER_MODEL=none, or it failed to load; header
    `X-Speech-State: off|error`, no Retry-After): retrying will not help, type the answer instead.
    """
    require_own_session(request, system, session_id)
    pcm = decode_audio(
        request.headers.get("content-type", ""), await read_body(request, system.settings.stt_max_body_bytes)
    )
    system.limiter.hit("speech", session_id, speech_cost(len(pcm) / 2 / SAMPLE_RATE))
    if not pcm and not final:
        raise HTTPException(422, "empty chunk: send audio, or final=true to end the answer")
    try:
        ack = await system.speech.receive(session_id, question_id, seq, pcm, final)  # Busy → 503 (see wiring)
    except SpeechUnavailable as error:
        raise HTTPException(503, str(error), headers={"X-Speech-State": error.state}) from error
    return ChunkOut(
        seq=ack.seq,
        partial=ack.partial,
        final=ack.final.text if ack.final else None,
        missing=ack.missing,
        missing_ranges=as_ranges(ack.missing),
        transcript=ack.final.model_dump() if ack.final else None,
    )


PRACTICE_MAX_S = 30
"""A practice clip is at most this long (the page stops recording after PRACTICE_RECORD_S); longer is refused, 413."""


class PracticeHeard(BaseModel):
    text: str = Field(description="What was heard; neither the clip nor the text is kept anywhere.")
    seconds: float = Field(description="The clip's length.")


@router.post(
    "/stt/practice", responses=error_responses(401, 403, 404, 409, 413, 415, 422, 429, 503), openapi_extra=AUDIO_BODY
)
async def transcribe_practice(
    request: Request, system: SystemDep, session_id: Annotated[str, Query(pattern=r"^[0-9a-f-]{36}$")]
) -> PracticeHeard:
    """Transcribe a spoken answer to the practice question: one clip of at most 30 s (raw 16 kHz mono PCM16 or
    WAV), transcribed in memory and forgotten. Nothing is stored, scored or reported; it may be repeated.

    Only before the interview is over (409 after). The seconds count against the session's speech budget
    (STT_AUDIO_S_PER_MIN, 429 with Retry-After past it); 503 as for `/stt/stream` (busy, or no speech model).
    """
    require_own_session(request, system, session_id)
    if system.interview.view(session_id).session.status not in (SessionStatus.CONSENT, SessionStatus.IN_PROGRESS):
        raise HTTPException(409, "the interview is over: there is nothing left to practise")
    body = await read_body(
        request, PRACTICE_MAX_S * SAMPLE_RATE * 2, f"a practice clip is at most {PRACTICE_MAX_S} s of audio"
    )
    pcm = decode_audio(request.headers.get("content-type", ""), body)
    if not pcm:
        raise HTTPException(422, "empty clip: send the recorded audio")
    seconds = len(pcm) / 2 / SAMPLE_RATE
    system.limiter.hit("speech", session_id, speech_cost(seconds))
    transcriber = system.speech.transcriber
    try:
        transcriber.admit_new_answer()  # Busy → 503 with Retry-After (see wiring)
        heard = await transcriber.transcribe(pcm, 0.0, greedy=True)
    except SpeechUnavailable as error:
        raise HTTPException(503, str(error), headers={"X-Speech-State": error.state}) from error
    return PracticeHeard(text=heard.text, seconds=round(seconds, 1))


def require_own_session(request: Request, system: SystemDep, session_id: str) -> None:
    """401 without a valid session token, 403 with another session's; a wrong token counts against the address's
    RATE_LIMIT_PER_MIN."""
    owner = session_of_bearer(request, system)
    if owner != session_id:
        system.limiter.hit("api", client_ip(request))
    if owner is None:
        raise HTTPException(401, "a valid session token is required", headers={"WWW-Authenticate": "Bearer"})
    if owner != session_id:
        raise HTTPException(403, "this token belongs to another session")


async def read_body(request: Request, limit: int, too_large: str = "") -> bytes:
    """The request body, refusing (413, saying `too_large`) anything over `limit` bytes before reading it all."""
    refusal = too_large or f"chunk larger than {limit} bytes; send smaller chunks"
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, refusal)
    body = bytearray()
    async for part in request.stream():
        body.extend(part)
        if len(body) > limit:
            raise HTTPException(413, refusal)
    return bytes(body)


def decode_audio(content_type: str, body: bytes) -> bytes:
    """PCM16 samples from a raw or WAV body; 415 for other formats, 422 for broken ones."""
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    if media in RAW_TYPES:
        given = dict(p.strip().lower().split("=", 1) for p in params.split(";") if "=" in p)
        rate, channels = given.get("rate", str(SAMPLE_RATE)).strip(), given.get("channels", "1").strip()
        if media == "audio/l16" and (rate, channels) != (str(SAMPLE_RATE), "1"):
            raise HTTPException(
                415,
                f"audio/L16 must be rate={SAMPLE_RATE}; channels=1 (mono); got rate={rate}; channels={channels}: "
                "resample and mix down before sending",
            )
        if len(body) % 2:
            raise HTTPException(422, "PCM16 audio must have an even number of bytes")
        return body
    if media in WAV_TYPES:
        try:
            with wave.open(io.BytesIO(body)) as wav:
                shape = (wav.getframerate(), wav.getnchannels(), wav.getsampwidth())
                frames: bytes = wav.readframes(wav.getnframes())
        except (wave.Error, EOFError) as error:
            raise HTTPException(422, f"malformed WAV: {error}") from error
        if shape != (SAMPLE_RATE, 1, 2):
            raise HTTPException(
                415, f"WAV must be {SAMPLE_RATE} Hz, mono, 16-bit; got {shape[0]} Hz, {shape[1]} ch, {8 * shape[2]}-bit"
            )
        return frames
    raise HTTPException(415, "send audio/L16;rate=16000, application/octet-stream (raw PCM16 16 kHz mono) or audio/wav")


def as_ranges(numbers: list[int]) -> list[tuple[int, int]]:
    """Sorted numbers as [first, last] runs: [1, 2, 3, 7] → [(1, 3), (7, 7)]."""
    ranges: list[tuple[int, int]] = []
    for number in numbers:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    return ranges
