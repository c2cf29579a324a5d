"""Rows keyed by project id (two plans that share every code), and the reads off the UI thread: a filter
typed while a slow query runs shows the newest result and never the older one after it; a read that
fails is a notification, never a crash."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select
from textual.pilot import Pilot

from tests.conftest import CliRun
from tests.tui.conftest import MakeApp, drive, row_keys, settle, until
from tracker.db import reading, transaction
from tracker.models import Plan, Project
from tracker.tui import data
from tracker.tui.screens.base import TrackerScreen
from tracker.tui.screens.detail import DetailScreen
from tracker.tui.widgets.project_table import ProjectTable
from tracker.tui.widgets.summary_bar import SummaryBar

OTHER = "另一份规划"


def table(pilot: Pilot[Any]) -> ProjectTable:
    return pilot.app.screen.query_one("#projects", ProjectTable)


def ids_of(engine: Engine, code: str) -> dict[str, int]:
    """Plan name → id of the project with ``code`` in it."""
    with reading(engine) as session:
        query = select(Plan.name, Project.id).join(Plan, Plan.id == Project.plan_id).where(Project.code == code)  # type: ignore[arg-type]
        return {name: project_id for name, project_id in session.exec(query)}  # type: ignore[misc]


def test_two_plans_sharing_codes_each_have_their_row_light_and_detail(
    make_app: MakeApp, cli: CliRun, plan_path: Path, engine: Engine
) -> None:
    assert cli("import-plan", str(plan_path), "--name", OTHER).exit_code == 0
    ids = ids_of(engine, "1-1")
    assert len(ids) == 2
    first, second = sorted(ids.values())
    with transaction(engine) as session:  # the first plan's 1-1 is red (2021–2024, never started);
        project = session.get(Project, second)  # the second's starts in 2024, like 1-5: green
        assert project is not None
        project.start_year, project.start_text = 2024, "2024"
        project.finish_year, project.finish_text = 2025, "2025"
        project.name = "第二份规划的1-1"
    by_id = {}

    async def body(pilot: Pilot[Any]) -> None:
        projects = table(pilot)
        await pilot.press("slash", *"code=1-1", "enter")
        await settle(pilot)
        assert row_keys(projects) == ["1-1", "1-1"]  # both plans' 1-1, none dropped
        assert [row.key.value for row in projects.ordered_rows] == [str(first), str(second)]
        for project_id in (first, second):
            by_id[project_id] = (
                str(projects.get_cell(str(project_id), "light").style),
                projects.get_cell(str(project_id), "name").plain,
            )
        assert "8" not in str(pilot.app.screen.query_one(SummaryBar).render())
        assert "2 个项目" in str(pilot.app.screen.query_one(SummaryBar).render())
        projects.move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, DetailScreen) and detail.project_id == second and detail.code == "1-1"
        assert detail.row is not None and detail.row.plan == OTHER and detail.row.project.name == "第二份规划的1-1"
        await pilot.press("escape")
        await settle(pilot)
        projects.move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, DetailScreen) and detail.project_id == first and detail.row is not None
        assert detail.row.plan != OTHER and detail.row.project.name != "第二份规划的1-1"

    drive(make_app(), body)
    assert "red" in by_id[first][0] and "green" in by_id[second][0]  # each its own light
    assert by_id[second][1] == "第二份规划的1-1" and by_id[first][1] != by_id[second][1]


def test_a_filter_typed_while_a_query_runs_shows_the_newest_result(make_app: MakeApp, monkeypatch: Any) -> None:
    """The first filtered read is made slow; a second filter typed meanwhile wins, and the slow
    result, arriving after it, is dropped."""
    real = data.first_pages
    slow_started = threading.Event()
    slow_done = threading.Event()
    calls: list[str] = []

    def first_pages(session: Any, query: data.Query, *args: Any, **kwargs: Any) -> data.Page:
        where = str(query.where) if query.where is not None else ""
        calls.append(where)
        if len(calls) == 2:  # the first filter's read (call 1 is the opening page)
            slow_started.set()
            time.sleep(1.0)
            result = real(session, query, *args, **kwargs)
            slow_done.set()
            return result
        return real(session, query, *args, **kwargs)

    monkeypatch.setattr(data, "first_pages", first_pages)
    seen: list[list[str]] = []

    async def body(pilot: Pilot[Any]) -> None:
        projects = table(pilot)
        await pilot.press("slash", *"category:儿童", "enter")  # 8 projects, 1-1 … 1-8: slow
        await until(pilot, slow_started.is_set)
        await pilot.press("slash", "ctrl+u", *"category:老年", "enter")  # category 2, read at once
        await until(pilot, lambda: bool(projects.codes) and all(c.startswith("2-") for c in row_keys(projects)))
        seen.append(row_keys(projects))
        await until(pilot, slow_done.is_set)
        for _ in range(10):  # the slow result has arrived by now: it must not replace the newest
            await pilot.pause(0.05)
            seen.append(row_keys(projects))
        await settle(pilot)
        seen.append(row_keys(projects))
        assert "category:老年" in pilot.app.filter_text  # type: ignore[attr-defined]

    drive(make_app(), body)
    assert len(calls) >= 3
    assert all(keys and all(code.startswith("2-") for code in keys) for keys in seen), seen


def test_a_failing_read_is_a_notification_not_a_crash(make_app: MakeApp, monkeypatch: Any) -> None:
    from tracker.errors import TrackerError

    def broken(*_args: Any, **_kwargs: Any) -> data.Page:
        raise TrackerError("the database is locked \x1b[31m")

    async def body(pilot: Pilot[Any]) -> None:
        monkeypatch.setattr(data, "first_pages", broken)
        await pilot.press("slash", *"category:儿童", "enter")
        await settle(pilot)
        messages = pilot.app.messages  # type: ignore[attr-defined]
        assert messages and "the database is locked" in messages[-1] and "\x1b" not in messages[-1]
        assert "\\x1b" in messages[-1]
        assert table(pilot).row_count == 87  # what was shown stays
        assert not table(pilot).loading

        def bug(*_args: Any, **_kwargs: Any) -> data.Page:
            raise RuntimeError("a planted bug")

        monkeypatch.setattr(data, "first_pages", bug)
        await pilot.press("slash", "ctrl+u", *"category:老年", "enter")
        await settle(pilot)
        assert "RuntimeError: a planted bug" in pilot.app.messages[-1]  # type: ignore[attr-defined]

    drive(make_app(), body)


def test_scrolling_reads_the_next_pages_by_key(make_app: MakeApp, monkeypatch: Any) -> None:
    monkeypatch.setattr(data, "PAGE_SIZE", 10)
    afters: list[Any] = []
    real = data.page

    def page(session: Any, query: data.Query, after: Any, limit: int = 10) -> data.Page:
        afters.append(after)
        return real(session, query, after, limit)

    monkeypatch.setattr(data, "page", page)

    async def body(pilot: Pilot[Any]) -> None:
        projects = table(pilot)
        assert projects.loaded < 87
        for _ in range(12):
            await pilot.press("pagedown")
            await settle(pilot)
        for _ in range(20):
            if projects.loaded == 87:
                break
            await pilot.press("end")
            await settle(pilot)
        assert row_keys(projects)[-1] == "5-4" and len(set(row_keys(projects))) == 87

    drive(make_app(), body)
    assert afters and None not in afters[1:]


def test_a_slow_read_shows_loading_and_gives_the_focus_back(make_app: MakeApp, monkeypatch: Any) -> None:
    real = data.first_pages

    def slow(*args: Any, **kwargs: Any) -> data.Page:
        time.sleep(0.6)
        return real(*args, **kwargs)

    monkeypatch.setattr(data, "first_pages", slow)
    states: list[bool] = []
    loaded = TrackerScreen.loaded

    def watch(self: TrackerScreen, widget: Any) -> None:
        if table_widget and widget is table_widget[0]:
            states.append(widget.loading)  # the indicator was up when the page arrived
        loaded(self, widget)

    monkeypatch.setattr(TrackerScreen, "loaded", watch)
    table_widget: list[Any] = []

    async def body(pilot: Pilot[Any]) -> None:
        projects = table(pilot)
        assert projects.has_focus and projects.row_count == 87 and not projects.loading
        table_widget.append(projects)
        await pilot.press("slash", *"category:儿童", "enter")
        await settle(pilot)
        assert row_keys(projects) == [f"1-{n}" for n in range(1, 9)]
        assert not projects.loading and projects.has_focus

    drive(make_app(), body)
    assert states == [True]  # after a moment the indicator showed, and went when the page came
