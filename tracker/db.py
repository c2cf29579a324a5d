"""The one place that knows which database is behind ``tracker``.

It turns ``--db`` / ``$TRACKER_DB`` / ``tracker.toml`` into an SQLAlchemy URL, creates the engine,
and sets SQLite up for a desk application shared with cron jobs: WAL (readers never block the
writer), foreign keys on, and a busy timeout instead of an immediate "database is locked". No
other module may be SQLite-aware; a ``postgresql+psycopg://`` URL works with no other change.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlmodel import Session, SQLModel, create_engine

from tracker import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from tracker.errors import TrackerError

DB_ENV = "TRACKER_DB"
BUSY_TIMEOUT_MS = 5000
DEFAULT_FILE_MODE = 0o600
"""A new SQLite file is readable by its owner only unless ``database.file_mode`` says otherwise."""
SIDE_FILES = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database; a database file removed on failure takes them along."""


class DatabaseError(TrackerError, RuntimeError):
    """The database cannot be opened or is not a tracker database."""


def resolve_url(explicit: str | None, configured: str, base_dir: Path) -> str:
    """``--db`` beats ``$TRACKER_DB`` beats ``tracker.toml``; a plain path means an SQLite file.

    A relative path is taken relative to ``base_dir`` (the configuration file's folder), so the
    same ``tracker.toml`` finds the same database from any working directory.
    """
    chosen = explicit or os.environ.get(DB_ENV) or configured
    if "://" in chosen:
        return chosen
    path = Path(chosen).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    return f"sqlite:///{path}"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path | None:
    """The file behind an SQLite URL (None for memory or another backend)."""
    if not is_sqlite(url):
        return None
    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def database_files(path: Path) -> list[Path]:
    """The database file and the -wal/-shm/-journal files SQLite may have made beside it."""
    return [path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)]


def _create_file(path: Path, file_mode: int) -> bool:
    """Create the empty database file with ``file_mode`` before SQLite opens it; False if it already exists.

    ``O_CREAT | O_EXCL`` so that a file made in between by another process is never taken over, and
    ``fchmod`` so that the mode is what was asked for whatever the umask.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, file_mode)
    except FileExistsError:
        return False
    except FileNotFoundError as exc:
        raise DatabaseError(f"{path.parent}: folder does not exist") from exc
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot create the database: {exc.strerror or exc}") from exc
    try:
        os.fchmod(fd, file_mode)
    finally:
        os.close(fd)
    return True


@contextmanager
def new_database_file(url: str, file_mode: int = DEFAULT_FILE_MODE, *, keep: bool = True) -> Iterator[bool]:
    """Around a command that may create the SQLite file behind ``url``: nothing half-made is left.

    When the file does not exist it is created here (mode ``file_mode``); if the block then fails —
    or finishes with ``keep`` false — the new file and its -wal/-shm/-journal are removed again, so a
    failed ``init`` or ``import-plan`` leaves no empty database behind. Yields whether the file is
    new. An existing file, an in-memory database or another backend (PostgreSQL) is left alone.
    Callers dispose of their engine before leaving the block on failure.
    """
    path = sqlite_path(url)
    if path is None or path.exists() or not _create_file(path, file_mode):
        yield False
        return
    try:
        yield True
    except BaseException:
        _remove(path)
        raise
    if not keep:
        _remove(path)


def _remove(path: Path) -> None:
    for file in database_files(path):
        try:
            file.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - best effort: the original error is what the user must see
            pass


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets its pragmas on every new connection."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"{url!r} is not a database path or URL") from exc
    kwargs: dict[str, Any] = {}
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None and not path.parent.exists():
            raise DatabaseError(f"{path.parent}: folder does not exist")
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (ImportError, SQLAlchemyError) as exc:
        raise DatabaseError(f"cannot open {parsed.render_as_string(hide_password=True)}: {exc}") from exc
    if is_sqlite(url):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def create_schema(engine: Engine) -> None:
    """Create the tables, or upgrade older ones, by running the migrations to the newest (idempotent)."""
    from tracker.migrations import upgrade

    try:
        upgrade(engine)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot create or upgrade the tables: {exc}") from exc


def drop_schema(engine: Engine) -> None:
    """Drop every tracker table and the migration record (``tracker init --force``)."""
    try:
        SQLModel.metadata.drop_all(engine)
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot drop the tables: {exc}") from exc


def has_schema(engine: Engine) -> bool:
    """Whether the database holds tracker's tables (an empty or foreign file does not)."""
    try:
        names = set(inspect(engine).get_table_names())
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot read the database: {exc.__class__.__name__}: {exc}") from exc
    return {"plan", "category", "project"} <= names


def open_existing(url: str) -> Engine:
    """An engine on a database that must already exist and hold tracker's tables.

    For read-only commands (``check``, ``list``, ``export``): a missing file is an error, not a
    new empty database created as a side effect.
    """
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseError(f"{path}: no such database (run `tracker init` first)")
    engine = make_engine(url)
    if not has_schema(engine):
        raise DatabaseError(f"{make_url(url).render_as_string(hide_password=True)}: not a tracker database")
    from tracker.migrations import ensure_current

    try:
        ensure_current(engine)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot upgrade the database to this version of tracker: {exc}") from exc
    return engine


@contextmanager
def transaction(engine: Engine, *, commit: bool = True) -> Iterator[Session]:
    """A session whose work is committed as a whole at the end, or not at all on any error.

    With ``commit=False`` (a dry run) the work is rolled back at the end too: the caller sees what
    would change, the database does not.
    """
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            if commit:
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session for reads; nothing it does is committed."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
