"""Read the portfolio: one SQL query that joins each project to its category, plan and progress.

Every reader — ``list``, ``show``, ``export``, the rollups and the TUI table — starts from
:func:`project_query`, so a column added here (say invested-to-date) is there for all of them, and
filtering, sorting and paging stay in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func
from sqlmodel import Session, select

from tracker.models import Category, Plan, ProgressRecord, Project, WanYuan


@dataclass(frozen=True)
class ProjectRow:
    """A project with the names and figures a reader needs alongside it."""

    project: Project
    category: str
    category_ordinal: int
    plan: str
    invested_to_date: Decimal
    last_report_month: str | None
    last_report_at: Any


def progress_totals() -> Any:
    """Per project: money invested to date, the latest month reported, and when it was recorded."""
    return (
        select(
            ProgressRecord.project_id.label("project_id"),  # type: ignore[attr-defined]
            func.sum(ProgressRecord.invested).label("invested"),
            func.max(ProgressRecord.month).label("last_month"),
            func.max(ProgressRecord.recorded_at).label("last_at"),
        )
        .group_by(ProgressRecord.project_id)
        .subquery("progress_totals")
    )


def project_query(where: ColumnElement[bool] | None = None) -> Select[Any]:
    """The base select over projects; callers add ``where``, ``order_by``, ``limit``."""
    totals = progress_totals()
    invested = func.coalesce(totals.c.invested, 0, type_=WanYuan()).label("invested_to_date")
    query = (
        select(Project, Category.name, Category.ordinal, Plan.name, invested, totals.c.last_month, totals.c.last_at)
        .join(Category, Category.id == Project.category_id)  # type: ignore[arg-type]
        .join(Plan, Plan.id == Project.plan_id)  # type: ignore[arg-type]
        .outerjoin(totals, totals.c.project_id == Project.id)
    )
    if where is not None:
        query = query.where(where)
    return query


def default_order() -> tuple[Any, ...]:
    """Published order: category, then the number within it."""
    return (Plan.id, Category.ordinal, Project.seq)


def rows(
    session: Session,
    where: ColumnElement[bool] | None = None,
    order_by: Sequence[Any] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[ProjectRow]:
    """Projects as :class:`ProjectRow`, filtered and ordered in SQL."""
    query = project_query(where).order_by(*(order_by or ()), *default_order())
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return [_row(r) for r in session.exec(query)]  # type: ignore[call-overload]


def _row(result: Any) -> ProjectRow:
    project, category, ordinal, plan, invested, last_month, last_at = result
    return ProjectRow(project, category, ordinal, plan, invested, last_month, last_at)


def count(session: Session, where: ColumnElement[bool] | None = None) -> int:
    query = select(func.count()).select_from(project_query(where).subquery())
    return int(session.exec(query).one())  # type: ignore[call-overload]


def find(session: Session, code: str) -> ProjectRow | None:
    """The project with this code (``2-18``); None when there is none."""
    found = rows(session, Project.code == code.strip(), limit=1)
    return found[0] if found else None


def plans(session: Session) -> list[Plan]:
    return list(session.exec(select(Plan).order_by(Plan.id)))  # type: ignore[arg-type]


def categories(session: Session, plan_id: int | None = None) -> list[Category]:
    query = select(Category).order_by(Category.plan_id, Category.ordinal)  # type: ignore[arg-type]
    if plan_id is not None:
        query = query.where(Category.plan_id == plan_id)
    return list(session.exec(query))
