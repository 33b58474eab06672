"""Logging that never carries personal data or secrets.

Two layers: code logs ids and counts only, and a filter on every handler scrubs what slips through
(tokens in URLs, bearer headers, e-mail addresses, quoted text).
"""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(/i/)[A-Za-z0-9_\-]+"), r"\1[token]"),
    (re.compile(r"([?&](?:token|ticket|invite_token|key)=)[^&\s\"']+"), r"\1[redacted]"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-~+/=]+"), r"\1[redacted]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    (re.compile(r"\b[A-Za-z0-9_\-]{32,}\.[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]{20,}\b"), "[signed-token]"),
]


_FILE_HANDLER = "interviewer-file"


def redact(text: str) -> str:
    """Scrub tokens, bearer credentials and e-mail addresses from a log message."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's final message through `redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(storage_dir: Path, level: str) -> None:
    """Console + rotating file under STORAGE_DIR/logs, both behind the redaction filter.

    Calling it again (tests start the app many times in one process) replaces the file handler.
    """
    log_dir = storage_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == _FILE_HANDLER]:
        root.removeHandler(handler)
        handler.close()
    file_handler = RotatingFileHandler(log_dir / "interviewer.log", maxBytes=5_000_000, backupCount=5)
    file_handler.set_name(_FILE_HANDLER)
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(file_handler)
    redactor = RedactingFilter()
    for handler in root.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(redactor)
    root.setLevel(level.upper())
    for name in ("uvicorn.access", "uvicorn.error", "nicegui"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(redactor)
