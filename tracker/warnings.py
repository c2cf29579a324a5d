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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import ColumnElement, case, or_
from sqlmodel import Session, select

from tracker import rules
from tracker.models import Category, Plan, Project, Status
from tracker.money import fen_to_wan, normalise, percent_of
from tracker.rules import WarningSettings
from tracker.schedule import month_end, month_index, parse_month, time_pace

Severity = Literal["red", "yellow"]

RULES: tuple[str, ...] = ("overdue", "late_start", "due_soon", "lagging", "stale")
"""Rule ids, in the order items for one project are listed."""

SEVERITY_ORDER: dict[str, int] = {"red": 0, "yellow": 1}

__all__ = ["RULES", "WarningItem", "WarningSettings", "counts", "evaluate", "worst_by_code"]


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
    """Which project (codes repeat across plans): for the TUI's keys; not part of any output."""

    def as_dict(self) -> dict[str, str]:
        fields = asdict(self)
        del fields["project_id"]
        return fields

    def reason(self, language: str) -> str:
        """The reason in ``zh`` or ``en``."""
        return self.message_zh if language == "zh" and self.message_zh else self.message


def _severity(red: ColumnElement[bool] | None, yellow: ColumnElement[bool] | None) -> Any:
    whens = [(cond, value) for cond, value in ((red, "red"), (yellow, "yellow")) if cond is not None]
    return case(*whens, else_=None)


def evaluate(
    session: Session,
    as_of: date,
    settings: WarningSettings | None = None,
    where: ColumnElement[bool] | None = None,
) -> list[WarningItem]:
    """Every warning as of ``as_of`` for the projects matching ``where``, in published order.

    One SQL query: each rule's severity is a CASE over its predicates; Python only writes messages.
    """
    settings = settings or WarningSettings()
    columns = {
        "overdue": _severity(rules.overdue(as_of), None),
        "late_start": _severity(rules.late_start_red(as_of, settings), rules.late_start(as_of)),
        "due_soon": _severity(None, rules.due_soon(as_of, settings)),
        "lagging": _severity(rules.lagging_red(as_of, settings), rules.lagging_yellow(as_of, settings)),
        "stale": _severity(None, rules.stale(as_of, settings)),
    }
    any_rule = or_(
        rules.overdue(as_of),
        rules.late_start(as_of),
        rules.due_soon(as_of, settings),
        rules.lagging(as_of, settings),
        rules.stale(as_of, settings),
    )
    query = (
        select(
            Project,
            rules.invested_fen(as_of).label("invested_fen"),
            rules.last_report_month(as_of).label("last_month"),
            *(expr.label(f"rule_{name}") for name, expr in columns.items()),
        )
        .join(Category, Category.id == Project.category_id)  # type: ignore[arg-type]
        .join(Plan, Plan.id == Project.plan_id)  # type: ignore[arg-type]
        .where(any_rule)
        .order_by(Plan.id, Category.ordinal, Project.seq)
    )
    if where is not None:
        query = query.where(where)
    items: list[WarningItem] = []
    for row in session.exec(query):  # type: ignore[call-overload]
        project: Project = row[0]
        invested = fen_to_wan(int(row[1]))
        last_month: str | None = row[2]
        for name, severity in zip(RULES, row[3:], strict=True):
            if severity is None:
                continue
            message, message_zh = MESSAGES[name](project, as_of, settings, invested, last_month)
            items.append(WarningItem(project.code, project.name, name, severity, message, message_zh, project.id))
    return items


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
    table = {rule: {"red": 0, "yellow": 0} for rule in RULES}
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


def _overdue(p: Project, as_of: date, s: WarningSettings, invested: Decimal, last: str | None) -> Words:
    assert p.finish_year is not None
    ago = month_index(as_of.year, as_of.month) - month_index(p.finish_year, p.finish_month or 12)
    en, zh = _status_words(p.status)
    return (
        f"finish due end of {_period(p.finish_year, p.finish_month)} ({_months(ago)} ago), status {en}",
        f"应于{_period_zh(p.finish_year, p.finish_month)}底竣工(已逾期{ago}个月),状态为{zh}",
    )


def _late_start(p: Project, as_of: date, s: WarningSettings, invested: Decimal, last: str | None) -> Words:
    assert p.start_year is not None
    ago = month_index(as_of.year, as_of.month) - month_index(p.start_year, p.start_month or 12)
    return (
        f"start period {_period(p.start_year, p.start_month)} ended {_months(ago)} ago, still not started",
        f"开工期{_period_zh(p.start_year, p.start_month)}已过{ago}个月,仍未开工",
    )


def _due_soon(p: Project, as_of: date, s: WarningSettings, invested: Decimal, last: str | None) -> Words:
    assert p.finish_year is not None
    ahead = month_index(p.finish_year, p.finish_month or 12) - month_index(as_of.year, as_of.month)
    when, when_zh = ("this month", "本月到期") if ahead == 0 else (f"in {_months(ahead)}", f"{ahead}个月后到期")
    en, zh = _status_words(p.status)
    return (
        f"finish due end of {_period(p.finish_year, p.finish_month)} ({when}), status {en}",
        f"应于{_period_zh(p.finish_year, p.finish_month)}底竣工({when_zh}),状态为{zh}",
    )


def _lagging(p: Project, as_of: date, s: WarningSettings, invested: Decimal, last: str | None) -> Words:
    assert p.start_year is not None and p.finish_year is not None
    pace = time_pace(p.start_year, p.start_month, p.finish_year, p.finish_month, as_of)
    progress = percent_of(invested, p.total_investment) or Decimal(0)
    behind = _pct(pace - progress)
    return (
        f"invested {_pct(progress)}% of the total against a time pace of {_pct(pace)}%: {behind} points behind",
        f"累计完成投资占总投资{_pct(progress)}%,序时进度{_pct(pace)}%,落后{behind}个百分点",
    )


def _stale(p: Project, as_of: date, s: WarningSettings, invested: Decimal, last: str | None) -> Words:
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
