"""The monthly report (月报) the officer sends the city: one row per project, exact to the fen.

Every figure is computed in SQL from the progress records (integer fen sums, so exact):

- 本月完成投资: the report month's record (blank when the project did not report that month);
- 年初至本月累计完成投资: January of the report year through the report month;
- 开工以来累计完成投资: every record up to and including the report month;
- 年度计划投资: the project's :class:`~tracker.models.AnnualPlan` for the report year (blank if none);
- 占年计划% / 占总投资%: those sums over the annual plan / the total investment, two decimals;
- 序时进度%: :func:`tracker.schedule.time_pace` as of the last day of the report month;
- 状态: the status of the latest record up to the report month (a project with no record by then
  shows its base status: the project's own if it has no record at all, else 未开工);
- 预警: the warning rules (:mod:`tracker.warnings`) as of the report date, worst first;
- 形象进度 / 存在问题: the report month's record.

The totals row and the optional category subtotals are GROUP BY queries over the same per-project
query, so they are the sums of exactly the rows shown. Their 占年计划% is computed over the projects
that have an annual plan (a project without one has no share of a plan).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from tracker.models import AnnualPlan, Category, Plan, ProgressRecord, Project, Status, WanYuan
from tracker.money import percent_of
from tracker.portfolio import scope_query
from tracker.schedule import month_end, parse_month, time_pace

Kind = Literal["int", "text", "money", "percent"]
LineKind = Literal["project", "subtotal", "total"]


@dataclass(frozen=True)
class ReportColumn:
    key: str
    """English header and JSON key."""
    zh: str
    """Chinese header, as such reports print it."""
    kind: Kind


COLUMNS: tuple[ReportColumn, ...] = (
    ReportColumn("seq", "序号", "int"),
    ReportColumn("code", "项目编码", "text"),
    ReportColumn("name", "项目名称", "text"),
    ReportColumn("category", "类别", "text"),
    ReportColumn("district", "县市区", "text"),
    ReportColumn("nature", "建设性质", "text"),
    ReportColumn("owner", "建设单位", "text"),
    ReportColumn("total_investment", "总投资", "money"),
    ReportColumn("planned_investment", "十四五计划投资", "money"),
    ReportColumn("annual_plan", "年度计划投资", "money"),
    ReportColumn("invested_month", "本月完成投资", "money"),
    ReportColumn("invested_ytd", "年初至本月累计完成投资", "money"),
    ReportColumn("annual_pct", "占年计划%", "percent"),
    ReportColumn("invested_to_date", "开工以来累计完成投资", "money"),
    ReportColumn("progress_pct", "占总投资%", "percent"),
    ReportColumn("time_pace_pct", "序时进度%", "percent"),
    ReportColumn("status", "状态", "text"),
    ReportColumn("warnings", "预警", "text"),
    ReportColumn("progress_text", "形象进度", "text"),
    ReportColumn("problems", "存在问题", "text"),
)
"""The report's columns, in order (the order is part of the contract)."""

KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)
SEVERITY_ZH = {"red": "红", "yellow": "黄"}
SEVERITY_RANK = {"red": 0, "yellow": 1}


@dataclass(frozen=True)
class ReportLine:
    """A project row, a category subtotal or the totals row; ``values`` is keyed by :data:`KEYS`."""

    kind: LineKind
    values: dict[str, Any]
    count: int = 1
    """Projects summed in a subtotal or total line."""
    group: tuple[Any, ...] | None = field(default=None, compare=False)
    """(plan id, category ordinal) of a project row or a subtotal: where subtotals go between rows."""


@dataclass(frozen=True)
class Report:
    month: str
    as_of: date
    rows: list[ReportLine]
    totals: ReportLine
    subtotals: list[ReportLine] = field(default_factory=list)

    def lines(self) -> list[ReportLine]:
        """What a table shows: the rows, each category's subtotal after its rows when asked, the totals."""
        if not self.subtotals:
            return [*self.rows, self.totals]

        def key(line: ReportLine) -> Any:
            return line.group if line.group is not None else line.values["category"]

        by_group = {key(line): line for line in self.subtotals}
        out: list[ReportLine] = []
        for i, row in enumerate(self.rows):
            out.append(row)
            last_of_group = i + 1 == len(self.rows) or key(self.rows[i + 1]) != key(row)
            if last_of_group:
                out.append(by_group[key(row)])
        out.append(self.totals)
        return out


def _per_project(month: str, year: int, scope: ColumnElement[bool] | None) -> Any:
    """The per-project figures for ``month``: one SELECT, records summed with CASE in SQL."""
    pr_month, pr_invested, pr_project = (
        col(ProgressRecord.month),
        col(ProgressRecord.invested),
        col(ProgressRecord.project_id),
    )
    year_start = f"{year:04d}-01"
    money = WanYuan()
    up_to_month = pr_month <= month
    sums = (
        select(
            pr_project.label("project_id"),
            func.sum(case((pr_month == month, pr_invested)), type_=money).label("invested_month"),
            func.sum(case((and_(pr_month >= year_start, up_to_month), pr_invested), else_=0), type_=money).label("ytd"),
            func.sum(case((up_to_month, pr_invested), else_=0), type_=money).label("cumulative"),
            func.max(case((up_to_month, pr_month))).label("last_month"),
        )
        .group_by(pr_project)
        .subquery("month_sums")
    )
    latest = aliased(ProgressRecord, name="latest")
    current = aliased(ProgressRecord, name="current")
    project_columns = (
        "id",
        "code",
        "name",
        "seq",
        "district",
        "nature",
        "owner",
        "start_year",
        "start_month",
        "finish_year",
        "finish_month",
        "total_investment",
        "planned_investment",
    )
    annual = col(AnnualPlan.planned)
    query: Any = (
        select(
            *(col(getattr(Project, name)).label(name) for name in project_columns),
            col(Project.status).label("project_status"),
            col(Category.name).label("category"),
            col(Category.ordinal).label("category_ordinal"),
            col(Plan.id).label("plan_id"),
            annual.label("annual_plan"),
            sums.c.invested_month,
            func.coalesce(sums.c.ytd, 0, type_=money).label("invested_ytd"),
            func.coalesce(sums.c.cumulative, 0, type_=money).label("invested_to_date"),
            case((annual.is_not(None), func.coalesce(sums.c.ytd, 0)), else_=None).label("ytd_planned"),
            col(latest.status).label("latest_status"),
            sums.c.project_id.label("reported_id"),
            col(current.progress_text).label("progress_text"),
            col(current.problems).label("problems"),
        )
        .join(Category, col(Category.id) == col(Project.category_id))
        .join(Plan, col(Plan.id) == col(Project.plan_id))
        .outerjoin(AnnualPlan, and_(col(AnnualPlan.project_id) == col(Project.id), col(AnnualPlan.year) == year))
        .outerjoin(sums, sums.c.project_id == col(Project.id))
        .outerjoin(latest, and_(col(latest.project_id) == col(Project.id), col(latest.month) == sums.c.last_month))
        .outerjoin(current, and_(col(current.project_id) == col(Project.id), col(current.month) == month))
    )
    if scope is not None:
        matching = scope_query(scope).subquery("matching")
        query = query.where(col(Project.id).in_(select(matching.c.id)))
    return query


def _sum(column: Any) -> Any:
    return func.sum(column, type_=WanYuan())


def _grouped(base: Any, by_category: bool) -> Any:
    """Subtotals (per category) or the grand total of the per-project query, as a GROUP BY."""
    columns = [
        func.count(base.c.id).label("projects"),
        _sum(base.c.total_investment).label("total_investment"),
        _sum(base.c.planned_investment).label("planned_investment"),
        _sum(base.c.annual_plan).label("annual_plan"),
        _sum(base.c.invested_month).label("invested_month"),
        _sum(base.c.invested_ytd).label("invested_ytd"),
        _sum(base.c.invested_to_date).label("invested_to_date"),
        _sum(base.c.ytd_planned).label("ytd_planned"),
    ]
    if not by_category:
        return select(*columns)
    keys = (base.c.plan_id, base.c.category_ordinal, base.c.category)
    return select(*keys, *columns).group_by(*keys).order_by(base.c.plan_id, base.c.category_ordinal)


def _status(row: Any) -> str:
    if row.latest_status:
        return str(row.latest_status)
    return str(row.project_status) if row.reported_id is None else Status.NOT_STARTED.value


def _warnings_by_project(
    session: Session, as_of: date, scope: ColumnElement[bool] | None, settings: Any
) -> Iterator[tuple[int | None, list[dict[str, str]]]]:
    """预警 per flagged project, streamed in the report's own order: (project id, each rule that flags
    it, red before yellow), from :func:`tracker.warnings.iter_warnings`."""
    from tracker.warnings import iter_warnings

    current: int | None = None
    found: list[dict[str, str]] = []
    for item in iter_warnings(session, as_of, settings, scope):
        if found and item.project_id != current:
            found.sort(key=lambda w: SEVERITY_RANK.get(w["severity"], 9))
            yield current, found
            found = []
        current = item.project_id
        found.append(
            {"rule": item.rule, "severity": item.severity, "message": item.message, "message_zh": item.message_zh}
        )
    if found:
        found.sort(key=lambda w: SEVERITY_RANK.get(w["severity"], 9))
        yield current, found


def warnings_text(items: list[dict[str, str]] | None, language: str) -> str:
    """``红：… ；黄：…`` (zh) or ``red: …; yellow: …`` (en) for a table cell."""
    if not items:
        return ""
    if language == "zh":
        return "；".join(
            f"{SEVERITY_ZH.get(w['severity'], w['severity'])}：{w.get('message_zh') or w['message']}" for w in items
        )
    return "; ".join(f"{w['severity']}: {w['message']}" for w in items)


def _summary_values(row: Any, label: str, category: str | None) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(KEYS)
    values |= {
        "name": label,
        "category": category,
        "total_investment": row.total_investment,
        "planned_investment": row.planned_investment,
        "annual_plan": row.annual_plan,
        "invested_month": row.invested_month,
        "invested_ytd": row.invested_ytd,
        "annual_pct": percent_of(row.ytd_planned, row.annual_plan) if row.annual_plan is not None else None,
        "invested_to_date": row.invested_to_date,
        "progress_pct": percent_of(row.invested_to_date or Decimal(0), row.total_investment or Decimal(0)),
    }
    return values


class ReportSource:
    """The report for ``month`` (``YYYY-MM``) over the projects matching ``where`` (all by default), read
    as streams: :meth:`rows`, :meth:`subtotal_lines` and :meth:`lines` yield one line at a time from
    server-side cursors, so a million projects never sit in memory. The totals (one GROUP BY query over
    the same per-project query) are read at once: a writer may need them before the rows.

    ``as_of`` (default: the last day of the month) is the date the warnings are judged at; 序时进度
    is always as of the last day of the report month. ``warning_settings`` are the thresholds
    (:class:`tracker.rules.WarningSettings`; the defaults when None).
    """

    def __init__(
        self,
        session: Session,
        month: str,
        where: ColumnElement[bool] | None = None,
        *,
        as_of: date | None = None,
        subtotals: bool = False,
        warning_settings: Any = None,
        warnings: bool = True,
    ) -> None:
        year, month_number = parse_month(month)
        self.session = session
        self.month = f"{year:04d}-{month_number:02d}"
        self.year = year
        self.end = month_end(date(year, month_number, 1))
        self.as_of = as_of or self.end
        self.where = where
        self.with_subtotals = subtotals
        self.warning_settings = warning_settings
        self.with_warnings = warnings
        self.base_query = _per_project(self.month, year, where)
        total_row = session.execute(_grouped(self.base_query.subquery("report_rows"), by_category=False)).one()
        self.totals = ReportLine("total", _summary_values(total_row, "合计", None), total_row.projects)
        self.rows_written = 0
        """Project rows yielded so far by :meth:`rows` (for a writer's message)."""

    def rows(self) -> Iterator[ReportLine]:
        """The project rows in published order, each built once, the warnings merged in as they come
        (both queries stream in the same order)."""
        from tracker.portfolio import stream

        flagged = (
            _warnings_by_project(self.session, self.as_of, self.where, self.warning_settings)
            if self.with_warnings
            else iter(())
        )
        pending = next(flagged, None)
        query = self.base_query.order_by(Plan.id, Category.ordinal, Project.seq, Project.id)
        end = self.end
        self.rows_written = 0
        for number, r in enumerate(stream(self.session, query), start=1):
            warned: list[dict[str, str]] = []
            if pending is not None and pending[0] == r.id:
                warned = pending[1]
                pending = next(flagged, None)
            pace = (
                time_pace(r.start_year, r.start_month, r.finish_year or r.start_year, r.finish_month, end)
                if r.start_year is not None
                else None
            )
            values = {
                "seq": number,
                "code": r.code,
                "name": r.name,
                "category": r.category,
                "district": r.district,
                "nature": r.nature,
                "owner": r.owner,
                "total_investment": r.total_investment,
                "planned_investment": r.planned_investment,
                "annual_plan": r.annual_plan,
                "invested_month": r.invested_month,
                "invested_ytd": r.invested_ytd,
                "annual_pct": percent_of(r.invested_ytd, r.annual_plan) if r.annual_plan is not None else None,
                "invested_to_date": r.invested_to_date,
                "progress_pct": percent_of(r.invested_to_date, r.total_investment),
                "time_pace_pct": pace,
                "status": _status(r),
                "warnings": warned,
                "progress_text": r.progress_text or "",
                "problems": r.problems or "",
            }
            self.rows_written = number
            yield ReportLine("project", values, group=(r.plan_id, r.category_ordinal))

    def subtotal_lines(self) -> Iterator[ReportLine]:
        """Each category's subtotal (GROUP BY over the per-project query), in published order, streamed;
        nothing without ``subtotals``."""
        from tracker.portfolio import stream

        if not self.with_subtotals:
            return
        for r in stream(self.session, _grouped(self.base_query.subquery("report_rows"), by_category=True)):
            yield ReportLine(
                "subtotal",
                _summary_values(r, f"小计：{r.category}", r.category),
                r.projects,
                group=(r.plan_id, r.category_ordinal),
            )

    def lines(self) -> Iterator[ReportLine]:
        """What a table shows: the rows, each category's subtotal after its rows when asked, the totals."""
        subtotals = self.subtotal_lines()
        previous: tuple[Any, ...] | None = None
        for row in self.rows():
            if self.with_subtotals and previous is not None and row.group != previous:
                yield from _subtotal_of(subtotals, previous)
            previous = row.group
            yield row
        if self.with_subtotals and previous is not None:
            yield from _subtotal_of(subtotals, previous)
        yield self.totals


def _subtotal_of(subtotals: Iterator[ReportLine], group: tuple[Any, ...]) -> Iterator[ReportLine]:
    """The subtotal of ``group`` from the ordered subtotal stream (both follow the published order)."""
    for line in subtotals:
        if line.group == group:
            yield line
            return


def monthly_report(
    session: Session,
    month: str,
    where: ColumnElement[bool] | None = None,
    *,
    as_of: date | None = None,
    subtotals: bool = False,
    warning_settings: Any = None,
    warnings: bool = True,
) -> Report:
    """The report for ``month`` as one :class:`Report` in memory (for small callers and tests; the
    ``report`` command streams a :class:`ReportSource`)."""
    source = ReportSource(
        session, month, where, as_of=as_of, subtotals=subtotals, warning_settings=warning_settings, warnings=warnings
    )
    rows = list(source.rows())
    return Report(source.month, source.as_of, rows, source.totals, list(source.subtotal_lines()))


def header(column: ReportColumn, language: str) -> str:
    """The column's header in ``zh`` or ``en``."""
    return column.zh if language == "zh" else column.key


def display_values(line: ReportLine, language: str) -> dict[str, Any]:
    """A line's values for a table in ``language``: the status as 在建 in Chinese; labels of sums."""
    values = dict(line.values)
    status = values.get("status")
    if status and language == "zh":
        values["status"] = Status(status).zh
    if line.kind == "project":
        values["warnings"] = warnings_text(values.get("warnings"), language)
    if line.kind != "project":
        word = {"total": ("合计", "total"), "subtotal": ("小计", "subtotal")}[line.kind]
        plural = "" if line.count == 1 else "s"
        values["name"] = (
            f"{word[0]}（{line.count}个项目）" if language == "zh" else f"{word[1]} ({line.count} project{plural})"
        )
    return values


def to_data(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (English keys; Decimals stay exact)."""
    return {
        "month": report.month,
        "as_of": report.as_of.isoformat(),
        "columns": [{"key": c.key, "zh": c.zh, "kind": c.kind} for c in COLUMNS],
        "rows": [line.values for line in report.rows],
        "subtotals": [line.values | {"count": line.count} for line in report.subtotals],
        "totals": report.totals.values | {"count": report.totals.count},
    }
