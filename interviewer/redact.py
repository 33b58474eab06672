"""Logging that never carries personal data or secrets.

Two layers: code logs ids and counts only, and a filter on every handler scrubs what slips through
(tokens in URLs, bearer headers, e-mail addresses). Tracebacks keep their frames, but each exception's own
message loses quoted text and database values too: that is where an answer or a name would appear (a
validation error's `input_value='…'`, a failed insert's parameters, PostgreSQL's `Key (email)=(…)`).
"""

from __future__ import annotations

import logging
import re
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(/i/|/join/)[A-Za-z0-9_\-]+"), r"\1[token]"),
    (re.compile(r"([?&](?:token|ticket|invite_token|key)=)[^&\s\"']+"), r"\1[redacted]"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-~+/=]+"), r"\1[redacted]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    (re.compile(r"\b[A-Za-z0-9_\-]{32,}\.[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]{20,}\b"), "[signed-token]"),
]


_EXCEPTION_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\[parameters: [^\n]*"), "[parameters: hidden]"),
    (re.compile(r"(Key \([^\n]*?\)=\()[^\n]*"), r"\1[redacted])"),
    (re.compile(r"'(?:[^'\\\n]|\\.)*'"), "'[redacted]'"),
    (re.compile(r'"(?:[^"\\\n]|\\.)*"'), '"[redacted]"'),
]

_FILE_HANDLER = "interviewer-file"


def redact(text: str) -> str:
    """Scrub tokens, bearer credentials and e-mail addresses from a log message."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_exception_message(text: str) -> str:
    """An exception's message without quoted text, database values, tokens or e-mail addresses."""
    text = redact(text)
    for pattern, replacement in _EXCEPTION_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def format_exception(error: BaseException) -> str:
    """The traceback logging would print for `error` (causes and contexts first), every message redacted."""
    parts: list[str] = []
    seen: set[int] = set()

    def add(exc: BaseException) -> None:
        seen.add(id(exc))
        if exc.__cause__ is not None and id(exc.__cause__) not in seen:
            add(exc.__cause__)
            parts.append("\nThe above exception was the direct cause of the following exception:\n\n")
        elif exc.__context__ is not None and not exc.__suppress_context__ and id(exc.__context__) not in seen:
            add(exc.__context__)
            parts.append("\nDuring handling of the above exception, another exception occurred:\n\n")
        if exc.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(redact(line) for line in traceback.format_tb(exc.__traceback__))
        kind = type(exc)
        name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        message = redact_exception_message(str(exc))
        parts.append(f"{name}: {message}\n" if message else f"{name}\n")

    add(error)
    return "".join(parts).rstrip("\n")


class RedactingFilter(logging.Filter):
    """Rewrites each record's final message through `redact`, and its traceback through `format_exception`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = format_exception(record.exc_info[1])  # formatters print exc_text when it is set
        elif record.exc_text:
            record.exc_text = redact_exception_message(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
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
    for name in ("uvicorn.access", "uvicorn.error", "nicegui", "asyncio"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(redactor)
