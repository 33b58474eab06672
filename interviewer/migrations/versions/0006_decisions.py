"""The team's decisions on interviews (`decision`): advance, hold or reject, with the reason and who decided.

Revision ID: 0006
Revises: 0009
Created: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0009"
branch_labels = None
depends_on = None

_UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.String(36), sa.ForeignKey("interviewsession.id"), nullable=False),
        sa.Column("decision", sa.String(8), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("by", sa.String(320), nullable=False),
        sa.Column("at", _UTC, nullable=False),
    )
    op.create_index("ix_decision_session_id", "decision", ["session_id"])


def downgrade() -> None:
    op.drop_table("decision")
