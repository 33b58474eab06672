"""Hostile input, floods and a curious candidate (issue 13), against a real app process."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from interviewer.db import Database
from interviewer.models import AppSetting
from interviewer.redact import RedactingFilter

SECRET_ANSWER = "my salary at Initech was 123456 and my manager was Bill Lumbergh"


# ------------------------------------------------------------------ 7: tracebacks carry no candidate data


def test_a_failed_insert_does_not_carry_the_values_it_tried_to_write(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    db.create_tables()
    with db.session() as s:
        s.add(AppSetting(key="note", value="first"))
    with pytest.raises(IntegrityError) as failed, db.session() as s:
        s.add(AppSetting(key="note", value=SECRET_ANSWER))
    db.dispose()
    assert "UNIQUE" in str(failed.value)
    assert SECRET_ANSWER not in str(failed.value)


def test_a_logged_traceback_is_redacted(tmp_path: Path) -> None:
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.hardening.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            try:
                raise KeyError(SECRET_ANSWER)
            except KeyError as missing:
                raise ValueError(f"could not store {SECRET_ANSWER!r} for ada@example.org") from missing
        except ValueError:
            logger.exception("saving an answer failed")
    finally:
        logger.removeHandler(handler)
    logged = output.getvalue()
    assert "saving an answer failed" in logged
    assert "Traceback (most recent call last)" in logged
    assert "raise KeyError(SECRET_ANSWER)" in logged  # frames stay readable
    assert "The above exception was the direct cause" in logged
    assert "ValueError: could not store '[redacted]' for [email]" in logged
    assert "Initech" not in logged
    assert "ada@example.org" not in logged
