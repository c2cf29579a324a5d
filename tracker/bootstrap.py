"""Create a tracker database and fill it from the bundled plan: what ``tracker init`` and the first
run of ``tracker`` do. Never destroys data unless asked to (``force``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import select

from tracker.db import create_schema, drop_schema, has_schema, make_engine, reading
from tracker.importing.load import ImportResult, import_plan_file
from tracker.models import Project
from tracker.paths import bundled_plan


@dataclass
class InitResult:
    engine: Engine
    created: bool
    """False when the database already held projects and was left as it was."""
    import_result: ImportResult | None


def has_projects(engine: Engine) -> bool:
    if not has_schema(engine):
        return False
    with reading(engine) as session:
        return session.exec(select(Project.id).limit(1)).first() is not None


def init_database(url: str, *, force: bool = False, actor: str = "") -> InitResult:
    """Create the tables and load the bundled plan, unless projects are already there.

    With ``force`` every tracker table is dropped first (progress and history included).
    """
    engine = make_engine(url)
    if has_projects(engine) and not force:
        return InitResult(engine, False, None)
    if force:
        drop_schema(engine)
    create_schema(engine)
    result = import_plan_file(engine, bundled_plan(), actor)
    return InitResult(engine, True, result)
