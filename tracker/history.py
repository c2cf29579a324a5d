"""Read the audit log (``tracker history``) and reverse an operation as a whole (``tracker undo``).

Every change in tracker is an :class:`~tracker.models.Operation` with one
:class:`~tracker.models.AuditEntry` per row it inserted, updated or deleted (see :mod:`tracker.audit`).
Undo replays an operation's entries backwards in one transaction: an inserted row is deleted, an
updated row gets its old values back, a deleted row is put back under its old id. The undo is itself
an operation (kind ``undo``, ``undoes_id`` → the target, whose ``undone_by_id`` → the undo), so the log
stays append-only and says who undid what.

What ``undo`` picks: the latest operation that is neither undone nor itself an undo. So ``tracker undo``
twice undoes the last two changes, one after the other; there is no redo (an undo cannot be undone —
make the change again). ``undo(operation_id=N)`` targets an older operation explicitly.

When undo refuses: if a row the operation touched was changed afterwards by an operation that still
stands (not undone), or differs from what the operation left (a change outside the log), undo
refuses and names the row and the later operation — never a partial undo. Project rows are also
compare-and-set on their version (:func:`tracker.concurrency.claim`), so an edit racing the undo
makes one of the two fail rather than both half-apply. An undone project's version moves *forward*.
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
    Operation,
    Plan,
    ProgressRecord,
    Project,
    SharePct,
    WanYuan,
)

MODELS: dict[str, type[SQLModel]] = {
    model.__tablename__: model  # type: ignore[misc]
    for model in (Plan, Category, Project, ProgressRecord, AnnualPlan, Acceptance)
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


def history_query(code: str | None = None, limit: int | None = None) -> Any:
    """Operations, newest first, each with its audit entries in order (one row per entry; an operation
    without entries once, with NULL entry columns) and how many entries it has."""
    operations = select(Operation.id).order_by(col(Operation.id).desc())
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


def iter_history(session: Session, code: str | None = None, limit: int | None = None) -> Iterator[HistoryItem]:
    """The audit log, newest operation first, streamed one changed row at a time (an import's
    thousands of entries never sit in memory); ``code`` keeps one project's rows; ``limit`` counts
    operations."""
    from tracker.portfolio import stream

    for r in stream(session, history_query(code, limit)):
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


def history(session: Session, code: str | None = None, limit: int | None = None) -> list[HistoryItem]:
    """The audit log, newest operation first, as a list (small callers; the command streams
    :func:`iter_history`)."""
    return list(iter_history(session, code, limit))


def undoable(session: Session) -> Operation | None:
    """The operation ``tracker undo`` would reverse: the latest one not undone and not an undo."""
    query = (
        select(Operation)
        .where(col(Operation.undone_by_id).is_(None), col(Operation.undoes_id).is_(None))
        .order_by(col(Operation.id).desc())
        .limit(1)
    )
    return session.exec(query).first()


def _label(entry: AuditEntry) -> str:
    return (
        f"project {entry.project_code}"
        if entry.table_name == "project" and entry.project_code
        else (
            f"{entry.table_name} #{entry.row_id}" + (f" of project {entry.project_code}" if entry.project_code else "")
        )
    )


def _check_no_later_change(session: Session, target: Operation, entries: list[AuditEntry]) -> None:
    """Refuse when a later operation that still stands touched one of the target's rows.

    A later operation that was undone, and the undo of a later operation, cancel out; an undo of an
    *earlier* operation done after the target is a real later change.
    """
    rows_by_table: dict[str, set[int]] = {}
    for entry in entries:
        rows_by_table.setdefault(entry.table_name, set()).add(entry.row_id)
    if not rows_by_table:
        return
    touched = or_(
        *(and_(col(AuditEntry.table_name) == t, col(AuditEntry.row_id).in_(ids)) for t, ids in rows_by_table.items())
    )
    query = (
        select(AuditEntry, Operation)
        .join(Operation, col(Operation.id) == col(AuditEntry.operation_id))
        .where(col(Operation.id) > target.id, touched)
        .order_by(col(Operation.id).desc())
    )
    for entry, later in session.exec(query):
        cancelled = later.undone_by_id is not None or (
            later.undoes_id is not None and later.undoes_id > (target.id or 0)
        )
        if not cancelled:
            raise UndoError(
                f"cannot undo operation {target.id} ({target.summary}): {_label(entry)} was changed afterwards by "
                f"operation {later.id} ({later.kind}: {later.summary}); undo that first"
            )


def _differences(table: str, row: SQLModel, expected: dict[str, Any]) -> list[str]:
    skip = BOOKKEEPING.get(table, frozenset()) | TIMESTAMPS
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


def _reverse(session: Session, op: Operation, target: Operation, entry: AuditEntry) -> None:
    """Reverse one entry inside the undo's transaction, logging the reversal under ``op``."""
    model = MODELS.get(entry.table_name)
    if model is None:
        raise UndoError(
            f"cannot undo operation {target.id}: it changed table {entry.table_name!r}, which undo does not know"
        )
    row = session.get(model, entry.row_id)
    old = json.loads(entry.old_values) if entry.old_values else {}
    new = json.loads(entry.new_values) if entry.new_values else {}
    where = f"cannot undo operation {target.id} ({target.summary}): {_label(entry)}"
    if entry.action == "delete":
        if row is not None:
            raise UndoError(f"{where} cannot be put back: its id {entry.row_id} is taken again")
        restored = model(**_restore_values(entry.table_name, old))
        session.add(restored)
        audit.log_insert(session, op, restored, entry.project_code)
        return
    if row is None:
        raise UndoError(f"{where} no longer exists")
    differences = _differences(entry.table_name, row, new)
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
    for name, value in _restore_values(entry.table_name, old).items():
        setattr(row, name, value)
    if isinstance(row, Project):
        claim(session, row, row.version)
    audit.log_update(session, op, row, before, entry.project_code)


def _code_key(code: str) -> tuple[int | str, ...]:
    """``2-9`` before ``2-10``: codes sort by their numbers."""
    return tuple(int(part) if part.isdigit() else part for part in code.split("-"))


class _DryRun(Exception):
    """Raised inside the transaction to roll a rehearsed undo back."""


def undo(engine: Engine, operation_id: int | None = None, *, actor: str = "", dry_run: bool = False) -> UndoResult:
    """Reverse ``operation_id`` (default: :func:`undoable`) as a whole, in one transaction, audited.

    ``dry_run`` makes every check and reversal and then rolls it all back.
    """
    result: UndoResult | None = None
    try:
        with transaction(engine) as session:
            target = session.get(Operation, operation_id) if operation_id is not None else undoable(session)
            if target is None:
                raise UndoError("nothing to undo" if operation_id is None else f"there is no operation {operation_id}")
            if target.undone_by_id is not None:
                raise UndoError(
                    f"operation {target.id} ({target.summary}) was already undone by operation {target.undone_by_id}"
                )
            if target.kind == "generate":  # not audited row by row (tracker.generate): nothing to replay
                raise UndoError(
                    f"operation {target.id} ({target.summary}) cannot be undone: generated data is not audited "
                    "row by row; generate into a separate database to throw it away"
                )
            if target.undoes_id is not None:
                raise UndoError(
                    f"operation {target.id} is itself an undo (of operation {target.undoes_id}); there is no redo — "
                    "make the change again"
                )
            entries_query = select(AuditEntry).where(AuditEntry.operation_id == target.id)
            entries = list(session.exec(entries_query.order_by(col(AuditEntry.id).desc())))
            _check_no_later_change(session, target, entries)
            target_id = target.id
            op = audit.begin(session, "undo", f"undo {target.id} ({target.kind}): {target.summary}", actor)
            try:
                for entry in entries:
                    _reverse(session, op, target, entry)
                session.flush()
            except IntegrityError as exc:  # the session is unusable now: no attribute access below
                raise UndoError(f"cannot undo operation {target_id}: the database refused ({exc.orig})") from exc
            except ConcurrentEditError as exc:
                raise UndoError(f"cannot undo operation {target_id}: {exc}") from exc
            op.undoes_id = target.id
            target.undone_by_id = op.id
            session.flush()
            codes = sorted({e.project_code for e in entries if e.project_code}, key=_code_key)
            assert target.id is not None
            result = UndoResult(None if dry_run else op.id, target.id, target.kind, target.summary, len(entries), codes)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    assert result is not None
    return result


def undo_last(engine: Engine, actor: str = "") -> UndoResult:
    """``tracker undo``: reverse the latest operation that stands (see the module docstring)."""
    return undo(engine, actor=actor)
