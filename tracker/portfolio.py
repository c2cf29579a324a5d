"""Read the portfolio: one SQL query that joins each project to its category, plan and progress.

Every reader — ``list``, ``show``, ``export``, the rollups and the TUI table — starts from
:func:`project_query`, so a column added here (say invested-to-date) is there for all of them, and
filtering, sorting and paging stay in SQL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func
from sqlalchemy import select as sa_select
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
    """Per project: money invested to date, the latest month reported, and when it was recorded.

    A grouped subquery over every record, for readers that want all projects at once (reports).
    """
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


def scope_query(where: ColumnElement[bool] | None = None) -> Select[Any]:
    """The projects a filter selects, joined to what filters may name, without any progress figures.

    For counts and sums over a selection (the TUI's summary bar, ``count``): cheaper than
    :func:`project_query` because it computes nothing per project.
    """
    query = (
        sa_select(Project)  # SQLAlchemy's select: project_query adds columns, so rows are tuples, not scalars
        .join(Category, Category.id == Project.category_id)  # type: ignore[arg-type]
        .join(Plan, Plan.id == Project.plan_id)  # type: ignore[arg-type]
    )
    return query if where is None else query.where(where)


def _per_project(column: Any) -> Any:
    """A correlated subquery over the project's own progress records (uses the project_id index)."""
    return select(column).where(ProgressRecord.project_id == Project.id).correlate(Project).scalar_subquery()


def project_query(where: ColumnElement[bool] | None = None) -> Select[Any]:
    """The base select over projects; callers add ``where``, ``order_by``, ``limit``.

    Progress figures are correlated subqueries, so a page of 100 rows reads the records of those
    100 projects only — the first page costs the same with 87 projects or a million.
    """
    invested = _per_project(func.coalesce(func.sum(ProgressRecord.invested), 0, type_=WanYuan()))
    last_month = _per_project(func.max(ProgressRecord.month))
    last_at = _per_project(func.max(ProgressRecord.recorded_at))
    return scope_query(where).add_columns(
        Category.name,
        Category.ordinal,
        Plan.name,
        invested.label("invested_to_date"),
        last_month.label("last_month"),
        last_at.label("last_at"),
    )


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


STREAM_BATCH = 1000
"""Rows fetched from the database at a time by :func:`iter_rows` (and the other streamed readers)."""

RECORD_COLUMNS: tuple[str, ...] = (
    "code", "seq", "name", "nature", "owner", "district", "content", "note", "start_text", "finish_text",
    "start_year", "start_month", "finish_year", "finish_month", "total_investment", "planned_investment",
    "social_share_pct", "status",
)
"""The project columns an export record needs; :func:`iter_rows` selects these, not whole entities."""


def stream_query(where: ColumnElement[bool] | None = None, order_by: Sequence[Any] | None = None) -> Select[Any]:
    """The Core select behind :func:`iter_rows`: the record's columns, the names of its category and
    plan, and invested-to-date and the last month reported (correlated subqueries, so each is computed
    as its row is fetched), in ``order_by`` then published order (the id breaks any tie)."""
    invested = _per_project(func.coalesce(func.sum(ProgressRecord.invested), 0, type_=WanYuan()))
    last_month = _per_project(func.max(ProgressRecord.month))
    query = (
        sa_select(
            Project.id.label("id"),  # type: ignore[union-attr]
            *(getattr(Project, name).label(name) for name in RECORD_COLUMNS),
            Category.name.label("category"),  # type: ignore[attr-defined]
            Category.ordinal.label("category_ordinal"),  # type: ignore[attr-defined]
            Plan.name.label("plan"),  # type: ignore[attr-defined]
            invested.label("invested_to_date"),
            last_month.label("last_report_month"),
        )
        .join(Category, Category.id == Project.category_id)  # type: ignore[arg-type]
        .join(Plan, Plan.id == Project.plan_id)  # type: ignore[arg-type]
    )
    if where is not None:
        query = query.where(where)
    return query.order_by(*(order_by or ()), *default_order(), Project.id)


def stream(session: Session, query: Any, batch: int = STREAM_BATCH) -> Iterator[Any]:
    """The rows of a Core ``query`` one at a time, fetched ``batch`` at a time: SQLAlchemy's
    ``yield_per`` with ``stream_results`` (a server-side cursor on PostgreSQL), so memory holds one batch,
    whatever the result's size. The cursor is closed when the caller stops early."""
    # On the session's own connection (its transaction, its snapshot) but as a Core result: rows are
    # plain named tuples, without the ORM's per-row bookkeeping.
    result = session.connection().execute(query.execution_options(yield_per=batch, stream_results=True))
    try:
        yield from result
    finally:
        result.close()


def iter_rows(
    session: Session,
    where: ColumnElement[bool] | None = None,
    order_by: Sequence[Any] | None = None,
    *,
    batch: int = STREAM_BATCH,
) -> Iterator[Any]:
    """Projects as lightweight rows (attribute access: ``row.code``, ``row.plan``, ``row.invested_to_date``
    …, see :func:`stream_query`), filtered and ordered in SQL and streamed: what every command that
    writes every row reads (``list``, ``export``), never a list.

    In two steps, so the first row comes as soon as the database has *ordered* the selection, not after
    it has also computed every row's figures: the ids are streamed in order by a narrow query (the
    filter, the sort keys and the id: what the database sorts), and each batch of ids is then read
    whole — its columns and its progress figures — by primary key. Sorting a million projects with their
    correlated figures made the first line of ``list … | head`` wait 4.7 s in SQLite alone; sorting the
    ids alone, 1.5 s. The rows and their order are those of :func:`stream_query`."""
    ordered = (
        sa_select(Project.id)
        .join(Category, Category.id == Project.category_id)  # type: ignore[arg-type]
        .join(Plan, Plan.id == Project.plan_id)  # type: ignore[arg-type]
    )
    if where is not None:
        ordered = ordered.where(where)
    ordered = ordered.order_by(*(order_by or ()), *default_order(), Project.id)
    ids: list[int] = []
    for (project_id,) in stream(session, ordered, batch):
        ids.append(project_id)
        if len(ids) == batch:
            yield from _rows_of(session, ids)
            ids = []
    if ids:
        yield from _rows_of(session, ids)


def _rows_of(session: Session, ids: list[int]) -> Iterator[Any]:
    """The whole rows of ``ids`` (one batch), in the order of ``ids``."""
    query = stream_query(Project.id.in_(ids)).order_by(None)  # type: ignore[union-attr]
    by_id = {row.id: row for row in session.connection().execute(query)}
    for project_id in ids:
        row = by_id.get(project_id)
        if row is not None:  # removed meanwhile by another office (PostgreSQL reads committed data)
            yield row


def _row(result: Any) -> ProjectRow:
    project, category, ordinal, plan, invested, last_month, last_at = result
    return ProjectRow(project, category, ordinal, plan, invested, last_month, last_at)


def count(session: Session, where: ColumnElement[bool] | None = None) -> int:
    query = select(func.count()).select_from(scope_query(where).subquery())
    return int(session.exec(query).one())  # type: ignore[call-overload]


def find(session: Session, code: str) -> ProjectRow | None:
    """The project with this code (``2-18``); None when there is none."""
    found = rows(session, Project.code == code.strip(), limit=1)
    return found[0] if found else None
