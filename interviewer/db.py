"""Database engine and sessions. SQLite (WAL, busy timeout) by default; Postgres through DATABASE_URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

from interviewer import models  # noqa: F401  (registers the tables)


class Database:
    """Owns the engine; `session()` hands out short-lived ORM sessions."""

    def __init__(self, url: str) -> None:
        self.url = url
        is_sqlite = url.startswith("sqlite")
        connect_args: dict[str, Any] = {"check_same_thread": False, "timeout": 15} if is_sqlite else {}
        # hide_parameters: a failed statement's error (and so a logged traceback) must not carry the values
        # it tried to write — answers, names, e-mails
        self.engine: Engine = create_engine(
            url, connect_args=connect_args, pool_pre_ping=not is_sqlite, hide_parameters=True
        )
        if is_sqlite:
            event.listen(self.engine, "connect", _tune_sqlite)

    def create_tables(self) -> None:
        """Create missing tables (the schema is additive for now; no migrations yet)."""
        SQLModel.metadata.create_all(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def purge_deleted(self) -> None:
        """Make deleted rows unrecoverable from the files (after an erasure). SQLite zeroes what it deletes
        (`secure_delete`); the write-ahead log still holds earlier copies of the pages until it is
        checkpointed into the database and truncated."""
        if self.url.startswith("sqlite"):
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def dispose(self) -> None:
        self.engine.dispose()


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free space
    cursor.close()
