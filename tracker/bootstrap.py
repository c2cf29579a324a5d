"""Create a tracker database and fill it from the bundled plan: what ``tracker init`` and the first
run of ``tracker`` do; and ``tracker import-plan``, which may create the database too. Never destroys
data unless asked to (``force``), and never leaves a half-made database file behind: a command that
fails after creating the SQLite file removes it again (:func:`tracker.db.new_database_file`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from tracker.db import (
    DEFAULT_FILE_MODE,
    create_schema,
    drop_schema,
    has_schema,
    make_engine,
    new_database_file,
    open_existing,
    reading,
    sqlite_path,
)
from tracker.importing.load import ImportResult, import_plan_file, load_plan
from tracker.importing.plan_text import ParsedPlan, parse_plan_file
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


def init_database(url: str, *, force: bool = False, actor: str = "", file_mode: int = DEFAULT_FILE_MODE) -> InitResult:
    """Create the tables and load the bundled plan, unless projects are already there.

    With ``force`` every tracker table is dropped first (progress and history included). A new
    SQLite file gets ``file_mode``; if anything fails, the new file is removed again.
    """
    with new_database_file(url, file_mode):
        engine = make_engine(url)
        try:
            if has_projects(engine) and not force:
                return InitResult(engine, False, None)
            if force:
                drop_schema(engine)
            create_schema(engine)
            result = import_plan_file(engine, bundled_plan(), actor)
        except BaseException:
            engine.dispose()
            raise
        return InitResult(engine, True, result)


def import_plan_into(
    url: str,
    path: Path,
    *,
    actor: str = "",
    name: str | None = None,
    prune: bool = False,
    dry_run: bool = False,
    file_mode: int = DEFAULT_FILE_MODE,
) -> ImportResult:
    """``tracker import-plan``: parse ``path`` first (a bad file never touches the database), then load
    it into the database at ``url``, creating it when it does not exist.

    A dry run writes nothing, not even a new database file: against a database that does not exist
    yet (or holds no tracker tables) it is computed in an in-memory database.
    """
    parsed = parse_plan_file(path, name=name)
    if dry_run:
        return _dry_run(url, parsed, path, actor, prune)
    with new_database_file(url, file_mode):
        engine = make_engine(url)
        try:
            create_schema(engine)
            return load_plan(engine, parsed, str(path), actor, prune=prune)
        finally:
            engine.dispose()


def _dry_run(url: str, parsed: ParsedPlan, path: Path, actor: str, prune: bool) -> ImportResult:
    file = sqlite_path(url)
    engine: Engine | None = None
    if file is None or file.exists():
        engine = make_engine(url)
        if has_schema(engine):
            engine.dispose()
            engine = open_existing(url)
        else:
            engine.dispose()
            engine = None
    if engine is None:  # nothing there yet: everything would be created
        engine = make_engine("sqlite://")
        create_schema(engine)
    try:
        return load_plan(engine, parsed, str(path), actor, prune=prune, dry_run=True)
    finally:
        engine.dispose()
