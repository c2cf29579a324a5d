"""The budget check: recompute every published total from the rows, and hold each row to the plan's rules.

Like a balance assertion in plain-text accounting, a check never trusts a published figure: the
grand total, the planned total and each category's total, planned total and project count are
recomputed in SQL (``GROUP BY`` over integer fen, so the sums are exact) and compared with what the
plan printed. Row rules then look at each project (and, once progress exists, its monthly records).

Every rule has a stable id and a default severity; ``tracker.toml`` ``[check]`` may switch a rule
``off`` or re-grade it (``error`` / ``warning`` / ``info``). The result is a :class:`Report` of
:class:`Finding` objects, which the CLI prints and turns into an exit status. Nothing here imports
UI code; only portable SQLAlchemy constructs are used, so the same check runs on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Join, Row, Table, and_, func, literal, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from tracker.errors import TrackerError
from tracker.models import Acceptance, AnnualPlan, Category, Plan, ProgressRecord, Project, Status, WanYuan
from tracker.money import fmt_wan

ERROR = "error"
WARNING = "warning"
INFO = "info"
OFF = "off"
SEVERITIES: tuple[str, ...] = (ERROR, WARNING, INFO)
"""Most serious first; also the order findings are listed in."""
SETTINGS: tuple[str, ...] = (OFF, *SEVERITIES)
"""What a rule may be set to in ``[check]``."""

PLAN = "plan"
CATEGORY = "category"
PROJECT = "project"
INDICATOR = "indicator"


@dataclass(frozen=True)
class Rule:
    """A rule: its stable id (used in ``[check]``, ``--rule`` and the JSON), default severity and meaning."""

    id: str
    severity: str
    scope: str
    meaning: str


RULE_LIST: tuple[Rule, ...] = (
    Rule(
        "plan-total", ERROR, PLAN,
        "the plan's published grand total (总计 总投资) differs from the sum of its projects",
    ),
    Rule(
        "plan-planned", ERROR, PLAN,
        "the plan's published planned total (总计 计划投资) differs from the sum of its projects",
    ),
    Rule(
        "plan-count", ERROR, PLAN,
        "the plan's published project count (总计项目(N)) differs from the projects imported",
    ),
    Rule(
        "category-total", ERROR, CATEGORY,
        "a category's published total investment differs from the sum of its projects",
    ),
    Rule(
        "category-planned", ERROR, CATEGORY,
        "a category's published planned investment differs from the sum of its projects",
    ),
    Rule("category-count", ERROR, CATEGORY, "a category's published project count (…(N个)) differs from its projects"),
    Rule("published-missing", INFO, CATEGORY, "the plan or a category published no total to check against"),
    Rule("planned-over-total", ERROR, PROJECT, "a project's planned (十四五) investment exceeds its total investment"),
    Rule("negative-amount", ERROR, PROJECT, "a project's total or planned investment is negative"),
    Rule("share-out-of-range", ERROR, PROJECT, "a project's social-capital share is outside 0–100%"),
    Rule("finish-before-start", ERROR, PROJECT, "a project finishes before it starts"),
    Rule("start-before-period", WARNING, PROJECT, "a project started before the plan period (a carried-over project)"),
    Rule("finish-after-period", WARNING, PROJECT, "a project finishes after the plan period"),
    Rule("outside-period", ERROR, PROJECT, "a project starts after the plan period ends or finishes before it begins"),
    Rule("required-missing", ERROR, PROJECT, "a required field (name, nature, owner, content, start, finish) is empty"),
    Rule("duplicate-code", ERROR, PROJECT, "two projects of a plan share a code (ignoring surrounding spaces)"),
    Rule("duplicate-name", WARNING, PROJECT, "two projects of a plan share a name (a row entered twice?)"),
    Rule("district-unplaced", WARNING, PROJECT, "a project is not placed in a district, so district rollups miss it"),
    Rule("unknown-status", ERROR, PROJECT, "a project or a progress record has a status that is not one of the five"),
    Rule("invested-over-total", ERROR, PROJECT, "the money invested to date exceeds the project's total investment"),
    Rule("invested-below-zero", ERROR, PROJECT, "the running total invested falls below zero in some month"),
    Rule(
        "completed-nothing-invested", WARNING, PROJECT,
        "a project is completed (已竣工) but no investment was reported",
    ),
    Rule("reported-after-cancelled", WARNING, PROJECT, "progress reported for a month after the project was cancelled"),
    Rule("future-month", ERROR, PROJECT, "a progress record is for a month after the as-of date"),
    Rule("bad-month", ERROR, PROJECT, "a progress record's month is not written YYYY-MM"),
    Rule(
        "annual-over-planned", WARNING, PROJECT,
        "the annual plan figures within the plan period exceed the planned investment",
    ),
    Rule(
        "indicator-at-risk", WARNING, INDICATOR,
        "a binding (约束性) main indicator is behind the straight path from its baseline to its target",
    ),
)
RULES: dict[str, Rule] = {rule.id: rule for rule in RULE_LIST}

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class CheckError(TrackerError, RuntimeError):
    """The check could not run: the database could not be read. Never reported as 'no findings'."""


class CheckConfigError(TrackerError, ValueError):
    """``[check]`` in tracker.toml, or a ``--rule``, names an unknown rule or an unknown severity."""


@dataclass(frozen=True)
class Finding:
    """One disagreement. ``published``/``computed``/``difference`` are set when a figure is held to another:
    ``difference`` is always ``computed − published`` (in 万元 for money, in projects for counts)."""

    rule: str
    severity: str
    scope: str
    message: str
    plan: str
    code: str | None = None
    name: str | None = None
    category: str | None = None
    category_ordinal: int | None = None
    published: Decimal | int | None = None
    computed: Decimal | int | None = None
    difference: Decimal | int | None = None
    unit: str | None = None
    line: int | None = None
    month: str | None = None
    order: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    """Where the finding sits in the published table; for listing only."""
    detail: str = field(default="", compare=False, repr=False)
    """The message without the scope it starts with, for a listing already grouped by scope."""

    @property
    def subject(self) -> str:
        """What the finding is about, independent of its figures: the plan (its name), a category (plan and
        ordinal), a project (plan and code) or one of its monthly records (plan, code and month)."""
        if self.scope == PLAN:
            return self.plan
        if self.scope == CATEGORY:
            return f"{self.plan}:{self.category_ordinal}"
        if self.month is not None and self.rule != "invested-below-zero":  # that one's month is a figure
            return f"{self.plan}:{self.code}:{self.month}"
        return f"{self.plan}:{self.code}"

    @property
    def id(self) -> str:
        """A stable id: the rule and a hash of :attr:`subject` (never of the figures), e.g.
        ``category-total:1b2c3d4e5f60``; the same finding has the same id in every run."""
        return finding_id(self.rule, self.subject)

    def figures(self) -> dict[str, Any]:
        """The figures an acceptance holds it to: published, computed, difference (exact decimal strings or
        counts) and the unit; for a finding without figures, its message (what it says about the rows)."""
        figures: dict[str, Any] = {
            "published": _canonical(self.published),
            "computed": _canonical(self.computed),
            "difference": _canonical(self.difference),
            "unit": self.unit,
        }
        if self.published is None and self.computed is None and self.difference is None:
            figures["message"] = self.message
        return figures

    def as_dict(self) -> dict[str, Any]:
        """The JSON record: the contract keys first, then the extra keys (only ever added to)."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "scope": self.scope,
            "code": self.code,
            "published": self.published,
            "computed": self.computed,
            "difference": self.difference,
            "message": self.message,
            "unit": self.unit,
            "plan": self.plan,
            "category": self.category,
            "category_ordinal": self.category_ordinal,
            "name": self.name,
            "line": self.line,
            "month": self.month,
            "id": self.id,
            "subject": self.subject,
        }


def finding_id(rule: str, subject: str) -> str:
    """``RULE:HASH``: 12 hex digits of the SHA-1 of the subject (48 bits: no collision within a rule even
    among a million projects' findings, in practice)."""
    return f"{rule}:{hashlib.sha1(subject.encode('utf-8')).hexdigest()[:12]}"


def _canonical(value: Decimal | int | None) -> str | int | None:
    """A figure as stored in an acceptance: counts as ints, money as its shortest exact decimal string."""
    if value is None or isinstance(value, int):
        return value
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class Acknowledgement:
    """An acceptance as stored (``tracker check --accept``)."""

    acceptance_id: int
    rule: str
    subject: str
    figures: dict[str, Any]
    reason: str
    who: str
    when: datetime

    @property
    def id(self) -> str:
        return finding_id(self.rule, self.subject)

    def as_dict(self) -> dict[str, Any]:
        return {
            "acceptance_id": self.acceptance_id,
            "id": self.id,
            "rule": self.rule,
            "subject": self.subject,
            "figures": self.figures,
            "reason": self.reason,
            "who": self.who,
            "when": self.when.isoformat(),
        }


@dataclass(frozen=True)
class Checked:
    """What the check looked at, so that "no findings" can be told apart from "nothing read"."""

    plans: int
    categories: int
    projects: int
    progress_records: int
    annual_plans: int


@dataclass(frozen=True)
class Report:
    findings: list[Finding]
    """The findings that count: every finding not accepted with its current figures."""
    checked: Checked
    accepted: list[tuple[Finding, Acknowledgement]] = field(default_factory=list)
    """Findings accepted with exactly their current figures: listed, never failing the check."""
    superseded: dict[str, Acknowledgement] = field(default_factory=dict)
    """Finding id → its acceptance, for findings in :attr:`findings` accepted with other figures."""

    def everything(self) -> list[Finding]:
        """Open and accepted findings together, in the report's order."""
        return sorted([*self.findings, *(f for f, _ in self.accepted)], key=_sort_key)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def failed(self, strict: bool = False) -> bool:
        """An error fails the check; with ``strict`` a warning does too."""
        counts = self.counts()
        return counts[ERROR] > 0 or (strict and counts[WARNING] > 0)


def effective_severities(settings: Mapping[str, Any], where: str = "[check]") -> dict[str, str]:
    """Each rule's severity after ``[check]``: validated, so a typo is an error, not a silent default."""
    severities = {rule.id: rule.severity for rule in RULE_LIST}
    for key, value in settings.items():
        if key not in RULES:
            raise CheckConfigError(f"{where} {key}: unknown rule; known rules: {', '.join(RULES)}")
        text = str(value).strip().lower()
        if not isinstance(value, str) or text not in SETTINGS:
            raise CheckConfigError(f"{where} {key}: must be one of {', '.join(SETTINGS)}, not {value!r}")
        severities[key] = text
    return severities


def validate_rule_ids(ids: Iterable[str]) -> list[str]:
    """``--rule`` values, each checked against the rule list."""
    chosen = [i.strip() for i in ids]
    unknown = [i for i in chosen if i not in RULES]
    if unknown:
        raise CheckConfigError(f"unknown rule {', '.join(unknown)}; known rules: {', '.join(RULES)}")
    return chosen


# -- the checkers --------------------------------------------------------------------------------------------
# A checker runs one or two SQL queries (SQLAlchemy Core over the model tables: a scheduled check
# should not pay for ORM object loading) and yields findings with an empty severity; run_checks()
# fills the severity in from the settings and drops the rules that are off. Per-row rules are
# evaluated in SQL too: one query reads every project with one boolean column per rule, so the
# number of queries does not grow with the number of rules.

P: Table = Project.__table__  # type: ignore[attr-defined]
C: Table = Category.__table__  # type: ignore[attr-defined]
PL: Table = Plan.__table__  # type: ignore[attr-defined]
R: Table = ProgressRecord.__table__  # type: ignore[attr-defined]
A: Table = AnnualPlan.__table__  # type: ignore[attr-defined]

STATUS_VALUES: tuple[str, ...] = tuple(s.value for s in Status)


@dataclass(frozen=True)
class Context:
    as_of: date
    checked: Checked
    wanted: frozenset[str]


Checker = Callable[[Connection, Context], Iterator[Finding]]
CHECKERS: list[tuple[tuple[str, ...], Checker]] = []


def checker(*rule_ids: str) -> Callable[[Checker], Checker]:
    """Register a checker and the rules it reports (so that rules switched off cost no query)."""
    assert all(r in RULES for r in rule_ids), rule_ids

    def register(fn: Checker) -> Checker:
        CHECKERS.append((rule_ids, fn))
        return fn

    return register


def _money_sum(column: Any) -> ColumnElement[Decimal]:
    """``SUM`` of a 万元 column, 0 for no rows, read back as an exact Decimal (the sum is of integer fen)."""
    return func.coalesce(func.sum(column), 0, type_=WanYuan())


def _or_zero(column: Any) -> ColumnElement[Any]:
    return func.coalesce(column, 0, type_=column.type)


# -- budget: the published totals against the sums of the rows ---------------------------------------------


def _compare(
    rule: str,
    published: Decimal | int | None,
    computed: Decimal | int,
    *,
    what: str,
    unit: str,
    scope: str,
    where: str,
    plan: str,
    line: int | None,
    category: str | None = None,
    ordinal: int | None = None,
) -> Iterator[Finding]:
    """A finding when a published figure and the recomputed one differ."""
    if published is None or published == computed:
        return
    difference = computed - published
    shown = (lambda v: f"{fmt_wan(v)} 万元") if unit == "万元" else (lambda v: f"{v} projects")
    detail = (
        f"published {what} {shown(published)}, the rows sum to {shown(computed)} "
        f"(difference {'+' if difference > 0 else ''}{shown(difference)})"
    )
    yield Finding(
        rule=rule,
        severity="",
        scope=scope,
        message=f"{where}: {detail}",
        detail=detail,
        plan=plan,
        category=category,
        category_ordinal=ordinal,
        published=published,
        computed=computed,
        difference=difference,
        unit=unit,
        line=line,
        order=(plan, -1 if ordinal is None else ordinal, -1),
    )


def _sums_by(key: Any, name: str) -> Any:
    """Count, total and planned per ``key`` (plan or category): one GROUP BY over the projects."""
    return (
        select(
            key.label("key"),
            func.count(P.c.id).label("n"),
            _money_sum(P.c.total_investment).label("total"),
            _money_sum(P.c.planned_investment).label("planned"),
        )
        .group_by(key)
        .subquery(name)
    )


def _missing_published(total: Any, planned: Any) -> str | None:
    missing = [w for w, v in (("total", total), ("planned total", planned)) if v is None]
    return f"no published {' or '.join(missing)} to check against" if missing else None


def _against_published(scope: str, row: Any, common: dict[str, Any]) -> Iterator[Finding]:
    """The three comparisons of a 总计 or category row: total, planned and project count."""
    for suffix, published, computed, what, unit in (
        ("total", row.published_total, row.total, "total investment", "万元"),
        ("planned", row.published_planned, row.planned, "planned investment", "万元"),
        ("count", row.published_count, int(row.n), "project count", "projects"),
    ):
        yield from _compare(f"{scope}-{suffix}", published, computed, what=what, unit=unit, **common)


def _plan_sums_query() -> Any:
    """Each plan's published grand totals beside the sums of its projects, outer-joined so that a plan
    without projects sums to 0 rather than vanishing."""
    sums = _sums_by(P.c.plan_id, "plan_sums")
    return (
        select(
            PL.c.id.label("plan_id"), PL.c.name, PL.c.published_count, PL.c.published_total, PL.c.published_planned,
            func.coalesce(PL.c.published_line, PL.c.source_first_line).label("line"),
            _or_zero(sums.c.n).label("n"), _or_zero(sums.c.total).label("total"),
            _or_zero(sums.c.planned).label("planned"),
        )
        .select_from(PL.outerjoin(sums, sums.c.key == PL.c.id))
        .order_by(PL.c.id)
    )


def _category_sums_query() -> Any:
    """Each category's published count and sums beside the sums of its projects (one GROUP BY)."""
    sums = _sums_by(P.c.category_id, "category_sums")
    return (
        select(
            C.c.ordinal, C.c.name, C.c.published_count, C.c.published_total, C.c.published_planned, C.c.source_line,
            PL.c.name.label("plan"), PL.c.id.label("plan_id"), _or_zero(sums.c.n).label("n"),
            _or_zero(sums.c.total).label("total"), _or_zero(sums.c.planned).label("planned"),
        )
        .select_from(C.join(PL, PL.c.id == C.c.plan_id).outerjoin(sums, sums.c.key == C.c.id))
        .order_by(C.c.plan_id, C.c.ordinal)
    )


@dataclass(frozen=True)
class PublishedTotal:
    """One figure the budget check holds to the rows: a plan's 总计 or a category's subtotal (its total
    investment, planned investment or project count), published beside recomputed. ``published`` is None
    when the plan printed no such figure."""

    rule: str
    scope: str
    plan: str
    plan_id: int
    ordinal: int | None
    name: str
    field: str
    """``total``, ``planned`` or ``count``."""
    published: Decimal | int | None
    computed: Decimal | int
    line: int | None

    @property
    def difference(self) -> Decimal | int | None:
        return None if self.published is None else self.computed - self.published

    @property
    def subject(self) -> str:
        return self.plan if self.scope == PLAN else f"{self.plan}:{self.ordinal}"

    @property
    def finding_id(self) -> str:
        """The id ``tracker check`` gives this figure's finding when it differs."""
        return finding_id(self.rule, self.subject)

    def figures(self) -> dict[str, Any]:
        """As :meth:`Finding.figures`: what an acceptance of this figure's finding must match."""
        unit = "projects" if self.field == "count" else "万元"
        return {
            "published": _canonical(self.published),
            "computed": _canonical(self.computed),
            "difference": _canonical(self.difference),
            "unit": unit,
        }


def published_totals(conn: Connection) -> Iterator[PublishedTotal]:
    """Every published total the budget check compares, agreeing or not, in the plan's order (each plan's
    总计 first, then its categories): what the TUI's budget-check view lists. The same two GROUP BY queries
    as :func:`plan_totals` and :func:`category_totals`, so the view and ``tracker check`` cannot disagree."""
    categories: dict[int, list[Any]] = {}
    for row in conn.execute(_category_sums_query()):
        categories.setdefault(row.plan_id, []).append(row)
    for plan in conn.execute(_plan_sums_query()):
        if plan.n == 0 and plan.published_total is None and plan.published_planned is None and plan.published_count is None:
            continue  # an indicators-only plan publishes no totals
        yield from _totals_of(PLAN, plan, plan.name, plan.plan_id, None, plan.name, plan.line)
        for row in categories.get(plan.plan_id, []):
            yield from _totals_of(CATEGORY, row, row.plan, row.plan_id, row.ordinal, row.name, row.source_line)


def _totals_of(
    scope: str, row: Any, plan: str, plan_id: int, ordinal: int | None, name: str, line: int | None
) -> Iterator[PublishedTotal]:
    for field_, published, computed in (
        ("total", row.published_total, row.total),
        ("planned", row.published_planned, row.planned),
        ("count", row.published_count, int(row.n)),
    ):
        yield PublishedTotal(f"{scope}-{field_}", scope, plan, plan_id, ordinal, name, field_, published, computed, line)


@checker("plan-total", "plan-planned", "plan-count", "published-missing")
def plan_totals(conn: Connection, ctx: Context) -> Iterator[Finding]:
    """Grand totals, outer-joined so that a plan without projects sums to 0 rather than vanishing."""
    for row in conn.execute(_plan_sums_query()):
        if row.n == 0 and row.published_total is None and row.published_planned is None and row.published_count is None:
            continue  # a plan imported for its indicators only (no project table): no totals to hold
        where = f"plan {row.name} (总计, line {row.line})"
        common: dict[str, Any] = {"scope": PLAN, "where": where, "plan": row.name, "line": row.line}
        yield from _against_published("plan", row, common)
        if detail := _missing_published(row.published_total, row.published_planned):
            yield Finding("published-missing", "", PLAN, f"{where}: {detail}", row.name, line=row.line,
                          order=(row.name, -1, -1), detail=detail)


@checker("category-total", "category-planned", "category-count", "published-missing")
def category_totals(conn: Connection, ctx: Context) -> Iterator[Finding]:
    """Each category's count and sums in one GROUP BY, held against the category row as published."""
    for row in conn.execute(_category_sums_query()):
        where = f"category {row.ordinal} {row.name} (line {row.source_line})"
        common: dict[str, Any] = {
            "scope": CATEGORY, "where": where, "plan": row.plan, "line": row.source_line,
            "category": row.name, "ordinal": row.ordinal,
        }
        yield from _against_published("category", row, common)
        if detail := _missing_published(row.published_total, row.published_planned):
            yield Finding("published-missing", "", CATEGORY, f"{where}: {detail}", row.plan, category=row.name,
                          category_ordinal=row.ordinal, line=row.source_line, order=(row.plan, row.ordinal, -1),
                          detail=detail)


# -- rows: each project against the plan's rules --------------------------------------------------------------

PROJECT_COLUMNS: tuple[Any, ...] = (
    P.c.id, P.c.code, P.c.name, P.c.seq, P.c.source_first_line.label("line"), P.c.nature, P.c.owner, P.c.content,
    P.c.district, P.c.status, P.c.start_year, P.c.start_month, P.c.finish_year, P.c.finish_month,
    P.c.total_investment, P.c.planned_investment, P.c.social_share_pct,
    C.c.ordinal, C.c.name.label("category"), PL.c.name.label("plan"), PL.c.period_start, PL.c.period_end,
)
"""What a finding about a project shows; every project query selects these."""


def _projects() -> Join:
    """Projects with their category and plan."""
    return P.join(C, C.c.id == P.c.category_id).join(PL, PL.c.id == P.c.plan_id)


def _project_order() -> tuple[Any, ...]:
    return (PL.c.id, C.c.ordinal, P.c.seq, P.c.id)


def _about(row: Row[Any], rule: str, message: str, **figures: Any) -> Finding:
    """A finding on one project, its message prefixed with the code and the name as published."""
    return Finding(
        rule=rule,
        severity="",
        scope=PROJECT,
        message=f"{row.code} {row.name}: {message}",
        plan=row.plan,
        code=row.code,
        name=row.name,
        category=row.category,
        category_ordinal=row.ordinal,
        line=row.line,
        order=(row.plan, row.ordinal, row.seq),
        **figures,
    )


def _limit_figures(limit: Decimal, value: Decimal) -> dict[str, Any]:
    """A figure held to a ceiling: published = the ceiling, computed = the figure, difference = the excess."""
    return {"published": limit, "computed": value, "difference": value - limit, "unit": "万元"}


def _when(year: int | None, month: int | None) -> str:
    return "?" if year is None else (f"{year}.{month}" if month else str(year))


def _months(year: Any, month: Any, default_month: int) -> ColumnElement[int]:
    """``year*12 + month`` in SQL, so that periods compare by month on any backend."""
    return year * 12 + func.coalesce(month, default_month)  # type: ignore[no-any-return]


def _blank(column: Any) -> ColumnElement[bool]:
    blank = func.trim(column) == ""
    return or_(column.is_(None), blank) if column.nullable else blank


REQUIRED_TEXT: tuple[tuple[str, str], ...] = (
    ("name", "项目名称"), ("nature", "建设性质"), ("owner", "建设主体"), ("content", "建设内容"),
)
REQUIRED_YEARS: tuple[tuple[str, str], ...] = (("start_year", "开工年份"), ("finish_year", "竣工年份"))


def _row_predicates(invested: ColumnElement[Decimal]) -> dict[str, ColumnElement[bool]]:
    """Each per-project rule as an SQL condition on the project, its plan and its invested-to-date."""
    zero = Decimal(0)
    outside = or_(P.c.start_year > PL.c.period_end, P.c.finish_year < PL.c.period_start)
    return {
        "planned-over-total": P.c.planned_investment > P.c.total_investment,
        "negative-amount": or_(P.c.total_investment < zero, P.c.planned_investment < zero),
        "share-out-of-range": or_(P.c.social_share_pct < zero, P.c.social_share_pct > Decimal(100)),
        "finish-before-start": _months(P.c.finish_year, P.c.finish_month, 12)
        < _months(P.c.start_year, P.c.start_month, 1),
        "outside-period": outside,
        "start-before-period": and_(P.c.start_year < PL.c.period_start, ~outside),
        "finish-after-period": and_(P.c.finish_year > PL.c.period_end, ~outside),
        "required-missing": or_(
            *(_blank(P.c[f]) for f, _ in REQUIRED_TEXT), *(P.c[f].is_(None) for f, _ in REQUIRED_YEARS)
        ),
        "district-unplaced": _blank(P.c.district),
        "unknown-status": P.c.status.not_in(STATUS_VALUES),
        "invested-over-total": invested > P.c.total_investment,
        "completed-nothing-invested": and_(P.c.status == Status.COMPLETED.value, invested <= zero),
    }


PLAN_RULES: frozenset[str] = frozenset({"outside-period", "start-before-period", "finish-after-period"})
"""The row rules that compare a project with its plan's period (the others read the project alone)."""


def _period_bounds(conn: Connection) -> dict[str, ColumnElement[bool]]:
    """For the plan-period rules, a looser condition on the project alone that every offender meets.

    The plans' periods are read first (one tiny aggregate); a project can only start before its plan's
    period if it starts before the latest period start, and so on. ANDed into the row query, these let
    the database skip the category and plan lookups for every project that cannot break a rule.
    """
    high_start, low_end = conn.execute(select(func.max(PL.c.period_start), func.min(PL.c.period_end))).one()
    if high_start is None:
        return {}
    return {
        "outside-period": or_(P.c.start_year > low_end, P.c.finish_year < high_start),
        "start-before-period": P.c.start_year < high_start,
        "finish-after-period": P.c.finish_year > low_end,
    }


def _required_message(row: Row[Any]) -> str:
    missing = [f"{f} ({zh})" for f, zh in REQUIRED_TEXT if not (getattr(row, f) or "").strip()]
    missing += [f"{f} ({zh})" for f, zh in REQUIRED_YEARS if getattr(row, f) is None]
    return f"required field empty: {', '.join(missing)}"


def _period(row: Row[Any]) -> str:
    return f"{row.period_start}–{row.period_end}"


ROW_MESSAGES: dict[str, Callable[[Row[Any]], str]] = {
    "planned-over-total": lambda r: (
        f"planned investment {fmt_wan(r.planned_investment)} 万元 exceeds the total {fmt_wan(r.total_investment)} 万元"
    ),
    "negative-amount": lambda r: (
        f"negative amount: total {fmt_wan(r.total_investment)} 万元, planned {fmt_wan(r.planned_investment)} 万元"
    ),
    "share-out-of-range": lambda r: f"social-capital share {fmt_wan(r.social_share_pct)}% is outside 0–100%",
    "finish-before-start": lambda r: (
        f"finishes {_when(r.finish_year, r.finish_month)}, before it starts {_when(r.start_year, r.start_month)}"
    ),
    "outside-period": lambda r: (
        f"runs {_when(r.start_year, r.start_month)}–{_when(r.finish_year, r.finish_month)}, "
        f"entirely outside the plan period {_period(r)}"
    ),
    "start-before-period": lambda r: (
        f"starts {_when(r.start_year, r.start_month)}, before the plan period {_period(r)}"
    ),
    "finish-after-period": lambda r: (
        f"finishes {_when(r.finish_year, r.finish_month)}, after the plan period {_period(r)}"
    ),
    "required-missing": _required_message,
    "district-unplaced": lambda r: (
        f"not placed in a district (owner {r.owner!r}); set it with `tracker edit {r.code} district=…`"
    ),
    "unknown-status": lambda r: f"status {r.status!r} is not one of {', '.join(STATUS_VALUES)}",
    "invested-over-total": lambda r: (
        f"invested to date {fmt_wan(r.invested)} 万元 exceeds the total investment {fmt_wan(r.total_investment)} 万元"
    ),
    "completed-nothing-invested": lambda r: (
        f"status completed (已竣工) but {fmt_wan(r.invested)} 万元 invested to date"
    ),
}
ROW_FIGURES: dict[str, Callable[[Row[Any]], dict[str, Any]]] = {
    "planned-over-total": lambda r: _limit_figures(r.total_investment, r.planned_investment),
    "invested-over-total": lambda r: _limit_figures(r.total_investment, r.invested),
}


INVESTED_RULES: tuple[str, ...] = ("invested-over-total", "completed-nothing-invested")
"""The row rules that read invested-to-date: :func:`invested_rules` runs them, from the progress side."""


@checker(*(rule for rule in ROW_MESSAGES if rule not in INVESTED_RULES))
def project_rules(conn: Connection, ctx: Context) -> Iterator[Finding]:
    """Every per-project rule but the invested ones, in one set-based query that returns only offenders.

    A boolean column per rule says which rules a returned row breaks; the WHERE clause is their OR, so
    a clean project never leaves the database. On SQLite, whose columns accept any value, a project
    whose money or share columns hold something else (text, a real) is returned too and stops the check
    with an error, so that an undecodable value never silently drops out of a sum.
    """
    invested = literal(Decimal(0), WanYuan())
    predicates = {
        rule: p for rule, p in _row_predicates(invested).items() if rule in ctx.wanted and rule not in INVESTED_RULES
    }
    if not predicates:
        return
    unreadable = _unreadable(conn)
    extra = [unreadable] if unreadable is not None else []
    bounds = _period_bounds(conn)
    # a project-only necessary condition, so that clean projects are dropped before any join lookup
    necessary = or_(*(bounds.get(rule, p) if rule in PLAN_RULES else p for rule, p in predicates.items()), *extra)
    flags = [p.label(f"is_{i}") for i, p in enumerate(predicates.values())]
    query = (
        select(*PROJECT_COLUMNS, invested.label("invested"), *flags, *extra)
        .select_from(_projects())
        .where(and_(necessary, or_(*predicates.values(), *extra)))
        .order_by(*_project_order())
    )
    rules = list(predicates)
    first = len(PROJECT_COLUMNS) + 1
    for row in conn.execute(query.execution_options(stream_results=True, yield_per=1000)):
        if extra and row[-1]:
            raise ValueError(f"project {row.code} (id {row.id}) holds a value its column types cannot decode")
        for rule, broken in zip(rules, row[first : first + len(rules)], strict=True):
            if broken:
                figures = ROW_FIGURES[rule](row) if rule in ROW_FIGURES else {}
                yield _about(row, rule, ROW_MESSAGES[rule](row), **figures)


@checker(*INVESTED_RULES)
def invested_rules(conn: Connection, ctx: Context) -> Iterator[Finding]:
    """Invested-to-date against the project: over the total, or nothing for a completed project.

    Over the total: the per-project sums are a GROUP BY read in order from the covering index
    ``progressrecord (project_id, month, invested)``, each joined to its project by key, rather than a
    sum looked up for every project. Completed with nothing invested: the completed projects only (the
    status index), each with a correlated sum.
    """
    zero = Decimal(0)
    if "invested-over-total" in ctx.wanted:
        if ctx.checked.progress_records:
            sums = (
                select(R.c.project_id, func.sum(R.c.invested).label("invested")).group_by(R.c.project_id).subquery("sums")
            )
            invested: ColumnElement[Decimal] = func.coalesce(sums.c.invested, 0, type_=WanYuan())
            from_clause: Any = _projects().join(sums, sums.c.project_id == P.c.id)
        else:
            invested, from_clause = literal(zero, WanYuan()), _projects()
        query = (
            select(*PROJECT_COLUMNS, invested.label("invested"))
            .select_from(from_clause)
            .where(invested > P.c.total_investment)
            .order_by(*_project_order())
        )
        queries = [query]
        if ctx.checked.progress_records:  # and a negative total with nothing reported (0 exceeds it)
            nothing = ~select(R.c.id).where(R.c.project_id == P.c.id).exists()
            queries.append(
                select(*PROJECT_COLUMNS, literal(zero, WanYuan()).label("invested"))
                .select_from(_projects())
                .where(P.c.total_investment < zero, nothing)
                .order_by(*_project_order())
            )
        for each in queries:
            for row in conn.execute(each):
                rule = "invested-over-total"
                yield _about(row, rule, ROW_MESSAGES[rule](row), **ROW_FIGURES[rule](row))
    if "completed-nothing-invested" in ctx.wanted:
        if ctx.checked.progress_records:
            invested = func.coalesce(
                select(func.sum(R.c.invested)).where(R.c.project_id == P.c.id).scalar_subquery(), 0, type_=WanYuan()
            )
        else:
            invested = literal(zero, WanYuan())
        query = (
            select(*PROJECT_COLUMNS, invested.label("invested"))
            .select_from(_projects())
            .where(P.c.status == Status.COMPLETED.value, invested <= zero)
            .order_by(*_project_order())
        )
        for row in conn.execute(query):
            rule = "completed-nothing-invested"
            yield _about(row, rule, ROW_MESSAGES[rule](row))


STRICT_COLUMNS: tuple[str, ...] = ("total_investment", "planned_investment", "social_share_pct")
"""The money and share columns, decoded as whole fen or hundredths: on SQLite each must hold an integer."""


def _unreadable(conn: Connection) -> ColumnElement[bool] | None:
    """SQLite only (other backends type their columns): a money or share column holding anything but an
    integer (text, a real), which would stop decoding, or be summed as a float."""
    if conn.dialect.name != "sqlite":
        return None
    return or_(
        *(
            (func.typeof(P.c[name]) != "integer") & (P.c[name].is_not(None) if P.c[name].nullable else True)
            for name in STRICT_COLUMNS
        )
    )


def _duplicates(conn: Connection, rule: str, column: Any, what: str, *, unique: bool) -> Iterator[Finding]:
    """Projects of one plan sharing ``column`` once surrounding spaces are trimmed.

    Grouping a million trimmed values needs a sort of them all, so the groups are found from two small
    sets instead: the values written with surrounding spaces (one scan), and — unless ``(plan_id,
    column)`` is unique — the values shared exactly (a GROUP BY read in order from the ``(plan_id,
    column)`` index). A group of equal trimmed values either holds a spaced member, or all its members
    are equal as written; so its members are the spaced projects plus the projects whose value as
    written is one of those keys, and only they are grouped by their trimmed value (HAVING COUNT > 1).
    """
    key = func.trim(column)
    spaced = column != key
    keys: Any = select(P.c.plan_id.label("plan_id"), key.label("key")).where(spaced)
    if not unique:
        keys = keys.union(
            select(P.c.plan_id, column).group_by(P.c.plan_id, column).having(func.count() > 1)
        )
    keys = keys.subquery("keys")
    members = (
        select(P.c.id)
        .where(spaced)
        .union(select(P.c.id).join(keys, and_(keys.c.plan_id == P.c.plan_id, keys.c.key == column)))
    )
    candidates = (
        select(P.c.id.label("id"), P.c.plan_id.label("plan_id"), key.label("key"))
        .where(P.c.id.in_(members))
        .subquery("candidates")
    )
    groups = (
        select(candidates.c.plan_id, candidates.c.key)
        .group_by(candidates.c.plan_id, candidates.c.key)
        .having(func.count(candidates.c.id) > 1)
        .subquery("dups")
    )
    query = (
        select(*PROJECT_COLUMNS, groups.c.key.label("shared"))
        .select_from(
            _projects()
            .join(candidates, candidates.c.id == P.c.id)
            .join(groups, and_(groups.c.plan_id == candidates.c.plan_id, groups.c.key == candidates.c.key))
        )
        .order_by(*_project_order())
    )
    members_of: dict[tuple[str, str], list[Row[Any]]] = {}
    for row in conn.execute(query):
        members_of.setdefault((row.plan, row.shared), []).append(row)
    for (_, shared), group in members_of.items():
        codes = ", ".join(f"{r.code} (line {r.line})" for r in group)
        for row in group:
            yield _about(row, rule, f"{what} {shared!r} is shared by {len(group)} projects: {codes}")


@checker("duplicate-code")
def duplicate_code(conn: Connection, ctx: Context) -> Iterator[Finding]:
    yield from _duplicates(conn, "duplicate-code", P.c.code, "code", unique=True)


@checker("duplicate-name")
def duplicate_name(conn: Connection, ctx: Context) -> Iterator[Finding]:
    yield from _duplicates(conn, "duplicate-name", P.c.name, "name", unique=False)


# -- progress: the monthly records ----------------------------------------------------------------------------


@checker("unknown-status", "reported-after-cancelled", "future-month", "bad-month")
def record_rules(conn: Connection, ctx: Context) -> Iterator[Finding]:
    """The monthly records, in one query like the project rules; nothing to do before the first report.

    The distinct months (a few dozen at most) are read first and judged here, since "is this text a
    month" is not portable SQL; "later than the first 取消 report" is a GROUP BY subquery.
    """
    if not ctx.checked.progress_records:
        return
    as_of = f"{ctx.as_of.year:04d}-{ctx.as_of.month:02d}"
    months = [m for (m,) in conn.execute(select(R.c.month).distinct())]
    bad = sorted(m for m in months if not MONTH_RE.match(m or ""))
    future = sorted(m for m in months if m not in bad and m > as_of)
    cancelled = (
        select(R.c.project_id, func.min(R.c.month).label("since"))
        .where(R.c.status == Status.CANCELLED.value)
        .group_by(R.c.project_id)
        .subquery("cancelled")
    )
    zero = Decimal(0)
    predicates: dict[str, ColumnElement[bool]] = {
        "unknown-status": R.c.status.not_in(STATUS_VALUES),
        "reported-after-cancelled": and_(
            R.c.month > cancelled.c.since, or_(R.c.status != Status.CANCELLED.value, R.c.invested != zero)
        ),
        "future-month": R.c.month.in_(future),
        "bad-month": R.c.month.in_(bad),
    }
    predicates = {rule: p for rule, p in predicates.items() if rule in ctx.wanted}
    if not predicates:
        return
    # a condition on the record alone that every offender meets, so that the joins see only candidates
    necessary = {
        "unknown-status": predicates.get("unknown-status"),
        "reported-after-cancelled": R.c.project_id.in_(
            select(R.c.project_id).where(R.c.status == Status.CANCELLED.value).scalar_subquery()
        ),
        "future-month": predicates.get("future-month"),
        "bad-month": predicates.get("bad-month"),
    }
    flags = [p.label(f"is_{i}") for i, p in enumerate(predicates.values())]
    query = (
        select(
            *PROJECT_COLUMNS, R.c.month, R.c.status.label("reported_status"), R.c.invested.label("reported"),
            cancelled.c.since, *flags,
        )
        .select_from(
            R.join(P, P.c.id == R.c.project_id)
            .join(C, C.c.id == P.c.category_id)
            .join(PL, PL.c.id == P.c.plan_id)
            .outerjoin(cancelled, cancelled.c.project_id == P.c.id)
        )
        .where(or_(*(necessary[rule] for rule in predicates)), or_(*predicates.values()))
        .order_by(*_project_order(), R.c.month)
    )
    messages: dict[str, Callable[[Row[Any]], str]] = {
        "unknown-status": lambda r: (
            f"the report for {r.month} has status {r.reported_status!r}, not one of {', '.join(STATUS_VALUES)}"
        ),
        "reported-after-cancelled": lambda r: (
            f"cancelled in {r.since}, yet the report for {r.month} has status {r.reported_status!r} "
            f"and {fmt_wan(r.reported)} 万元 invested"
        ),
        "future-month": lambda r: f"a report for {r.month} is later than the as-of date {ctx.as_of.isoformat()}",
        "bad-month": lambda r: f"a report's month {r.month!r} is not written YYYY-MM",
    }
    for row in conn.execute(query):
        for i, rule in enumerate(predicates):
            if row._mapping[f"is_{i}"]:
                yield replace(_about(row, rule, messages[rule](row)), month=row.month)


@checker("invested-below-zero")
def invested_below_zero(conn: Connection, ctx: Context) -> Iterator[Finding]:
    """A month may report a negative amount (a correction of an earlier month), but the running total
    may never go below zero: a window SUM over each project's months, reported at the first month."""
    if not ctx.checked.progress_records:
        return
    running = (
        select(
            R.c.project_id, R.c.month,
            func.sum(R.c.invested).over(partition_by=R.c.project_id, order_by=R.c.month).label("running"),
        )
        # a running total can only fall below zero in a project that reported a negative month
        .where(R.c.project_id.in_(select(R.c.project_id).where(R.c.invested < Decimal(0)).scalar_subquery()))
        .subquery("running")
    )
    query = (
        select(*PROJECT_COLUMNS, running.c.month, running.c.running)
        .select_from(_projects().join(running, running.c.project_id == P.c.id))
        .where(running.c.running < Decimal(0))
        .order_by(*_project_order(), running.c.month)
    )
    reported: set[int] = set()
    for row in conn.execute(query):
        if row.id in reported:
            continue
        reported.add(row.id)
        finding = _about(row, "invested-below-zero",
                         f"invested to date falls to {fmt_wan(row.running)} 万元 with the report for {row.month}",
                         computed=row.running, unit="万元")
        yield replace(finding, month=row.month)


@checker("indicator-at-risk")
def indicator_risks(conn: Connection, ctx: Context) -> Iterator[Finding]:
    """Binding indicators behind their path as of the check's date (tracker.indicators.status); the
    status is a pure function of the indicator's target, baseline and recorded values."""
    from tracker.indicators.status import AT_RISK
    from tracker.indicators.store import iter_indicators

    with Session(bind=conn) as session:
        for line in iter_indicators(session, ctx.as_of):
            if line.status != AT_RISK:
                continue
            detail = (
                f"indicator {line.seq or line.position} {line.name}: {line.latest_value} in {line.latest_year} is "
                f"behind the path to its target {line.target_text} (约束性)"
            )
            yield Finding(
                rule="indicator-at-risk", severity="", scope=INDICATOR, message=f"{line.plan}: {detail}",
                plan=line.plan, code=f"indicator-{line.id}", name=line.name, detail=detail,
                order=(line.plan, 10_000, line.position),
            )  # fmt: skip


@checker("annual-over-planned")
def annual_over_planned(conn: Connection, ctx: Context) -> Iterator[Finding]:
    """年度计划投资 for the plan's years, summed per project, against the 十四五 planned investment."""
    if not ctx.checked.annual_plans:
        return
    annual = (
        select(A.c.project_id, _money_sum(A.c.planned).label("planned"))
        .select_from(A.join(P, P.c.id == A.c.project_id).join(PL, PL.c.id == P.c.plan_id))
        .where(A.c.year >= PL.c.period_start, A.c.year <= PL.c.period_end)
        .group_by(A.c.project_id)
        .subquery("annual")
    )
    query = (
        select(*PROJECT_COLUMNS, annual.c.planned.label("annual"))
        .select_from(_projects().join(annual, annual.c.project_id == P.c.id))
        .where(annual.c.planned > P.c.planned_investment)
        .order_by(*_project_order())
    )
    for row in conn.execute(query):
        yield _about(
            row, "annual-over-planned",
            f"annual plans for {row.period_start}–{row.period_end} add up to {fmt_wan(row.annual)} 万元, "
            f"more than the planned {fmt_wan(row.planned_investment)} 万元",
            **_limit_figures(row.planned_investment, row.annual),
        )


# -- running ---------------------------------------------------------------------------------------------------


def _checked(conn: Connection) -> Checked:
    """Row counts of what is checked, in one query."""
    def n(table: Table) -> Any:
        return select(func.count()).select_from(table).scalar_subquery()

    row = conn.execute(select(n(PL), n(C), n(P), n(R), n(A))).one()
    return Checked(*(int(v) for v in row))


def run_checks(
    session: Session,
    *,
    as_of: date,
    severities: Mapping[str, str] | None = None,
    only: Collection[str] | None = None,
    acknowledge: bool = True,
) -> Report:
    """Run every rule that is not off (or only the rules in ``only``) and return the findings, sorted by
    severity, then as the plan publishes them: the grand totals, then each category and its projects.

    Findings accepted with their current figures (``tracker check --accept``) are set apart in
    :attr:`Report.accepted` unless ``acknowledge`` is false.

    Raises :class:`CheckError` when the database cannot be read, and when it holds no plan at all: an
    empty database has nothing that adds up, and must never pass for a clean one.
    """
    levels = {rule.id: rule.severity for rule in RULE_LIST} | dict(severities or {})
    wanted = frozenset(r for r, level in levels.items() if level != OFF and (only is None or r in only))
    findings: list[Finding] = []
    try:
        conn = session.connection()
        checked = _checked(conn)
        if checked.plans == 0:
            raise CheckError("the database holds no plan (run `tracker init` or `tracker import-plan FILE`)")
        ctx = Context(as_of=as_of, checked=checked, wanted=wanted)
        for rule_ids, run in CHECKERS:
            if wanted.intersection(rule_ids):
                findings.extend(replace(f, severity=levels[f.rule]) for f in run(conn, ctx) if f.rule in wanted)
    except SQLAlchemyError as exc:
        raise CheckError(f"cannot read the database: {exc.__class__.__name__}: {exc}") from exc
    except (ValueError, ArithmeticError) as exc:  # a stored value the column types cannot decode
        raise CheckError(f"the database holds a value that cannot be read: {exc}") from exc
    findings.sort(key=_sort_key)
    if not acknowledge:
        return Report(findings, checked)
    try:
        acknowledgements = read_acceptances(session, rules=wanted)
    except SQLAlchemyError as exc:
        raise CheckError(f"cannot read the accepted findings: {exc.__class__.__name__}: {exc}") from exc
    return partition(findings, checked, acknowledgements)


_RANK = {level: i for i, level in enumerate(SEVERITIES)}
_RULE_RANK = {rule.id: i for i, rule in enumerate(RULE_LIST)}


def _sort_key(f: Finding) -> tuple[Any, ...]:
    return (_RANK[f.severity], f.order, _RULE_RANK[f.rule], f.month or "")


# -- acknowledged findings (``tracker check --accept``) ------------------------------------------------------


def read_acceptances(
    session: Session, *, rules: Collection[str] | None = None
) -> dict[tuple[str, str], Acknowledgement]:
    """The stored acceptances (of ``rules``, or all) by (rule, subject), in the order they were made."""
    T: Table = Acceptance.__table__  # type: ignore[attr-defined]
    query = select(T).order_by(T.c.id)
    if rules is not None:
        query = query.where(T.c.rule.in_(sorted(rules)))
    found: dict[tuple[str, str], Acknowledgement] = {}
    for row in session.connection().execute(query):
        found[(row.rule, row.subject)] = Acknowledgement(
            row.id, row.rule, row.subject, json.loads(row.figures), row.reason, row.actor, row.created_at
        )
    return found


def partition(
    findings: Iterable[Finding], checked: Checked, acknowledgements: Mapping[tuple[str, str], Acknowledgement]
) -> Report:
    """Split ``findings`` into those accepted with exactly their figures and the rest (which count); a finding
    accepted with other figures counts again, its old acceptance noted in :attr:`Report.superseded`."""
    open_, accepted, superseded = [], [], {}
    for finding in findings:
        ack = acknowledgements.get((finding.rule, finding.subject)) if acknowledgements else None
        if ack is None:
            open_.append(finding)
        elif ack.figures == finding.figures():
            accepted.append((finding, ack))
        else:
            open_.append(finding)
            superseded[finding.id] = ack
    return Report(open_, checked, accepted, superseded)
