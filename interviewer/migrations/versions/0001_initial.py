"""The schema as `create_all` made it up to release a8f046a, the last one without migrations.

On an empty database it creates every table. On a database an earlier release made with `create_all` (no
`alembic_version` table yet) it adopts what is there: it creates the tables that are missing and adds the
columns that release's tables lack (all of them nullable: `answer.transcript`), leaving every row as it is.

Revision ID: 0001
Revises:
Created: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def _tables() -> sa.MetaData:
    """The tables as of this revision, frozen here (not read from the models, which move on)."""
    m = sa.MetaData()
    sa.Table(
        "appsetting",
        m,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )
    sa.Table(
        "cachedrating",
        m,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("rating_json", sa.String(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
    )
    sa.Table(
        "invite",
        m,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, index=True, unique=True),
        sa.Column("template_family_id", sa.String(32), nullable=False, index=True),
        sa.Column("candidate_name", sa.String(200), nullable=False),
        sa.Column("candidate_email", sa.String(320), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("expires_at", _UTC, nullable=False),
        sa.Column("revoked_at", _UTC, nullable=True),
        sa.Column("used_at", _UTC, nullable=True),
    )
    sa.Table(
        "template",
        m,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("family_id", sa.String(32), nullable=False, index=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(120), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.UniqueConstraint("family_id", "version"),
    )
    status = sa.Enum("CONSENT", "IN_PROGRESS", "FINISHED", "FINALIZED", name="sessionstatus")
    sa.Table(
        "interviewsession",
        m,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("invite_id", sa.Integer(), sa.ForeignKey("invite.id"), nullable=False, unique=True),
        sa.Column("template_id", sa.Integer(), sa.ForeignKey("template.id"), nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("current_index", sa.Integer(), nullable=False),
        sa.Column("follow_up_number", sa.Integer(), nullable=False),
        sa.Column("question_started_at", _UTC, nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("consented_at", _UTC, nullable=True),
        sa.Column("finished_at", _UTC, nullable=True),
        sa.Column("finalized_at", _UTC, nullable=True),
    )

    def session_id(primary_key: bool = False) -> sa.Column[str]:
        key = sa.ForeignKey("interviewsession.id")
        if primary_key:
            return sa.Column("session_id", sa.String(36), key, primary_key=True)
        return sa.Column("session_id", sa.String(36), key, nullable=False, index=True)

    sa.Table(
        "answer",
        m,
        sa.Column("id", sa.Integer(), primary_key=True),
        session_id(),
        sa.Column("question_id", sa.String(32), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("seconds_used", sa.Float(), nullable=True),
        sa.Column("transcript", sa.JSON(), nullable=True),
        sa.Column("updated_at", _UTC, nullable=False),
        sa.UniqueConstraint("session_id", "question_id"),
    )
    sa.Table(
        "attentionevent",
        m,
        sa.Column("id", sa.Integer(), primary_key=True),
        session_id(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("start_ms", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("measured", sa.JSON(), nullable=True),
        sa.Column("received_at", _UTC, nullable=False),
    )
    sa.Table(
        "followup",
        m,
        sa.Column("id", sa.Integer(), primary_key=True),
        session_id(),
        sa.Column("question_id", sa.String(32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.UniqueConstraint("session_id", "question_id", "number"),
    )
    sa.Table(
        "scoreadjustment",
        m,
        sa.Column("id", sa.Integer(), primary_key=True),
        session_id(),
        sa.Column("criterion_id", sa.String(32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
    )
    sa.Table(
        "storedreport",
        m,
        session_id(primary_key=True),
        sa.Column("report_json", sa.String(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
    )
    return m


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    tables = _tables()
    for table in tables.sorted_tables:
        if table.name not in existing:
            continue
        have = {c["name"] for c in sa.inspect(bind).get_columns(table.name)}
        for column in (c for c in table.columns if c.name not in have):
            if not column.nullable:
                raise RuntimeError(
                    f"table {table.name} lacks the required column {column.name}: this database is older than "
                    "any release this migration knows; upgrade through an earlier release first"
                )
            op.add_column(table.name, sa.Column(column.name, column.type, nullable=True))
    tables.create_all(bind, tables=[t for t in tables.sorted_tables if t.name not in existing])


def downgrade() -> None:
    bind = op.get_bind()
    _tables().drop_all(bind)
