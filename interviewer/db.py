"""Database engine and sessions. SQLite (WAL, busy timeout) by default; Postgres through DATABASE_URL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from interviewer import models  # noqa: F401  (registers the tables)

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 0x1E7E_0001  # Postgres advisory lock: one process migrates at a time (several replicas)


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
        """Bring the schema up to date: run the migrations in `interviewer/migrations` that this database has
        not had. A database an earlier release made with `create_all` has no migration history; the first
        migration adopts it (creates what is missing, keeps every row)."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
            tables = set(inspect(connection).get_table_names())
            if tables and "alembic_version" not in tables:
                log.info("adopting a database made by an earlier release (tables without migration history)")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

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
