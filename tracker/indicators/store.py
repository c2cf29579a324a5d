"""Indicators in the database: import a plan text's tables, list them with their status, record a
year's actual value. Every write is one audited operation (``tracker undo`` reverses it) in one
transaction; a dry run shows the changes and writes nothing.

A plan may now exist without a project table: importing Anyue's indicators creates the plan 安岳县
“十四五”民政事业发展规划 with no categories or projects; importing Xiangtan's finds the plan that
``tracker init`` made from the same text and adds its indicators beside its 87 projects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker import audit
from tracker.bounds import check_text
from tracker.db import reading, transaction
from tracker.errors import RefusedError, UsageError
from tracker.indicators.parse import IndicatorRow, PlanIndicators, read_plan
from tracker.indicators.status import indicator_status
from tracker.indicators.targets import read_target
from tracker.models import Indicator, IndicatorTable, IndicatorValue, Plan

MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_VALUE_TEXT = 200


class IndicatorError(RefusedError):
    """An indicator that does not exist, or a value that cannot be recorded (exit 1)."""


@dataclass
class ImportResult:
    plan: str
    plan_created: bool
    tables: list[tuple[str, int]] = field(default_factory=list)
    """Each table's title and number of indicators."""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    operation_id: int | None = None
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "plan_created": self.plan_created,
            "tables": [{"title": t, "indicators": n} for t, n in self.tables],
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "notes": self.notes,
            "skipped": self.skipped,
            "operation": self.operation_id,
            "dry_run": self.dry_run,
        }


FIELDS = ("seq", "group", "name", "unit", "attribute", "attribute_text", "definition", "target_text",
          "baseline_text", "intermediate", "extra", "source_line")  # fmt: skip


def _values(row: IndicatorRow) -> dict[str, Any]:
    return {
        "seq": row.seq, "group": row.group, "name": row.name, "unit": row.unit, "attribute": row.attribute,
        "attribute_text": row.attribute_text, "definition": row.definition, "target_text": row.target_text,
        "baseline_text": row.baseline_text, "intermediate": json.dumps(row.intermediate, ensure_ascii=False),
        "extra": json.dumps(row.extra, ensure_ascii=False), "source_line": row.line,
    }  # fmt: skip


def import_indicators(
    engine: Engine, path: Path, *, plan_name: str | None = None, dry_run: bool = False, actor: str = ""
) -> ImportResult:
    """Read every indicator table of the plan text at ``path`` and store it (idempotent)."""
    parsed: PlanIndicators = read_plan(path)
    name = plan_name or parsed.title
    check_text(name, "--plan", multiline=False)
    result = ImportResult(name, False, dry_run=dry_run, skipped=list(parsed.skipped))
    if not parsed.tables:
        return result  # nothing to import: no plan is created for a text without indicator tables
    with transaction(engine, commit=not dry_run) as session:
        plan = session.exec(select(Plan).where(Plan.name == name)).scalars().first()  # type: ignore[call-overload]
        operation = audit.begin(session, "import-indicators", f"indicators of {name} from {path.name}", actor)
        if plan is None:
            plan = Plan(name=name, region=parsed.region, period_start=parsed.period[0], period_end=parsed.period[1],
                        source_document=path.name)  # fmt: skip
            session.add(plan)
            audit.log_insert(session, operation, plan)
            result.plan_created = True
        for table_text in parsed.tables:
            table = session.exec(  # type: ignore[call-overload]
                select(IndicatorTable).where(
                    IndicatorTable.plan_id == plan.id, IndicatorTable.source_first_line == table_text.first_line
                )
            ).scalars().first()
            if table is None:
                table = IndicatorTable(plan_id=plan.id, title=table_text.title,  # type: ignore[arg-type]
                                       columns=json.dumps(table_text.columns, ensure_ascii=False),
                                       source_first_line=table_text.first_line, source_last_line=table_text.last_line,
                                       kind=table_text.kind, target_year=table_text.target_year,
                                       baseline_year=table_text.baseline_year)
                session.add(table)
                audit.log_insert(session, operation, table)
            result.tables.append((table_text.title, len(table_text.rows)))
            result.notes.extend(table_text.notes)
            for row in table_text.rows:
                _store_row(session, operation, plan, table, row, result)
        if result.created == result.updated == 0 and not result.plan_created and not dry_run:
            session.rollback()  # nothing changed: no empty operation in the history
            return result
        result.operation_id = operation.id
    return result


def _store_row(session: Session, operation: Any, plan: Plan, table: IndicatorTable, row: IndicatorRow,
               result: ImportResult) -> None:
    existing = session.exec(  # type: ignore[call-overload]
        select(Indicator).where(Indicator.table_id == table.id, Indicator.position == row.position)
    ).scalars().first()
    values = _values(row)
    if existing is None:
        indicator = Indicator(plan_id=plan.id, table_id=table.id, position=row.position, **values)  # type: ignore[arg-type]
        session.add(indicator)
        audit.log_insert(session, operation, indicator)
        result.created += 1
        session.flush()
        _store_actuals(session, operation, indicator, row)
        return
    if all(getattr(existing, k) == v for k, v in values.items()):
        result.unchanged += 1
        return
    old = audit.snapshot(existing)
    for k, v in values.items():
        setattr(existing, k, v)
    audit.log_update(session, operation, existing, old)
    result.updated += 1


def _store_actuals(session: Session, operation: Any, indicator: Indicator, row: IndicatorRow) -> None:
    """The actual values the text publishes (a completion table's 2020 value), recorded with the source
    ``published`` when the indicator is first imported; a value recorded later is never overwritten."""
    for year, text in sorted(row.actuals.items()):
        value = " ".join(text.split())
        if not value:
            continue
        stored = IndicatorValue(indicator_id=indicator.id, year=year, value_text=value[:MAX_VALUE_TEXT],  # type: ignore[arg-type]
                                source=f"published (line {row.line})", reporter="import")
        session.add(stored)
        audit.log_insert(session, operation, stored)


LIST_KEYS: tuple[str, ...] = ("id", "plan", "table", "seq", "name", "unit", "attribute", "target_text",
                              "target_value", "baseline_text", "latest_value", "status")  # fmt: skip
"""The contract of ``tracker indicator list``'s CSV and the first keys of its JSON."""

EXPORT_KEYS: tuple[str, ...] = (*LIST_KEYS, "position", "group", "target_kind", "latest_year", "kind")
"""The columns of ``tracker export --of indicators`` as CSV or xlsx (its JSON has every key of
:meth:`IndicatorLine.as_dict`, the intermediate targets included)."""


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator as listed: its published fields, its latest actual value and its status."""

    id: int
    plan: str
    table: str
    seq: str
    position: int
    group: str
    name: str
    unit: str
    attribute: str | None
    target_text: str
    target_kind: str
    target_value: str | None
    baseline_text: str
    intermediate: dict[str, str]
    latest_value: str | None
    latest_year: int | None
    status: str
    period: tuple[int, int] = (2021, 2025)
    """The years of the indicator's path: it runs from the year before the first (the baseline) to the
    last (the target) — the plan's years, or a completion table's own (2016–2020)."""
    kind: str = "targets"
    """The table's kind: ``targets``, ``completion`` or ``programme``."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "plan": self.plan, "table": self.table, "seq": self.seq, "name": self.name,
            "unit": self.unit, "attribute": self.attribute, "target_text": self.target_text,
            "target_value": self.target_value, "baseline_text": self.baseline_text, "latest_value": self.latest_value,
            "status": self.status, "position": self.position, "group": self.group, "target_kind": self.target_kind,
            "intermediate": self.intermediate, "latest_year": self.latest_year, "kind": self.kind,
        }  # fmt: skip


def _plan_values(session: Session, plan_id: int) -> dict[int, list[tuple[int, str]]]:
    """The recorded values of one plan's indicators, by indicator."""
    values: dict[int, list[tuple[int, str]]] = {}
    query = (
        select(IndicatorValue.indicator_id, IndicatorValue.year, IndicatorValue.value_text)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.plan_id == plan_id)
    )
    for indicator_id, year, text in session.execute(query):
        values.setdefault(indicator_id, []).append((year, text))
    return values


def iter_indicators(session: Session, as_of: date, where: Any = None) -> Iterator[IndicatorLine]:
    """Every indicator (those ``where`` selects), in plan, table and position order, with its status as of
    ``as_of``. The values are read per plan in one query; an indicator's status is a pure function."""
    query = (
        select(Indicator, Plan.name, Plan.period_start, Plan.period_end, IndicatorTable.title, IndicatorTable.kind,
               IndicatorTable.target_year, IndicatorTable.baseline_year)
        .join(Plan, Plan.id == Indicator.plan_id)
        .join(IndicatorTable, IndicatorTable.id == Indicator.table_id)
        .order_by(Plan.id, IndicatorTable.source_first_line, Indicator.position)
    )
    if where is not None:
        query = query.where(where)
    values: dict[int, list[tuple[int, str]]] = {}
    values_of: int | None = None
    rows = session.execute(query.execution_options(yield_per=500))
    for indicator, plan, plan_start, plan_end, title, kind, target_year, baseline_year in rows:
        if indicator.plan_id != values_of:  # the plan's values, one query per plan: memory holds one plan's
            values_of, values = indicator.plan_id, _plan_values(session, indicator.plan_id)
        end = target_year or plan_end
        start = baseline_year + 1 if baseline_year else plan_start
        target = read_target(indicator.target_text)
        baseline = read_target(indicator.baseline_text) if indicator.baseline_text else None
        intermediate = {k: v for k, v in json.loads(indicator.intermediate or "{}").items()}
        own = values.get(indicator.id, [])
        known = [v for v in own if v[0] <= as_of.year]
        latest = max(known) if known else None
        status = indicator_status(
            target, baseline, own, as_of, (start, end), indicator.attribute == "binding",
            {int(k): v for k, v in intermediate.items() if k.isdigit()},
        )  # fmt: skip
        yield IndicatorLine(
            indicator.id, plan, title, indicator.seq, indicator.position, indicator.group, indicator.name,
            indicator.unit, indicator.attribute, indicator.target_text, target.kind,
            None if target.value is None else format(target.value, "f"), indicator.baseline_text, intermediate,
            None if latest is None else latest[1], None if latest is None else latest[0], status, (start, end), kind,
        )  # fmt: skip


def record_value(engine: Engine, indicator_id: int, year: int, text: str, *, source: str = "", actor: str = "",
                 reporter: str = "") -> int:
    """Record (or correct) an indicator's actual value for ``year``: one audited, undoable operation."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise UsageError(f"--year must be between {MIN_YEAR} and {MAX_YEAR}, not {year}")
    check_text(text, "value", multiline=False)
    check_text(source, "--source", multiline=False)
    value = " ".join(text.split())
    if not value or len(value) > MAX_VALUE_TEXT:
        raise IndicatorError(f"value: give a value of 1 to {MAX_VALUE_TEXT} characters")
    with transaction(engine) as session:
        indicator = session.get(Indicator, indicator_id)
        if indicator is None:
            raise IndicatorError(f"no indicator {indicator_id} (see tracker indicator list)")
        target = read_target(indicator.target_text)
        reading_ = read_target(value)
        if target.kind != "text" and target.kind != reading_.kind and not (
            target.value is not None and reading_.value is not None
        ) and not (target.kind == "level" and reading_.kind == "level"):
            raise IndicatorError(
                f"value: {value!r} is not comparable with the target {indicator.target_text!r} "
                f"(a {'level such as 基本建立' if target.kind == 'level' else 'number'} is expected)"
            )
        operation = audit.begin(session, "indicator", f"indicator {indicator_id} {year}: {value}", actor)
        existing = session.exec(  # type: ignore[call-overload]
            select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id, IndicatorValue.year == year)
        ).scalars().first()
        if existing is None:
            row = IndicatorValue(indicator_id=indicator_id, year=year, value_text=value, source=source,
                                 reporter=reporter or audit.current_actor(actor))  # fmt: skip
            session.add(row)
            audit.log_insert(session, operation, row)
        else:
            old = audit.snapshot(existing)
            existing.value_text, existing.source = value, source
            audit.log_update(session, operation, existing, old)
        assert operation.id is not None
        return operation.id


def count(engine: Engine) -> int:
    from sqlalchemy import func

    with reading(engine) as session:
        return int(session.execute(select(func.count()).select_from(Indicator)).scalar_one())
