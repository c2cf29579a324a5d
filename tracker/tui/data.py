"""The TUI's reads: a page of projects, the totals of what is shown, the lights of a page, the
source lines of a project — all through the domain's own queries, never a second copy of them.

Why this module exists: the screens must stay thin, and everything here is plain Python over
SQLAlchemy (no Textual import), so it can be tested and timed on its own — and run in the screens'
worker threads, off the UI thread. Every list the TUI shows is a :class:`Query` — the WHERE built
from the filter text by :mod:`tracker.filters` (the CLI's parser) and the sort text — read a page
at a time by :func:`tracker.paging.page_after` (keyset, not OFFSET), so a screen holding a
province's million projects only ever has the rows it has scrolled past in memory, and page N costs
what page 1 costs. Projects are told apart by id: a code (``1-1``) repeats in every plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, select

from tracker.models import ProgressRecord, Project, WanYuan
from tracker.paging import Key, Page, page_after
from tracker.portfolio import ProjectRow, rows, scope_query

if TYPE_CHECKING:
    from tracker.warnings import WarningItem, WarningSettings

PAGE_SIZE = 100
"""Rows fetched per page; a screen asks for the next page when the cursor or the scroll nears the
end of what it has."""

SEVERITY_RANK = {"red": 2, "yellow": 1}


@dataclass(frozen=True)
class Query:
    """What a list shows: the filter's WHERE (None = everything), the sort's ORDER BY and the sort
    text it came from (what :func:`tracker.paging.sort_keys` reads; empty: published order)."""

    where: ColumnElement[bool] | None = None
    order_by: Sequence[Any] = field(default_factory=tuple)
    sort: str = ""
    indicators: Any = None
    """For a view of projects and indicators both (warnings): the filter compiled for indicators
    (:class:`tracker.indicators.filters.IndicatorFilter`; None: every indicator)."""


@dataclass(frozen=True)
class Totals:
    """Count and sums of the projects a query selects, computed by the database (exact fen)."""

    count: int
    total: Decimal
    planned: Decimal


def build_query(
    filter_text: str,
    sort_text: str,
    *,
    views: Mapping[str, str],
    as_of: date,
    settings: WarningSettings,
    subject: str = "project",
) -> Query:
    """Filter and sort text → :class:`Query`, through the CLI's parser; raises ``FilterError``.

    ``subject`` ``any`` (the warnings view) also compiles the filter for indicators, as ``tracker warnings`` does."""
    from tracker.filters import Everything, FilterContext, parse, parse_sort, to_sql

    node = parse(filter_text, views, subject)  # type: ignore[arg-type]
    where = None if isinstance(node, Everything) else to_sql(node, FilterContext(as_of, settings))
    order = parse_sort(sort_text) if sort_text.strip() else []
    indicators = None
    if subject == "any":
        from tracker.indicators.filters import compile_indicator_filter

        indicators = compile_indicator_filter(node)
    return Query(where, tuple(order), sort_text if sort_text.strip() else "", indicators)


def totals(session: Session, where: ColumnElement[bool] | None) -> Totals:
    """One aggregate over the same selection the table pages through."""
    shown = scope_query(where).subquery()
    query = select(
        func.count(),
        func.coalesce(func.sum(shown.c.total_investment), 0, type_=WanYuan()),
        func.coalesce(func.sum(shown.c.planned_investment), 0, type_=WanYuan()),
    )
    count, total, planned = session.exec(query).one()  # type: ignore[call-overload]
    return Totals(int(count), total, planned)


def page(session: Session, query: Query, after: Key | None, limit: int = PAGE_SIZE) -> Page:
    """The ``limit`` rows of ``query`` that follow the row whose key is ``after`` (None: the first)."""
    return page_after(session, query.where, query.sort, after, limit)


def first_pages(
    session: Session, query: Query, keep: int | None = None, limit: int = PAGE_SIZE, most: int = 10
) -> Page:
    """The first page; when ``keep`` (a project id) is not on it, further pages until it is (at most
    ``most`` pages), so a reloaded list can put the cursor back on the project it was on."""
    first = page(session, query, None, limit)
    shown = list(first.rows)
    last, more = first.last_key, first.more
    for _ in range(most - 1):
        if keep is None or not more or any(r.project.id == keep for r in shown):
            break
        following = page(session, query, last, limit)
        shown.extend(following.rows)
        last, more = following.last_key, following.more
    return Page(shown, last, more)


def project(session: Session, project_id: int) -> ProjectRow | None:
    """The project with this id, with its names and figures; None when it is gone."""
    found = rows(session, Project.id == project_id, limit=1)  # type: ignore[arg-type]
    return found[0] if found else None


def project_id_for(session: Session, code: str) -> int | None:
    """The id of the first project (in published order) with this code: for callers that only have a
    code (a code is unique within one plan only)."""
    found = rows(session, Project.code == code.strip(), limit=1)  # type: ignore[arg-type]
    return found[0].project.id if found else None


def progress_records(session: Session, project_id: int) -> list[ProgressRecord]:
    """The project's monthly records, oldest month first (a few dozen at most)."""
    query = select(ProgressRecord).where(ProgressRecord.project_id == project_id).order_by(ProgressRecord.month)  # type: ignore[arg-type]
    return list(session.exec(query))


def year_span(session: Session, where: ColumnElement[bool] | None, plan_years: tuple[int, int]) -> tuple[int, int]:
    """The calendar years a timeline must show: the plan period widened to every shown project."""
    shown = scope_query(where).subquery()
    first, last = session.exec(select(func.min(shown.c.start_year), func.max(shown.c.finish_year))).one()  # type: ignore[call-overload]
    lo, hi = plan_years
    return (min(lo, first) if first is not None else lo, max(hi, last) if last is not None else hi)


def plan_years(session: Session) -> tuple[int, int]:
    """The period of the imported plans (2021–2025 for the bundled one)."""
    from tracker.models import Plan

    lo, hi = session.exec(select(func.min(Plan.period_start), func.max(Plan.period_end))).one()  # type: ignore[call-overload]
    if lo is None or hi is None:
        today = date.today().year
        return today, today
    return int(lo), int(hi)


def warnings_for(
    session: Session,
    as_of: date,
    settings: WarningSettings,
    where: ColumnElement[bool] | None = None,
    indicators: Any = None,
) -> list[WarningItem]:
    """The warnings (:func:`tracker.warnings.evaluate`), then the indicators behind their path
    (:mod:`tracker.indicators.warnings`, selected by ``indicators``); red before yellow, else in order."""
    from tracker.indicators.warnings import iter_indicator_warnings
    from tracker.warnings import evaluate

    items = evaluate(session, as_of, settings, where)
    items.extend(iter_indicator_warnings(session, as_of, indicators))
    return sorted(items, key=lambda item: -SEVERITY_RANK.get(item.severity, 0))


def lights(session: Session, ids: Iterable[int], as_of: date, settings: WarningSettings) -> dict[int, str]:
    """The worst warning per project id, for one page of a table (others are green)."""
    from tracker.warnings import worst_by_id

    wanted = list(ids)
    if not wanted:
        return {}
    return worst_by_id(session, as_of, settings, Project.id.in_(wanted))  # type: ignore[union-attr]


def source_document_path(document: str) -> Path | None:
    """Where the published text a plan was imported from can be read, if it is at hand.

    The database keeps the document's name; the bundled plan is found in the package data, and a
    path that exists (absolute, or relative to the working folder) is used as it is.
    """
    from tracker.paths import bundled_plan

    try:
        bundled = bundled_plan()
    except FileNotFoundError:
        bundled = None
    if bundled is not None and document == bundled.name:
        return bundled
    candidate = Path(document)
    return candidate if candidate.is_file() else None


def source_lines(document: str, first: int, last: int) -> list[tuple[int, str]] | None:
    """The non-blank lines ``first``–``last`` of the source document, numbered; an empty cell (the
    plan prints a no-break space) is shown as ``·``. None when the document is not at hand."""
    path = source_document_path(document)
    if path is None:
        return None
    lines: list[tuple[int, str]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if number > last:
                break
            if number >= first and line.strip("\r\n"):
                text = line.rstrip("\r\n")
                lines.append((number, "·" if not text.strip() else text))
    return lines
