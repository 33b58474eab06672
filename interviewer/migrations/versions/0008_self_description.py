"""The candidate's voluntary self-description for the adverse-impact check (`selfdescription`), apart from the
interview.

Revision ID: 0008
Revises: 0007
Created: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "selfdescription",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("session_id", sa.String(36), sa.ForeignKey("interviewsession.id"), nullable=False, unique=True),
        sa.Column("gender", sa.String(64), nullable=True),
        sa.Column("age_band", sa.String(64), nullable=True),
        sa.Column("ethnicity", sa.String(64), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("selfdescription")
