"""Schema migrations: the scripts build exactly the models' schema, on SQLite and PostgreSQL, and a
database made before migrations existed is adopted in place."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, text
from sqlmodel import SQLModel, select

from tests.conftest import CliRun
from tracker.db import create_schema, make_engine, open_existing, reading
from tracker.migrations import HEAD, HERE, _config, current_revision
from tracker.models import Project


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), SQLModel.metadata))
    finally:
        engine.dispose()


def test_head_constant_is_the_newest_script() -> None:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_migrations_build_the_models_schema_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    engine = make_engine(url)
    create_schema(engine)
    assert current_revision(engine) == HEAD
    engine.dispose()
    assert _differences(url) == []


def test_migrations_build_the_models_schema_on_postgres(pg_url: str) -> None:
    engine = make_engine(pg_url)
    assert current_revision(engine) == HEAD
    engine.dispose()
    assert _differences(pg_url) == []


def test_init_records_the_revision(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current_revision(engine) == HEAD
    engine.dispose()


def test_a_database_from_before_migrations_is_adopted(tmp_path: Path, db_path: Path, cli: CliRun) -> None:
    """A file made by create_all (no alembic_version) opens, is stamped, and keeps its data."""
    engine = make_engine(f"sqlite:///{db_path}")
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    assert current_revision(engine) is None
    engine.dispose()
    engine = open_existing(f"sqlite:///{db_path}")
    assert current_revision(engine) == HEAD
    with reading(engine) as s:
        assert s.exec(select(func.count(Project.id))).one() == 87
    engine.dispose()
    assert cli("check", "--format", "json").exit_code == 1  # the six published-total findings, as before


def test_upgrade_is_idempotent(db_url: str) -> None:
    from alembic import command

    eng = make_engine(db_url)
    with eng.begin() as connection:
        command.upgrade(_config(connection), "head")
    assert current_revision(eng) == HEAD
    eng.dispose()


def test_init_force_starts_over(cli: CliRun, db_url: str) -> None:
    assert cli("edit", "4-11", "district=湘潭县").exit_code == 0
    assert cli("init", "--force").exit_code == 0
    engine = make_engine(db_url)
    assert current_revision(engine) == HEAD
    with reading(engine) as s:
        assert s.exec(select(Project.district).where(Project.code == "4-11")).one() is None
    engine.dispose()
