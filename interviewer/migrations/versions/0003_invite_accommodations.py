"""Accommodations per invite: `invite.extra_time_factor` (1.0 for every invite before) and `invite.camera`
("off": no camera analysis; null: as the template says).

Revision ID: 0003
Revises: 0002
Created: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("invite", sa.Column("extra_time_factor", sa.Float(), nullable=False, server_default=sa.text("1.0")))
    op.add_column("invite", sa.Column("camera", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invite") as batch:
        batch.drop_column("camera")
        batch.drop_column("extra_time_factor")
