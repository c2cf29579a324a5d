"""Indexes for a million projects: the default sort and keyset paging, the filters, duplicate names, and
invested-to-date read from an index alone.

- ``project (category_id, seq, id)``: the default order (plan, category ordinal, seq, id) walks
  plan → category (unique plan_id, ordinal) → this index without a sort, so the first page and every
  keyset page are a seek; also the category filter. Replaces ``ix_project_category_id`` (a prefix).
- ``project (plan_id, name)``: duplicate names within a plan grouped from the index; replaces
  ``ix_project_plan_id`` (a prefix; ``plan_id, code`` is also unique).
- ``project (total_investment)``: ``total>=…`` filters and the sort by total.
- ``progressrecord (project_id, month, invested)``: invested-to-date (to a month) per project, and
  the running totals, read from the index alone. Replaces ``ix_progressrecord_project_id`` (a
  prefix of it and of the unique ``project_id, month``).

Made idempotent (an index already there is left alone), because a database made by ``create_all``
before migrations is stamped at 0001 but already has the models' indexes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NEW: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("project", "ix_project_category_seq", ("category_id", "seq", "id")),
    ("project", "ix_project_plan_name", ("plan_id", "name")),
    ("project", "ix_project_total_investment", ("total_investment",)),
    ("progressrecord", "ix_progressrecord_project_month_invested", ("project_id", "month", "invested")),
)
REPLACED: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("project", "ix_project_category_id", ("category_id",)),
    ("project", "ix_project_plan_id", ("plan_id",)),
    ("progressrecord", "ix_progressrecord_project_id", ("project_id",)),
)


def _existing(table: str) -> set[str]:
    return {index["name"] for index in sa.inspect(op.get_bind()).get_indexes(table)}


def upgrade() -> None:
    for table, name, columns in NEW:
        if name not in _existing(table):
            op.create_index(name, table, list(columns), unique=False)
    for table, name, _ in REPLACED:
        if name in _existing(table):
            op.drop_index(name, table_name=table)


def downgrade() -> None:
    for table, name, columns in REPLACED:
        if name not in _existing(table):
            op.create_index(name, table, list(columns), unique=False)
    for table, name, _ in NEW:
        if name in _existing(table):
            op.drop_index(name, table_name=table)
