"""The budget-check view (``5``) on the real annex, the rollups' own category numbers, the chart's
labels, and number keys that land on the top of their view.

Published figures are read off data/xiangtan_plan.txt: 总计 592917.92 / 579613.92 (lines 894, 896);
category 2 356417.32 / 355563.32 (lines 1098, 1100); category 4 172857.8 / 171457.8 (lines 2404,
2406). The sums of the rows are those of tests/tui/test_views.py (CATEGORY_TOTALS, CATEGORY_PLANNED).
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tests.tui.conftest import MakeApp, column, drive, row_keys, settle, static_text
from tracker.tui.screens.check import CheckScreen
from tracker.tui.screens.detail import DetailScreen
from tracker.tui.screens.portfolio import PortfolioScreen
from tracker.tui.screens.rollups import RollupsScreen
from tracker.tui.widgets.project_table import ProjectTable
from tracker.tui.widgets.rollup_chart import value_labels

# 总计, then categories 1–5; for each: total, planned, count
WHAT = ["总计"] * 3 + [
    f"{n}. {name}"
    for n, name in enumerate(["儿童福利类项目", "老年人福利类项目", "城乡社区治理类项目", "社会公益类项目", "残障人福利类项目"], 1)
    for _ in range(3)
]
PUBLISHED = [
    "592,917.92", "579,613.92", "87",
    "5,270.00", "5,270.00", "8",
    "356,417.32", "355,563.32", "50",
    "51,167.00", "40,167.00", "7",
    "172,857.80", "171,457.80", "18",
    "7,205.80", "7,155.80", "4",
]
COMPUTED = [
    "488,707.12", "475,403.12", "87",
    "5,270.00", "5,270.00", "8",
    "256,417.32", "255,563.32", "50",
    "51,167.00", "40,167.00", "7",
    "168,647.00", "167,247.00", "18",
    "7,205.80", "7,155.80", "4",
]
# 488707.12 − 592917.92 = −104210.80; 256417.32 − 356417.32 = −100000; 168647 − 172857.8 = −4210.80
DIFFERENCE = [
    "-104,210.80", "-104,210.80", "0",
    "0.00", "0.00", "0",
    "-100,000.00", "-100,000.00", "0",
    "0.00", "0.00", "0",
    "-4,210.80", "-4,210.80", "0",
    "0.00", "0.00", "0",
]
DIFFERS = {0, 1, 6, 7, 12, 13}


def test_the_check_view_lists_every_published_total_beside_its_rows(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("5")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CheckScreen)
        table = screen.query_one("#check-totals", DataTable)
        assert column(table, "what") == WHAT
        assert column(table, "field") == ["总投资", "计划投资", "项目数"] * 6
        assert column(table, "published") == PUBLISHED
        assert column(table, "computed") == COMPUTED
        assert column(table, "difference") == DIFFERENCE
        states = column(table, "state")
        assert [i for i, s in enumerate(states) if s == "不一致"] == sorted(DIFFERS)
        assert all(s == "一致" for i, s in enumerate(states) if i not in DIFFERS)
        assert "18 个公布数：6 个不一致，0 个已确认" in static_text(screen.query_one("#check-summary", Static))

    drive(make_app(), body)


def test_an_accepted_difference_shows_as_accepted(make_app: MakeApp, cli: Any) -> None:
    result = cli("check", "--accept-all", "--reason", "published annex")
    assert result.exit_code == 0, result.output

    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("5")
        await settle(pilot)
        states = column(pilot.app.screen.query_one("#check-totals", DataTable), "state")
        assert [i for i, s in enumerate(states) if s == "已确认"] == sorted(DIFFERS)

    drive(make_app(), body)


def test_enter_on_a_category_total_shows_its_rows(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("5")
        await settle(pilot)
        table = pilot.app.screen.query_one("#check-totals", DataTable)
        table.move_cursor(row=12)  # category 4, total: published 172,857.80, rows 168,647.00
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PortfolioScreen)
        assert pilot.app.filter_text == "category:4"  # type: ignore[attr-defined]
        codes = row_keys(screen.query_one(ProjectTable))
        assert codes == [f"4-{n}" for n in range(1, 19)]

    drive(make_app(), body)


def test_rollup_rows_carry_the_category_s_own_number_under_a_filter(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        pilot.app.apply_filter("category:老年")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RollupsScreen)
        groups = column(screen.query_one("#rollup-table", DataTable), "group")
        assert groups == ["2. 老年人福利类项目", "合计"]  # the plan's 二, not the first row's 1

    drive(make_app(), body)


def test_chart_value_labels_only_where_they_fit() -> None:
    assert value_labels([5270, 255563], 80) == [(1, "5,270"), (2, "255,563")]
    # five bars of up to 7 characters in 40 cells (28 after the axis): they would run together
    assert value_labels([5270, 255563, 40167, 167247, 7156], 40) == []
    assert value_labels([], 80) == []


def test_a_number_key_goes_to_the_top_of_its_view(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        pilot.app.open_project("2-18")  # type: ignore[attr-defined]
        await settle(pilot)
        assert isinstance(pilot.app.screen, DetailScreen)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PortfolioScreen)  # the list, not the detail left open
        pilot.app.open_project("2-18")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PortfolioScreen)

    drive(make_app(), body)


def test_chart_bars_are_named_by_the_category_s_own_number_spaced_and_in_wan(make_app: MakeApp) -> None:
    """The chart is given the plan's own numbers (not 1..N of the shown rows), the 年度计划 of each
    category in whole 万元 (255,563.32 → 255,563; 7,155.80 → 7,156, test_views' CATEGORY_PLANNED), the
    unit on the y axis, and bars narrower than their slot; filtered to 老年 the one bar is ``2``."""
    from decimal import Decimal

    from tracker.tui.widgets.rollup_chart import BAR_WIDTH, RollupChart, whole_wan

    assert 0 < BAR_WIDTH < 1

    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("2")
        await settle(pilot)
        chart = pilot.app.screen.query_one(RollupChart)
        labels, amounts, _title, _xlabel, ylabel = chart._shown
        assert labels == ["1", "2", "3", "4", "5"]
        assert amounts == [Decimal("5270.00"), Decimal("255563.32"), Decimal("40167.00"), Decimal("167247.00"),
                           Decimal("7155.80")]
        assert [whole_wan(a) for a in amounts] == [5270, 255563, 40167, 167247, 7156]
        assert ylabel == "万元"
        pilot.app.apply_filter("category:老年")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        labels, amounts, *_ = pilot.app.screen.query_one(RollupChart)._shown
        assert (labels, amounts) == (["2"], [Decimal("255563.32")])

    drive(make_app(), body)
