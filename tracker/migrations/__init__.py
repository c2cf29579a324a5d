"""Schema migrations (Alembic): every tracker database is brought to :data:`HEAD` when opened.

Why migrations rather than ``create_all``: officers keep one database for years and several offices
may share one on PostgreSQL; a new release that adds a column must upgrade their data in place.
:func:`ensure_current` reads the recorded revision with one query and imports Alembic only when an
upgrade is due, so everyday commands pay nothing for it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

HEAD = "0005"
"""The newest revision in ``versions/``; a test keeps it in step with the scripts."""

BASELINE = "0001"
"""The schema that databases made before migrations existed (by ``create_all``) already have."""

HERE = Path(__file__).resolve().parent


def _config(connection: Connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, or None when it has none."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the database to :data:`HEAD` (creating every table in an empty one)."""
    from alembic import command

    with engine.begin() as connection:
        names = set(inspect(connection).get_table_names())
        config = _config(connection)
        if "alembic_version" not in names and {"plan", "project"} <= names:
            command.stamp(config, BASELINE)  # made by create_all before migrations: it is the baseline
        command.upgrade(config, "head")


def ensure_current(engine: Engine) -> None:
    """Upgrade only when the recorded revision is not :data:`HEAD` (one cheap query otherwise)."""
    try:
        if current_revision(engine) == HEAD:
            return
    except SQLAlchemyError:
        pass
    upgrade(engine)
