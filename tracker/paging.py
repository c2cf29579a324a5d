"""Keyset (seek) pagination over the projects a filter selects: page N costs what page 1 costs.

A page is asked for *after a key* — the values of the sort columns of the last row already shown —
instead of at an OFFSET, which makes the database walk (and throw away) every row before it: the
last page of a million projects costs 2.4 s in SQLite by OFFSET, and the same as the first by key.

The order is total: the sort keys the user chose (``tracker list --sort`` syntax, empty values
last whichever the direction, as :func:`tracker.filters.parse_sort` orders them), then published
order (plan, category, number) and finally ``project.id``, which is unique, so every row has
exactly one place and comes exactly once. "After" is the row-value comparison
``(a, b, …) > (x, y, …)`` written out as ``a > x OR (a = x AND (b > y OR …))`` so SQLite and
PostgreSQL read it the same, with NULLs handled explicitly (a NULL sorts after every value; after a
NULL only NULLs can follow on that key).

Plain SQLAlchemy: no UI import (the TUI calls it from its worker threads).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, nulls_last, or_
from sqlmodel import Session

from tracker.models import Category, Project
from tracker.portfolio import ProjectRow, project_query, scope_query

Key = tuple[Any, ...]
"""The values of a row's sort columns, in the order of :func:`sort_keys`."""


@dataclass(frozen=True)
class SortKey:
    """One column of the order: its SQL expression, direction, whether it may be NULL, and how to
    read its value off a :class:`~tracker.portfolio.ProjectRow`."""

    column: Any
    descending: bool
    nullable: bool
    attribute: str
    """``project.<name>`` or ``category_ordinal``: where the row keeps this column's value."""

    def value(self, row: ProjectRow) -> Any:
        if self.attribute == "category_ordinal":
            return row.category_ordinal
        return getattr(row.project, self.attribute)

    def order(self) -> Any:
        clause = self.column.desc() if self.descending else self.column.asc()
        return nulls_last(clause) if self.nullable else clause

    def after(self, value: Any) -> ColumnElement[bool]:
        """Strictly after ``value`` on this key alone."""
        if value is None:
            return false()  # NULLs come last: nothing but another NULL follows (that is 'equal')
        beyond = self.column < value if self.descending else self.column > value
        return or_(beyond, self.column.is_(None)) if self.nullable else beyond

    def equal(self, value: Any) -> ColumnElement[bool]:
        return self.column.is_(None) if value is None else self.column == value


def _key(column: Any, descending: bool = False) -> SortKey:
    if column is Category.ordinal:
        return SortKey(column, descending, False, "category_ordinal")
    name = column.key
    nullable = bool(Project.__table__.c[name].nullable)  # type: ignore[attr-defined]
    return SortKey(column, descending, nullable, name)


TIEBREAK: tuple[SortKey, ...] = (
    _key(Project.plan_id),
    _key(Category.ordinal),
    _key(Project.seq),
    _key(Project.id),
)
"""Published order (plan, category, number; ``project.plan_id`` is ``plan.id`` by the join), then
the unique id: what makes the order total."""


def sort_keys(sort: str = "") -> tuple[SortKey, ...]:
    """``"-total"`` (the filter language's sort syntax, empty for published order) → the full order.

    Raises :class:`tracker.filters.FilterError` for an unknown key, as ``tracker list --sort`` does.
    """
    from tracker.filters import SORT_FIELDS, parse_sort

    if not sort.strip():
        return TIEBREAK
    parse_sort(sort)  # the CLI's validation and its messages
    keys: list[SortKey] = []
    for part in sort.split(","):
        name = part.strip()
        descending = name.startswith("-")
        keys.extend(_key(column, descending) for column in SORT_FIELDS[name.lstrip("+-")])
    return (*keys, *TIEBREAK)


def key_of(row: ProjectRow, keys: Sequence[SortKey]) -> Key:
    """Where ``row`` stands in the order of ``keys``: the ``after_key`` of the page that follows it."""
    return tuple(k.value(row) for k in keys)


def after_clause(keys: Sequence[SortKey], after_key: Key) -> ColumnElement[bool]:
    """Rows strictly after ``after_key``: ``k1 > v1 OR (k1 = v1 AND (k2 > v2 OR (k2 = v2 AND …)))``."""
    if len(after_key) != len(keys):
        raise ValueError(f"a key of {len(after_key)} values for an order of {len(keys)} columns")
    clause: ColumnElement[bool] | None = None
    for key, value in reversed(list(zip(keys, after_key, strict=True))):
        step = key.after(value)
        clause = step if clause is None else or_(step, and_(key.equal(value), clause))
    assert clause is not None
    return clause


@dataclass(frozen=True)
class Page:
    """One page: its rows, the key to ask for the next one after, and whether there is a next one."""

    rows: list[ProjectRow]
    last_key: Key | None
    more: bool


def page_after(
    session: Session,
    where: ColumnElement[bool] | None,
    sort: str | Sequence[SortKey],
    after_key: Key | None,
    limit: int,
) -> Page:
    """Up to ``limit`` projects selected by ``where`` that come after ``after_key`` (None: from the
    start) in the order ``sort``; one query, which reads ``limit + 1`` rows to know if more follow."""
    keys = sort_keys(sort) if isinstance(sort, str) else tuple(sort)
    order = [k.order() for k in keys]
    chosen = scope_query(where).with_only_columns(Project.id)  # type: ignore[arg-type]
    if after_key is not None:
        chosen = chosen.where(after_clause(keys, after_key))
    # The page's ids first, then its figures: the per-project progress subqueries run for these
    # rows only, not for every row the sort must look at (ties on the sort key can be thousands).
    page_ids = chosen.order_by(*order).limit(limit + 1).subquery("page_ids")
    query = project_query().join(page_ids, page_ids.c.id == Project.id).order_by(*order)  # type: ignore[arg-type]
    found = [ProjectRow(*r) for r in session.exec(query)]  # type: ignore[call-overload]
    more = len(found) > limit
    rows = found[:limit]
    return Page(rows, key_of(rows[-1], keys) if rows else after_key, more)
