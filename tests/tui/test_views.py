"""The rollups, warnings and timeline views on the real data, and the jump from a warning to its
project. Figures are read off data/xiangtan_plan.txt (line numbers in comments)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tests.tui.conftest import MakeApp, column, drive, key_of, project_id, row_keys, settle, static_text
from tracker.tui.screens.detail import DetailScreen
from tracker.tui.screens.rollups import RollupsScreen
from tracker.tui.screens.timeline import TimelineScreen
from tracker.tui.screens.warnings import WarningsScreen
from tracker.tui.widgets.project_table import ProjectTable

# Category sums of the 87 rows (the published category rows of categories 2 and 4 are too high):
CATEGORY_TOTALS = ["5,270.00", "256,417.32", "51,167.00", "168,647.00", "7,205.80"]
CATEGORY_PLANNED = ["5,270.00", "255,563.32", "40,167.00", "167,247.00", "7,155.80"]
CATEGORY_COUNTS = ["8", "50", "7", "18", "4"]
# Social capital in category 2 = total × share of the five projects with a share:
# 2-9 5409.88 × 9.24% (lines 1296, 1300), 2-10 10477 × 5% (1332, 1336), 2-13 1500 × 33.3% (1398, 1402),
# 2-17 20000 × 10% (1486, 1490), 2-18 100000 × 24% (1508, 1512).
CAT2_SOCIAL = (
    Decimal("5409.88") * Decimal("9.24")
    + Decimal("10477") * 5
    + Decimal("1500") * Decimal("33.3")
    + Decimal("20000") * 10
    + Decimal("100000") * 24
) / 100


def test_rollups_by_category_with_the_grand_total(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("2")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RollupsScreen) and screen.dims == ["category"]
        table = screen.query_one("#rollup-table", DataTable)
        groups = column(table, "group")
        assert groups == [
            "1. 儿童福利类项目",
            "2. 老年人福利类项目",
            "3. 城乡社区治理类项目",
            "4. 社会公益类项目",
            "5. 残障人福利类项目",
            "合计",
        ]
        assert column(table, "total") == [*CATEGORY_TOTALS, "488,707.12"]
        assert column(table, "planned") == [*CATEGORY_PLANNED, "475,403.12"]
        assert column(table, "count") == [*CATEGORY_COUNTS, "87"]
        assert CAT2_SOCIAL == Decimal("27523.222912")  # exact to the fen in the database and the JSON
        assert column(table, "social_capital")[1] == "27,523.22"  # shown to two decimals
        assert not screen.query_one("#rounding-note", Static).display  # 0 + 27,523.22 + 0 + 128,900 + 0 adds up

    drive(make_app(), body)


def test_rollups_by_year_round_to_two_decimals_with_a_note(make_app: MakeApp) -> None:
    # Spread evenly over their years the 87 projects' year sums carry millionths (2020: 2050.000001).
    # Shown rounded the six years add up to 488,707.13; the exact total is 488,707.12.
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("2")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RollupsScreen)
        screen.set_dims("year", None)
        await settle(pilot)
        table = screen.query_one("#rollup-table", DataTable)
        assert column(table, "total") == [
            "2,050.00", "114,527.30", "113,587.30", "98,382.08", "89,679.85", "70,480.60", "488,707.12",
        ]
        assert column(table, "invested_pct") == ["0.0%"] * 7
        note = screen.query_one("#rounding-note", Static)
        assert note.display
        assert static_text(note).strip() == "合计按精确值计算，与各项四舍五入之和差 0.01"

    drive(make_app(), body)


def test_rollup_groupings_change_with_d_and_D(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("2", "d")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RollupsScreen) and screen.dims == ["district"]
        table = screen.query_one("#rollup-table", DataTable)
        rows = dict(
            zip(column(table, "group"), zip(column(table, "count"), column(table, "total"), strict=True), strict=False)
        )
        # 4-11 is the one project no district could be read for; its total is 100000 (line 2646).
        unplaced = [label for label in rows if label.endswith("(unplaced)")]
        assert len(unplaced) == 1 and rows[unplaced[0]] == ("1", "100,000.00")
        assert column(table, "total")[-1] == "488,707.12"
        await pilot.press("D")  # second grouping: the first one after "none" that is not district
        await settle(pilot)
        assert screen.dims == ["district", "category"]
        assert column(table, "total")[-1] == "488,707.12"

    drive(make_app(), body)


def test_rollups_follow_the_filter(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("2", "slash", *"category:儿童", "enter")
        await settle(pilot)
        table = pilot.app.screen.query_one("#rollup-table", DataTable)
        assert column(table, "total") == ["5,270.00", "5,270.00"]

    drive(make_app(), body)


def test_warnings_list_reasons_and_enter_jumps_to_the_project(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("3")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, WarningsScreen)
        table = screen.query_one("#warning-items", DataTable)
        keys = row_keys(table)
        ids = {code: str(project_id(pilot, code)) for code in ("1-2", "1-5")}
        # 1-2 runs 2021–2021 (lines 948, 950): as of 2023-06-30 its finish period ended 18 months ago
        # and it never started → overdue and late_start, both red. Rows are keyed <project id>|<rule>.
        overdue = f"{ids['1-2']}|overdue"
        assert overdue in keys and f"{ids['1-2']}|late_start" in keys
        assert "红" in str(table.get_cell(overdue, "severity"))
        assert "2021" in str(table.get_cell(overdue, "message"))
        # 1-5 starts 2024 (line 1014): nothing is due yet.
        assert not [k for k in keys if k.startswith(f"{ids['1-5']}|")]
        summary = static_text(screen.query_one("#warnings-summary", Static))
        assert "红灯" in summary and "2023-06-30" in summary
        table.move_cursor(row=keys.index(overdue))
        await pilot.press("enter")
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, DetailScreen) and detail.code == "1-2"
        await pilot.press("escape")
        assert pilot.app.screen is screen  # back in the warnings view

    drive(make_app(), body)


def test_timeline_spans_the_plan_years_and_marks_the_as_of_date(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("4")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, TimelineScreen)
        table = screen.query_one("#timeline", ProjectTable)
        assert table.total == 87
        axis = str(table.columns["bar"].label)  # type: ignore[index]
        # 2-11 starts in 2020 (line 1350), the latest finish is 2025: the axis runs 2020 … 2025.
        assert axis.split() == ["2020", "2021", "2022", "2023", "2024", "2025"]
        bar = str(table.get_cell(key_of(table, "1-6"), "bar"))
        assert bar.count("│") == 1 and "█" in bar and "▒" not in bar  # 2021.1–2021.8: all in the past
        future = str(table.get_cell(key_of(table, "1-5"), "bar"))
        assert "▒" in future and "█" not in future  # 2024–2025: all to come
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DetailScreen) and pilot.app.screen.code == "1-1"

    drive(make_app(), body)
