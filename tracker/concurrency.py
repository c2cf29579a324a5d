"""Optimistic concurrency for project rows: every change raises ``Project.version`` by one, guarded.

Two officers (or the TUI and a cron import) may load the same project; whoever saves second must
not silently overwrite the first. :func:`claim` is a compare-and-set on the version column, run
inside the writer's transaction after its own changes are flushed: if another writer got there
first, no row matches and the whole transaction is rolled back with :class:`ConcurrentEditError`.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from tracker.errors import RefusedError
from tracker.models import Project, utcnow


class ConcurrentEditError(RefusedError, RuntimeError):
    """The project changed since the editor loaded it."""

    def __init__(self, code: str, expected: int, actual: int | None = None) -> None:
        self.code, self.expected, self.actual = code, expected, actual
        from tracker.messages import Phrase, english

        now = Phrase("error.conflict.version", version=actual) if actual is not None else Phrase("error.conflict.newer")
        values = {"code": code, "now": now, "expected": expected}
        super().__init__(english("error.conflict", values))
        self.localize("error.conflict", **values)


def check_version(project: Project, expected: int | None) -> None:
    """Refuse early when the caller's copy is already known to be stale."""
    if expected is not None and project.version != expected:
        raise ConcurrentEditError(project.code, expected, project.version)


def claim(session: Session, project: Project, seen_version: int) -> None:
    """Raise the version from ``seen_version`` to the next one, or fail if someone else did first.

    Call after setting the new field values on ``project`` (they are flushed here first).
    """
    session.flush()
    result = session.execute(
        update(Project)
        .where(Project.id == project.id, Project.version == seen_version)  # type: ignore[arg-type]
        .values(version=seen_version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConcurrentEditError(project.code, seen_version)
    session.refresh(project)
