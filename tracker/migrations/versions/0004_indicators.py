"""Main indicators (主要指标) of the plans: their tables, the indicators and their yearly actual values.

Idempotent like 0002 and 0003: a database made by ``create_all`` already has the tables.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("indicatortable"):
        op.create_table(
            "indicatortable",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id"), nullable=False),
            sa.Column("title", sa.Text(), nullable=False),
            sa.Column("columns", sa.Text(), nullable=False),
            sa.Column("source_first_line", sa.Integer(), nullable=False),
            sa.Column("source_last_line", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("plan_id", "source_first_line"),
        )
        op.create_index("ix_indicatortable_plan_id", "indicatortable", ["plan_id"])
    if not inspector.has_table("indicator"):
        op.create_table(
            "indicator",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id"), nullable=False),
            sa.Column("table_id", sa.Integer(), sa.ForeignKey("indicatortable.id"), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("seq", sa.String(), nullable=False),
            sa.Column("group", sa.Text(), nullable=False),
            sa.Column("name", sa.Text(), nullable=False),
            sa.Column("unit", sa.String(), nullable=False),
            sa.Column("attribute", sa.String(), nullable=True),
            sa.Column("attribute_text", sa.String(), nullable=False),
            sa.Column("definition", sa.Text(), nullable=False),
            sa.Column("target_text", sa.Text(), nullable=False),
            sa.Column("baseline_text", sa.Text(), nullable=False),
            sa.Column("intermediate", sa.Text(), nullable=False),
            sa.Column("source_line", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("table_id", "position"),
        )
        op.create_index("ix_indicator_plan_id", "indicator", ["plan_id"])
        op.create_index("ix_indicator_table_id", "indicator", ["table_id"])
    if not inspector.has_table("indicatorvalue"):
        op.create_table(
            "indicatorvalue",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("indicator_id", sa.Integer(), sa.ForeignKey("indicator.id"), nullable=False),
            sa.Column("year", sa.Integer(), nullable=False),
            sa.Column("value_text", sa.Text(), nullable=False),
            sa.Column("source", sa.Text(), nullable=False),
            sa.Column("reporter", sa.String(), nullable=False),
            sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("indicator_id", "year"),
        )
        op.create_index("ix_indicatorvalue_indicator_id", "indicatorvalue", ["indicator_id"])


def downgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table in ("indicatorvalue", "indicator", "indicatortable"):
        if inspector.has_table(table):
            op.drop_table(table)
