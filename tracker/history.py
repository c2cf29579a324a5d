"""Read the audit log (``tracker history``), reverse an operation (``tracker undo``) and re-apply an
undone one (``tracker redo``).

Every change in tracker is an :class:`~tracker.models.Operation` with one
:class:`~tracker.models.AuditEntry` per row it inserted, updated or deleted (see :mod:`tracker.audit`).
Undo replays an operation's entries backwards in one transaction: an inserted row is deleted, an
updated row gets its old values back, a deleted row is put back. The undo is itself an operation
(kind ``undo``, ``undoes_id`` → the target, whose ``undone_by_id`` → the undo), so the log stays
append-only and says who undid what.

Redo is the undo of an undo: it replays the undo's entries backwards (kind ``redo``, ``undoes_id`` →
the undo). A redo is an ordinary change, so it can be undone again, and that undo redone. An
original operation and its undos and redos form a *chain* (X → undo → redo → undo …); the operation
is in effect when its chain has an odd length. No schema change was needed for this.

What ``undo`` picks: the latest operation in effect that is not an undo (a redo counts: undoing it
takes the change back out). ``tracker redo`` picks the latest undo still standing, i.e. it redoes the
most recently undone operation; ``--operation N`` picks any.

When undo or redo refuses (dependent operations): each entry changes *cells* — a field of a project,
plan or category row, or a whole progress record (one project's month) or annual-plan figure (one
project's year). X can be undone (or redone) iff no other operation changed one of X's cells since X
was last applied (or undone) and still has that change in effect; otherwise the refusal names that
operation and says to undo (or redo) it first. A later change to other fields, other months or other
years of the same project does not stand in the way. Derived state is handled precisely and
conservatively: a project's status follows its latest month, so it is recomputed rather than restored
(and only a *direct* status change by another operation conflicts); undoing a month is refused when a
later month recorded after it may have carried its status over (same status, no month between), or
when it would take the project's running invested total below zero or above the ceiling. Rows are also
compare-and-set: a row not as the operation left it (a change outside the log) refuses, and project
rows claim the next version (:func:`tracker.concurrency.claim`), so versions only ever rise.

The redo "stack": undoing never discards anything and a new change never clears the redo list. An
undone operation stays redoable as long as no operation in effect changed one of its cells since it
was undone; a new change to the same cells makes its redo impossible (refused, naming the change),
an independent one leaves it redoable.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, and_, func, or_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from tracker import audit
from tracker.concurrency import ConcurrentEditError, claim
from tracker.db import transaction
from tracker.errors import RefusedError
from tracker.models import (
    Acceptance,
    AnnualPlan,
    AuditEntry,
    Category,
    Indicator,
    IndicatorTable,
    IndicatorValue,
    Operation,
    Plan,
    ProgressRecord,
    Project,
    SharePct,
    WanYuan,
)

MODELS: dict[str, type[SQLModel]] = {
    model.__tablename__: model  # type: ignore[misc]
    for model in (Plan, Category, Project, ProgressRecord, AnnualPlan, Acceptance, IndicatorTable, Indicator, IndicatorValue)
}
"""The tables an operation may change and undo may restore."""

BOOKKEEPING: dict[str, frozenset[str]] = {
    "project": frozenset({"version", "updated_at"}),
}
"""Columns undo neither compares nor restores: a project's version only ever rises (undo claims the
next one) and its ``updated_at`` becomes the time of the undo."""

TIMESTAMPS = frozenset({"created_at", "updated_at", "recorded_at", "imported_at"})
"""Columns not compared when checking a row is as the operation left it (clock values)."""


class UndoError(RefusedError, RuntimeError):
    """The operation cannot be undone (nothing to undo, already undone, or rows changed since)."""


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryItem:
    """One row changed by one operation (or an operation that changed no row), newest first."""

    operation_id: int
    when: datetime
    who: str
    kind: str
    summary: str
    table: str | None
    row: int | None
    action: str | None
    """``insert``, ``update`` or ``delete``; None for an operation without entries."""
    code: str | None
    changes: list[FieldChange] = field(default_factory=list)
    undone_by: int | None = None
    undoes: int | None = None
    entries: int = field(default=0, compare=False)
    """How many rows the operation changed (those of ``code`` when the history is for one project)."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (Decimals stay Decimals so :func:`tracker.export.dumps_json` writes exact numbers)."""
        return {
            "operation_id": self.operation_id,
            "when": self.when.isoformat(),
            "who": self.who,
            "kind": self.kind,
            "summary": self.summary,
            "table": self.table,
            "row": self.row,
            "action": self.action,
            "code": self.code,
            "changes": [{"field": c.field, "old": _plain(c.old), "new": _plain(c.new)} for c in self.changes],
            "undone_by": self.undone_by,
            "undoes": self.undoes,
        }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class UndoResult:
    operation_id: int | None
    """The undo operation written (None for a dry run)."""
    undone_id: int
    kind: str
    summary: str
    rows: int
    codes: list[str]


def typed(table: str, column: str, value: Any) -> Any:
    """A value from an audit snapshot (JSON) back as the column's Python value (money as Decimal)."""
    model = MODELS.get(table)
    if value is None or model is None or column not in model.__table__.c:  # type: ignore[attr-defined]
        return value
    column_type = model.__table__.c[column].type  # type: ignore[attr-defined]
    if isinstance(column_type, WanYuan | SharePct):
        return Decimal(str(value))
    if isinstance(column_type, DateTime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def _changes(entry: Any) -> list[FieldChange]:
    old = json.loads(entry.old_values) if entry.old_values else {}
    new = json.loads(entry.new_values) if entry.new_values else {}
    names = list(old) + [k for k in new if k not in old]
    return [
        FieldChange(k, typed(entry.table_name, k, old.get(k)), typed(entry.table_name, k, new.get(k))) for k in names
    ]


def history_query(code: str | None = None, limit: int | None = None, operation: int | None = None) -> Any:
    """Operations, newest first, each with its audit entries in order (one row per entry; an operation
    without entries once, with NULL entry columns) and how many entries it has; ``operation`` keeps
    that one operation."""
    operations = select(Operation.id).order_by(col(Operation.id).desc())
    if operation is not None:
        operations = operations.where(col(Operation.id) == operation)
    entry_matches = col(AuditEntry.operation_id) == col(Operation.id)
    if code is not None:
        touching = select(AuditEntry.operation_id).where(AuditEntry.project_code == code.strip())
        operations = operations.where(col(Operation.id).in_(touching))
        entry_matches = and_(entry_matches, AuditEntry.project_code == code.strip())
    if limit:
        operations = operations.limit(limit)
    chosen = operations.subquery("chosen")
    entries = select(func.count(AuditEntry.id)).where(entry_matches).correlate(Operation).scalar_subquery()
    return (
        select(  # type: ignore[call-overload]
            col(Operation.id).label("operation_id"),
            col(Operation.created_at).label("when"),
            col(Operation.actor).label("who"),
            col(Operation.kind).label("kind"),
            col(Operation.summary).label("summary"),
            col(Operation.undone_by_id).label("undone_by"),
            col(Operation.undoes_id).label("undoes"),
            col(AuditEntry.table_name).label("table_name"),
            col(AuditEntry.row_id).label("row_id"),
            col(AuditEntry.action).label("action"),
            col(AuditEntry.project_code).label("project_code"),
            col(AuditEntry.old_values).label("old_values"),
            col(AuditEntry.new_values).label("new_values"),
            entries.label("entries"),
        )
        .select_from(Operation)
        .outerjoin(AuditEntry, entry_matches)
        .where(col(Operation.id).in_(select(chosen.c.id)))
        .order_by(col(Operation.id).desc(), col(AuditEntry.id))
    )


def iter_history(
    session: Session, code: str | None = None, limit: int | None = None, operation: int | None = None
) -> Iterator[HistoryItem]:
    """The audit log, newest operation first, streamed one changed row at a time (an import's
    thousands of entries never sit in memory); ``code`` keeps one project's rows; ``limit`` counts
    operations; ``operation`` keeps one operation."""
    from tracker.portfolio import stream

    for r in stream(session, history_query(code, limit, operation)):
        has_entry = r.table_name is not None
        yield HistoryItem(
            operation_id=r.operation_id,
            when=r.when,
            who=r.who,
            kind=r.kind,
            summary=r.summary,
            table=r.table_name,
            row=r.row_id,
            action=r.action,
            code=r.project_code,
            changes=_changes(r) if has_entry else [],
            undone_by=r.undone_by,
            undoes=r.undoes,
            entries=int(r.entries or 0),
        )


def history(
    session: Session, code: str | None = None, limit: int | None = None, operation: int | None = None
) -> list[HistoryItem]:
    """The audit log, newest operation first, as a list (small callers; the command streams
    :func:`iter_history`)."""
    return list(iter_history(session, code, limit, operation))


Cell = tuple[str, Any, str]
"""(table, row key, field): what one entry changed. The row key of a progress record is (project id,
month), of an annual-plan figure (project id, year), of an acceptance (rule, subject) — the record as
the user knows it, whatever its row id — and a row id otherwise. Field ``*`` is the whole row."""

WHOLE = "*"

KEYED: dict[str, tuple[str, ...]] = {
    "progressrecord": ("project_id", "month"),
    "annualplan": ("project_id", "year"),
    "acceptance": ("rule", "subject"),
    "indicatorvalue": ("indicator_id", "year"),
}
"""Tables whose rows are one cell each, known by these columns."""


@dataclass(frozen=True)
class _Touch:
    cell: Cell
    derived: bool
    """A project's status written because it follows its latest month (recomputed, not restored)."""
    label: str


class _Log:
    """Reads of the log one undo or redo needs, cached: chains, row keys, which operations wrote records."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._chains: dict[int, list[Operation]] = {}
        self._records: dict[int, bool] = {}
        self._codes: dict[int, str] = {}

    def chain(self, op: Operation) -> list[Operation]:
        """The original operation, then its undo, the redo of that undo, and so on (oldest first)."""
        assert op.id is not None
        if op.id in self._chains:
            return self._chains[op.id]
        root = op
        while root.undoes_id is not None:
            parent = self.session.get(Operation, root.undoes_id)
            assert parent is not None
            root = parent
        chain = [root]
        while chain[-1].undone_by_id is not None:
            child = self.session.get(Operation, chain[-1].undone_by_id)
            assert child is not None
            chain.append(child)
        for member in chain:
            self._chains[member.id] = chain  # type: ignore[index]
        return chain

    def writes_records(self, operation_id: int) -> bool:
        """Whether the operation wrote progress records (so its project status changes are derived)."""
        if operation_id not in self._records:
            query = select(AuditEntry.id).where(
                AuditEntry.operation_id == operation_id, AuditEntry.table_name == "progressrecord"
            )
            self._records[operation_id] = self.session.exec(query.limit(1)).first() is not None
        return self._records[operation_id]

    def row_key(self, entry: AuditEntry) -> Any:
        columns = KEYED.get(entry.table_name)
        if columns is None:
            return entry.row_id
        values = json.loads(entry.new_values or entry.old_values or "{}")
        if not all(c in values for c in columns):  # an update logs only what changed: find the row's insert
            query = (
                select(AuditEntry)
                .where(
                    AuditEntry.table_name == entry.table_name,
                    AuditEntry.row_id == entry.row_id,
                    AuditEntry.action == "insert",
                    col(AuditEntry.id) < (entry.id or 0),
                )
                .order_by(col(AuditEntry.id).desc())
                .limit(1)
            )
            inserted = self.session.exec(query).first()
            if inserted is not None and inserted.new_values:
                values = json.loads(inserted.new_values)
            else:
                row = self.session.get(MODELS[entry.table_name], entry.row_id)
                if row is None:
                    return ("#", entry.row_id)
                values = {c: getattr(row, c) for c in columns}
        return tuple(values[c] for c in columns)

    def code(self, project_id: Any, fallback: str | None) -> str:
        if fallback:
            return fallback
        if project_id not in self._codes:
            project = self.session.get(Project, project_id)
            self._codes[project_id] = project.code if project is not None else f"#{project_id}"
        return self._codes[project_id]

    def touches(self, entry: AuditEntry) -> list[_Touch]:
        """The cells ``entry`` changed (version and clock columns are bookkeeping, not cells)."""
        table, key = entry.table_name, self.row_key(entry)
        if table == "progressrecord" and isinstance(key, tuple) and key[0] != "#":
            return [
                _Touch(
                    (table, key, WHOLE),
                    False,
                    f"the {key[1]} progress record of project {self.code(key[0], entry.project_code)}",
                )
            ]
        if table == "annualplan" and isinstance(key, tuple) and key[0] != "#":
            return [
                _Touch(
                    (table, key, WHOLE),
                    False,
                    f"the {key[1]} annual plan of project {self.code(key[0], entry.project_code)}",
                )
            ]
        if table in KEYED or entry.action != "update":
            return [_Touch((table, key, WHOLE), False, _label(entry))]
        old = json.loads(entry.old_values or "{}")
        skip = BOOKKEEPING.get(table, frozenset()) | TIMESTAMPS
        derived = table == "project" and self.writes_records(entry.operation_id)
        return [
            _Touch((table, key, name), derived and name == "status", f"{_label(entry)} ({name})")
            for name in old
            if name not in skip
        ]


def _overlap(mine: _Touch, theirs: _Touch) -> bool:
    (table, key, name), (other_table, other_key, other_name) = mine.cell, theirs.cell
    if table != other_table or key != other_key:
        return False
    if name != other_name and WHOLE not in (name, other_name):
        return False
    return not (mine.derived and theirs.derived)  # both follow the latest month: recomputed, not a conflict


def in_effect(chain: list[Operation]) -> bool:
    """An operation is in effect when its chain (it, its undo, the redo of that…) has odd length."""
    return len(chain) % 2 == 1


def undoable(session: Session) -> Operation | None:
    """The operation ``tracker undo`` would reverse: the latest one in effect that is not an undo
    (an undo is taken back by ``tracker redo``; a redo is undone like any change)."""
    query = (
        select(Operation)
        .where(col(Operation.undone_by_id).is_(None), col(Operation.kind) != "undo")
        .order_by(col(Operation.id).desc())
        .limit(1)
    )
    return session.exec(query).first()


def redoable(session: Session) -> Operation | None:
    """The undo ``tracker redo`` would reverse: the latest undo still standing (the most recently
    undone operation)."""
    query = (
        select(Operation)
        .where(col(Operation.undone_by_id).is_(None), col(Operation.kind) == "undo")
        .order_by(col(Operation.id).desc())
        .limit(1)
    )
    return session.exec(query).first()


def redo_target(session: Session) -> Operation | None:
    """The original operation ``tracker redo`` would put back (for a confirmation question)."""
    step = redoable(session)
    return None if step is None else _Log(session).chain(step)[0]


def _label(entry: AuditEntry) -> str:
    return (
        f"project {entry.project_code}"
        if entry.table_name == "project" and entry.project_code
        else (
            f"{entry.table_name} #{entry.row_id}" + (f" of project {entry.project_code}" if entry.project_code else "")
        )
    )


def _candidates(entries: list[AuditEntry], after: int) -> Any:
    """Entries of operations after ``after`` that may share a cell with ``entries`` (same row, or a
    keyed row of the same project, whose id may differ)."""
    rows_by_table: dict[str, set[int]] = {}
    for entry in entries:
        rows_by_table.setdefault(entry.table_name, set()).add(entry.row_id)
    conditions = [
        and_(col(AuditEntry.table_name) == t, col(AuditEntry.row_id).in_(ids)) for t, ids in rows_by_table.items()
    ]
    keyed = {e.table_name for e in entries if e.table_name in KEYED}
    codes = {e.project_code for e in entries if e.table_name in KEYED and e.project_code}
    if keyed and codes:
        conditions.append(and_(col(AuditEntry.table_name).in_(keyed), col(AuditEntry.project_code).in_(codes)))
    return (
        select(AuditEntry, Operation)
        .join(Operation, col(Operation.id) == col(AuditEntry.operation_id))
        .where(col(Operation.id) > after, or_(*conditions))
        .order_by(col(Operation.id).desc(), col(AuditEntry.id))
    )


def _advice(log: _Log, later: Operation) -> str:
    """What to do about a dependent operation: undo it (or the redo that put it back), or redo it."""
    chain = log.chain(later)
    end = chain[-1]
    if in_effect(chain):
        return "undo that first" if end.id == later.id else f"undo operation {end.id} first"
    return f"redo operation {chain[0].id} first"


def _check_independent(
    log: _Log, verb: str, root: Operation, chain: list[Operation], entries: list[AuditEntry]
) -> None:
    """Refuse when another operation changed one of the cells since the chain's last step and that
    change is still (or no longer) in effect — net of its own undos and redos."""
    mine = [t for entry in entries for t in log.touches(entry)]
    if not mine:
        return
    since = chain[-1].id or 0
    for entry, later in log.session.exec(_candidates(entries, since)):
        other = log.chain(later)
        if other[0].id == root.id:
            continue
        was = sum(1 for member in other if (member.id or 0) <= since) % 2 == 1
        if was == in_effect(other):  # its steps since cancel out
            continue
        for theirs in log.touches(entry):
            hit = next((m for m in mine if _overlap(m, theirs)), None)
            if hit is not None:
                raise UndoError(
                    f"cannot {verb} operation {root.id} ({root.summary}): {hit.label} was changed afterwards by "
                    f"operation {later.id} ({later.kind}: {later.summary}); {_advice(log, later)}"
                )


def _records(session: Session, project_id: int) -> list[ProgressRecord]:
    query = select(ProgressRecord).where(ProgressRecord.project_id == project_id).order_by(col(ProgressRecord.month))
    return list(session.exec(query))


def _later_record_writer(log: _Log, project_id: int, since: int, until: int, root: Operation) -> Operation | None:
    """The latest operation in effect between ``since`` and ``until`` (the undo or redo being written)
    that wrote a progress record of the project."""
    query = (
        select(AuditEntry, Operation)
        .join(Operation, col(Operation.id) == col(AuditEntry.operation_id))
        .where(col(Operation.id) > since, col(Operation.id) < until, AuditEntry.table_name == "progressrecord")
        .order_by(col(Operation.id).desc())
    )
    for entry, later in log.session.exec(query):
        chain = log.chain(later)
        if chain[0].id != root.id and in_effect(chain) and log.row_key(entry)[0] == project_id:
            return later
    return None


def _check_carried_status(log: _Log, root: Operation, chain: list[Operation], entries: list[AuditEntry]) -> None:
    """Undoing a month whose status a later, newer month may have carried over is dependent: the next
    month recorded after it, by an operation in effect since, holds the same status."""
    session, since = log.session, chain[-1].id or 0
    for entry in entries:
        if entry.table_name != "progressrecord" or entry.action == "delete":
            continue
        new = json.loads(entry.new_values or "{}")
        if entry.action == "update" and "status" not in new:
            continue
        project_id, month = log.row_key(entry)
        if project_id == "#":
            continue
        records = _records(session, project_id)
        mine = next((r for r in records if r.month == month), None)
        following = next((r for r in records if r.month > month), None)
        if mine is None or following is None or following.status != mine.status:
            continue
        query = (
            select(AuditEntry, Operation)
            .join(Operation, col(Operation.id) == col(AuditEntry.operation_id))
            .where(
                AuditEntry.table_name == "progressrecord",
                AuditEntry.row_id == following.id,
                AuditEntry.action == "insert",
                col(Operation.id) > since,
            )
            .order_by(col(Operation.id).desc())
            .limit(1)
        )
        found = session.exec(query).first()
        if found is None:
            continue
        later = found[1]
        if in_effect(log.chain(later)) and log.chain(later)[0].id != root.id:
            raise UndoError(
                f"cannot undo operation {root.id} ({root.summary}): the {following.month} record of project "
                f"{entry.project_code}, written afterwards by operation {later.id} ({later.kind}: {later.summary}), "
                f"may have carried over {month}'s status; {_advice(log, later)}"
            )


def _check_running_totals(
    log: _Log, verb: str, root: Operation, chain: list[Operation], project_ids: set[int], until: int
) -> None:
    """After the reversal, no project's invested-to-date may go below zero or above the ceiling in any month."""
    from tracker.bounds import MAX_AMOUNT_WAN
    from tracker.money import fmt_wan

    for project_id in sorted(project_ids):
        running = Decimal(0)
        for record in _records(log.session, project_id):
            running += record.invested
            if running < 0 or running > MAX_AMOUNT_WAN:
                later = _later_record_writer(log, project_id, chain[-1].id or 0, until, root)
                blame = (
                    f"; operation {later.id} ({later.kind}: {later.summary}) relies on it — {_advice(log, later)}"
                    if later is not None
                    else ""
                )
                raise UndoError(
                    f"cannot {verb} operation {root.id} ({root.summary}): project {log.code(project_id, None)}'s "
                    f"amount invested to {record.month} would become {fmt_wan(running)} 万元{blame}"
                )


def _differences(table: str, row: SQLModel, expected: dict[str, Any], skip_status: bool = False) -> list[str]:
    skip = BOOKKEEPING.get(table, frozenset()) | TIMESTAMPS | ({"status"} if skip_status else frozenset())
    found = []
    for name, value in expected.items():
        if name in skip:
            continue
        now, then = getattr(row, name), typed(table, name, value)
        if now != then:
            found.append(f"{name} is {now!r}, not {then!r}")
    return found


def _restore_values(table: str, values: dict[str, Any]) -> dict[str, Any]:
    skip = BOOKKEEPING.get(table, frozenset())
    return {k: typed(table, k, v) for k, v in values.items() if k not in skip}


@dataclass
class _Pending:
    """A project whose status follows its latest month: settled after every record is reversed."""

    row: Project
    before: dict[str, Any]
    seen_version: int
    code: str | None
    fallback_status: str | None


def _reverse(log: _Log, op: Operation, where_prefix: str, entry: AuditEntry, pending: dict[int, _Pending]) -> None:
    """Reverse one entry inside the transaction, logging the reversal under ``op``."""
    session = log.session
    model = MODELS.get(entry.table_name)
    if model is None:
        raise UndoError(f"{where_prefix}: it changed table {entry.table_name!r}, which undo does not know")
    row = session.get(model, entry.row_id)
    old = json.loads(entry.old_values) if entry.old_values else {}
    new = json.loads(entry.new_values) if entry.new_values else {}
    where = f"{where_prefix}: {_label(entry)}"
    if entry.action == "delete":
        values = _restore_values(entry.table_name, old)
        if row is not None:
            if entry.table_name not in KEYED:  # other rows may refer to this id: it must be the same
                raise UndoError(f"{where} cannot be put back: its id {entry.row_id} is taken again")
            values.pop("id", None)  # a record nothing refers to: back under a new id
        restored = model(**values)
        session.add(restored)
        audit.log_insert(session, op, restored, entry.project_code)
        return
    if row is None:
        raise UndoError(f"{where} no longer exists")
    derived = isinstance(row, Project) and log.writes_records(entry.operation_id)
    differences = _differences(entry.table_name, row, new, skip_status=derived)
    if differences:
        raise UndoError(f"{where} is no longer as that operation left it ({'; '.join(differences)})")
    if entry.action == "insert":
        audit.log_delete(session, op, row, entry.project_code)
        session.delete(row)
        try:
            session.flush()
        except IntegrityError as exc:
            raise UndoError(f"{where} cannot be removed: other rows still refer to it ({exc.orig})") from exc
        return
    before = audit.snapshot(row)
    seen_version = row.version if isinstance(row, Project) else 0
    restore = _restore_values(entry.table_name, old)
    if derived:
        assert isinstance(row, Project) and row.id is not None
        fallback = restore.pop("status", None)
        for name, value in restore.items():
            setattr(row, name, value)
        pending[row.id] = _Pending(row, before, seen_version, entry.project_code, fallback)
        return
    for name, value in restore.items():
        setattr(row, name, value)
    if isinstance(row, Project):
        claim(session, row, seen_version)
    audit.log_update(session, op, row, before, entry.project_code)


def _settle(log: _Log, op: Operation, pending: dict[int, _Pending]) -> None:
    """A project's status follows its latest month (with no month left, what it was before); its version
    rises once (compare-and-set) and the row is logged once."""
    session = log.session
    for project_id, item in pending.items():
        records = _records(session, project_id)
        if records:
            item.row.status = records[-1].status
        elif item.fallback_status is not None:
            item.row.status = item.fallback_status
        claim(session, item.row, item.seen_version)
        audit.log_update(session, op, item.row, item.before, item.code)


def _code_key(code: str) -> tuple[int | str, ...]:
    """``2-9`` before ``2-10``: codes sort by their numbers."""
    return tuple(int(part) if part.isdigit() else part for part in code.split("-"))


class _DryRun(Exception):
    """Raised inside the transaction to roll a rehearsed undo back."""


@dataclass(frozen=True)
class RedoResult:
    operation_id: int | None
    """The redo operation written (None for a dry run)."""
    redone_id: int
    """The operation put back (the original change)."""
    undo_id: int
    """The undo that was reversed."""
    kind: str
    summary: str
    rows: int
    codes: list[str]


def _apply(
    log: _Log, verb: str, root: Operation, chain: list[Operation], actor: str, kind: str, summary: str
) -> tuple[Operation, list[AuditEntry]]:
    """Reverse the chain's last step (the operation itself, a redo, or an undo) as operation ``kind``."""
    session = log.session
    step = chain[-1]
    entries_query = select(AuditEntry).where(AuditEntry.operation_id == step.id)
    entries = list(session.exec(entries_query.order_by(col(AuditEntry.id).desc())))
    _check_independent(log, verb, root, chain, entries)
    if verb == "undo":
        _check_carried_status(log, root, chain, entries)
    record_projects = {log.row_key(e)[0] for e in entries if e.table_name == "progressrecord"} - {"#"}
    op = audit.begin(session, kind, summary, actor)
    where = f"cannot {verb} operation {root.id} ({root.summary})"
    pending: dict[int, _Pending] = {}
    try:
        for entry in entries:
            _reverse(log, op, where, entry, pending)
        _settle(log, op, pending)
        session.flush()
    except IntegrityError as exc:  # the session is unusable now: no attribute access below
        raise UndoError(f"cannot {verb} operation {root.id}: the database refused ({exc.orig})") from exc
    except ConcurrentEditError as exc:
        raise UndoError(f"{where}: {exc}") from exc
    _check_running_totals(log, verb, root, chain, record_projects, op.id or 0)  # type: ignore[arg-type]
    op.undoes_id = step.id
    step.undone_by_id = op.id
    session.flush()
    return op, entries


def undo(engine: Engine, operation_id: int | None = None, *, actor: str = "", dry_run: bool = False) -> UndoResult:
    """Reverse ``operation_id`` (default: :func:`undoable`) as a whole, in one transaction, audited.

    An operation that was undone and redone is undone again (its redo is reversed). ``dry_run`` makes
    every check and reversal and then rolls it all back.
    """
    result: UndoResult | None = None
    try:
        with transaction(engine) as session:
            log = _Log(session)
            target = session.get(Operation, operation_id) if operation_id is not None else undoable(session)
            if target is None:
                raise UndoError("nothing to undo" if operation_id is None else f"there is no operation {operation_id}")
            if target.kind == "undo":
                raise UndoError(
                    f"operation {target.id} is itself an undo (of operation {target.undoes_id}); to put that back, "
                    f"use `tracker redo --operation {target.undoes_id}`"
                )
            chain = log.chain(target)
            root, step = chain[0], chain[-1]
            if not in_effect(chain):
                raise UndoError(f"operation {target.id} ({target.summary}) was already undone by operation {step.id}")
            if root.kind == "generate":  # not audited row by row (tracker.generate): nothing to replay
                raise UndoError(
                    f"operation {root.id} ({root.summary}) cannot be undone: generated data is not audited "
                    "row by row; generate into a separate database to throw it away"
                )
            op, entries = _apply(
                log, "undo", root, chain, actor, "undo", f"undo {step.id} ({step.kind}): {step.summary}"
            )
            codes = sorted({e.project_code for e in entries if e.project_code}, key=_code_key)
            assert step.id is not None
            result = UndoResult(None if dry_run else op.id, step.id, step.kind, step.summary, len(entries), codes)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    assert result is not None
    return result


def undo_last(engine: Engine, actor: str = "") -> UndoResult:
    """``tracker undo``: reverse the latest operation in effect (see the module docstring)."""
    return undo(engine, actor=actor)


def redo(engine: Engine, operation_id: int | None = None, *, actor: str = "", dry_run: bool = False) -> RedoResult:
    """Put back an undone operation (default: the most recently undone, :func:`redoable`) by reversing
    its undo, in one transaction, audited as a ``redo`` operation that can itself be undone.

    Refused (:class:`UndoError`) when another operation changed one of its cells since the undo.
    """
    result: RedoResult | None = None
    try:
        with transaction(engine) as session:
            log = _Log(session)
            target = session.get(Operation, operation_id) if operation_id is not None else redoable(session)
            if target is None:
                raise UndoError("nothing to redo" if operation_id is None else f"there is no operation {operation_id}")
            chain = log.chain(target)
            root, step = chain[0], chain[-1]
            if in_effect(chain):
                raise UndoError(
                    f"operation {root.id} ({root.summary}) is not undone; nothing to redo"
                    if len(chain) == 1
                    else f"operation {root.id} ({root.summary}) was already redone by operation {step.id}"
                )
            op, entries = _apply(
                log, "redo", root, chain, actor, "redo", f"redo {root.id} ({root.kind}): {root.summary}"
            )
            codes = sorted({e.project_code for e in entries if e.project_code}, key=_code_key)
            assert root.id is not None and step.id is not None
            result = RedoResult(
                None if dry_run else op.id, root.id, step.id, root.kind, root.summary, len(entries), codes
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    assert result is not None
    return result


def redo_last(engine: Engine, actor: str = "") -> RedoResult:
    """``tracker redo``: put back the most recently undone operation."""
    return redo(engine, actor=actor)
