"""The initial schema: plans, categories, projects (money as integer fen, shares as hundredths of a
percent), monthly progress, annual plans, and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "operation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undoes_id", sa.Integer(), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["undoes_id"],
            ["operation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["undone_by_id"],
            ["operation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("region", sa.String(), nullable=False),
        sa.Column("period_start", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Integer(), nullable=False),
        sa.Column("published_count", sa.Integer(), nullable=True),
        sa.Column("published_total", sa.BigInteger(), nullable=True),
        sa.Column("published_planned", sa.BigInteger(), nullable=True),
        sa.Column("source_document", sa.String(), nullable=False),
        sa.Column("source_first_line", sa.Integer(), nullable=True),
        sa.Column("source_last_line", sa.Integer(), nullable=True),
        sa.Column("published_line", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_name"), ["name"], unique=True)

    op.create_table(
        "auditentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("project_code", sa.String(), nullable=True),
        sa.Column("old_values", sa.Text(), nullable=True),
        sa.Column("new_values", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("auditentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditentry_operation_id"), ["operation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_auditentry_project_code"), ["project_code"], unique=False)

    op.create_table(
        "category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("published_count", sa.Integer(), nullable=True),
        sa.Column("published_total", sa.BigInteger(), nullable=True),
        sa.Column("published_planned", sa.BigInteger(), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "ordinal"),
    )
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_category_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("nature", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("district", sa.String(), nullable=True),
        sa.Column("district_source", sa.String(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("start_text", sa.String(), nullable=False),
        sa.Column("finish_text", sa.String(), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=True),
        sa.Column("start_month", sa.Integer(), nullable=True),
        sa.Column("finish_year", sa.Integer(), nullable=True),
        sa.Column("finish_month", sa.Integer(), nullable=True),
        sa.Column("total_investment", sa.BigInteger(), nullable=False),
        sa.Column("planned_investment", sa.BigInteger(), nullable=False),
        sa.Column("social_share_pct", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_first_line", sa.Integer(), nullable=True),
        sa.Column("source_last_line", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "code"),
    )
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_district"), ["district"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_finish_year"), ["finish_year"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_start_year"), ["start_year"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_status"), ["status"], unique=False)

    op.create_table(
        "annualplan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("planned", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "year"),
    )
    with op.batch_alter_table("annualplan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_annualplan_project_id"), ["project_id"], unique=False)

    op.create_table(
        "progressrecord",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("invested", sa.BigInteger(), nullable=False),
        sa.Column("progress_text", sa.Text(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("reporter", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "month"),
    )
    with op.batch_alter_table("progressrecord", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_progressrecord_month"), ["month"], unique=False)
        batch_op.create_index(batch_op.f("ix_progressrecord_project_id"), ["project_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("progressrecord", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progressrecord_project_id"))
        batch_op.drop_index(batch_op.f("ix_progressrecord_month"))

    op.drop_table("progressrecord")
    with op.batch_alter_table("annualplan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_annualplan_project_id"))

    op.drop_table("annualplan")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_status"))
        batch_op.drop_index(batch_op.f("ix_project_start_year"))
        batch_op.drop_index(batch_op.f("ix_project_plan_id"))
        batch_op.drop_index(batch_op.f("ix_project_name"))
        batch_op.drop_index(batch_op.f("ix_project_finish_year"))
        batch_op.drop_index(batch_op.f("ix_project_district"))
        batch_op.drop_index(batch_op.f("ix_project_code"))
        batch_op.drop_index(batch_op.f("ix_project_category_id"))

    op.drop_table("project")
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_category_plan_id"))

    op.drop_table("category")
    with op.batch_alter_table("auditentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditentry_project_code"))
        batch_op.drop_index(batch_op.f("ix_auditentry_operation_id"))

    op.drop_table("auditentry")
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_name"))

    op.drop_table("plan")
    op.drop_table("operation")
