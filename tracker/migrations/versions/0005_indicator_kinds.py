"""Indicator tables of more kinds: a past plan's completion table (十三五 完成情况) and a 专栏 programme.

``indicatortable.kind`` is ``targets`` (a 主要指标 table of the plan's own period, the default),
``completion`` (a table reporting a previous plan's targets and what was achieved) or ``programme``
(a 专栏 box of numbered commitments). ``target_year`` / ``baseline_year`` say which years a table's
target and baseline are for when they are not the plan's last year and the year before its first
(NULL: those defaults). ``indicator.extra`` keeps the published cells that have no column of their own
(the provincial target and value of a completion table), as a JSON object keyed by header.

Idempotent like 0002–0004: a database made by ``create_all`` already has the columns.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = {
    "indicatortable": (
        sa.Column("kind", sa.String(), nullable=False, server_default="targets"),
        sa.Column("target_year", sa.Integer(), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
    ),
    "indicator": (sa.Column("extra", sa.Text(), nullable=False, server_default="{}"),),
}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, columns in COLUMNS.items():
        have = {c["name"] for c in inspector.get_columns(table)}
        missing = [c for c in columns if c.name not in have]
        if missing:
            with op.batch_alter_table(table) as batch:
                for column in missing:
                    batch.add_column(column)


def downgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, columns in COLUMNS.items():
        have = {c["name"] for c in inspector.get_columns(table)}
        drop = [c.name for c in columns if c.name in have]
        if drop:
            with op.batch_alter_table(table) as batch:
                for name in drop:
                    batch.drop_column(name)
