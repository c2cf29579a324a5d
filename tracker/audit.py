"""The append-only audit log: every change is an :class:`~tracker.models.Operation` with one
:class:`~tracker.models.AuditEntry` per row it inserted, updated or deleted, holding the row's values
before and after as JSON. Undo replays an operation's entries backwards (``tracker undo``).

Writers call :func:`begin` once per user action and then :func:`log_insert` / :func:`log_update` /
:func:`log_delete` inside the same transaction, so the log and the data can never disagree.
"""

from __future__ import annotations

import getpass
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, SQLModel

from tracker.models import AuditEntry, Operation


def current_actor(configured: str = "") -> str:
    """Who is making the change: the configured reporter name, else the login name."""
    if configured:
        return configured
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no login name in some containers
        return "unknown"


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(row: SQLModel) -> dict[str, Any]:
    """A row's column values as JSON-safe data (money as exact decimal strings)."""
    return {column.name: _json_value(getattr(row, column.name)) for column in row.__table__.columns}  # type: ignore[attr-defined]


def begin(session: Session, kind: str, summary: str, actor: str = "") -> Operation:
    """Open an operation; its id is known at once so entries can point at it."""
    operation = Operation(kind=kind, summary=summary, actor=current_actor(actor))
    session.add(operation)
    session.flush()
    return operation


def _entry(session: Session, operation: Operation, row: SQLModel, action: str, old: dict[str, Any] | None,
           new: dict[str, Any] | None, code: str | None) -> None:
    assert operation.id is not None
    session.add(
        AuditEntry(
            operation_id=operation.id,
            table_name=row.__tablename__,  # type: ignore[arg-type]
            row_id=row.id,  # type: ignore[attr-defined]
            action=action,
            project_code=code,
            old_values=json.dumps(old, ensure_ascii=False) if old is not None else None,
            new_values=json.dumps(new, ensure_ascii=False) if new is not None else None,
        )
    )


def log_insert(session: Session, operation: Operation, row: SQLModel, code: str | None = None) -> None:
    """Record a row just added (flush first so it has an id)."""
    session.flush()
    _entry(session, operation, row, "insert", None, snapshot(row), code)


def log_update(session: Session, operation: Operation, row: SQLModel, old: dict[str, Any], code: str | None = None) -> None:
    """Record a row changed in place; ``old`` is its :func:`snapshot` from before the change."""
    session.flush()
    new = snapshot(row)
    changed_old = {k: v for k, v in old.items() if new.get(k) != v}
    changed_new = {k: new[k] for k in changed_old}
    _entry(session, operation, row, "update", changed_old, changed_new, code)


def log_delete(session: Session, operation: Operation, row: SQLModel, code: str | None = None) -> None:
    """Record a row about to be deleted (call before ``session.delete``)."""
    _entry(session, operation, row, "delete", snapshot(row), None, code)
