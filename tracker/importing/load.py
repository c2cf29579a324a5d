"""Write a parsed plan to the database: one transaction, one audited operation, idempotent.

A plan is matched by name, a category by its ordinal, a project by its code. Re-importing the same
text changes nothing (no version bump, no audit entry); importing a corrected text updates what
changed. What the officer owns is kept: status, progress, and a district set by hand.

Nothing is removed that the user did not ask to remove: a re-import whose text lacks projects the
database holds is refused and lists them, unless ``prune`` is given; even then a project with
progress records or an annual plan is kept (the officer's records outlive a row dropped from a
corrected text). ``dry_run`` computes the whole change and rolls it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from tracker import audit
from tracker.concurrency import claim
from tracker.db import transaction
from tracker.districts import place
from tracker.errors import RefusedError
from tracker.importing.plan_text import Normalisation, ParsedPlan, parse_plan_file
from tracker.models import AnnualPlan, Category, Plan, ProgressRecord, Project
from tracker.safe_text import visible

PUBLISHED_PROJECT_FIELDS: tuple[str, ...] = (
    "seq",
    "name",
    "nature",
    "owner",
    "content",
    "note",
    "start_text",
    "finish_text",
    "start_year",
    "start_month",
    "finish_year",
    "finish_month",
    "total_investment",
    "planned_investment",
    "social_share_pct",
)
"""The project fields that come from the published text (a re-import may change these)."""

Changes = dict[str, tuple[Any, Any]]
"""Field → (old value, new value)."""


@dataclass
class Unplaced:
    code: str
    name: str
    owner: str
    reason: str


@dataclass(frozen=True)
class ProjectRef:
    """A project named in a report: its code and name."""

    code: str
    name: str


@dataclass(frozen=True)
class Kept:
    """A project the text no longer lists that stays because the officer's records hang on it."""

    code: str
    name: str
    reason: str


class RemovalRefusedError(RefusedError):
    """The import would remove projects and ``prune`` was not given; nothing was written."""

    def __init__(self, path: str, plan_name: str, projects: list[ProjectRef]) -> None:
        self.path, self.plan_name, self.projects = path, plan_name, projects
        listed = "\n".join(f"  {p.code} {visible(p.name, single_line=True)}" for p in projects)
        super().__init__(
            f"{path}: the import would remove {len(projects)} project(s) of {visible(plan_name, single_line=True)} "
            f"that the file does not list; nothing was written. Pass --prune to remove them "
            f"(--dry-run shows the whole change):\n{listed}"
        )


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do), for the import report."""

    path: str
    plan_name: str
    projects: int
    categories: int
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    normalisations: list[Normalisation] = field(default_factory=list)
    operation_id: int | None = None
    changes: dict[str, Changes] = field(default_factory=dict)
    """Each updated project's changed fields, old → new."""
    plan_changes: Changes = field(default_factory=dict)
    category_changes: dict[int, Changes] = field(default_factory=dict)
    """Category ordinal → changed fields (a new category: every field from None)."""
    names: dict[str, str] = field(default_factory=dict)
    """Code → name of every created, updated or removed project (for the report)."""
    would_remove: list[ProjectRef] = field(default_factory=list)
    """Projects the import would remove but, without ``prune``, does not (a dry run reports them)."""
    kept: list[Kept] = field(default_factory=list)
    plan_created: bool = False
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def _diff(row: Any, values: dict[str, Any]) -> Changes:
    """The fields of ``row`` that differ from ``values``, old → new."""
    return {name: (getattr(row, name), value) for name, value in values.items() if getattr(row, name) != value}


def _apply(row: Any, changes: Changes) -> None:
    for name, (_, new) in changes.items():
        setattr(row, name, new)


def _plan_values(parsed: ParsedPlan) -> dict[str, Any]:
    return {
        "region": parsed.region,
        "period_start": parsed.period_start,
        "period_end": parsed.period_end,
        "published_count": parsed.published_count,
        "published_total": parsed.published_total,
        "published_planned": parsed.published_planned,
        "source_document": parsed.source_document,
        "source_first_line": parsed.first_line,
        "source_last_line": parsed.last_line,
        "published_line": parsed.published_line,
    }


def keep_reason(session: Session, project: Project) -> str | None:
    """Why ``project`` must not be removed by an import (its progress records or annual plans), or None."""
    records = session.exec(
        select(func.count()).select_from(ProgressRecord).where(ProgressRecord.project_id == project.id)
    ).one()
    plans = session.exec(select(func.count()).select_from(AnnualPlan).where(AnnualPlan.project_id == project.id)).one()
    reasons = [f"{records} progress record(s)" if records else "", f"{plans} annual plan(s)" if plans else ""]
    shown = " and ".join(r for r in reasons if r)
    return f"has {shown}" if shown else None


def load_plan(
    engine: Engine,
    parsed: ParsedPlan,
    path: str,
    actor: str = "",
    *,
    prune: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Write ``parsed`` in one transaction; on any error, or with ``dry_run``, nothing is written.

    Projects of the plan that ``parsed`` does not list are removed only with ``prune``; without it
    the import is refused (:class:`RemovalRefusedError`), or with ``dry_run`` they are reported in
    ``would_remove``.
    """
    result = ImportResult(
        path=path,
        plan_name=parsed.name,
        projects=len(parsed.projects),
        categories=len(parsed.categories),
        normalisations=list(parsed.normalisations),
        dry_run=dry_run,
    )
    with transaction(engine, commit=not dry_run) as session:
        op = audit.begin(session, "import-plan", f"import {Path(path).name}: {parsed.name}", actor)
        plan = _load_plan_row(session, op, parsed, result)
        categories = _load_categories(session, op, plan, parsed, result)
        seen = _load_projects(session, op, plan, categories, parsed, result)
        _remove_missing(session, op, plan, seen, result, prune=prune, dry_run=dry_run)
        if dry_run:
            return result  # the transaction is rolled back: no row, no operation, no audit entry
        if not (result.changed or result.plan_created or result.plan_changes or result.category_changes):
            session.delete(op)  # nothing happened: an unchanged re-import leaves no trace
            session.flush()
        else:
            result.operation_id = op.id
    return result


def _load_plan_row(session: Session, op: Any, parsed: ParsedPlan, result: ImportResult) -> Plan:
    plan = session.exec(select(Plan).where(Plan.name == parsed.name)).first()
    if plan is None:
        plan = Plan(name=parsed.name, **_plan_values(parsed))
        session.add(plan)
        audit.log_insert(session, op, plan)
        result.plan_created = True
    else:
        before = audit.snapshot(plan)
        result.plan_changes = _diff(plan, _plan_values(parsed))
        if result.plan_changes:
            _apply(plan, result.plan_changes)
            audit.log_update(session, op, plan, before)
    assert plan.id is not None
    return plan


def _load_categories(
    session: Session, op: Any, plan: Plan, parsed: ParsedPlan, result: ImportResult
) -> dict[int, Category]:
    categories: dict[int, Category] = {
        c.ordinal: c for c in session.exec(select(Category).where(Category.plan_id == plan.id))
    }
    for pc in parsed.categories:
        values = {
            "name": pc.name,
            "published_count": pc.published_count,
            "published_total": pc.published_total,
            "published_planned": pc.published_planned,
            "source_line": pc.line,
        }
        category = categories.get(pc.ordinal)
        if category is None:
            category = Category(plan_id=plan.id, ordinal=pc.ordinal, **values)
            session.add(category)
            audit.log_insert(session, op, category)
            categories[pc.ordinal] = category
            if not result.plan_created:
                result.category_changes[pc.ordinal] = {k: (None, v) for k, v in values.items()}
            continue
        before = audit.snapshot(category)
        changes = _diff(category, values)
        if changes:
            _apply(category, changes)
            audit.log_update(session, op, category, before)
            result.category_changes[pc.ordinal] = changes
    return categories


def _load_projects(
    session: Session, op: Any, plan: Plan, categories: dict[int, Category], parsed: ParsedPlan, result: ImportResult
) -> set[str]:
    """Create and update the projects the text lists; return their codes."""
    existing: dict[str, Project] = {p.code: p for p in session.exec(select(Project).where(Project.plan_id == plan.id))}
    seen: set[str] = set()
    for pp in parsed.projects:
        seen.add(pp.code)
        values = {name: getattr(pp, name) for name in PUBLISHED_PROJECT_FIELDS if hasattr(pp, name)}
        values |= {"source_first_line": pp.first_line, "source_last_line": pp.last_line}
        values["category_id"] = categories[pp.category_ordinal].id
        placement = place(pp.owner, pp.name)
        project = existing.get(pp.code)
        if project is None or project.district_source != "user":
            values["district"] = placement.district
            values["district_source"] = "gazetteer" if placement.district else None
        if placement.district is None and (project is None or project.district_source != "user"):
            result.unplaced.append(Unplaced(pp.code, pp.name, pp.owner, placement.reason))
        if project is None:
            project = Project(plan_id=plan.id, code=pp.code, **values)
            session.add(project)
            audit.log_insert(session, op, project, pp.code)
            result.created.append(pp.code)
            result.names[pp.code] = pp.name
            continue
        before = audit.snapshot(project)
        changes = _diff(project, values)
        if changes:
            _apply(project, changes)
            claim(session, project, before["version"])
            audit.log_update(session, op, project, before, pp.code)
            result.updated.append(pp.code)
            result.changes[pp.code] = changes
            result.names[pp.code] = pp.name
        else:
            result.unchanged += 1
    return seen


def _remove_missing(
    session: Session, op: Any, plan: Plan, seen: set[str], result: ImportResult, *, prune: bool, dry_run: bool
) -> None:
    """Projects of the plan that the text no longer lists: kept, refused, reported or removed."""
    missing = [
        p
        for p in session.exec(select(Project).where(Project.plan_id == plan.id).order_by(Project.id))
        if p.code not in seen
    ]
    removable: list[Project] = []
    for project in missing:
        reason = keep_reason(session, project)
        if reason is not None:
            result.kept.append(Kept(project.code, project.name, reason))
        else:
            removable.append(project)
    if not removable:
        return
    if not prune:
        refs = [ProjectRef(p.code, p.name) for p in removable]
        if not dry_run:
            raise RemovalRefusedError(result.path, result.plan_name, refs)
        result.would_remove = refs
        return
    for project in removable:
        audit.log_delete(session, op, project, project.code)
        session.delete(project)
        result.removed.append(project.code)
        result.names[project.code] = project.name
    session.flush()


def import_plan_file(
    engine: Engine,
    path: Path,
    actor: str = "",
    *,
    name: str | None = None,
    prune: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Parse then load one plan text file (``name`` names a plan whose table has no title)."""
    parsed = parse_plan_file(path, name=name)
    return load_plan(engine, parsed, str(path), actor, prune=prune, dry_run=dry_run)
