"""Edit a project's fields: validated, version-checked, one transaction, one audited operation.

The CLI (``tracker edit``) and the TUI's edit form both call :func:`edit_project`, so a rule about
what a field may hold lives here once. A stale ``expected_version`` (someone else saved the project
meanwhile) refuses the whole edit with :class:`ConcurrentEditError` instead of overwriting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from tracker import audit
from tracker.bounds import BoundsError, check_text, one_newline
from tracker.concurrency import ConcurrentEditError, check_version, claim  # noqa: F401 (re-exported)
from tracker.db import transaction
from tracker.districts import validate as validate_district
from tracker.errors import FieldError, RefusedError, TrackerError
from tracker.importing.plan_text import year_span
from tracker.models import Project
from tracker.money import parse_share, parse_wan


class EditError(FieldError):
    """A value the user gave cannot be stored; ``field`` names which."""


class UnknownProjectError(RefusedError, LookupError):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"no project with code {code!r}")


def _text(required: bool, *, multiline: bool = False) -> Callable[[str], str]:
    """A text field: stripped, bounded in length, no control characters (a multi-line field keeps
    its line feeds and tabs); the caller names the field in the error."""

    def parse(value: str) -> str:
        value = value.strip()
        if required and not value:
            raise BoundsError.of("error.not_empty")
        try:
            return check_text(one_newline(value) if multiline else value, "text", multiline=multiline)
        except BoundsError as exc:
            raise exc.detail from exc  # "text: …" without its name: the caller names the field

    return parse


def _money(value: str) -> Decimal:
    amount = parse_wan(value)  # a MoneyError is a ValueError: the caller names the field
    if amount < 0:
        raise BoundsError.of("error.not_negative")
    return amount


def _share(value: str) -> Decimal | None:
    if not value.strip():
        return None
    return parse_share(value)


def _reason(error: Exception) -> str | TrackerError:
    """What a field's parser said: the TrackerError itself (so the form can say it in the interface's
    language), or the text of a plain ValueError."""
    return error if isinstance(error, TrackerError) else str(error)


def _district(value: str) -> str:
    return validate_district(_text(required=False)(value))


EDITABLE: dict[str, Callable[[str], Any]] = {
    "name": _text(required=True),
    "nature": _text(required=False),
    "owner": _text(required=False),
    "district": _district,
    "content": _text(required=False, multiline=True),
    "note": _text(required=False, multiline=True),
    "start": _text(required=True),
    "finish": _text(required=True),
    "total_investment": _money,
    "planned_investment": _money,
    "social_share_pct": _share,
}
"""Fields a user may edit and how each is read from text. ``start``/``finish`` take the published
forms (``2021``, ``2021.8``, ``2021-2023``) and set the text and the normalised year and month."""

ALIASES = {"total": "total_investment", "planned": "planned_investment", "share": "social_share_pct"}


@dataclass(frozen=True)
class EditResult:
    code: str
    version: int
    changed: dict[str, tuple[Any, Any]]
    operation_id: int | None


def parse_assignments(items: list[str]) -> dict[str, str]:
    """``["district=韶山市", "total=1200"]`` → ``{"district": "韶山市", "total_investment": "1200"}``."""
    changes: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise EditError(item, "expected FIELD=VALUE")
        field = ALIASES.get(key.strip(), key.strip())
        if field not in EDITABLE:
            raise EditError(field, f"not an editable field; choose from {', '.join(EDITABLE)}")
        changes[field] = value
    return changes


def _years_values(field: str, text: str) -> dict[str, Any]:
    """A start or finish cell: its text, and the year and month it stands for (the earliest point of a
    range for the start, the latest for the finish), read as the importer reads it."""
    try:
        _text(required=True)(text)
        first, last = year_span(text)
    except ValueError as exc:
        raise EditError(field, _reason(exc)) from exc
    year, month = first if field == "start" else last
    return {f"{field}_text": text.strip(), f"{field}_year": year, f"{field}_month": month}


def validate(changes: Mapping[str, str]) -> dict[str, Any]:
    """Turn text values into column values; every bad field is reported, not just the first."""
    values: dict[str, Any] = {}
    errors: list[EditError] = []
    for field, text in changes.items():
        try:
            if field in ("start", "finish"):
                values |= _years_values(field, text)
            else:
                values[field] = EDITABLE[field](text)
        except EditError as exc:
            errors.append(exc)
        except ValueError as exc:
            errors.append(EditError(field, _reason(exc)))
    if errors:
        raise errors[0] if len(errors) == 1 else EditError(", ".join(e.field for e in errors), "; ".join(str(e) for e in errors))
    if "start_year" in values and "finish_year" in values and values["finish_year"] < values["start_year"]:
        raise EditError("finish", RefusedError.of("error.finish_before_start"))
    return values


def edit_project(
    engine: Engine,
    code: str,
    changes: Mapping[str, str],
    *,
    expected_version: int | None = None,
    actor: str = "",
) -> EditResult:
    """Apply ``changes`` (field → text) to project ``code`` in one audited transaction.

    Setting ``district`` marks it as chosen by the user, so re-imports keep it.
    """
    values = validate(changes)
    check_text(code, "code", multiline=False)  # undecodable bytes in argv would fail inside the driver
    with transaction(engine) as session:
        project = session.exec(select(Project).where(Project.code == code)).first()
        if project is None:
            raise UnknownProjectError(code)
        check_version(project, expected_version)
        seen_version = project.version
        before = audit.snapshot(project)
        changed = {k: (getattr(project, k), v) for k, v in values.items() if getattr(project, k) != v}
        if "district" in values and project.district_source != "user":
            changed["district_source"] = (project.district_source, "user")
        if not changed:
            return EditResult(code, project.version, {}, None)
        for k, (_, new) in changed.items():
            setattr(project, k, new)
        claim(session, project, seen_version)
        op = audit.begin(session, "edit", f"edit {code}: {', '.join(changed)}", actor)
        audit.log_update(session, op, project, before, code)
        return EditResult(code, project.version, changed, op.id)
