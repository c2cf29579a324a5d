"""Monthly progress: one record per project per month, and the annual plan figure per year.

The CLI (``tracker progress``) and the TUI's progress form both call :func:`record_progress`, so the
rules of a month's report live here once:

- a record holds the month's status, the money invested *that month* (万元, exact), the physical
  progress (形象进度), the problems (存在问题), who reported and when;
- a second record for the same month *corrects* the first: the fields given replace the old ones,
  the fields left out are kept;
- the project's status follows its latest month's record, and its invested-to-date is the sum of
  its records (computed in SQL by :mod:`tracker.portfolio`), so neither can drift from the records;
- a month's invested amount may be 0 or negative (a correction of an earlier month), but the
  running total may never go below 0 nor above the ceiling of one figure (±1,000,000 万元,
  :mod:`tracker.bounds`), so no SQL sum over the records can overflow;
- amounts have at most two decimals of 万元; texts hold no control characters and are bounded;
- every change is one transaction and one audited operation that ``tracker undo`` can reverse,
  and it raises the project's version (compare-and-set), so a stale form cannot overwrite it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker import audit
from tracker.bounds import MAX_AMOUNT_WAN, MAX_YEAR, MIN_YEAR, BoundsError, check_amount, check_text, one_newline
from tracker.bounds import shown as cut
from tracker.concurrency import check_version, claim
from tracker.db import transaction
from tracker.editing import UnknownProjectError
from tracker.errors import FieldError, RefusedError
from tracker.models import AnnualPlan, Operation, ProgressRecord, Project, Status, utcnow
from tracker.money import MoneyError, fmt_wan, normalise, parse_wan
from tracker.schedule import month_index, parse_month


class ProgressError(FieldError):
    """A value given for a month's progress cannot be stored; ``field`` names which."""


@dataclass(frozen=True)
class ProgressResult:
    """What :func:`record_progress` did."""

    code: str
    month: str
    status: str
    """The record's status (a :class:`~tracker.models.Status` value)."""
    invested: Decimal
    """Invested in the month, 万元."""
    invested_to_date: Decimal
    project_status: str
    """The project's status after the change (that of its latest month)."""
    version: int
    operation_id: int | None
    """None when nothing changed (no operation was written)."""
    corrected: bool
    """True when the month already had a record and this call corrected it."""
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class AnnualPlanResult:
    code: str
    year: int
    planned: Decimal | None
    previous: Decimal | None
    version: int
    operation_id: int | None


def check_month(text: str, as_of: date | None = None) -> str:
    """``YYYY-MM`` normalised (``2023-6`` is refused: the form is fixed); not after ``as_of``'s month."""
    raw = text.strip()
    try:
        year, month = parse_month(raw)
    except ValueError as exc:
        raise ProgressError("month", exc if isinstance(exc, RefusedError) else str(exc)) from exc
    if len(raw) != 7:
        raise ProgressError("month", RefusedError.of("error.month.format", value=cut(text)))
    if as_of is not None and month_index(year, month) > month_index(as_of.year, as_of.month):
        raise ProgressError("month", RefusedError.of("error.month.ahead", month=raw, date=as_of.isoformat()))
    return raw


def parse_status(value: str | Status) -> Status:
    """A status given as a :class:`Status`, its English value or its Chinese label (在建)."""
    if isinstance(value, Status):
        return value
    try:
        return Status.parse(value)
    except ValueError as exc:
        raise ProgressError("status", str(exc)) from exc


def parse_amount(value: str | Decimal, what: str = "invested") -> Decimal:
    """An amount in 万元 as text (``"120.5"``) or Decimal: at most two decimals, within ±1,000,000 万元."""
    try:
        if isinstance(value, Decimal):
            amount = check_amount(value, "amount", error=MoneyError)
        elif isinstance(value, str):
            amount = parse_wan(value)
        else:
            raise MoneyError(f"amount {value!r} must be text or a Decimal, never a float")
    except MoneyError as exc:
        raise ProgressError(what, exc) from exc
    return normalise(amount)


def _project(session: Session, code: str) -> Project:
    check_text(code, "code", multiline=False)  # undecodable bytes in argv would fail inside the driver
    project = session.exec(select(Project).where(Project.code == code.strip())).first()
    if project is None:
        raise UnknownProjectError(code.strip())
    return project


def project_progress(session: Session, code: str) -> list[ProgressRecord]:
    """The project's records, oldest month first (:class:`UnknownProjectError` for a bad code)."""
    project = _project(session, code)
    query = select(ProgressRecord).where(ProgressRecord.project_id == project.id).order_by(ProgressRecord.month)  # type: ignore[arg-type]
    return list(session.exec(query))


def _check_running_total(records: list[ProgressRecord], month: str, invested: Decimal) -> None:
    """Refuse a month's amount that would take the running total below zero, or above the ceiling
    of one figure, in any month (so the SQL sum of a project's records always fits)."""
    amounts = {r.month: r.invested for r in records} | {month: invested}
    running = Decimal(0)
    for m in sorted(amounts):
        running += amounts[m]
        if running < 0:
            raise ProgressError(
                "invested",
                f"{fmt_wan(invested)} for {month} would make the amount invested to {m} negative "
                f"({fmt_wan(running)} 万元)",
            )
        if running > MAX_AMOUNT_WAN:
            raise ProgressError(
                "invested",
                f"{fmt_wan(invested)} for {month} would make the amount invested to {m} "
                f"{fmt_wan(running)} 万元, above the ceiling of {MAX_AMOUNT_WAN:,} 万元 for one project",
            )


def check_text_field(field_name: str, value: str, *, multiline: bool = True) -> str:
    """A text field of the record, stripped, if it may be stored; else :class:`ProgressError` naming it."""
    text = one_newline(value.strip()) if multiline else value.strip()
    try:
        return check_text(text, field_name, multiline=multiline)
    except BoundsError as exc:
        raise ProgressError(field_name, exc.detail) from exc


_check_text = check_text_field  # the name this module used before the import of returns shared it


def base_status(project: Project, records: list[ProgressRecord], earlier: list[ProgressRecord]) -> str:
    """The status a new month starts from: the latest earlier month's; with no earlier month, the
    project's own status if it has no records at all, else not started (it was reported later)."""
    if earlier:
        return earlier[-1].status
    return project.status if not records else Status.NOT_STARTED.value


@dataclass(frozen=True)
class MonthInput:
    """A month's report for one project, checked field by field (no database needed yet).

    None means "not given": the month's existing value is kept (or, for a new month, carried over)."""

    month: str
    status: Status | None = None
    invested: Decimal | None = None
    progress_text: str | None = None
    problems: str | None = None
    reporter: str = ""


def check_input(
    month: str,
    *,
    status: str | Status | None = None,
    invested: str | Decimal | None = None,
    progress_text: str | None = None,
    problems: str | None = None,
    reporter: str = "",
    as_of: date | None = None,
) -> MonthInput:
    """The values of one month's report checked in the order ``tracker progress`` reports them
    (month, status, amount, texts, reporter); the first bad one raises :class:`ProgressError`."""
    return MonthInput(
        check_month(month, as_of),
        parse_status(status) if status is not None else None,
        parse_amount(invested) if invested is not None else None,
        check_text_field("progress_text", progress_text) if progress_text is not None else None,
        check_text_field("problems", problems) if problems is not None else None,
        check_text_field("reporter", reporter, multiline=False),
    )


@dataclass
class Ledger:
    """One project inside a writer's session: its records (kept current as months are planned and
    written), its values before the first change, and the version it was read at."""

    project: Project
    records: list[ProgressRecord]
    before: dict[str, Any]
    seen_version: int
    touched: bool = False

    def invested_to_date(self) -> Decimal:
        return sum((r.invested for r in self.records), Decimal(0))


def open_ledger(session: Session, code: str, expected_version: int | None = None) -> Ledger:
    """The project ``code`` and its records, read inside ``session`` (:class:`UnknownProjectError`
    for a bad code, :class:`ConcurrentEditError` when ``expected_version`` is stale)."""
    project = _project(session, code)
    return ledger_for(session, project, expected_version)


def ledger_for(session: Session, project: Project, expected_version: int | None = None) -> Ledger:
    """A :class:`Ledger` for a project already loaded in ``session``."""
    check_version(project, expected_version)
    query = select(ProgressRecord).where(ProgressRecord.project_id == project.id).order_by(ProgressRecord.month)  # type: ignore[arg-type]
    records = list(session.exec(query))
    return Ledger(project, records, audit.snapshot(project), project.version)


@dataclass
class PlannedMonth:
    """What writing one month would do: the record's new values and, for a correction, the old ones."""

    ledger: Ledger
    month: str
    existing: ProgressRecord | None
    values: dict[str, Any]
    changed: dict[str, tuple[Any, Any]]


def plan_month(ledger: Ledger, entry: MonthInput) -> PlannedMonth:
    """The record ``entry`` makes of ``ledger``'s month (fields not given kept or carried over), checked
    against the running total (:class:`ProgressError`); nothing is written. ``changed`` is empty when
    the month already holds these values."""
    records = ledger.records
    month = entry.month
    existing = next((r for r in records if r.month == month), None)
    earlier = [r for r in records if r.month < month]
    values: dict[str, Any] = {
        "status": (entry.status.value if entry.status else None)
        or (existing.status if existing else None)
        or base_status(ledger.project, records, earlier),
        "invested": entry.invested if entry.invested is not None else (existing.invested if existing else Decimal(0)),
        "progress_text": entry.progress_text
        if entry.progress_text is not None
        else (existing.progress_text if existing else ""),
        "problems": entry.problems if entry.problems is not None else (existing.problems if existing else ""),
    }
    _check_running_total(records, month, values["invested"])
    if existing is not None:
        changed = {k: (getattr(existing, k), v) for k, v in values.items() if getattr(existing, k) != v}
    else:
        changed = {k: (None, v) for k, v in values.items()}
    return PlannedMonth(ledger, month, existing, values, changed)


def write_month(session: Session, op: Operation, planned: PlannedMonth, reporter: str) -> ProgressRecord:
    """Write a planned month (with changes) under operation ``op``: the record is inserted or corrected
    and logged. Call :func:`close_ledger` once per project after its months are written."""
    ledger, existing = planned.ledger, planned.existing
    reporter = reporter or audit.current_actor()
    code = ledger.project.code
    if existing is not None:
        record_before = audit.snapshot(existing)
        for k, (_, v) in planned.changed.items():
            setattr(existing, k, v)
        existing.reporter = reporter
        existing.recorded_at = utcnow()
        audit.log_update(session, op, existing, record_before, code)
        record = existing
    else:
        record = ProgressRecord(project_id=ledger.project.id, month=planned.month, reporter=reporter, **planned.values)  # type: ignore[arg-type]
        session.add(record)
        ledger.records.append(record)
        ledger.records.sort(key=lambda r: r.month)
        audit.log_insert(session, op, record, code)
    ledger.touched = True
    return record


def close_ledger(session: Session, op: Operation, ledger: Ledger) -> None:
    """After a project's months are written: its status follows its latest month, its version is raised
    once (compare-and-set against the version it was read at) and the project row is logged once."""
    if not ledger.touched:
        return
    project = ledger.project
    latest = max(ledger.records, key=lambda r: r.month)
    if project.status != latest.status:
        project.status = latest.status
    claim(session, project, ledger.seen_version)
    audit.log_update(session, op, project, ledger.before, project.code)


def month_summary(planned: PlannedMonth) -> str:
    """``progress 2-9 2023-06: 在建, 120 万元`` (``correct`` for a correction): an operation's summary."""
    verb = "correct" if planned.existing is not None else "progress"
    values = planned.values
    return (
        f"{verb} {planned.ledger.project.code} {planned.month}: {Status(values['status']).zh}, "
        f"{fmt_wan(values['invested'])} 万元"
    )


def record_progress(
    engine: Engine,
    code: str,
    month: str,
    *,
    status: str | Status | None = None,
    invested: str | Decimal | None = None,
    progress_text: str | None = None,
    problems: str | None = None,
    reporter: str = "",
    expected_version: int | None = None,
    as_of: date | None = None,
) -> ProgressResult:
    """Record (or correct) project ``code``'s report for ``month`` in one audited transaction.

    Fields left as None are kept from the month's existing record; for a new month the status
    carries over from the latest earlier record (else the project's status) and the amount is 0.
    ``as_of`` refuses months after it. ``expected_version`` refuses a stale editor.

    The one-project wrapper of the session-level core (:func:`check_input`, :func:`open_ledger`,
    :func:`plan_month`, :func:`write_month`, :func:`close_ledger`), which ``tracker import-progress``
    runs for many projects inside one operation.
    """
    entry = check_input(
        month,
        status=status,
        invested=invested,
        progress_text=progress_text,
        problems=problems,
        reporter=reporter,
        as_of=as_of,
    )
    with transaction(engine) as session:
        ledger = open_ledger(session, code, expected_version)
        project = ledger.project
        planned = plan_month(ledger, entry)
        if not planned.changed:
            existing = planned.existing
            assert existing is not None
            return ProgressResult(
                project.code,
                planned.month,
                existing.status,
                existing.invested,
                ledger.invested_to_date(),
                project.status,
                project.version,
                None,
                True,
            )
        actor = entry.reporter or audit.current_actor()
        op = audit.begin(session, "progress", month_summary(planned), actor)
        record = write_month(session, op, planned, actor)
        close_ledger(session, op, ledger)
        return ProgressResult(
            project.code,
            planned.month,
            record.status,
            record.invested,
            normalise(ledger.invested_to_date()),
            project.status,
            project.version,
            op.id,
            planned.existing is not None,
            planned.changed,
        )


def annual_plan(session: Session, project_id: int, year: int) -> AnnualPlan | None:
    return session.exec(select(AnnualPlan).where(AnnualPlan.project_id == project_id, AnnualPlan.year == year)).first()


def set_annual_plan(
    engine: Engine,
    code: str,
    year: int,
    amount: str | Decimal | None,
    *,
    actor: str = "",
    expected_version: int | None = None,
) -> AnnualPlanResult:
    """Set (or with ``None`` remove) 年度计划投资 for project ``code`` in ``year``: one audited operation."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ProgressError("year", f"{cut(year, quote=False)} is out of range ({MIN_YEAR}–{MAX_YEAR})")
    planned = parse_amount(amount, "annual_plan") if amount is not None else None
    if planned is not None and planned < 0:
        raise ProgressError("annual_plan", RefusedError.of("error.not_negative"))
    with transaction(engine) as session:
        project = _project(session, code)
        check_version(project, expected_version)
        assert project.id is not None
        row = annual_plan(session, project.id, year)
        previous = row.planned if row else None
        if previous == planned:
            return AnnualPlanResult(project.code, year, planned, previous, project.version, None)
        project_before = audit.snapshot(project)
        claim(session, project, project.version)
        shown = "removed" if planned is None else f"{fmt_wan(planned)} 万元"
        op = audit.begin(session, "annual-plan", f"annual plan {project.code} {year}: {shown}", actor)
        if row is None:
            row = AnnualPlan(project_id=project.id, year=year, planned=planned)  # type: ignore[arg-type]
            session.add(row)
            audit.log_insert(session, op, row, project.code)
        elif planned is None:
            audit.log_delete(session, op, row, project.code)
            session.delete(row)
        else:
            before = audit.snapshot(row)
            row.planned = planned
            audit.log_update(session, op, row, before, project.code)
        audit.log_update(session, op, project, project_before, project.code)
        return AnnualPlanResult(project.code, year, planned, previous, project.version, op.id)
