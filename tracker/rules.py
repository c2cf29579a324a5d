"""The warning rules as SQL predicates, so that ``+overdue`` in a filter and ``tracker warnings`` agree.

Each rule is a SQLAlchemy boolean expression over :class:`~tracker.models.Project` (with correlated
subqueries on :class:`~tracker.models.ProgressRecord`), built for one as-of date and one set of
thresholds. The as-of date enters only as bound integers and strings computed here in Python with
:mod:`tracker.schedule`, so the SQL is portable (no date functions) and every predicate is two-valued
(never NULL), which keeps negation (``-+overdue``) exact.

Calendar conventions (months, as the monthly report reads progress; see :mod:`tracker.schedule`):

- the finish period ends on the last day of the finish month (December when only a year is known);
  a project is *overdue* from the next day on;
- the start period ends on the last day of the start month (December when only a year is known);
  a project that has *not started* by the next day is a *late start*, red once more than
  ``late_start_red_months`` whole months have passed since then;
- *due soon*: the finish month is the as-of month or one of the ``due_soon_months − 1`` months after it;
- *lagging*: investment progress (invested to date ÷ total) is behind the time pace
  (:func:`tracker.schedule.time_pace`) by ``lagging_yellow_points`` to ``lagging_red_points``
  percentage points (yellow) or by more (red), compared exactly in integers;
- *stale*: in progress and the latest progress report is more than ``stale_days`` days old, a report
  counting from the last day of the month it reports on (never reported: counting from the first
  day of the start period).

Progress records for months after the as-of month are ignored, so a past as-of date reads the
portfolio as it stood then (the status column is the only thing that is always current).
Completed and cancelled projects never match a rule, so they are never red.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Subquery, and_, case, exists, false, func, or_, select, type_coerce

from tracker.models import ProgressRecord, Project, Status
from tracker.schedule import last_complete_month, month_index

FINISHED: tuple[str, ...] = (Status.COMPLETED.value, Status.CANCELLED.value)
"""States in which a project is done with: never warned about."""

STARTED_REPORT_STATES: tuple[str, ...] = (Status.IN_PROGRESS.value, Status.COMPLETED.value)
"""A progress record in one of these states proves the project has started."""


@dataclass(frozen=True)
class WarningSettings:
    """The thresholds of the warning rules (``[warnings]`` in tracker.toml)."""

    due_soon_months: int = 3
    late_start_red_months: int = 6
    lagging_yellow_points: int = 10
    lagging_red_points: int = 30
    stale_days: int = 45

    @classmethod
    def from_config(cls, config: Any) -> WarningSettings:
        """From a :class:`tracker.config.Config` (already validated: whole, non-negative numbers)."""
        return cls(
            due_soon_months=int(config.get("warnings.due_soon_months")),
            late_start_red_months=int(config.get("warnings.late_start_red_months")),
            lagging_yellow_points=int(config.get("warnings.lagging_yellow_points")),
            lagging_red_points=int(config.get("warnings.lagging_red_points")),
            stale_days=int(config.get("warnings.stale_days")),
        )


def fen(column: Any) -> ColumnElement[int]:
    """A money column as its raw integer fen, so arithmetic on it is plain integer arithmetic."""
    return type_coerce(column, BigInteger())


def month_text(day: date) -> str:
    """``YYYY-MM`` of a date: the form of :attr:`ProgressRecord.month`, which sorts as text."""
    return f"{day.year:04d}-{day.month:02d}"


def start_index() -> ColumnElement[int]:
    """Month index of the first month of the start period (January when only a year is known)."""
    return Project.start_year * 12 + func.coalesce(Project.start_month, 1) - 1


def start_end_index() -> ColumnElement[int]:
    """Month index of the last month of the start period (December when only a year is known)."""
    return Project.start_year * 12 + func.coalesce(Project.start_month, 12) - 1


def finish_index() -> ColumnElement[int]:
    """Month index of the last month of the finish period (December when only a year is known)."""
    return Project.finish_year * 12 + func.coalesce(Project.finish_month, 12) - 1


def invested_fen(as_of: date) -> ColumnElement[int]:
    """Per project (correlated): fen invested in the months up to and including the as-of month."""
    return (
        select(func.coalesce(func.sum(fen(ProgressRecord.invested)), 0))
        .where(ProgressRecord.project_id == Project.id, ProgressRecord.month <= month_text(as_of))
        .correlate(Project)
        .scalar_subquery()
    )


def last_report_month(as_of: date) -> ColumnElement[str]:
    """Per project (correlated): the latest month reported up to the as-of month, or NULL."""
    return (
        select(func.max(ProgressRecord.month))
        .where(ProgressRecord.project_id == Project.id, ProgressRecord.month <= month_text(as_of))
        .correlate(Project)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class Figures:
    """Per project, what the rules read from the progress records up to the as-of month.

    Two ways to get them, with the same values. :func:`correlated` subqueries suit a filter over a
    page (they read the records of the rows actually shown); :func:`aggregated` is one GROUP BY joined
    to the projects, for readers of every flagged project (``warnings``, the report), where the
    correlated form would be evaluated once per rule and per CASE branch for each of a million rows.
    """

    invested_fen: ColumnElement[int]
    last_month: ColumnElement[str]


def correlated(as_of: date) -> Figures:
    return Figures(invested_fen(as_of), last_report_month(as_of))


def aggregated(as_of: date) -> tuple[Subquery, Figures]:
    """The per-project figures as a subquery to LEFT OUTER JOIN on ``project_id``, and its columns."""
    totals = (
        select(
            ProgressRecord.project_id.label("project_id"),  # type: ignore[attr-defined]
            func.sum(fen(ProgressRecord.invested)).label("invested_fen"),
            func.max(ProgressRecord.month).label("last_month"),
        )
        .where(ProgressRecord.month <= month_text(as_of))
        .group_by(ProgressRecord.project_id)
        .subquery("progress_to_date")
    )
    return totals, Figures(func.coalesce(totals.c.invested_fen, 0), totals.c.last_month)


def not_finished() -> ColumnElement[bool]:
    return Project.status.not_in(FINISHED)  # type: ignore[attr-defined]


def not_started(as_of: date) -> ColumnElement[bool]:
    """Status not started, and no report up to the as-of month saying in progress or completed."""
    started_report = exists(
        select(ProgressRecord.id).where(
            ProgressRecord.project_id == Project.id,
            ProgressRecord.status.in_(STARTED_REPORT_STATES),  # type: ignore[attr-defined]
            ProgressRecord.month <= month_text(as_of),
        )
    ).correlate(Project)
    return and_(Project.status == Status.NOT_STARTED.value, ~started_report)


def overdue(as_of: date) -> ColumnElement[bool]:
    """Red: the finish period ended before the as-of date and the project is not done with."""
    return and_(
        Project.finish_year.is_not(None),  # type: ignore[union-attr]
        finish_index() < month_index(as_of.year, as_of.month),
        not_finished(),
    )


def late_start(as_of: date) -> ColumnElement[bool]:
    """The start period ended before the as-of date and the project has not started."""
    return and_(
        Project.start_year.is_not(None),  # type: ignore[union-attr]
        start_end_index() < month_index(as_of.year, as_of.month),
        not_started(as_of),
    )


def late_start_red(as_of: date, settings: WarningSettings) -> ColumnElement[bool]:
    """A late start more than ``late_start_red_months`` months after its start period ended."""
    limit = month_index(as_of.year, as_of.month) - settings.late_start_red_months
    return and_(late_start(as_of), start_end_index() < limit)


def due_soon(as_of: date, settings: WarningSettings) -> ColumnElement[bool]:
    """Yellow: the finish month is the as-of month or one of the next ``due_soon_months − 1``."""
    if settings.due_soon_months <= 0:
        return false()
    now = month_index(as_of.year, as_of.month)
    return and_(
        Project.finish_year.is_not(None),  # type: ignore[union-attr]
        finish_index() >= now,
        finish_index() < now + settings.due_soon_months,
        not_finished(),
    )


def _pace_terms(as_of: date) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """(months done, months in the period) of the construction period at ``as_of``, in SQL.

    The same arithmetic as :func:`tracker.schedule.time_pace`, without its rounding.
    """
    span = finish_index() - start_index() + 1
    months = case((span < 1, 1), else_=span)
    elapsed = last_complete_month(as_of) - start_index() + 1
    done = case((elapsed <= 0, 0), (elapsed >= months, months), else_=elapsed)
    return done, months


def _lag_scaled(as_of: date, figures: Figures | None = None) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """(lag × months × total, months × total): lag points = first ÷ second, in integers.

    lag = pace − progress = 100·done/months − 100·invested/total, so
    lag · months · total = 100 · (done · total − invested · months).
    """
    done, months = _pace_terms(as_of)
    total = fen(Project.total_investment)
    invested = (figures or correlated(as_of)).invested_fen
    scaled = 100 * (done * total - invested * months)
    return scaled, months * total


def _lagging_base(as_of: date) -> ColumnElement[bool]:
    return and_(
        Project.start_year.is_not(None),  # type: ignore[union-attr]
        Project.finish_year.is_not(None),  # type: ignore[union-attr]
        fen(Project.total_investment) > 0,
        not_finished(),
        ~not_started(as_of),
    )


def lagging_red(as_of: date, settings: WarningSettings, figures: Figures | None = None) -> ColumnElement[bool]:
    """Started, and investment progress more than ``lagging_red_points`` behind the time pace."""
    scaled, unit = _lag_scaled(as_of, figures)
    return and_(_lagging_base(as_of), scaled > settings.lagging_red_points * unit)


def lagging_yellow(as_of: date, settings: WarningSettings, figures: Figures | None = None) -> ColumnElement[bool]:
    """Started, and ``lagging_yellow_points`` to ``lagging_red_points`` behind the time pace."""
    scaled, unit = _lag_scaled(as_of, figures)
    return and_(
        _lagging_base(as_of),
        scaled >= settings.lagging_yellow_points * unit,
        scaled <= settings.lagging_red_points * unit,
    )


def lagging(as_of: date, settings: WarningSettings, figures: Figures | None = None) -> ColumnElement[bool]:
    return or_(lagging_red(as_of, settings, figures), lagging_yellow(as_of, settings, figures))


def stale(as_of: date, settings: WarningSettings, figures: Figures | None = None) -> ColumnElement[bool]:
    """In progress with no progress report for more than ``stale_days`` days.

    A report for month M counts from M's last day: stale ⇔ that day is before ``as_of − N days``,
    which for whole months is ``M < month of the cutoff`` (text comparison of ``YYYY-MM``). Never
    reported: stale when the start period began before the cutoff.
    """
    cutoff = as_of - timedelta(days=settings.stale_days)
    last = (figures or correlated(as_of)).last_month
    begun_before = month_index(cutoff.year, cutoff.month) + (0 if cutoff.day == 1 else 1)
    never_reported = and_(
        last.is_(None),
        or_(Project.start_year.is_(None), start_index() < begun_before),  # type: ignore[union-attr]
    )
    return and_(
        Project.status == Status.IN_PROGRESS.value,
        or_(and_(last.is_not(None), last < month_text(cutoff)), never_reported),
    )


def social_capital() -> ColumnElement[bool]:
    """The plan gives the project a social-investment share above zero."""
    return and_(Project.social_share_pct.is_not(None), Project.social_share_pct > 0)  # type: ignore[union-attr,operator]


TAGS: dict[str, str] = {
    "overdue": "finish period ended, not completed or cancelled (red)",
    "late_start": "start period ended, not started (yellow; red after warnings.late_start_red_months)",
    "due_soon": "finish within warnings.due_soon_months months (yellow)",
    "lagging": "investment progress behind the time pace by warnings.lagging_yellow_points or more",
    "stale": "in progress, no progress report for warnings.stale_days days",
    "social_capital": "the plan gives it a social-investment share above 0%",
}
"""The ``+tag`` names of the filter language, with what each means."""


def tag_predicate(name: str, as_of: date, settings: WarningSettings) -> ColumnElement[bool]:
    """The predicate of one ``+tag`` (a name in :data:`TAGS`)."""
    if name == "overdue":
        return overdue(as_of)
    if name == "late_start":
        return late_start(as_of)
    if name == "due_soon":
        return due_soon(as_of, settings)
    if name == "lagging":
        return lagging(as_of, settings)
    if name == "stale":
        return stale(as_of, settings)
    if name == "social_capital":
        return social_capital()
    raise KeyError(name)
