"""SVG snapshots of the main views with the Chinese names (160×45, as of 2023-06-30), reviewed by eye
when recorded (``pytest --snapshot-update``) and compared on every run: a change to a view's layout,
alignment of Chinese text, colours of the lights or the figures shows up as a failed snapshot with a
visual diff in snapshot_report.html."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.tui.conftest import SIZE, MakeApp, settle
from tracker.db import transaction
from tracker.models import Project


@pytest.fixture
def fixed_stamps(engine: Engine) -> None:
    """The import time shows in the detail ("last changed"): pin it so the snapshot is stable."""
    with transaction(engine) as session:
        session.execute(update(Project).values(updated_at=datetime(2023, 6, 1, 9, 30)))


async def steady(pilot: Pilot[Any]) -> None:
    """No blinking cursors in a picture."""
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await settle(pilot)


def pressing(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Press ``keys``, then wait until every read they started has been shown."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run



@pytest.fixture(autouse=True)
def no_loading_indicator(monkeypatch: pytest.MonkeyPatch) -> None:
    """A snapshot is of the settled screen: on a slow machine a read may outlast the loading delay, and
    the indicator (and the focus it takes for a moment) must not decide what the picture shows.
    tests/tui/test_workers.py tests the indicator itself."""
    monkeypatch.setattr("tracker.tui.screens.base.LOADING_AFTER", 600.0)

def test_portfolio(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=settle)


def test_portfolio_in_english_sorted_by_total(snap_compare: Any, make_app: MakeApp) -> None:
    async def sort(pilot: Pilot[Any]) -> None:
        pilot.app.screen.sort_by("total")  # type: ignore[attr-defined]
        pilot.app.screen.sort_by("total")  # type: ignore[attr-defined]
        await settle(pilot)

    assert snap_compare(make_app(language="en"), terminal_size=SIZE, run_before=sort)


def test_portfolio_with_a_bad_filter(snap_compare: Any, make_app: MakeApp) -> None:
    async def bad(pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"category:老年 total>=一千", "enter")
        await steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=bad)


def test_detail(snap_compare: Any, make_app: MakeApp, fixed_stamps: None) -> None:
    async def open_2_18(pilot: Pilot[Any]) -> None:
        pilot.app.open_project("2-18")  # type: ignore[attr-defined]
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=open_2_18)


def test_edit_form(snap_compare: Any, make_app: MakeApp) -> None:
    async def edit(pilot: Pilot[Any]) -> None:
        pilot.app.open_project("4-11")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("e")
        await steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=edit)


def test_progress_form(snap_compare: Any, make_app: MakeApp) -> None:
    async def record(pilot: Pilot[Any]) -> None:
        pilot.app.open_project("2-18")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("m")
        await steady(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=record)


def test_rollups(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=pressing("2"))


def test_warnings(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=pressing("3"))


def test_timeline(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=pressing("4"))


def test_help(snap_compare: Any, make_app: MakeApp) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=pressing("question_mark"))
