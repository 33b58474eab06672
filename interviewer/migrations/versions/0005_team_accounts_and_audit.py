"""Team accounts (`account`, `accountinvite`) and the audit trail (`auditentry`). The admin password of an
earlier release becomes the first admin account, with the login "admin", so an existing install keeps its login.

Revision ID: 0005
Revises: 0004
Created: 2026-11-29
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "auditentry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", _UTC, nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(120), nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
    )
    op.create_index("ix_auditentry_at", "auditentry", ["at"])
    op.create_index("ix_auditentry_action", "auditentry", ["action"])
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("disabled_at", _UTC, nullable=True),
    )
    op.create_index("ix_account_email", "account", ["email"], unique=True)
    op.create_table(
        "accountinvite",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(320), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("expires_at", _UTC, nullable=False),
        sa.Column("used_at", _UTC, nullable=True),
        sa.Column("revoked_at", _UTC, nullable=True),
    )
    op.create_index("ix_accountinvite_token_hash", "accountinvite", ["token_hash"], unique=True)
    connection = op.get_bind()
    stored = connection.execute(sa.text("SELECT value FROM appsetting WHERE key = 'admin_password_hash'")).scalar()
    if stored is not None:
        connection.execute(
            sa.text(
                "INSERT INTO account (email, role, password_hash, created_at) VALUES ('admin', 'admin', :hash, :now)"
            ),
            {"hash": stored, "now": datetime.now(UTC)},
        )
        connection.execute(sa.text("DELETE FROM appsetting WHERE key = 'admin_password_hash'"))


def downgrade() -> None:
    connection = op.get_bind()
    stored = connection.execute(sa.text("SELECT password_hash FROM account WHERE email = 'admin'")).scalar()
    if stored is not None:
        connection.execute(
            sa.text("INSERT INTO appsetting (key, value) VALUES ('admin_password_hash', :hash)"), {"hash": stored}
        )
    op.drop_table("accountinvite")
    op.drop_table("account")
    op.drop_table("auditentry")
