"""Write a parsed plan to the database: one transaction, one audited operation, idempotent.

A plan is matched by name, a category by its ordinal, a project by its code. Re-importing the same
text changes nothing (no version bump, no audit entry); importing a corrected text updates what
changed. What the officer owns is kept: status, progress, and a district set by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from tracker import audit
from tracker.concurrency import claim
from tracker.db import transaction
from tracker.districts import place
from tracker.importing.plan_text import Normalisation, ParsedPlan, parse_plan_file
from tracker.models import Category, Plan, ProgressRecord, Project

PUBLISHED_PROJECT_FIELDS: tuple[str, ...] = (
    "seq", "name", "nature", "owner", "content", "note", "start_text", "finish_text", "start_year",
    "start_month", "finish_year", "finish_month", "total_investment", "planned_investment",
    "social_share_pct",
)
"""The project fields that come from the published text (a re-import may change these)."""


@dataclass
class Unplaced:
    code: str
    name: str
    owner: str
    reason: str


@dataclass
class ImportResult:
    """What an import did, for the import report."""

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

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def _assign(row: Any, values: dict[str, Any]) -> bool:
    """Set the fields that differ; return whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


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


def load_plan(engine: Engine, parsed: ParsedPlan, path: str, actor: str = "") -> ImportResult:
    """Write ``parsed`` in one transaction; on any error nothing is written."""
    result = ImportResult(
        path=path,
        plan_name=parsed.name,
        projects=len(parsed.projects),
        categories=len(parsed.categories),
        normalisations=list(parsed.normalisations),
    )
    with transaction(engine) as session:
        op = audit.begin(session, "import-plan", f"import {Path(path).name}: {parsed.name}", actor)
        plan = session.exec(select(Plan).where(Plan.name == parsed.name)).first()
        plan_changed = True
        if plan is None:
            plan = Plan(name=parsed.name, **_plan_values(parsed))
            session.add(plan)
            audit.log_insert(session, op, plan)
        else:
            before = audit.snapshot(plan)
            plan_changed = _assign(plan, _plan_values(parsed))
            if plan_changed:
                audit.log_update(session, op, plan, before)
        assert plan.id is not None

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
            else:
                before = audit.snapshot(category)
                if _assign(category, values):
                    audit.log_update(session, op, category, before)

        existing: dict[str, Project] = {
            p.code: p for p in session.exec(select(Project).where(Project.plan_id == plan.id))
        }
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
                continue
            before = audit.snapshot(project)
            if _assign(project, values):
                claim(session, project, before["version"])
                audit.log_update(session, op, project, before, pp.code)
                result.updated.append(pp.code)
            else:
                result.unchanged += 1

        for code, project in existing.items():
            if code in seen:
                continue
            has_progress = session.exec(select(ProgressRecord.id).where(ProgressRecord.project_id == project.id)).first()
            if has_progress is not None:
                continue  # the officer's records outlive a row dropped from a corrected text
            audit.log_delete(session, op, project, code)
            session.delete(project)
            result.removed.append(code)

        if not (result.changed or plan_changed):
            session.delete(op)  # nothing happened: an unchanged re-import leaves no trace
            session.flush()
        else:
            result.operation_id = op.id
    return result


def import_plan_file(engine: Engine, path: Path, actor: str = "") -> ImportResult:
    """Parse then load one plan text file."""
    parsed = parse_plan_file(path)
    return load_plan(engine, parsed, str(path), actor)
