"""A candidate may opt out of the automatic scoring: `interviewsession.ai_scoring` (true for every session before).

Revision ID: 0002
Revises: 0001
Created: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("interviewsession", sa.Column("ai_scoring", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("interviewsession") as batch:
        batch.drop_column("ai_scoring")
