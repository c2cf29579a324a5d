"""The tables of the portfolio (SQLModel), and the column types that keep money exact.

Every table the product needs is declared here, once, so that the schema has one owner:
plans and their categories and projects (issue 2), monthly progress and annual plan figures
(issue 5), and the audit log of operations (issue 5). Nothing here is SQLite-specific.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import BigInteger, DateTime, Index, Integer, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DontWrapMixin
from sqlmodel import Field, SQLModel

from tracker.bounds import MAX_AMOUNT_WAN, BoundsError
from tracker.money import MoneyError, bp_to_share, fen_to_wan, share_to_bp, wan_to_fen


def utcnow() -> datetime:
    """Now, timezone-aware, for created/updated stamps."""
    return datetime.now(UTC)


class ColumnBoundsError(BoundsError, DontWrapMixin):
    """A value a money or share column refuses to store (raised as is, not wrapped by SQLAlchemy)."""


class WanYuan(TypeDecorator[Decimal]):
    """An amount in 万元, stored as a whole number of fen so SQL sums are exact integer sums.

    Refuses a value beyond ±:data:`~tracker.bounds.MAX_AMOUNT_WAN`: every parser checks that bound
    where the value enters, so reaching this guard means a path forgot to, and the write is stopped
    rather than stored (an out-of-range fen would overflow SQLite's integer, or every later sum)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must not be a float; use Decimal")
        amount = Decimal(value)
        if not amount.is_finite() or abs(amount) > MAX_AMOUNT_WAN:
            raise ColumnBoundsError(
                f"amount {amount} 万元 is out of range (at most {MAX_AMOUNT_WAN:,} 万元 either way)"
            )
        try:
            return wan_to_fen(amount)
        except MoneyError as exc:
            raise ColumnBoundsError(str(exc)) from exc

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else fen_to_wan(int(value))


class SharePct(TypeDecorator[Decimal]):
    """A share in percent, stored as whole hundredths of a percent (9.24% → 924)."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("a share must not be a float; use Decimal")
        try:
            return share_to_bp(Decimal(value))
        except MoneyError as exc:
            raise ColumnBoundsError(str(exc)) from exc

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else bp_to_share(int(value))


class Status(str, enum.Enum):
    """A project's state; the values are what the CLI, JSON and filters use."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"

    @property
    def zh(self) -> str:
        return STATUS_ZH[self]

    @classmethod
    def parse(cls, text: str) -> Status:
        """Accept the English value, the Chinese label or a unique English prefix."""
        raw = text.strip()
        for status in cls:
            if raw in (status.value, status.zh, status.name.lower()):
                return status
        matches = [s for s in cls if s.value.startswith(raw.lower())] if raw else []
        if len(matches) == 1:
            return matches[0]
        choices = ", ".join(f"{s.value} ({s.zh})" for s in cls)
        raise ValueError(f"unknown status {text!r}; expected one of {choices}")


STATUS_ZH: dict[Status, str] = {
    Status.NOT_STARTED: "未开工",
    Status.IN_PROGRESS: "在建",
    Status.COMPLETED: "已竣工",
    Status.SUSPENDED: "停缓建",
    Status.CANCELLED: "取消",
}


def money_field(*, nullable: bool = False, default: Decimal | None = None) -> Any:
    """A 万元 column."""
    return Field(default=default, sa_type=WanYuan, nullable=nullable)


class Plan(SQLModel, table=True):
    """A published five-year plan and the grand totals it printed."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)
    region: str
    period_start: int
    period_end: int
    published_count: int | None = None
    published_total: Decimal | None = money_field(nullable=True)
    published_planned: Decimal | None = money_field(nullable=True)
    source_document: str
    source_first_line: int | None = None
    source_last_line: int | None = None
    published_line: int | None = None
    """The line of the 总计 row that printed the grand totals."""
    imported_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Category(SQLModel, table=True):
    """A category row of the annex (e.g. 二、老年人福利类项目(50个)) with its published subtotals."""

    __table_args__ = (UniqueConstraint("plan_id", "ordinal"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    ordinal: int
    name: str
    published_count: int | None = None
    published_total: Decimal | None = money_field(nullable=True)
    published_planned: Decimal | None = money_field(nullable=True)
    source_line: int | None = None


class Project(SQLModel, table=True):
    """One key project: what the plan published, normalised, plus its current status.

    ``*_text`` fields keep the cell verbatim; the ``*_year``/``*_month`` fields are the normalised
    reading. ``version`` rises on every change so that two editors cannot overwrite each other.
    """

    __table_args__ = (
        UniqueConstraint("plan_id", "code"),
        # the default order (plan, category ordinal, seq, id) and keyset pages walk this without a sort
        Index("ix_project_category_seq", "category_id", "seq", "id"),
        Index("ix_project_plan_name", "plan_id", "name"),  # duplicate names within a plan
        Index("ix_project_total_investment", "total_investment"),  # total>=… filters, the sort by total
    )
    STATUS_VALUES: ClassVar[tuple[str, ...]] = tuple(s.value for s in Status)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id")  # indexed by (plan_id, code) and (plan_id, name)
    category_id: int = Field(foreign_key="category.id")  # indexed by (category_id, seq, id)
    seq: int
    code: str = Field(index=True)
    name: str = Field(index=True)
    nature: str = ""
    owner: str = ""
    district: str | None = Field(default=None, index=True)
    district_source: str | None = None
    """``gazetteer`` (derived), ``user`` (set by hand, kept across re-imports) or None (not placed)."""
    content: str = Field(default="", sa_type=Text)
    note: str = Field(default="", sa_type=Text)
    start_text: str = ""
    finish_text: str = ""
    start_year: int | None = Field(default=None, index=True)
    start_month: int | None = None
    finish_year: int | None = Field(default=None, index=True)
    finish_month: int | None = None
    total_investment: Decimal = money_field()
    planned_investment: Decimal = money_field()
    social_share_pct: Decimal | None = Field(default=None, sa_type=SharePct, nullable=True)
    status: str = Field(default=Status.NOT_STARTED.value, index=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    source_first_line: int | None = None
    source_last_line: int | None = None


class ProgressRecord(SQLModel, table=True):
    """One project's report for one month; a second report for the same month replaces the first."""

    __table_args__ = (
        UniqueConstraint("project_id", "month"),
        # invested to date (to a month) and running totals per project, read from the index alone
        Index("ix_progressrecord_project_month_invested", "project_id", "month", "invested"),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")  # indexed by (project_id, month[, invested])
    month: str = Field(index=True)
    """``YYYY-MM``."""
    status: str
    invested: Decimal = money_field(default=Decimal(0))
    """Invested this month, 万元."""
    progress_text: str = Field(default="", sa_type=Text)
    problems: str = Field(default="", sa_type=Text)
    reporter: str = ""
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class AnnualPlan(SQLModel, table=True):
    """年度计划投资: the investment planned for one project in one calendar year."""

    __table_args__ = (UniqueConstraint("project_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    year: int
    planned: Decimal = money_field()


class Operation(SQLModel, table=True):
    """One user-visible change (an import, a month's progress, an edit, an undo): the unit of undo."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    summary: str = ""
    actor: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    undoes_id: int | None = Field(default=None, foreign_key="operation.id")
    undone_by_id: int | None = Field(default=None, foreign_key="operation.id")


class AuditEntry(SQLModel, table=True):
    """Append-only: one row changed by an operation, with its values before and after (JSON text)."""

    id: int | None = Field(default=None, primary_key=True)
    operation_id: int = Field(foreign_key="operation.id", index=True)
    table_name: str
    row_id: int
    action: str
    """``insert``, ``update`` or ``delete``."""
    project_code: str | None = Field(default=None, index=True)
    old_values: str | None = Field(default=None, sa_type=Text)
    new_values: str | None = Field(default=None, sa_type=Text)


class Acceptance(SQLModel, table=True):
    """An acknowledged ``tracker check`` finding (``check --accept``): the finding's rule and subject (what it is
    about: the plan, a category, a project or one of its records) and its exact figures (JSON text). The
    finding stops failing the check while its figures stay these; one acceptance per rule and subject."""

    __table_args__ = (UniqueConstraint("rule", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    rule: str
    subject: str
    figures: str = Field(sa_type=Text)
    """``published``, ``computed``, ``difference`` (exact decimal strings or counts), ``unit``, and the
    message for a finding without figures."""
    reason: str = Field(default="", sa_type=Text)
    actor: str = ""
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class IndicatorTable(SQLModel, table=True):
    """A published table of main indicators (主要指标) of a plan, found by its header cells."""

    __table_args__ = (UniqueConstraint("plan_id", "source_first_line"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    title: str = Field(default="", sa_type=Text)
    """The title line above the header, as published (empty when the table had none)."""
    columns: str = Field(default="[]", sa_type=Text)
    """The header cells as published (JSON list)."""
    source_first_line: int
    source_last_line: int
    kind: str = Field(default="targets", sa_column_kwargs={"server_default": "targets"})
    """``targets`` (主要指标 of the plan's own period), ``completion`` (a previous plan's targets and what
    was achieved, e.g. the 十三五 完成情况 tables) or ``programme`` (a 专栏 box of numbered commitments)."""
    target_year: int | None = None
    """The year the targets are for; None: the plan's last year."""
    baseline_year: int | None = None
    """The year of the baseline column; None: the year before the plan's first."""


class Indicator(SQLModel, table=True):
    """One main indicator: its target for the plan's last year verbatim and as read, its baseline and
    intermediate targets when published, and where it was read."""

    __table_args__ = (UniqueConstraint("table_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    table_id: int = Field(foreign_key="indicatortable.id", index=True)
    position: int
    """Its place in the table, from 1 (a 序号 may be missing or repeat under a group)."""
    seq: str = ""
    """The 序号 as published ("" when the row had none)."""
    group: str = Field(default="", sa_type=Text)
    """The 一级指标 or section heading the indicator sits under, if any."""
    name: str = Field(sa_type=Text)
    unit: str = ""
    attribute: str | None = None
    """``binding`` (约束性) or ``expected`` (预期性); None when not published."""
    attribute_text: str = ""
    definition: str = Field(default="", sa_type=Text)
    target_text: str = Field(default="", sa_type=Text)
    baseline_text: str = Field(default="", sa_type=Text)
    intermediate: str = Field(default="{}", sa_type=Text)
    """Intermediate targets by year (JSON: {"2022": "基本建立"})."""
    extra: str = Field(default="{}", sa_type=Text, sa_column_kwargs={"server_default": "{}"})
    """Published cells with no column of their own, by header (JSON: {"省指标": "35张"})."""
    source_line: int


class IndicatorValue(SQLModel, table=True):
    """An actual value of an indicator for a year, with its source: audited and undoable like progress."""

    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    year: int
    value_text: str = Field(sa_type=Text)
    """As reported (``38.1``, ``100%``, ``基本建立``): read with tracker.indicators.targets when compared,
    so no number is ever stored as a float."""
    source: str = Field(default="", sa_type=Text)
    reporter: str = ""
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
