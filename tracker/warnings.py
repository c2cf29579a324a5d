"""What is late: the warning rules evaluated for the portfolio as of a date, one item per project and rule.

Which projects a rule flags, and how red, is decided in SQL by the predicates of :mod:`tracker.rules`
— the same predicates the filter tags (``+overdue`` …) use, so a warning and a tag cannot disagree.
Python only words the reason, with :mod:`tracker.schedule` for the calendar figures.

Rules (ids are stable; thresholds are ``[warnings]`` in tracker.toml):

=============  ========  =====================================================================
rule           severity  when
=============  ========  =====================================================================
overdue        red       the finish period ended; neither completed nor cancelled
late_start     yellow    the start period ended and it has not started; red after
                         ``late_start_red_months`` months
due_soon       yellow    the finish falls within ``due_soon_months`` months
lagging        yellow    started; investment progress ``lagging_yellow_points``–``lagging_red_points``
                         points behind the time pace; red beyond ``lagging_red_points``
stale          yellow    in progress and no progress report for ``stale_days`` days
=============  ========  =====================================================================

Completed and cancelled projects are never warned about, so they are never red.

The plans' main indicators are in the same system (:mod:`tracker.indicators.warnings`): an indicator of
the plan's own targets that is behind the path from its baseline to its target as of the date is an item
too — rule ``indicator_at_risk`` (red) for a binding (约束性) one, ``indicator_behind`` (yellow) for an
expected one. Their items have ``kind`` ``indicator`` and the code ``I<id>`` (the id ``tracker indicator
record`` takes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import ColumnElement, case, func, or_
from sqlmodel import Session, select

from tracker import rules
from tracker.models import Category, Plan, Project, Status
from tracker.money import fen_to_wan, normalise, percent_of
from tracker.rules import WarningSettings
from tracker.schedule import month_end, month_index, parse_month, time_pace

Severity = Literal["red", "yellow"]

RULES: tuple[str, ...] = ("overdue", "late_start", "due_soon", "lagging", "stale")
"""Rule ids, in the order items for one project are listed."""

INDICATOR_RULES: tuple[str, ...] = ("indicator_at_risk", "indicator_behind")
"""The rules of the plans' main indicators (:mod:`tracker.indicators.warnings`), listed after the projects'."""

SEVERITY_ORDER: dict[str, int] = {"red": 0, "yellow": 1}

__all__ = ["INDICATOR_RULES", "RULES", "WarningItem", "WarningSettings", "count_warnings", "counts", "evaluate", "iter_warnings", "worst_by_code"]


@dataclass(frozen=True)
class WarningItem:
    """One rule flagging one project, with the reason in words."""

    code: str
    name: str
    rule: str
    severity: Severity
    message: str
    message_zh: str = ""
    """The same reason in Chinese, for the Chinese interface and the monthly report."""
    project_id: int | None = field(default=None, compare=False)
    """The project's id (codes are unique only within a plan); not part of :meth:`as_dict`."""
    kind: Literal["project", "indicator"] = "project"
    """What is warned about: a project, or a plan's main indicator (then ``code`` is ``I<id>``)."""
    indicator_id: int | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "name": self.name,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "message_zh": self.message_zh,
            "kind": self.kind,
        }

    def reason(self, language: str) -> str:
        """The reason in ``zh`` or ``en``."""
        return self.message_zh if language == "zh" and self.message_zh else self.message


def _severity(red: ColumnElement[bool] | None, yellow: ColumnElement[bool] | None) -> Any:
    whens = [(cond, value) for cond, value in ((red, "red"), (yellow, "yellow")) if cond is not None]
    return case(*whens, else_=None)


MESSAGE_COLUMNS: tuple[str, ...] = (
    "code", "name", "status", "start_year", "start_month", "finish_year", "finish_month", "total_investment",
)
"""The project columns the messages read (not whole entities)."""


def _rule_columns(as_of: date, settings: WarningSettings, figures: rules.Figures) -> dict[str, Any]:
    return {
        "overdue": _severity(rules.overdue(as_of), None),
        "late_start": _severity(rules.late_start_red(as_of, settings), rules.late_start(as_of)),
        "due_soon": _severity(None, rules.due_soon(as_of, settings)),
        "lagging": _severity(
            rules.lagging_red(as_of, settings, figures), rules.lagging_yellow(as_of, settings, figures)
        ),
        "stale": _severity(None, rules.stale(as_of, settings, figures)),
    }


def _any_rule(as_of: date, settings: WarningSettings, figures: rules.Figures) -> ColumnElement[bool]:
    return or_(
        rules.overdue(as_of),
        rules.late_start(as_of),
        rules.due_soon(as_of, settings),
        rules.lagging(as_of, settings, figures),
        rules.stale(as_of, settings, figures),
    )


def warnings_query(as_of: date, settings: WarningSettings, where: ColumnElement[bool] | None = None) -> Any:
    """The projects some rule flags, in published order (the id breaks ties), each with its rules'
    severities (``rule_overdue`` … NULL when the rule does not apply), what the messages need, and the
    money invested up to the as-of month.

    The progress figures come from one GROUP BY joined to the projects (:func:`tracker.rules.aggregated`),
    not from correlated subqueries that every rule and CASE branch would evaluate again per project."""
    progress, figures = rules.aggregated(as_of)
    query = (
        select(  # type: ignore[call-overload]
            Project.id.label("id"),  # type: ignore[union-attr]
            *(getattr(Project, name).label(name) for name in MESSAGE_COLUMNS),
            figures.invested_fen.label("invested_fen"),
            figures.last_month.label("last_month"),
            *(expr.label(f"rule_{name}") for name, expr in _rule_columns(as_of, settings, figures).items()),
        )
        .join(Category, Category.id == Project.category_id)  # type: ignore[arg-type]
        .join(Plan, Plan.id == Project.plan_id)  # type: ignore[arg-type]
        .outerjoin(progress, progress.c.project_id == Project.id)
        .where(_any_rule(as_of, settings, figures))
        .order_by(Plan.id, Category.ordinal, Project.seq, Project.id)
    )
    return query if where is None else query.where(where)


def iter_warnings(
    session: Session,
    as_of: date,
    settings: WarningSettings | None = None,
    where: ColumnElement[bool] | None = None,
) -> Iterator[WarningItem]:
    """Every warning as of ``as_of`` for the projects matching ``where``, in published order, streamed
    from one SQL query (each rule's severity is a CASE over its predicates; Python only words the
    reasons): memory holds one batch of rows whatever the portfolio's size."""
    from tracker.portfolio import stream

    settings = settings or WarningSettings()
    for row in stream(session, warnings_query(as_of, settings, where)):
        invested = fen_to_wan(int(row.invested_fen))
        for name in RULES:
            severity = getattr(row, f"rule_{name}")
            if severity is None:
                continue
            message, message_zh = MESSAGES[name](row, as_of, settings, invested, row.last_month)
            yield WarningItem(row.code, row.name, name, severity, message, message_zh, row.id)


def evaluate(
    session: Session,
    as_of: date,
    settings: WarningSettings | None = None,
    where: ColumnElement[bool] | None = None,
) -> list[WarningItem]:
    """Every warning as of ``as_of`` for the projects matching ``where``, in published order (a list:
    for small callers; commands that write every warning use :func:`iter_warnings`)."""
    return list(iter_warnings(session, as_of, settings, where))


def count_warnings(
    session: Session,
    as_of: date,
    settings: WarningSettings | None = None,
    where: ColumnElement[bool] | None = None,
) -> tuple[dict[str, dict[str, int]], int]:
    """Per rule, how many red and yellow items (as :func:`counts`), and how many projects are flagged:
    one aggregate query, so a writer can print the counts before it streams the items."""
    settings = settings or WarningSettings()
    flagged = warnings_query(as_of, settings, where).order_by(None).subquery("flagged")
    columns = [func.count()]
    for name in RULES:
        column = getattr(flagged.c, f"rule_{name}")
        for severity in ("red", "yellow"):
            columns.append(func.coalesce(func.sum(case((column == severity, 1), else_=0)), 0))
    row = session.execute(select(*columns)).one()  # type: ignore[call-overload]
    table: dict[str, dict[str, int]] = {}
    values = iter(row[1:])
    for name in RULES:
        table[name] = {"red": int(next(values)), "yellow": int(next(values))}
    return table, int(row[0])


def worst_by_id(
    session: Session, as_of: date, settings: WarningSettings, where: ColumnElement[bool]
) -> dict[int, str]:
    """Per flagged project id among those ``where`` selects (a page of a table), its worst severity.

    The light of a row needs no reason in words, so no message is built; and a page is a few rows,
    so the progress figures are correlated subqueries that read those rows' records only (the
    aggregate join of :func:`warnings_query` would sum every record of the portfolio).
    """
    figures = rules.correlated(as_of)
    columns = _rule_columns(as_of, settings, figures)
    query = select(Project.id, *columns.values()).where(where, _any_rule(as_of, settings, figures))  # type: ignore[call-overload]
    worst: dict[int, str] = {}
    for project_id, *severities in session.execute(query):
        found = [s for s in severities if s is not None]
        worst[int(project_id)] = min(found, key=SEVERITY_ORDER.__getitem__)
    return worst


def worst_by_code(items: Iterable[WarningItem]) -> dict[str, str]:
    """Per project code, its worst severity (``red`` beats ``yellow``): what the TUI colours a row by."""
    worst: dict[str, str] = {}
    for item in items:
        current = worst.get(item.code)
        if current is None or SEVERITY_ORDER[item.severity] < SEVERITY_ORDER[current]:
            worst[item.code] = item.severity
    return worst


def counts(items: Iterable[WarningItem]) -> dict[str, dict[str, int]]:
    """Per rule, how many red and yellow items (every rule and severity present, zero or not)."""
    table = {rule: {"red": 0, "yellow": 0} for rule in (*RULES, *INDICATOR_RULES)}
    for item in items:
        table[item.rule][item.severity] += 1
    return table


# --------------------------------------------------------------------------------------------
# Messages: why, in words a person reads.


def _status_words(status: str) -> tuple[str, str]:
    try:
        value = Status(status)
    except ValueError:
        return status, status
    return value.value.replace("_", " "), value.zh


def _period(year: int | None, month: int | None) -> str:
    return "?" if year is None else (f"{year}-{month:02d}" if month else str(year))


def _period_zh(year: int | None, month: int | None) -> str:
    return "?" if year is None else (f"{year}年{month}月" if month else f"{year}年")


def _months(n: int) -> str:
    return f"{n} month" if n == 1 else f"{n} months"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _pct(value: Decimal) -> str:
    return format(normalise(value), "f")


Words = tuple[str, str]
"""A reason in English and in Chinese."""


def _overdue(p: Any, as_of: date, s: WarningSettings, invested: Decimal, last: str | None) -> Words:
    assert p.finish_year is not None
    ago = month_index(as_of.year, as_of.month) - month_index(p.finish_year, p.finish_month or 12)
    en, zh = _status_words(p.status)
    return (
        f"finish due end of {_period(p.finish_year, p.finish_month)} ({_months(ago)} ago), status {en}",
        f"应于{_period_zh(p.finish_year, p.finish_month)}底竣工(已逾期{ago}个月),状态为{zh}",
    )


def _late_start(p: Any, as_of: date, s: WarningSettings, invested: Decimal, last: str | None) -> Words:
    assert p.start_year is not None
    ago = month_index(as_of.year, as_of.month) - month_index(p.start_year, p.start_month or 12)
    return (
        f"start period {_period(p.start_year, p.start_month)} ended {_months(ago)} ago, still not started",
        f"开工期{_period_zh(p.start_year, p.start_month)}已过{ago}个月,仍未开工",
    )


def _due_soon(p: Any, as_of: date, s: WarningSettings, invested: Decimal, last: str | None) -> Words:
    assert p.finish_year is not None
    ahead = month_index(p.finish_year, p.finish_month or 12) - month_index(as_of.year, as_of.month)
    when, when_zh = ("this month", "本月到期") if ahead == 0 else (f"in {_months(ahead)}", f"{ahead}个月后到期")
    en, zh = _status_words(p.status)
    return (
        f"finish due end of {_period(p.finish_year, p.finish_month)} ({when}), status {en}",
        f"应于{_period_zh(p.finish_year, p.finish_month)}底竣工({when_zh}),状态为{zh}",
    )


def _lagging(p: Any, as_of: date, s: WarningSettings, invested: Decimal, last: str | None) -> Words:
    assert p.start_year is not None and p.finish_year is not None
    pace = time_pace(p.start_year, p.start_month, p.finish_year, p.finish_month, as_of)
    progress = percent_of(invested, p.total_investment) or Decimal(0)
    behind = _pct(pace - progress)
    return (
        f"invested {_pct(progress)}% of the total against a time pace of {_pct(pace)}%: {behind} points behind",
        f"累计完成投资占总投资{_pct(progress)}%,序时进度{_pct(pace)}%,落后{behind}个百分点",
    )


def _stale(p: Any, as_of: date, s: WarningSettings, invested: Decimal, last: str | None) -> Words:
    if last is None:
        return "in progress with no progress report yet", "在建,尚无进度报告"
    year, month = parse_month(last)
    days = (as_of - month_end(date(year, month, 1))).days
    return (
        f"in progress; the last progress report is for {last} ({_days(days)} ago)",
        f"在建,最近一次进度报告为{last}(已{days}天未报)",
    )


MESSAGES = {
    "overdue": _overdue,
    "late_start": _late_start,
    "due_soon": _due_soon,
    "lagging": _lagging,
    "stale": _stale,
}
