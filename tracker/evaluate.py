"""The tables a mid-term evaluation (中期评估) starts from: the projects' completion and every
indicator's status, for one plan as of a date.

Why a module of its own: ``tracker evaluate`` writes them as Markdown or xlsx, and the figures must be
the ones ``rollup`` and ``warnings`` give — so the projects part reuses :func:`tracker.rollups.rollup`
(sums in SQL, exact fen) and :func:`tracker.warnings.count_warnings` (the overdue rule in SQL). The
indicator part reads the plan's indicators (models ``Indicator`` / ``IndicatorValue``) and judges each
with :func:`tracker.indicators.status.indicator_status`; a plan without imported indicators says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from tracker.errors import UsageError
from tracker.indicators.status import STATUSES, indicator_status
from tracker.indicators.targets import read_target
from tracker.models import Plan, Project, Status
from tracker.money import percent_of

STATUS_WORDS: dict[str, tuple[str, str]] = {
    "met": ("met", "已达到"),
    "on_track": ("on track", "符合进度"),
    "behind": ("behind", "滞后"),
    "at_risk": ("at risk", "有风险"),
    "no_data": ("no data", "无数据"),
}
"""Each indicator status in English and Chinese (the report's words; the keys are the JSON values)."""

ATTRIBUTE_WORDS: dict[str, tuple[str, str]] = {"binding": ("binding", "约束性"), "expected": ("expected", "预期性")}


class EvaluationError(UsageError):
    """A plan that cannot be evaluated: none or several match the name, or an output the report cannot have."""


@dataclass(frozen=True)
class StatusLine:
    """One project status: how many projects, their total investment and what was invested (万元)."""

    status: str
    count: int
    total: Decimal
    invested: Decimal


@dataclass(frozen=True)
class ProjectsPart:
    """The projects' completion as of a date: per status, the totals, and how many are overdue."""

    by_status: tuple[StatusLine, ...]
    count: int
    total: Decimal
    invested: Decimal
    invested_pct: Decimal | None
    overdue: int


@dataclass(frozen=True)
class IndicatorRecord:
    """One indicator as the report shows it (plain values: the report needs no model)."""

    name: str
    unit: str
    attribute: str | None
    target_text: str
    baseline_text: str
    latest_value: str | None
    latest_year: int | None
    status: str


@dataclass(frozen=True)
class Evaluation:
    """The whole report: ``indicators`` is None when the indicator model is not available."""

    plan: str
    period: tuple[int, int]
    as_of: date
    projects: ProjectsPart
    indicators: tuple[IndicatorRecord, ...] | None


def find_plan(session: Session, name: str) -> Plan:
    """The plan named ``name`` exactly, else the only one whose name contains it."""
    exact = session.exec(select(Plan).where(Plan.name == name)).first()
    if exact is not None:
        return exact
    partial = Plan.name.contains(name, autoescape=True)  # type: ignore[attr-defined]
    found = list(session.exec(select(Plan).where(partial).order_by(Plan.id).limit(3)))
    if len(found) == 1:
        return found[0]
    names = [p for (p,) in session.execute(select(Plan.name).order_by(Plan.id))]
    if not found:
        raise EvaluationError(f"no plan named {name!r}; plans: {', '.join(names) or '(none)'}")
    raise EvaluationError(f"{name!r} names several plans; give one of: {', '.join(names)}")


def projects_part(session: Session, plan: Plan, as_of: date) -> ProjectsPart:
    """Counts and money by status (every status listed, zero or not) and the overdue count, in SQL."""
    from tracker.rollups import rollup
    from tracker.warnings import count_warnings

    scope = Project.plan_id == plan.id
    rows = rollup(session, ["status"], scope, as_of=as_of)  # type: ignore[arg-type]
    by_value = {row.path[0]: row for row in rows if row.path}
    lines = []
    for status in Status:
        row = by_value.get(status.value)
        zero = Decimal(0)
        lines.append(
            StatusLine(status.value, row.count if row else 0, row.total if row else zero, row.invested if row else zero)
        )
    grand = next((row for row in rows if not row.path), None)
    table, _ = count_warnings(session, as_of, where=scope)  # type: ignore[arg-type]
    overdue = table["overdue"]["red"] + table["overdue"]["yellow"]
    total = grand.total if grand else Decimal(0)
    invested = grand.invested if grand else Decimal(0)
    return ProjectsPart(
        tuple(lines), grand.count if grand else 0, total, invested, percent_of(invested, total), overdue
    )


def _intermediate(raw: Any) -> dict[int, str]:
    """Intermediate targets by year from the model's JSON text: ``{"2022": "基本建立"}`` (the store's
    shape), ``[[2022, "…"], …]`` or ``[{"year": 2022, "text": "…"}]``; anything else is none (the
    status then goes without them). A plain ``{year: text}`` is what every status function takes."""
    try:
        data = json.loads(raw) if isinstance(raw, str) and raw.strip() else raw
    except ValueError:
        return {}
    pairs: list[tuple[Any, Any]] = []
    if isinstance(data, dict):
        pairs = list(data.items())
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict):
                pairs.append((item.get("year"), item.get("text", item.get("target", item.get("value")))))
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                pairs.append((item[0], item[1]))
    out: dict[int, str] = {}
    for year, text in pairs:
        try:
            out[int(year)] = str(text)
        except (TypeError, ValueError):
            continue
    return out


def _latest(values: Sequence[tuple[int, str]], as_of: date) -> tuple[int, str] | None:
    """The latest non-blank (year, text) up to the as-of year (the rule the status uses)."""
    known = [(year, text) for year, text in values if year <= as_of.year and str(text).strip()]
    return max(known, key=lambda v: v[0]) if known else None


def indicator_rows(session: Session, plan_id: int, as_of: date) -> Iterator[IndicatorRecord] | None:
    """Every indicator of the plan in published order with its latest value and status as of ``as_of``
    (None: no such plan)."""
    from tracker.models import Indicator, IndicatorValue

    plan = session.get(Plan, plan_id)
    if plan is None:
        return None
    period = (int(plan.period_start), int(plan.period_end))
    # Published order: the table, then the row's place in it (``position``; ``seq`` is the 序号 text).
    order = [Indicator.table_id, Indicator.position, Indicator.id]
    indicators = session.exec(select(Indicator).where(Indicator.plan_id == plan_id).order_by(*order)).all()
    values: dict[int, list[tuple[int, str]]] = {}
    query = (
        select(IndicatorValue.indicator_id, IndicatorValue.year, IndicatorValue.value_text)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.plan_id == plan_id, IndicatorValue.year <= as_of.year)
        .order_by(IndicatorValue.indicator_id, IndicatorValue.year, IndicatorValue.recorded_at, IndicatorValue.id)
    )
    for indicator_id, year, text in session.execute(query):
        values.setdefault(int(indicator_id), []).append((int(year), str(text or "")))
    return _records(indicators, values, as_of, period)


def _records(
    indicators: Iterable[Any], values: dict[int, list[tuple[int, str]]], as_of: date, period: tuple[int, int]
) -> Iterator[IndicatorRecord]:
    for ind in indicators:
        target = read_target(ind.target_text or "")
        baseline = read_target(ind.baseline_text) if ind.baseline_text else None
        actuals = values.get(ind.id, [])
        status = indicator_status(
            target, baseline, actuals, as_of, period, ind.attribute == "binding", _intermediate(ind.intermediate)
        )
        latest = _latest(actuals, as_of)
        yield IndicatorRecord(
            name=ind.name,
            unit=ind.unit or "",
            attribute=ind.attribute,
            target_text=ind.target_text or "",
            baseline_text=ind.baseline_text or "",
            latest_value=latest[1] if latest else None,
            latest_year=latest[0] if latest else None,
            status=status,
        )


def evaluation(session: Session, plan_name: str, as_of: date) -> Evaluation:
    """The evaluation of the plan named ``plan_name`` as of ``as_of``."""
    plan = find_plan(session, plan_name)
    assert plan.id is not None
    rows = indicator_rows(session, plan.id, as_of)
    return Evaluation(
        plan=plan.name,
        period=(int(plan.period_start), int(plan.period_end)),
        as_of=as_of,
        projects=projects_part(session, plan, as_of),
        indicators=None if rows is None else tuple(rows),
    )


def status_counts(records: Sequence[IndicatorRecord]) -> dict[str, int]:
    """How many indicators have each status (every status present)."""
    counts = dict.fromkeys(STATUSES, 0)
    for record in records:
        counts[record.status] += 1
    return counts


# --------------------------------------------------------------------------------------------
# The tables, as Markdown or xlsx sheets. Cells are data: Markdown escapes ``|`` and line breaks,
# xlsx goes through tracker.excel (formula-like text neutralised, numbers typed).

_HEAD: dict[str, dict[str, str]] = {
    "en": {
        "title": "Evaluation of {plan} as of {as_of}",
        "projects": "Projects",
        "status": "Status",
        "count": "Projects",
        "total": "Total investment (万元)",
        "invested": "Invested (万元)",
        "all": "All",
        "overdue": "Overdue projects",
        "invested_pct": "Invested share of total",
        "indicators": "Indicators",
        "name": "Indicator",
        "unit": "Unit",
        "attribute": "Attribute",
        "target": "Target",
        "baseline": "Baseline",
        "latest": "Latest value",
        "year": "Year",
        "indicator_status": "Status",
        "unavailable": "Indicators are not available in this version of tracker.",
        "none": "This plan has no indicators.",
        "summary": "Indicators by status",
        "n_indicators": "Indicators",
    },
    "zh": {
        "title": "{plan} 评估(截至 {as_of})",
        "projects": "项目完成情况",
        "status": "状态",
        "count": "项目数",
        "total": "总投资(万元)",
        "invested": "已完成投资(万元)",
        "all": "合计",
        "overdue": "逾期项目数",
        "invested_pct": "已完成投资占总投资",
        "indicators": "主要指标",
        "name": "指标名称",
        "unit": "单位",
        "attribute": "属性",
        "target": "目标值",
        "baseline": "基期值",
        "latest": "最新值",
        "year": "年份",
        "indicator_status": "状态",
        "unavailable": "本版本 tracker 尚无指标数据。",
        "none": "该规划没有指标。",
        "summary": "指标状态统计",
        "n_indicators": "指标数",
    },
}


def _words(language: str) -> dict[str, str]:
    return _HEAD["zh" if language == "zh" else "en"]


def _project_status_word(value: str, language: str) -> str:
    return Status(value).zh if language == "zh" else value.replace("_", " ")


def _status_word(value: str, language: str) -> str:
    en, zh = STATUS_WORDS.get(value, (value, value))
    return zh if language == "zh" else en


def _attribute_word(value: str | None, language: str) -> str:
    if value is None:
        return ""
    en, zh = ATTRIBUTE_WORDS.get(value, (value, value))
    return zh if language == "zh" else en


def _md_cell(value: Any) -> str:
    from tracker.safe_text import visible

    text = "" if value is None else str(value)
    return visible(text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " "))


def _md_table(header: Sequence[str], rows: Iterable[Sequence[Any]], right: Sequence[int] = ()) -> list[str]:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|")
    lines.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows)
    return lines


def project_rows(part: ProjectsPart, language: str) -> list[list[Any]]:
    """The projects table: one row per status, then the total (values typed: int, Decimal)."""
    rows: list[list[Any]] = [
        [_project_status_word(line.status, language), line.count, line.total, line.invested] for line in part.by_status
    ]
    rows.append([_words(language)["all"], part.count, part.total, part.invested])
    return rows


def indicator_table_rows(records: Sequence[IndicatorRecord], language: str) -> list[list[Any]]:
    """The indicators table, one row per indicator in published order."""
    return [
        [
            r.name,
            r.unit,
            _attribute_word(r.attribute, language),
            r.target_text,
            r.baseline_text,
            r.latest_value or "",
            r.latest_year,
            _status_word(r.status, language),
        ]
        for r in records
    ]


def _headers(language: str) -> tuple[list[str], list[str]]:
    w = _words(language)
    projects = [w["status"], w["count"], w["total"], w["invested"]]
    indicators = [
        w["name"],
        w["unit"],
        w["attribute"],
        w["target"],
        w["baseline"],
        w["latest"],
        w["year"],
        w["indicator_status"],
    ]
    return projects, indicators


def markdown(ev: Evaluation, language: str = "en") -> str:
    """The evaluation as Markdown: a title, the projects table, the overdue count, the indicators."""
    from tracker.numbers import fmt_money, fmt_percent

    w = _words(language)
    project_head, indicator_head = _headers(language)
    lines = [
        f"# {_md_cell(w['title'].format(plan=ev.plan, as_of=ev.as_of.isoformat()))}",
        "",
        f"## {w['projects']}",
        "",
    ]
    shown = [[s, c, fmt_money(t), fmt_money(i)] for s, c, t, i in project_rows(ev.projects, language)]
    lines += _md_table(project_head, shown, right=(1, 2, 3))
    lines += [
        "",
        f"- {w['overdue']}: {ev.projects.overdue}",
        f"- {w['invested_pct']}: {fmt_percent(ev.projects.invested_pct)}",
        "",
        f"## {w['indicators']}",
        "",
    ]
    if ev.indicators is None:
        lines.append(w["unavailable"])
    elif not ev.indicators:
        lines.append(w["none"])
    else:
        lines += _md_table(indicator_head, indicator_table_rows(ev.indicators, language), right=(6,))
        lines += ["", f"### {w['summary']}", ""]
        counts = status_counts(ev.indicators)
        lines += _md_table(
            [w["indicator_status"], w["n_indicators"]],
            [[_status_word(s, language), n] for s, n in counts.items()],
            right=(1,),
        )
    return "\n".join(lines) + "\n"


def sheets(ev: Evaluation, language: str = "en") -> list[Any]:
    """The evaluation as xlsx sheets (tracker.excel): projects (money typed, the total bold) and indicators."""
    from tracker.excel import Bold, Sheet, SheetColumn, TitleLine

    w = _words(language)
    project_head, indicator_head = _headers(language)
    title = (TitleLine(w["title"].format(plan=ev.plan, as_of=ev.as_of.isoformat()), "title"),)
    rows: list[Any] = project_rows(ev.projects, language)
    rows[-1] = Bold(rows[-1])
    rows.append([w["overdue"], ev.projects.overdue, None, None])
    kinds = ("text", "int", "money", "money")
    projects = Sheet(
        w["projects"],
        [SheetColumn(h, k) for h, k in zip(project_head, kinds, strict=True)],
        rows,
        title=title,  # type: ignore[arg-type]
    )
    out = [projects]
    ind_kinds = ("text", "text", "text", "text", "text", "text", "int", "text")
    if ev.indicators is None:
        lines: list[Any] = [[w["unavailable"], "", "", "", "", "", None, ""]]
    else:
        lines = indicator_table_rows(ev.indicators, language) or [[w["none"], "", "", "", "", "", None, ""]]
    out.append(
        Sheet(
            w["indicators"],
            [SheetColumn(h, k) for h, k in zip(indicator_head, ind_kinds, strict=True)],
            lines,
            title=title,
        )
    )  # type: ignore[arg-type]
    return out
