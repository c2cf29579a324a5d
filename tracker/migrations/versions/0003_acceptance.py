"""Acknowledged check findings (``tracker check --accept``): one row per accepted rule and subject, with the
figures accepted, the reason, who and when.

Idempotent like 0002: a database made by ``create_all`` (stamped at the 0001 baseline) already has the table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("acceptance"):
        return
    op.create_table(
        "acceptance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rule", "subject"),
    )


def downgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("acceptance"):
        op.drop_table("acceptance")
