"""Shared fixtures: a fresh copy of the bundled portfolio for every test, and a CLI runner.

The portfolio is imported once per session into a template SQLite file; each test gets its own
copy, so tests are independent and the suite stays fast.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy.engine import Engine
from typer.testing import CliRunner, Result

from tracker.bootstrap import init_database
from tracker.db import make_engine
from tracker.paths import bundled_plan, data_dir

CliRun = Callable[..., Result]

settings.register_profile("slow", max_examples=5_000, deadline=None)
"""``make test-slow`` (``pytest --hypothesis-profile=slow``, or ``HYPOTHESIS_PROFILE=slow``): property tests
run thousands of examples instead of hundreds."""
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


@pytest.fixture(autouse=True)
def private_preferences(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test has its own interface-preferences file (tracker.preferences): no test reads or writes
    the real ~/.config/tracker/interface.toml, and no test sees another's choices."""
    path = tmp_path_factory.mktemp("preferences") / "interface.toml"
    monkeypatch.setenv("TRACKER_PREFERENCES", str(path))
    return path


@pytest.fixture(autouse=True)
def english_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's messages in English whatever the machine's locale (``LANG=zh_CN.UTF-8`` would make
    them Chinese: docs/languages.md), so the tests' expected texts hold everywhere; the tests of the
    Chinese CLI set their own environment."""
    monkeypatch.setenv("TRACKER_LANGUAGE", "en")


@pytest.fixture(scope="session")
def plan_path() -> Path:
    """The bundled published plan (a copy of the Xiangtan plan text, annex 1 at lines 862–2918)."""
    return bundled_plan()


@pytest.fixture(scope="session")
def data_path() -> Path:
    return data_dir()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "tracker.db"
    engine = init_database(f"sqlite:///{path}").engine
    engine.dispose()
    return path


@pytest.fixture
def db_path(tmp_path: Path, template_db: Path) -> Path:
    """A private copy of the freshly initialised portfolio (87 projects, no progress)."""
    target = tmp_path / "tracker.db"
    shutil.copyfile(template_db, target)
    return target


@pytest.fixture
def db_url(db_path: Path) -> str:
    return f"sqlite:///{db_path}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


PG_TEMPLATE = "tracker_template"
"""The PostgreSQL database the plan is imported into once per session; every test copies it."""


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A private PostgreSQL server for the session, with the freshly imported plan in :data:`PG_TEMPLATE`.

    Fails (never skips) when PostgreSQL is missing: ``make test`` installs it.
    """
    from tests.pgserver import create_database, postgres_server

    with postgres_server() as url:
        template = create_database(url, PG_TEMPLATE)
        init_database(template).engine.dispose()
        yield url


_pg_numbers = itertools.count(1)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A PostgreSQL database of this test's own, a copy of the imported plan (87 projects, no progress),
    dropped afterwards: like ``db_path`` for SQLite, so no test depends on another or on their order."""
    from tests.pgserver import create_database, drop_database

    name = f"t{next(_pg_numbers)}"
    url = create_database(pg_server, name, PG_TEMPLATE)
    yield url
    drop_database(pg_server, name)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder with no tracker.toml and no TRACKER_* variables."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for name in ("TRACKER_DB", "TRACKER_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return folder


PINNED_AS_OF = date(2023, 7, 31)
"""The date CLI tests that record or judge progress run at: after every month they record (2022-11 to
2023-07), so they give the same result on any day the suite runs."""


@pytest.fixture
def pinned_as_of(workdir: Path) -> date:
    """Pin the CLI's as-of date with ``general.as_of`` in the working folder's tracker.toml.

    Without it ``progress`` refuses months after *today*, and ``warnings``, ``rollup``, ``check`` and
    ``+tags`` judge at today: a test calling them without ``--as-of`` would pass or fail by the calendar.
    To see that no test does, run the suite with the clock moved (``apt-get install faketime``)::

        LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 FAKETIME="@2022-01-01 00:00:00" \
            .venv/bin/python -m pytest -q

    (and again at 2031-01-01): the results must be the same as today's.
    """
    (workdir / "tracker.toml").write_text(f'[general]\nas_of = "{PINNED_AS_OF.isoformat()}"\n', encoding="utf-8")
    return PINNED_AS_OF


def run_main(argv: list[str], input: str | None = None) -> Result:
    """Run what the console script runs (:func:`tracker.cli.app.main`, the error boundary included)
    with captured streams, so an internal error is exit 3 and a message, as a user would see it."""
    import sys

    from tracker.cli.app import main

    runner = CliRunner()
    exit_code, exception = 0, None
    with runner.isolation(input=input) as (out, err, both):
        try:
            main(argv)
        except SystemExit as exc:
            exit_code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            exception = exc if exit_code else None
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr, output = out.getvalue(), err.getvalue(), both.getvalue()
    return Result(
        runner=runner,
        stdout_bytes=stdout,
        stderr_bytes=stderr,
        output_bytes=output,
        return_value=None,
        exit_code=exit_code,
        exception=exception,
        exc_info=None,
    )


@pytest.fixture
def cli(db_path: Path, workdir: Path) -> CliRun:
    """``cli("list", "--format", "json")`` runs tracker on the test database, like the shell would."""

    def run(*args: str, input: str | None = None, db: str | None = None) -> Result:
        return run_main(["--db", db or str(db_path), *args], input=input)

    return run
