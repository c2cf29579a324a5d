"""Issue 12 item 2, forms that prevent mistakes: the progress form opens at the top on the month,
which defaults to the last closed reporting month and is named in a line that follows what is typed;
multi-line texts are TextAreas that stay inside the dialog and save their line breaks exactly; a
refusal appears under the field it concerns, the form's own words in the interface language."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from tests.tui.conftest import SIZE, MakeApp, drive, settle
from tests.tui.test_progress_undo import fill, open_form, state
from tracker.tui.screens.detail import DetailScreen
from tracker.tui.screens.edit_project import EditProjectScreen
from tracker.tui.screens.progress_form import ProgressFormScreen, default_month

CONTENT_2_10_LINES = 8
"""2-10's 建设内容 as the plan prints it: 1、建设内容 / 本项目… / ⑴ / ⑵ / ⑶ / ⑷ / 2、建设规模 / 本项目…"""


def will_record(form: ProgressFormScreen) -> str:
    return str(form.query_one("#will-record", Static).render())


async def open_edit(pilot: Pilot[Any], code: str) -> EditProjectScreen:
    await pilot.press("slash", *f"code={code}", "enter", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DetailScreen)
    await pilot.press("e")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, EditProjectScreen)
    return form


def test_last_closed_reporting_month() -> None:
    assert default_month(date(2026, 11, 23)) == "2026-10"  # in November, October's figures
    assert default_month(date(2023, 6, 30)) == "2023-06"  # a pinned month end: that month is closed
    assert default_month(date(2023, 6, 29)) == "2023-05"
    assert default_month(date(2023, 1, 15)) == "2022-12"  # across the new year
    assert default_month(date(2024, 2, 29)) == "2024-02"  # a leap-year month end
    assert default_month(date(2023, 2, 28)) == "2023-02"


@pytest.mark.parametrize(("size", "shown"), [((80, 24), ("month",)), (SIZE, ("month", "status", "invested"))])
def test_progress_form_opens_at_the_top_on_the_month(
    make_app: MakeApp, size: tuple[int, int], shown: tuple[str, ...]
) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, "2-18")
        await settle(pilot)
        month = form.query_one("#input-month", Input)
        assert pilot.app.focused is month
        fields = form.query_one("#progress-fields", VerticalScroll)
        assert fields.scroll_y == 0
        # the month (and on a larger terminal the status) on screen inside the scrolling field list,
        # and the line naming the month
        for region in [form.field(name).region for name in shown] + [form.query_one("#will-record").region]:
            assert region.height > 0 and fields.region.contains_region(region)
        assert month.value == "2023-06"  # as of 2023-06-30, June is closed
        assert will_record(form) == "将写入 2023年06月 的进度"
        await pilot.press("escape")

    drive(make_app(), body, size=size)  # 80×24: the field list scrolls, and opens at its top


def test_the_month_line_follows_what_is_typed_in_english(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, "2-18")
        month = form.query_one("#input-month", Input)
        assert month.value == "2023-06"  # as of 2023-07-15 July is not closed: June
        assert will_record(form) == "Will record progress for 2023-06"
        month.value = "2023-05"
        await settle(pilot)
        assert will_record(form) == "Will record progress for 2023-05"
        month.value = "2023-08"
        await settle(pilot)
        assert will_record(form) == "That month is after the as-of date 2023-07-15; progress cannot be reported ahead"
        month.value = "2023-5"
        await settle(pilot)
        assert will_record(form) == "Write the month as YYYY-MM, e.g. 2023-05"
        await pilot.press("escape")

    drive(make_app(language="en", as_of=date(2023, 7, 15)), body)


def test_a_month_saved_is_the_month_named(make_app: MakeApp, engine: Engine) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, "2-18")
        fill(form, month="2023-05", invested="80", problems="征地未完成\n资金未到位")
        await settle(pilot)
        assert will_record(form) == "将写入 2023年05月 的进度"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DetailScreen)

    drive(make_app(), body)
    _, records = state(engine, "2-18")
    assert [(r.month, r.problems) for r in records] == [("2023-05", "征地未完成\n资金未到位")]


def test_2_10_content_is_a_text_area_inside_the_dialog_and_saves_its_lines(make_app: MakeApp, engine: Engine) -> None:
    original, _ = state(engine, "2-10")
    assert original.content.count("\n") == CONTENT_2_10_LINES - 1
    added = "\n3、建设工期\n2021年至2024年"

    async def body(pilot: Pilot[Any]) -> None:
        form = await open_edit(pilot, "2-10")
        content = form.query_one("#input-content")
        assert isinstance(content, TextArea)
        assert content.text == original.content  # every line break as stored
        dialog = form.query_one("#edit-dialog")
        fields = form.query_one("#edit-fields", VerticalScroll)
        form.field("content").scroll_visible(animate=False)
        await settle(pilot)
        assert dialog.region.contains_region(content.region)  # the lines stay inside the border
        assert content.region.right <= fields.region.right
        assert content.size.height < CONTENT_2_10_LINES + 4  # a few lines, scrolled within
        content.text = original.content + added
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DetailScreen)

    drive(make_app(), body)
    saved, _ = state(engine, "2-10")
    assert saved.content == original.content + added and saved.version == 2


def test_refusals_stand_beside_their_field_in_the_interface_language(make_app: MakeApp, engine: Engine) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, "2-9")
        fill(form, invested="12.3.4")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form
        assert "is not a number" in form.field("invested").error
        assert form.field("month").error == "" and form.field("problems").error == ""
        assert form.message == "Fix the fields marked in red first"
        fill(form, invested="12", progress_text="\x07主体封顶")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.field("invested").error == ""  # cleared once right
        assert "control characters are not allowed" in form.field("progress_text").error
        pilot.app.language = "zh"  # type: ignore[attr-defined]  # (``l`` would type into the field)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.message == "请先改正标红的字段"
        await pilot.press("escape")

    drive(make_app(language="en"), body)
    _, records = state(engine, "2-9")
    assert records == []
