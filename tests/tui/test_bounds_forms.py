"""Issue 9, item 2 in the TUI: the forms call the same domain parsers as the CLI, so a value out of
bounds is a message under its field (never a crash, never stored), and a filter past its bounds is the
filter error with its caret under the offending part."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Input

from tests.tui.conftest import MakeApp, drive, settle, until
from tests.tui.test_portfolio import table
from tests.tui.test_progress_undo import fill, open_form, state
from tracker.db import reading
from tracker.models import Project
from tracker.tui.screens.detail import DetailScreen
from tracker.tui.screens.edit_project import EditProjectScreen
from tracker.tui.widgets.filter_bar import FilterBar

HUGE = "99999999999999999999"


def test_progress_form_refuses_out_of_bounds_values_under_their_fields(make_app: MakeApp, engine: Engine) -> None:
    async def save(pilot: Pilot[Any]) -> None:
        await pilot.press("ctrl+s")
        await settle(pilot)

    async def body(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, "2-9")
        fill(form, month="２０２３-０６", invested="1")
        await save(pilot)
        assert pilot.app.screen is form
        assert "must be written YYYY-MM" in form.field("month").error
        fill(form, month="2023-06", invested=HUGE)
        await save(pilot)
        assert pilot.app.screen is form
        assert f"amount {HUGE} is out of range (at most 1,000,000 万元 either way)" in form.field("invested").error
        fill(form, invested="1234.567")
        await save(pilot)
        assert "more than 2 decimal places" in form.field("invested").error
        fill(form, invested="12", problems="\x1b[2J清屏")
        await save(pilot)
        assert pilot.app.screen is form
        assert "control characters are not allowed" in form.field("problems").error
        assert "\x1b" not in form.field("problems").error
        await pilot.press("escape")

    drive(make_app("en"), body)
    project, records = state(engine, "2-9")
    assert records == [] and project.version == 1


def test_edit_form_refuses_out_of_bounds_values_under_their_fields(make_app: MakeApp, engine: Engine) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("slash", *"code=2-9", "enter", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DetailScreen)
        await pilot.press("e")
        form = pilot.app.screen
        assert isinstance(form, EditProjectScreen)
        form.query_one("#input-total_investment", Input).value = HUGE
        form.query_one("#input-social_share_pct", Input).value = "100.01"
        form.query_one("#input-start", Input).value = "1899"
        form.query_one("#input-owner", Input).value = "雨湖区\x07民政局"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, EditProjectScreen)  # not saved, still open
        assert "is out of range (at most 1,000,000 万元" in form.query_one("#field-total_investment").error  # type: ignore[attr-defined]
        assert "share 100.01 is out of range (0–100%)" in form.query_one("#field-social_share_pct").error  # type: ignore[attr-defined]
        assert "year 1899 in '1899' is out of range (1900–2100)" in form.query_one("#field-start").error  # type: ignore[attr-defined]
        assert "control characters are not allowed" in form.query_one("#field-owner").error  # type: ignore[attr-defined]
        await pilot.press("escape")

    drive(make_app("en"), body)
    with reading(engine) as session:
        row = session.exec(select(Project).where(Project.code == "2-9")).one()
    assert row.version == 1 and str(row.total_investment) == "5409.88" and row.owner == "雨湖区民政局"


def test_filter_box_past_its_bounds_shows_the_error_and_keeps_the_list(make_app: MakeApp) -> None:
    too_deep = "(" * 17 + "养老" + ")" * 17

    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("slash")
        bar = pilot.app.screen.query_one(FilterBar)
        bar.input.value = too_deep
        await pilot.press("enter")
        await until(pilot, lambda: bool(bar.error_text.strip()))
        lines = bar.error_text.splitlines()
        assert "nests more than 16 levels deep" in lines[0]
        assert lines[1] == too_deep and lines[2].index("^") == 16  # under the 17th '('
        assert table(pilot).total == 87  # the last good result stays
        await pilot.press("slash")
        bar.input.value = "category:²"
        await pilot.press("enter")
        await until(pilot, lambda: "category number" in bar.error_text)
        assert table(pilot).total == 87

    drive(make_app("en"), body)
