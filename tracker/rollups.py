"""How much money where: the portfolio summed by one or more dimensions, with subtotals and a grand total.

Per group: the number of projects, total investment, planned (十四五) investment, social capital
(total × share, each project rounded half-even to the fen as :func:`tracker.money.social_capital`
does), money invested to date (progress records, up to the as-of month when one is given) and that
as a percentage of the total. Every sum is an exact integer sum of fen in SQL.

``year`` is different, because a project lives in several years. Each project's total, planned and
social capital are *spread* over its construction years (start year to finish year, both
included): ``even`` gives each year the same share, ``front`` weights the years n, n−1, …, 1 and
``back`` 1, 2, …, n (``rollup.year_spread`` in tracker.toml). Each spread is rounded to the fen by
the largest-remainder method (ties to the earlier year), so a project's years add back to its
figures exactly, and the years add back to the plan totals exactly. For a year, ``count`` is the
number of projects whose construction period includes that year (or that reported progress in it),
and ``invested`` is the money reported for the months of that year. Subtotals and the grand total
count each project once. The spread is a per-project allocation done in Python; everything else is
GROUP BY in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, func, type_coerce
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session, select

from tracker.errors import UsageError
from tracker.models import Category, Plan, ProgressRecord, Project, Status
from tracker.money import fen_to_wan, percent_of
from tracker.rules import fen, month_text

DIMENSIONS: tuple[str, ...] = ("category", "district", "year", "nature", "status", "owner")
SPREADS: tuple[str, ...] = ("even", "front", "back")

UNPLACED = "(unplaced)"
BLANK = "(blank)"
NO_YEAR = "(no year)"

SortKey = tuple[int, str]


class RollupError(UsageError, ValueError):
    """Dimensions or a spread rule that a rollup cannot use."""


@dataclass(frozen=True)
class RollupRow:
    """One line of a rollup: a group (``path`` of dimension values), a subtotal, or the grand total.

    ``level`` is ``len(path)``; the grand total has ``path == ()``, level 0. ``is_subtotal`` is true
    for every row above the deepest level (the grand total included).
    """

    path: tuple[str, ...]
    level: int
    is_subtotal: bool
    count: int
    total: Decimal
    planned: Decimal
    social_capital: Decimal
    invested: Decimal
    invested_pct: Decimal | None
    ordinals: tuple[int | None, ...] = ()
    """For each path element, its own number where the dimension has one (a category's ordinal in the
    plan, ``2`` for 二、老年人福利类项目), else None: a view shows the plan's numbering, not a position."""

    @property
    def label(self) -> str:
        return self.path[-1] if self.path else "Total"


@dataclass
class _Sums:
    """Fen sums of one group while it is being built (year rollups)."""

    projects: set[int] = field(default_factory=set)
    total: int = 0
    planned: int = 0
    social: int = 0
    invested: int = 0


# --------------------------------------------------------------------------------------------
# Dimensions: which columns identify a group, and how its value reads and sorts.


@dataclass(frozen=True)
class _Dim:
    columns: tuple[Any, ...]
    value: Callable[[tuple[Any, ...]], tuple[SortKey, str]]


def _district_order() -> dict[str, int]:
    from tracker.districts import load_gazetteer

    return {name: i for i, name in enumerate(load_gazetteer().all_names)}


def _text_value(values: tuple[Any, ...]) -> tuple[SortKey, str]:
    text = values[0] or ""
    return ((1, "") if not text else (0, text)), (text or BLANK)


def _category_value(values: tuple[Any, ...]) -> tuple[SortKey, str]:
    ordinal, name = values
    return (int(ordinal), name), name


def _district_value(values: tuple[Any, ...]) -> tuple[SortKey, str]:
    name = values[0]
    if not name:
        return (10_000, ""), UNPLACED
    return (_district_order().get(name, 9_999), name), name


_STATUS_ORDER = {s.value: i for i, s in enumerate(Status)}


def _status_value(values: tuple[Any, ...]) -> tuple[SortKey, str]:
    value = values[0]
    return (_STATUS_ORDER.get(value, 99), value), value


_DIMS: dict[str, _Dim] = {
    "category": _Dim((Category.ordinal, Category.name), _category_value),
    "district": _Dim((Project.district,), _district_value),
    "nature": _Dim((Project.nature,), _text_value),
    "status": _Dim((Project.status,), _status_value),
    "owner": _Dim((Project.owner,), _text_value),
}


def _year_value(year: int | None) -> tuple[SortKey, str]:
    return ((year, "") if year is not None else (99_999, "")), (str(year) if year is not None else NO_YEAR)


# --------------------------------------------------------------------------------------------
# SQL pieces


def social_capital_fen() -> ColumnElement[int]:
    """Per project, total × share in fen, rounded half-even like :func:`tracker.money.social_capital`.

    The share is stored in hundredths of a percent, so total_fen × share_bp / 10 000 is the exact
    value in fen; integer division and the remainder decide the rounding (amounts are not negative).
    """
    exact = fen(Project.total_investment) * func.coalesce(type_coerce(Project.social_share_pct, Integer()), 0)
    quotient = exact // 10_000
    remainder = exact % 10_000
    round_up = case((remainder > 5_000, 1), (and_(remainder == 5_000, quotient % 2 == 1), 1), else_=0)
    return quotient + round_up


def _invested_by_project(as_of: date | None) -> Any:
    query = select(
        ProgressRecord.project_id.label("project_id"),  # type: ignore[attr-defined]
        func.sum(fen(ProgressRecord.invested)).label("invested"),
    ).group_by(ProgressRecord.project_id)
    if as_of is not None:
        query = query.where(ProgressRecord.month <= month_text(as_of))
    return query.subquery("invested_by_project")


def _base(columns: Sequence[Any], where: ColumnElement[bool] | None) -> Any:
    query = (
        select(*columns)
        .select_from(Project)
        .join(Category, Category.id == Project.category_id)  # type: ignore[arg-type]
        .join(Plan, Plan.id == Project.plan_id)  # type: ignore[arg-type]
    )
    return query if where is None else query.where(where)


def _check(dims: Sequence[str], spread: str) -> list[str]:
    chosen = list(dims)
    if not chosen:
        raise RollupError(f"roll up by at least one of: {', '.join(DIMENSIONS)}")
    for dim in chosen:
        if dim not in DIMENSIONS:
            raise RollupError(f"cannot roll up by {dim!r}; dimensions: {', '.join(DIMENSIONS)}")
    if len(set(chosen)) != len(chosen):
        raise RollupError("each dimension may be given once")
    if spread not in SPREADS:
        raise RollupError(f"year spread must be one of {', '.join(SPREADS)}, not {spread!r}")
    return chosen


# --------------------------------------------------------------------------------------------
# The rollup


def rollup(
    session: Session,
    dims: Sequence[str],
    where: ColumnElement[bool] | None = None,
    *,
    spread: str = "even",
    as_of: date | None = None,
) -> list[RollupRow]:
    """Groups by ``dims`` (outer first) with a subtotal row heading each outer group and the grand total last.

    Rows come in tree order: for ``("category", "district")`` each category's subtotal, then its
    districts, …, then the grand total. ``where`` is a filter (:func:`tracker.filters.where_clause`).
    """
    chosen = _check(dims, spread)
    if "year" in chosen:
        groups = _year_groups(session, chosen, where, spread, as_of)
    else:
        groups = _sql_groups(session, chosen, where, as_of)
    depth = len(chosen)
    rows: list[RollupRow] = []
    for keyed_path, sums in sorted(groups.items(), key=lambda item: (len(item[0]) == 0, item[0])):
        path = tuple(label for _, label in keyed_path)
        ordinals = tuple(
            key[0] if dim == "category" and isinstance(key, tuple) else None
            for dim, (key, _) in zip(chosen, keyed_path)
        )
        total = fen_to_wan(sums.total)
        invested = fen_to_wan(sums.invested)
        rows.append(
            RollupRow(
                path=path,
                level=len(path),
                is_subtotal=len(path) < depth,
                count=len(sums.projects) if isinstance(sums, _Sums) else int(sums.count),
                total=total,
                planned=fen_to_wan(sums.planned),
                social_capital=fen_to_wan(sums.social),
                invested=invested,
                invested_pct=percent_of(invested, total),
                ordinals=ordinals,
            )
        )
    return rows


@dataclass
class _Counted:
    """Fen sums of one group as SQL returned them."""

    count: int
    total: int
    planned: int
    social: int
    invested: int

    def add(self, numbers: Sequence[int]) -> None:
        self.count += numbers[0]
        self.total += numbers[1]
        self.planned += numbers[2]
        self.social += numbers[3]
        self.invested += numbers[4]


Path = tuple[tuple[SortKey, str], ...]


def _sql_groups(
    session: Session, dims: list[str], where: ColumnElement[bool] | None, as_of: date | None
) -> dict[Path, Any]:
    """One GROUP BY at the deepest level; the subtotals and the grand total are sums of its groups.

    Outside ``year`` a project belongs to exactly one group of each level, so a subtotal is the sum of
    the groups below it (exact integer fen, over the few group rows, not the projects). Category and
    plan are joined only when a dimension or the filter reads them; invested-to-date is a correlated sum
    read from the ``progressrecord (project_id, month, invested)`` index, and left out while no
    progress has been recorded.
    """
    specs = [_DIMS[d] for d in dims]
    keys = [column for spec in specs for column in spec.columns]
    figures = [
        func.count(Project.id),
        func.coalesce(func.sum(fen(Project.total_investment)), 0),
        func.coalesce(func.sum(fen(Project.planned_investment)), 0),
        func.coalesce(func.sum(social_capital_fen()), 0),
    ]
    if session.exec(select(ProgressRecord.id).limit(1)).first() is not None:  # type: ignore[call-overload]
        invested = select(func.sum(fen(ProgressRecord.invested))).where(ProgressRecord.project_id == Project.id)
        if as_of is not None:
            invested = invested.where(ProgressRecord.month <= month_text(as_of))
        figures.append(func.coalesce(func.sum(invested.scalar_subquery()), 0))
    tables = set(find_tables(where, check_columns=True)) if where is not None else set()
    for key in keys:
        tables.update(find_tables(key.__clause_element__(), check_columns=True))
    query = select(*keys, *figures).select_from(Project)
    if Category.__table__ in tables:  # type: ignore[attr-defined]
        query = query.join(Category, Category.id == Project.category_id)  # type: ignore[arg-type]
    if Plan.__table__ in tables:  # type: ignore[attr-defined]
        query = query.join(Plan, Plan.id == Project.plan_id)  # type: ignore[arg-type]
    if where is not None:
        query = query.where(where)
    if keys:
        query = query.group_by(*keys)
    groups: dict[Path, _Counted] = {(): _Counted(0, 0, 0, 0, 0)}
    for row in session.exec(query):  # type: ignore[call-overload]
        values, numbers = tuple(row[: len(keys)]), [int(n) for n in row[len(keys) :]]
        if len(numbers) == 4:
            numbers.append(0)
        path: list[tuple[SortKey, str]] = []
        i = 0
        for spec in specs:
            width = len(spec.columns)
            path.append(spec.value(values[i : i + width]))
            i += width
        for level in range(len(path) + 1):
            counted = groups.setdefault(tuple(path[:level]), _Counted(0, 0, 0, 0, 0))
            counted.add(numbers)
    return groups


def _year_groups(
    session: Session, dims: list[str], where: ColumnElement[bool] | None, spread_rule: str, as_of: date | None
) -> dict[Path, _Sums]:
    """Per project (SQL), spread over its years (Python), then summed per level and group."""
    others = [d for d in dims if d != "year"]
    other_columns = [column for d in others for column in _DIMS[d].columns]
    query = _base(
        [
            Project.id,
            Project.start_year,
            Project.finish_year,
            fen(Project.total_investment),
            fen(Project.planned_investment),
            social_capital_fen(),
            *other_columns,
        ],
        where,
    )
    reported_year = func.substr(ProgressRecord.month, 1, 4)
    by_year = (
        select(ProgressRecord.project_id, reported_year, func.sum(fen(ProgressRecord.invested)))
        .group_by(ProgressRecord.project_id, reported_year)
    )
    if as_of is not None:
        by_year = by_year.where(ProgressRecord.month <= month_text(as_of))
    invested: dict[int, dict[int, int]] = defaultdict(dict)
    for project_id, year_text, amount in session.exec(by_year):  # type: ignore[call-overload]
        invested[int(project_id)][int(year_text)] = int(amount)

    groups: dict[Path, _Sums] = defaultdict(_Sums)
    for row in session.exec(query):  # type: ignore[call-overload]
        project_id, start, finish, total, planned, social = (
            int(row[0]), row[1], row[2], int(row[3]), int(row[4]), int(row[5]),
        )
        values = tuple(row[6:])
        labels: dict[str, tuple[SortKey, str]] = {}
        i = 0
        for d in others:
            width = len(_DIMS[d].columns)
            labels[d] = _DIMS[d].value(values[i : i + width])
            i += width
        years = construction_years(start, finish)
        shares = {
            "total": dict(zip(years, spread(total, len(years), spread_rule), strict=True)),
            "planned": dict(zip(years, spread(planned, len(years), spread_rule), strict=True)),
            "social": dict(zip(years, spread(social, len(years), spread_rule), strict=True)),
        }
        reported = invested.get(project_id, {})
        for year in sorted(set(years) | set(reported), key=lambda y: (y is None, y or 0)):
            labels["year"] = _year_value(year)
            for level in range(len(dims) + 1):
                sums = groups[tuple(labels[d] for d in dims[:level])]
                sums.projects.add(project_id)
                sums.total += shares["total"].get(year, 0)
                sums.planned += shares["planned"].get(year, 0)
                sums.social += shares["social"].get(year, 0)
                sums.invested += reported.get(year, 0) if year is not None else 0
    if not groups:
        groups[()] = _Sums()
    return dict(groups)


def construction_years(start: int | None, finish: int | None) -> list[int | None]:
    """The calendar years a project is built in; ``[None]`` when the plan gives no year at all."""
    if start is None and finish is None:
        return [None]
    first = start if start is not None else finish
    last = finish if finish is not None else start
    assert first is not None and last is not None
    low, high = min(first, last), max(first, last)
    return list(range(low, high + 1))


def spread(amount_fen: int, parts: int, rule: str = "even") -> list[int]:
    """Split a whole number of fen over ``parts`` years by ``rule``, exactly (largest remainder).

    Each year's exact share is amount × weight ÷ Σweights; every year gets the whole fen below it,
    and the fen left over go one each to the years with the largest remainders (the earlier year
    first on a tie). The parts always add back to ``amount_fen``.
    """
    if parts <= 0:
        raise RollupError("a spread needs at least one year")
    weights = {
        "even": [1] * parts,
        "front": list(range(parts, 0, -1)),
        "back": list(range(1, parts + 1)),
    }.get(rule)
    if weights is None:
        raise RollupError(f"year spread must be one of {', '.join(SPREADS)}, not {rule!r}")
    whole = sum(weights)
    base = [amount_fen * w // whole for w in weights]
    remainders = [amount_fen * w % whole for w in weights]
    left = amount_fen - sum(base)
    for i in sorted(range(parts), key=lambda j: (-remainders[j], j))[:left]:
        base[i] += 1
    return base


def row_dict(row: RollupRow, dims: Sequence[str]) -> dict[str, Any]:
    """A row as the JSON record: path, level, is_subtotal, then one key per dimension, then figures."""
    record: dict[str, Any] = {"path": list(row.path), "level": row.level, "is_subtotal": row.is_subtotal}
    for i, dim in enumerate(dims):
        record[dim] = row.path[i] if i < len(row.path) else None
    record.update(
        count=row.count,
        total=row.total,
        planned=row.planned,
        social_capital=row.social_capital,
        invested=row.invested,
        invested_pct=row.invested_pct,
    )
    return record
