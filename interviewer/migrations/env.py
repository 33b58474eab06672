"""Alembic's environment: run by `Database.migrate` with the app's own connection, or by the `alembic` command
(`alembic -c interviewer/migrations/alembic.ini revision --autogenerate -m "..."` against DATABASE_URL or a
scratch SQLite file) when a model changes."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine
from sqlmodel import SQLModel

from interviewer import models  # noqa: F401  (registers the tables)


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


given: Connection | None = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url (alembic -x ... or the ini file) to the database to compare with")
    with create_engine(url).connect() as connection:
        run(connection)
