"""Webhooks: the URLs an admin registered (`webhook`) and every delivery with its retries (`webhookdelivery`).

Revision ID: 0007
Revises: 0005
Created: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "webhook",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("include_candidate", sa.Boolean(), nullable=False),
        sa.Column("created_at", _UTC, nullable=False),
    )
    op.create_table(
        "webhookdelivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("webhook_id", sa.Integer(), sa.ForeignKey("webhook.id"), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=True),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.Float(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("created_at", _UTC, nullable=False),
        sa.Column("delivered_at", _UTC, nullable=True),
    )
    op.create_index("ix_webhookdelivery_webhook_id", "webhookdelivery", ["webhook_id"])
    op.create_index("ix_webhookdelivery_session_id", "webhookdelivery", ["session_id"])
    op.create_index("ix_webhookdelivery_due_at", "webhookdelivery", ["due_at"])


def downgrade() -> None:
    op.drop_table("webhookdelivery")
    op.drop_table("webhook")
