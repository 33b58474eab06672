"""Settings: every environment variable the app reads, validated in one place.

Values come from the environment, then from the file named by ENV_FILE (default `.env`), then defaults.
"""

from __future__ import annotations

import os
import secrets
from enum import StrEnum
from ipaddress import ip_network
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "secret"}


class LLMProviderName(StrEnum):
    NONE = "none"
    OLLAMA = "ollama"
    OPENAI = "openai"
    LLAMACPP = "llamacpp"


class TtsProviderName(StrEnum):
    AUTO = "auto"
    EDGE = "edge"
    PIPER = "piper"
    ESPEAK = "espeak"
    BROWSER = "browser"


class SttBackendName(StrEnum):
    INPROCESS = "inprocess"
    QUEUE = "queue"


class Settings(BaseSettings):
    """Runtime configuration; documented one by one in `.env.sample`."""

    model_config = SettingsConfigDict(extra="ignore")

    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8080, ge=1, le=65535)
    public_url: str = Field(default="", description="Base URL used in invite links; default http://API_HOST:API_PORT")
    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    storage_dir: Path = Path("data")
    database_url: str = ""
    dev_mode: bool = False
    session_secret: SecretStr = SecretStr("")
    admin_password: SecretStr = SecretStr("")
    admin_api_key: SecretStr = SecretStr("")
    rate_limit_per_min: int = Field(default=60, ge=1)
    login_rate_limit_per_min: int = Field(default=10, ge=1)
    redeem_rate_limit_per_min: int = Field(default=20, ge=1)
    stt_audio_s_per_min: int = Field(default=240, ge=10, description="speech per session per minute: 4× real time")
    max_request_body_bytes: int = Field(default=1_000_000, ge=10_000)
    ws_messages_per_s: float = Field(default=10, gt=0, le=1000)
    ws_token_ttl_min: int = Field(default=240, ge=1, le=24 * 60)
    max_answer_chars: int = Field(default=20_000, ge=100, le=200_000)
    enable_docs: bool = True
    log_level: str = "INFO"
    llm_provider: LLMProviderName = LLMProviderName.NONE
    ollama_model: str = "llama3.2"
    ollama_base_url: str = "http://localhost:11434"
    openai_base_url: str = "https://api.openai.com/v1"
    openai_api_key: SecretStr = SecretStr("")
    openai_model: str = "gpt-4o-mini"
    llm_timeout_s: float = Field(default=20.0, gt=0, le=300)
    llm_followup_timeout_s: float = Field(default=4.0, gt=0, le=60)
    llm_max_retries: int = Field(default=2, ge=0, le=5)
    tts_voice: str = "en-US-AriaNeural"
    tts_provider: TtsProviderName = TtsProviderName.PIPER
    whisper_model: str = "base"
    stt_workers: int = Field(default=2, ge=1, le=16)
    stt_queue_limit: int = Field(default=8, ge=1, le=1000)
    stt_max_body_bytes: int = Field(default=2_000_000, ge=10_000)
    stt_segment_silence_ms: int = Field(default=600, ge=150, le=5000)
    stt_backend: SttBackendName = SttBackendName.INPROCESS
    redis_url: str = Field(default="", pattern=r"^(rediss?://.*)?$")
    audio_retention_days: int = Field(default=7, ge=1)
    attention_face_hz: float = Field(default=2, gt=0, le=10)
    attention_object_hz: float = Field(default=1, gt=0, le=5)
    attention_absent_s: float = Field(default=3, ge=0.5)
    attention_away_s: float = Field(default=2, ge=0.5)
    attention_yaw_deg: float = Field(default=30, gt=0, le=90)
    attention_pitch_deg: float = Field(default=25, gt=0, le=90)
    attention_phone_frames: int = Field(default=2, ge=1, le=10, description="of the last 4 object frames")

    def attention_thresholds(self) -> dict[str, float]:
        """The browser monitor's thresholds (js/attention_monitor.js), in its units."""
        return {
            "face_hz": self.attention_face_hz,
            "object_hz": self.attention_object_hz,
            "absent_ms": self.attention_absent_s * 1000,
            "away_ms": self.attention_away_s * 1000,
            "yaw_deg": self.attention_yaw_deg,
            "pitch_deg": self.attention_pitch_deg,
            "phone_k": self.attention_phone_frames,
        }

    @model_validator(mode="before")
    @classmethod
    def _split_origins(cls, data: dict[str, object]) -> dict[str, object]:
        raw = data.get("allowed_origins")
        if isinstance(raw, str):
            data["allowed_origins"] = [o.strip().rstrip("/") for o in raw.split(",") if o.strip()]
        return data

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, raw: object) -> object:
        """Comma-separated addresses or networks (CIDR) of the reverse proxies whose X-Forwarded-For counts."""
        if isinstance(raw, str):
            raw = [p.strip() for p in raw.split(",") if p.strip()]
        if isinstance(raw, list):
            for proxy in raw:
                ip_network(str(proxy), strict=False)  # ValueError → a clear settings error at start
        return raw

    @model_validator(mode="after")
    def _queue_needs_redis(self) -> Settings:
        if self.stt_backend == SttBackendName.QUEUE and not self.redis_url:
            raise ValueError("STT_BACKEND=queue needs REDIS_URL (redis://host:port/db) where the workers listen")
        return self

    @model_validator(mode="after")
    def _no_wildcard_origin(self) -> Settings:
        if "*" in self.allowed_origins:
            raise ValueError("ALLOWED_ORIGINS must list origins; '*' is not allowed with cookie credentials")
        return self

    @property
    def base_url(self) -> str:
        """Where the app is reached from outside (for invite links)."""
        host = "localhost" if self.api_host in {"0.0.0.0", "127.0.0.1", "::"} else self.api_host  # noqa: S104
        return (self.public_url or f"http://{host}:{self.api_port}").rstrip("/")

    @property
    def origins(self) -> list[str]:
        """Origins allowed for CORS and the WebSocket: the configured list plus the app's own."""
        return sorted({*self.allowed_origins, self.base_url, f"http://127.0.0.1:{self.api_port}"})

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.storage_dir / 'interviewer.db'}"


def load_settings() -> Settings:
    """Read settings from the environment and the file named by ENV_FILE (default `.env`; empty: none)."""
    return Settings(_env_file=os.environ.get("ENV_FILE", ".env") or None)


class InsecureSecretError(RuntimeError):
    """SESSION_SECRET is a placeholder outside dev mode."""


def resolve_session_secret(settings: Settings) -> str:
    """The secret that signs cookies and tokens.

    Outside dev mode a placeholder is refused. In dev mode a missing secret is generated once and kept in
    STORAGE_DIR/dev_session_secret, so the first run just works and restarts keep sessions valid.
    """
    configured = settings.session_secret.get_secret_value().strip()
    if configured.lower() not in PLACEHOLDER_SECRETS:
        return configured
    if not settings.dev_mode:
        raise InsecureSecretError(
            "SESSION_SECRET is empty or a placeholder. Set it to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))'), or set DEV_MODE=true for a local trial."
        )
    secret_file = settings.storage_dir / "dev_session_secret"
    if not secret_file.exists():
        secret_file.parent.mkdir(parents=True, exist_ok=True)
        secret_file.write_text(secrets.token_urlsafe(48))
        secret_file.chmod(0o600)
    return secret_file.read_text().strip()
