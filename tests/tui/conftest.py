"""Fixtures for the TUI tests: an app on a private copy of the 87-project database, a tracker.toml
of its own in an empty folder, a fixed as-of date, and a way to drive it with Textual's Pilot.

Pilot tests are plain functions that run their coroutine with :func:`asyncio.run`, so no async
pytest plugin is needed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.widgets import DataTable

from tracker.config import load
from tracker.tui.app import TrackerApp

AS_OF = date(2023, 6, 30)
"""The monthly report date every TUI test runs at."""

SIZE = (160, 45)
"""The terminal size of every TUI test (and of the snapshots)."""

CONFIG_TEXT = """\
[general]
reporter = "测试员"

[warnings]
stale_days = 60

[views]
kids = "category:儿童"
"""

MakeApp = Callable[..., TrackerApp]


@pytest.fixture
def config_path(workdir: Path) -> Path:
    path = workdir / "tracker.toml"
    path.write_text(CONFIG_TEXT, encoding="utf-8")
    return path


@pytest.fixture
def make_app(engine: Engine, config_path: Path) -> MakeApp:
    def make(language: str | None = "zh", as_of: date = AS_OF) -> TrackerApp:
        return TrackerApp(engine, load(config_path), as_of, "测试员", language=language)

    return make


def drive(app: TrackerApp, body: Callable[[Pilot[Any]], Awaitable[None]], size: tuple[int, int] = SIZE) -> None:
    """Run ``app`` headless and hand its pilot to ``body``."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await body(pilot)

    asyncio.run(main())


async def settle(pilot: Pilot[Any], tries: int = 400) -> None:
    """Let the app finish what it is doing: every worker done (the screens read in worker threads)
    and every message they posted handled."""
    from textual.worker import WorkerState

    def quiet() -> bool:
        if any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in pilot.app.workers):
            return False
        screen = pilot.app.screen
        # A screen just switched to may not have started its read yet (its mount is still queued):
        # it is settled once it has drawn itself once and no read of it is pending.
        if hasattr(screen, "pending") and (getattr(screen, "_language", "") is None or screen.pending is not None):
            return False
        return True

    for _ in range(tries):
        await pilot.pause()
        if quiet():
            await pilot.pause()
            if quiet():
                return
        await pilot.pause(0.01)
    raise AssertionError("the app did not settle")


async def until(pilot: Pilot[Any], condition: Callable[[], bool], tries: int = 400) -> None:
    """Let the app run until ``condition`` holds (a live filter waits for its debounce)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


def plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def column(table: DataTable[Any], key: str) -> list[str]:
    """The text of one column, top to bottom."""
    return [plain(cell) for cell in table.get_column(key)]


def row_keys(table: DataTable[Any]) -> list[str]:
    """The rows' keys; for a table of projects (keyed by id) their codes, in the table's order."""
    from tracker.tui.widgets.project_table import ProjectTable

    keys = [row.key.value or "" for row in table.ordered_rows]
    if isinstance(table, ProjectTable):
        return [table.codes[int(key)] for key in keys]
    return keys


def project_id(pilot: Pilot[Any], code: str) -> int:
    """The id of the project with ``code`` (in the one plan of the 87-project database)."""
    from sqlmodel import select

    from tracker.db import reading
    from tracker.models import Project

    with reading(pilot.app.engine) as session:  # type: ignore[attr-defined]
        (found,) = session.exec(select(Project.id).where(Project.code == code)).all()
    assert found is not None
    return found


def key_of(table: DataTable[Any], code: str) -> str:
    """The row key (project id) of the only loaded row showing ``code``."""
    from tracker.tui.widgets.project_table import ProjectTable

    assert isinstance(table, ProjectTable)
    found = [str(project_id) for project_id, shown in table.codes.items() if shown == code]
    assert len(found) == 1, found
    return found[0]


def static_text(widget: Any) -> str:
    """The plain text a Static shows, whatever it was given (a str, a Rich Text or a Rich Table)."""
    import io

    from rich.console import Console

    content = widget.content
    if isinstance(content, str):
        return content
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(content)
    return console.export_text()
