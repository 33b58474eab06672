"""The candidate's own note on an attention event: `attentionevent.candidate_note`.

Revision ID: 0004
Revises: 0003
Created: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("attentionevent", sa.Column("candidate_note", sa.String(300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attentionevent") as batch:
        batch.drop_column("candidate_note")
