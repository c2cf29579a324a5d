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
from tracker.money import fmt_wan_grouped, normalise, percent_of
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
BEHIND_LIMIT = 10
"""Codes of projects behind listed in a summary; the rest are counted (等N个)."""


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


def _grouped(base: Any, by_category: bool, year: int) -> Any:
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
        *_summary_counts(base, year),
    ]
    if not by_category:
        return select(*columns)
    keys = (base.c.plan_id, base.c.category_ordinal, base.c.category)
    return select(*keys, *columns).group_by(*keys).order_by(base.c.plan_id, base.c.category_ordinal)


def _summary_counts(base: Any, year: int) -> list[Any]:
    """For the bulletin's summary: projects due to start in the report year, those of them started by the
    report month, and the projects completed — from the same status the 状态 column shows (:func:`_status`)."""
    not_started, completed = Status.NOT_STARTED.value, Status.COMPLETED.value
    # the status the table shows, in SQL: the latest record's; else the project's own if it never
    # reported; else 未开工 (a record without a status up to the month)
    shown_status = case(
        (base.c.latest_status.is_not(None), base.c.latest_status),
        (base.c.reported_id.is_(None), base.c.project_status),
        else_=not_started,
    )
    due = base.c.start_year == year
    one = 1
    return [
        func.coalesce(func.sum(case((due, one), else_=0)), 0).label("due_to_start"),
        func.coalesce(func.sum(case((and_(due, shown_status != not_started), one), else_=0)), 0).label("started"),
        func.coalesce(func.sum(case((shown_status == completed, one), else_=0)), 0).label("completed"),
    ]


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
        total_row = session.execute(
            _grouped(self.base_query.subquery("report_rows"), by_category=False, year=year)
        ).one()
        self.totals = ReportLine("total", _summary_values(total_row, "合计", None), total_row.projects)
        self._total_row = total_row
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
        for r in stream(
            self.session, _grouped(self.base_query.subquery("report_rows"), by_category=True, year=self.year)
        ):
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

    def plan_names(self) -> list[str]:
        """The names of the plans the report's projects belong to (in plan order)."""
        query = (
            select(col(Plan.name))
            .where(col(Plan.id).in_(select(self.base_query.subquery("report_plans").c.plan_id)))
            .order_by(col(Plan.id))
        )
        return [str(name) for name in self.session.execute(query).scalars()]

    def summaries(self, by_category: bool = False, behind_limit: int = BEHIND_LIMIT) -> list[Summary]:
        """The bulletin's opening figures: one :class:`Summary` for the whole report, or one per category
        (in published order). The sums are the table's 合计/小计 (the same GROUP BY); the projects behind
        are those the ``lagging`` warning flags in the 预警 column (as of the report's ``as_of``)."""
        from tracker.portfolio import stream
        from tracker.warnings import iter_warnings

        if by_category:
            query = _grouped(self.base_query.subquery("report_rows"), by_category=True, year=self.year)
            groups = [(str(r.category), r) for r in stream(self.session, query)]
        else:
            groups = [(None, self._total_row)]
        behind: list[tuple[int, list[str]]] = []
        for key, r in groups:
            where = self.where
            if key is not None:  # the category's projects: a handful of categories, one warnings stream each
                in_category = and_(
                    col(Project.plan_id) == r.plan_id,
                    col(Project.category_id).in_(select(col(Category.id)).where(col(Category.name) == key)),
                )
                where = in_category if where is None else and_(where, in_category)
            count, codes = 0, []
            for item in iter_warnings(self.session, self.as_of, self.warning_settings, where):
                if item.rule == "lagging":
                    count += 1
                    if len(codes) < behind_limit:
                        codes.append(item.code)
            behind.append((count, codes))
        month_number = int(self.month[5:])
        pace = percent_of(Decimal(month_number), Decimal(12)) or Decimal(0)
        out = []
        for (key, r), (behind_count, behind_codes) in zip(groups, behind, strict=True):
            values = _summary_values(r, "", key)
            annual_pct = values["annual_pct"]
            out.append(
                Summary(
                    month=self.month,
                    as_of=self.as_of,
                    category=key,
                    projects=int(r.projects),
                    total_investment=values["total_investment"] or Decimal(0),
                    annual_plan=values["annual_plan"],
                    invested_ytd=values["invested_ytd"] or Decimal(0),
                    annual_pct=annual_pct,
                    time_pace_pct=pace,
                    ahead_points=None if annual_pct is None else normalise(annual_pct - pace),
                    due_to_start=int(r.due_to_start),
                    started=int(r.started),
                    start_rate_pct=percent_of(Decimal(int(r.started)), Decimal(int(r.due_to_start))),
                    completed=int(r.completed),
                    behind=behind_count,
                    behind_codes=behind_codes,
                )
            )
        return out


@dataclass(frozen=True)
class Summary:
    """The paragraph a monthly bulletin opens with, as figures (money in 万元, percentages in percent)."""

    month: str
    as_of: date
    category: str | None
    projects: int
    total_investment: Decimal
    annual_plan: Decimal | None
    """This year's planned investment (the annual plans; None when no project has one)."""
    invested_ytd: Decimal
    annual_pct: Decimal | None
    """YTD investment of the projects with an annual plan over their annual plans (the 合计's 占年计划%)."""
    time_pace_pct: Decimal
    """The report month over 12, in percent."""
    ahead_points: Decimal | None
    """annual_pct − time_pace_pct: positive ahead of the time pace, negative behind."""
    due_to_start: int
    started: int
    start_rate_pct: Decimal | None
    completed: int
    behind: int
    behind_codes: list[str]

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["as_of"] = self.as_of.isoformat()
        data["behind_codes"] = list(self.behind_codes)
        return data


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{fmt_wan_grouped(value)}%"


def summary_text(summary: Summary, language: str = "zh", plan: str = "") -> str:
    """The summary as the paragraph a bulletin prints, in Chinese (default) or English."""
    year, month = int(summary.month[:4]), int(summary.month[5:])
    money = fmt_wan_grouped
    codes = summary.behind_codes
    more = summary.behind - len(codes)
    if language == "zh":
        scope = f"{summary.category}" if summary.category else (plan or "")
        scope = scope if scope.endswith("项目") else f"{scope}重点项目"
        months = "1月" if month == 1 else f"1—{month}月"
        annual = (
            f"{year}年度计划投资{money(summary.annual_plan)}万元"
            if summary.annual_plan is not None
            else f"未安排{year}年度计划投资"
        )
        text = (
            f"截至{year}年{month}月底，{scope}共{summary.projects}个，总投资{money(summary.total_investment)}万元，"
            f"{annual}。{months}累计完成投资{money(summary.invested_ytd)}万元"
        )
        if summary.annual_pct is None or summary.ahead_points is None:
            text += f"（无年度计划），序时进度{_pct(summary.time_pace_pct)}。"
        else:
            text += f"，占年度计划的{_pct(summary.annual_pct)}，"
            points = summary.ahead_points
            if points > 0:
                text += f"超序时进度（{_pct(summary.time_pace_pct)}）{money(points)}个百分点。"
            elif points < 0:
                text += f"落后序时进度（{_pct(summary.time_pace_pct)}）{money(-points)}个百分点。"
            else:
                text += f"与序时进度（{_pct(summary.time_pace_pct)}）持平。"
        text += f"{year}年计划开工项目{summary.due_to_start}个，已开工{summary.started}个"
        text += f"，开工率{_pct(summary.start_rate_pct)}" if summary.start_rate_pct is not None else ""
        text += f"；已竣工项目{summary.completed}个。"
        if summary.behind:
            listed = "、".join(codes) + (f"等{summary.behind}个" if more > 0 else "")
            text += f"进度滞后项目{summary.behind}个：{listed}。"
        else:
            text += "无进度滞后项目。"
        return text
    scope = f"{summary.category} " if summary.category else (f"{plan} " if plan else "")
    plural = "" if summary.projects == 1 else "s"
    month_name = date(year, month, 1).strftime("%B")
    months = "January" if month == 1 else f"January–{month_name}"
    annual = f"{money(summary.annual_plan)}" if summary.annual_plan is not None else "—"
    text = (
        f"As of the end of {month_name} {year}, there {'is' if summary.projects == 1 else 'are'} {summary.projects}"
        f" {scope}key project{plural} with a total investment of {money(summary.total_investment)} (万元, 10,000 yuan) and {annual} planned for"
        f" {year}. Investment completed {months} is {money(summary.invested_ytd)}"
    )
    if summary.annual_pct is None or summary.ahead_points is None:
        text += f" (no annual plan); the time pace is {_pct(summary.time_pace_pct)}."
    else:
        text += f", {_pct(summary.annual_pct)} of the annual plan, "
        points = summary.ahead_points
        if points > 0:
            text += f"{money(points)} percentage points ahead of the time pace ({_pct(summary.time_pace_pct)})."
        elif points < 0:
            text += f"{money(-points)} percentage points behind the time pace ({_pct(summary.time_pace_pct)})."
        else:
            text += f"level with the time pace ({_pct(summary.time_pace_pct)})."
    text += f" {summary.due_to_start} were due to start in {year}; {summary.started} have started"
    text += f" ({_pct(summary.start_rate_pct)})" if summary.start_rate_pct is not None else ""
    text += f"; {summary.completed} {'is' if summary.completed == 1 else 'are'} completed."
    if summary.behind:
        listed = ", ".join(codes) + (f" and {more} more" if more > 0 else "")
        text += f" {summary.behind} {'is' if summary.behind == 1 else 'are'} behind: {listed}."
    else:
        text += " None is behind."
    return text


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


SUM_MONEY_KEYS = (
    "total_investment",
    "planned_investment",
    "annual_plan",
    "invested_month",
    "invested_ytd",
    "invested_to_date",
)
"""A subtotal's or total's money that prints as 0 rather than blank when no project has a figure."""


PRINT_WIDTHS: dict[str, int] = {
    "seq": 5,
    "code": 7,
    "name": 24,
    "category": 12,
    "district": 8,
    "nature": 8,
    "owner": 20,
    "total_investment": 12,
    "planned_investment": 12,
    "annual_plan": 11,
    "invested_month": 11,
    "invested_ytd": 11,
    "annual_pct": 9,
    "invested_to_date": 11,
    "progress_pct": 9,
    "time_pace_pct": 9,
    "status": 7,
    "warnings": 28,
    "progress_text": 16,
    "problems": 16,
}
"""Column widths of the printed report (character units; text wraps): 20 columns across an A3 page."""


def report_sheet(
    source: ReportSource,
    language: str = "zh",
    *,
    unit: str = "",
    reporter: str = "",
    summary: bool = True,
) -> Any:
    """The report as a printable :class:`tracker.excel.Sheet`: title (plan, month, 截至 date), the unit
    (万元), the reporting unit and reporter, the summary paragraph, then the table streamed from
    ``source`` — money typed with thousands separators and two decimals, percentages as fractions shown
    as percentages (75.08 → 0.7508, exact), subtotals and totals complete (0, not blank) and shaded, an
    autofilter over the project rows, landscape A3 one page wide, the header repeated on every page."""
    from tracker.excel import Bold, PrintSetup, Sheet, SheetColumn, TitleLine

    plans = "、".join(source.plan_names())
    year, month = int(source.month[:4]), int(source.month[5:])
    zh = language == "zh"
    if zh:
        heading = f"{plans}重点项目进展情况月报（{year}年{month}月）"
        end = source.end  # the figures are those up to the end of the report month
        parts = [f"截至{end.year}年{end.month}月{end.day}日", "单位：万元"]
        parts += [f"填报单位：{unit}"] if unit else []
        parts += [f"填报人：{reporter}"] if reporter else []
        sub = "　　".join(parts)
    else:
        heading = f"{plans}: key projects, monthly report {source.month}".lstrip(": ")
        parts = [f"as of {source.end.isoformat()}", "amounts in 万元 (10,000 yuan)"]
        parts += [f"reporting unit: {unit}"] if unit else []
        parts += [f"reporter: {reporter}"] if reporter else []
        sub = "; ".join(parts)
    title = [TitleLine(heading, "title"), TitleLine(sub, "subtitle")]
    if summary:
        title += [TitleLine(summary_text(s, language, plans), "paragraph") for s in source.summaries()]
    kinds = {c.key: ("ratio" if c.kind == "percent" else c.kind) for c in COLUMNS}
    widths = PRINT_WIDTHS
    percent_keys = [c.key for c in COLUMNS if c.kind == "percent"]

    def cells(line: ReportLine) -> list[Any]:
        values = display_values(line, language)
        for key in percent_keys:
            if values[key] is not None:
                values[key] = Decimal(values[key]).scaleb(-2)  # exact: 75.08 → 0.7508
        if line.kind != "project":
            for key in SUM_MONEY_KEYS:
                if values[key] is None:
                    values[key] = Decimal(0)
            return Bold(values[c.key] for c in COLUMNS)
        return [values[c.key] for c in COLUMNS]

    name = f"月报 {source.month}" if zh else f"report {source.month}"
    return Sheet(
        name,
        [SheetColumn(header(c, language), kinds[c.key], widths[c.key]) for c in COLUMNS],  # type: ignore[arg-type]
        (cells(line) for line in source.lines()),
        title=title,
        printable=PrintSetup(paper=8),  # A3: twenty columns stay legible on one page width
        filter_plain_rows=True,
    )


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
