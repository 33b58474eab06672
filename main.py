"""Composition root: settings → database → services → API routes → pages → ui.run."""

from __future__ import annotations

import asyncio
import logging
import sys

from nicegui import app, background_tasks, ui

from interviewer.api.wiring import install
from interviewer.config import (
    InsecureSecretError,
    LLMProviderName,
    Settings,
    SttBackendName,
    TtsProviderName,
    load_settings,
    resolve_session_secret,
)
from interviewer.embeddings import EmbeddingModelMissing
from interviewer.llm.http_providers import Ollama, OpenAICompatible
from interviewer.llm.provider import LLMProvider, NoLLM
from interviewer.redact import setup_logging
from interviewer.retention import retention_loop
from interviewer.shared_events import RedisSessionEvents
from interviewer.stt.backend import SegmentTranscriber
from interviewer.stt.model import ModelNotAvailable
from interviewer.stt.queue_backend import QueueTranscriber
from interviewer.stt.transcriber import Transcriber
from interviewer.stt.worker import run_worker
from interviewer.system import System
from interviewer.tts.base import TtsProvider
from interviewer.tts.edge import EdgeTts
from interviewer.tts.espeak import EspeakTts
from interviewer.tts.fallback import BrowserTts, FallbackTts
from interviewer.tts.piper_voice import PiperTts
from pages import register_pages
from pages.layout import VENDOR_DIR

log = logging.getLogger("interviewer")

WS_MAX_MESSAGE_BYTES = 2_000_000
# The event loop shares the interpreter with the speech and scoring threads: a thread doing Python work hands it
# back after this long (Python's default is 5 ms), so requests do not queue behind it (bench/hardening.py)
SWITCH_INTERVAL_S = 0.001


def choose_llm(settings: Settings) -> LLMProvider:
    """The one place where LLM_PROVIDER picks a backend."""
    retries = settings.llm_max_retries
    match settings.llm_provider:
        case LLMProviderName.OLLAMA:
            return Ollama(settings.ollama_base_url, settings.ollama_model, retries)
        case LLMProviderName.OPENAI | LLMProviderName.LLAMACPP:
            key = settings.openai_api_key.get_secret_value()
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            return OpenAICompatible(settings.openai_base_url, settings.openai_model, retries, headers)
    return NoLLM()


def choose_tts(settings: Settings) -> TtsProvider:
    """The one place where TTS_PROVIDER picks the interviewer's voice (piper by default: offline)."""
    match settings.tts_provider:
        case TtsProviderName.EDGE:
            return EdgeTts(settings.tts_voice)
        case TtsProviderName.AUTO:
            return FallbackTts(EdgeTts(settings.tts_voice), PiperTts())
        case TtsProviderName.ESPEAK:
            return EspeakTts()
        case TtsProviderName.BROWSER:
            return BrowserTts()
    return PiperTts()


def choose_transcriber(settings: Settings) -> SegmentTranscriber:
    """The one place where STT_BACKEND picks who transcribes speech: this process (its model loads once the app
    runs; refuses to start without one) or the speech workers behind Redis (no model here)."""
    if settings.stt_backend == SttBackendName.QUEUE:
        workers = QueueTranscriber(settings.redis_url, settings.stt_queue_limit)
        app.on_shutdown(workers.close)
        return workers
    transcriber = Transcriber(settings.whisper_model, settings.stt_workers, settings.stt_queue_limit)
    if transcriber.state == "loading":
        try:
            model_path = transcriber.check_available()
        except ModelNotAvailable as error:
            print(
                f"Refusing to start: speech model {settings.whisper_model!r} is not available ({error}). "
                "Set WHISPER_MODEL to 'base' (packaged), 'tiny.en', a model folder, or 'none' for typed answers only.",
                file=sys.stderr,
            )
            raise SystemExit(2) from error
        app.on_startup(lambda: background_tasks.create(transcriber.load(model_path), name="load whisper"))
    app.on_shutdown(transcriber.close)
    return transcriber


async def warm_up_scoring(system: System) -> None:
    """Load scoring v2's sentence-embedding model before the first answer needs it (/status tells the state)."""
    try:
        await asyncio.to_thread(system.scorer.embedder.load)
    except EmbeddingModelMissing:
        log.exception("scoring v2 is unavailable until the model is installed (scripts/install.sh)")


def main() -> None:
    settings = load_settings()
    if sys.argv[1:] == ["worker"]:  # a speech worker for STT_BACKEND=queue (interviewer/stt/worker.py)
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")  # its console (no uvicorn's)
        setup_logging(settings.storage_dir, settings.log_level)
        raise SystemExit(run_worker(settings))
    try:
        secret = resolve_session_secret(settings)
    except InsecureSecretError as error:
        print(f"Refusing to start: {error}", file=sys.stderr)
        raise SystemExit(2) from error
    setup_logging(settings.storage_dir, settings.log_level)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    system = System.build(settings, secret, choose_llm(settings), choose_tts(settings), choose_transcriber(settings))
    if isinstance(events := system.events, RedisSessionEvents):  # REDIS_URL: live events of the other replicas
        app.on_startup(lambda: background_tasks.create(events.relay(), name="events from other replicas"))
        app.on_shutdown(events.close)
    app.on_startup(lambda: background_tasks.create(retention_loop(system), name="audio retention"))
    app.on_startup(lambda: background_tasks.create(system.webhooks.run(), name="webhook deliveries"))
    app.on_startup(lambda: background_tasks.create(warm_up_scoring(system), name="load scoring model"))
    # reports a crash or a stop interrupted are built (or their audio deleted) now
    app.on_startup(lambda: background_tasks.create(system.reports.resume_unfinished(), name="resume finalizing"))
    app.on_shutdown(system.llm.close)
    generated_password = system.accounts.ensure_first_admin(settings.admin_password.get_secret_value())
    system.templates.ensure_example()
    install(app, system)
    register_pages(system)
    if VENDOR_DIR.exists():  # browser libraries and models, served by us with a long cache (never from a CDN)
        app.add_static_files("/vendor", VENDOR_DIR, max_cache_age=31_536_000)
    app.on_shutdown(system.db.dispose)
    if generated_password:
        print(  # the console only, never the log file
            f"\n  Admin login: {settings.base_url}/login\n  Admin password (shown once, stored hashed): "
            f"{generated_password}\n  Set ADMIN_PASSWORD to choose your own.\n",
            flush=True,
        )
    ui.run(
        host=settings.api_host,
        port=settings.api_port,
        title="Interviewer",
        language="en-US",  # the pages' language, for screen readers (<html lang>)
        favicon="🎙️",
        reload=False,
        show=False,
        fastapi_docs=settings.enable_docs,
        storage_secret=secret,
        show_welcome_message=False,
        # X-Forwarded-For/-Proto count only from TRUSTED_PROXIES (uvicorn would trust 127.0.0.1 by default)
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or "127.0.0.1",
        # a WebSocket message is buffered whole before anyone reads it (uvicorn's default: 16 MB); NiceGUI's socket
        # carries up to ≈1 MB, the interview socket refuses more than 64 KB itself
        ws_max_size=WS_MAX_MESSAGE_BYTES,
    )


if __name__ in {"__main__", "__mp_main__"}:
    main()
