"""The accommodation "timer can be paused": `invite.pausable_timer`, and the paused answer clock's state
`interviewsession.clock_paused_at` / `clock_paused_s`; a retake of a question: `answer.retake_used`.

Revision ID: 0009
Revises: 0008
Created: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("invite", sa.Column("pausable_timer", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("interviewsession", sa.Column("clock_paused_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "interviewsession", sa.Column("clock_paused_s", sa.Float(), nullable=False, server_default=sa.text("0.0"))
    )
    op.add_column("answer", sa.Column("retake_used", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("answer") as batch:
        batch.drop_column("retake_used")
    with op.batch_alter_table("interviewsession") as batch:
        batch.drop_column("clock_paused_s")
        batch.drop_column("clock_paused_at")
    with op.batch_alter_table("invite") as batch:
        batch.drop_column("pausable_timer")
