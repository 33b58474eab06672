"""Who made a score adjustment: `scoreadjustment.by` (the account's e-mail, or "API"); older ones have "".

Revision ID: 0010
Revises: 0006 (the head: 0005 → 0007 → 0008 → 0009 → 0006)
Created: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("scoreadjustment", sa.Column("by", sa.String(length=320), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("scoreadjustment") as batch:
        batch.drop_column("by")
