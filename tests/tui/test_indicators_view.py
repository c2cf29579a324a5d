"""The main-indicators view (``6``) on the real Jiading table: each indicator with its target, latest
value and status light, and under the table the highlighted one's path year by year beside what was
recorded (社区长者食堂: 8 at the end of 十三五, 12 by 2025 — the path expects 9.6 in 2022)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tests.tui.conftest import MakeApp, column, drive, settle, static_text
from tracker.indicators.store import import_indicators, record_value
from tracker.paths import data_dir
from tracker.tui.screens.indicators import IndicatorsScreen


def test_the_indicators_view_shows_status_and_path(make_app: MakeApp, engine: Engine) -> None:
    import_indicators(engine, data_dir() / "plans" / "jiading.txt")
    record_value(engine, 2, 2022, "9")  # 社区长者食堂 (binding): behind the path's 9.6 → at risk

    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("6")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, IndicatorsScreen)
        table = screen.query_one("#indicator-items", DataTable)
        assert column(table, "seq") == ["", *(str(n) for n in range(1, 15))]  # the table's heading row, then 1–14
        assert column(table, "name")[0] == "嘉定区民政事业发展“十四五”规划主要指标"  # the title names the place
        statuses = column(table, "status")
        assert statuses[2] == "约束性指标落后" and statuses.count("无数据") == 13
        assert column(table, "latest")[2] == "9 (2022)"
        summary = static_text(screen.query_one("#indicators-summary", Static))
        assert summary.startswith("14 项指标：已达到 0，符合进度 0，落后 0，约束性落后 1，无数据 13")
        table.move_cursor(row=2)
        await settle(pilot)
        path = static_text(screen.query_one("#indicator-path", Static)).splitlines()
        assert path[0] == "2 社区长者食堂  (嘉定区民政事业发展“十四五”规划 · 嘉定区民政事业发展“十四五”规划主要指标)"
        assert path[2].split()[1:] == ["8", "8.8", "9.6", "10.4", "11.2", "12"]  # 路径 2020…2025
        assert path[3].split()[1:] == ["·", "·", "9", "·", "·", "·"]  # 实际

    drive(make_app(), body)


def test_no_indicators_says_how_to_import_them(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("6")
        await settle(pilot)
        assert "tracker import-indicators" in static_text(pilot.app.screen.query_one("#indicators-summary", Static))

    drive(make_app(language="en"), body, size=(80, 24))


def test_the_warnings_view_lists_indicators_behind_their_path(make_app: MakeApp, engine: Engine) -> None:
    """The same warning system: 社区长者食堂 at 9 in 2022 (the path expects 9.6) is a red row of the
    warnings view after the projects'; ``plan:嘉定`` (the one filter language) keeps only it, and Enter
    opens the indicators view on it. In the projects view the same filter's ``+at_risk`` is refused."""
    import_indicators(engine, data_dir() / "plans" / "jiading.txt")
    record_value(engine, 2, 2022, "9")

    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("3")
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#warning-items", DataTable)
        assert "I2" in column(table, "code")
        await pilot.press("slash", *"plan:嘉定 +at_risk", "enter")
        await settle(pilot)
        assert column(table, "code") == ["I2"]
        assert column(table, "name") == ["社区长者食堂"]
        assert column(table, "rule") == ["约束性滞后"]
        reason = static_text(screen.query_one("#warning-reason", Static))
        assert "2022年实际值 9" in reason and "目标 12" in reason
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        shown = pilot.app.screen
        assert isinstance(shown, IndicatorsScreen)
        items = shown.query_one("#indicator-items", DataTable)
        assert items.cursor_row == 2  # under the heading, the second indicator: 社区长者食堂
        assert static_text(shown.query_one("#indicator-path", Static)).startswith("2 社区长者食堂")
        await pilot.press("1")
        await settle(pilot)
        from tracker.tui.widgets.filter_bar import FilterBar

        error = pilot.app.screen.query_one(FilterBar).error_text
        assert "+at_risk 用于筛选指标" in error and "^" in error

    drive(make_app(), body, size=(100, 30))


def test_the_indicators_view_has_its_own_filter_in_the_one_language(make_app: MakeApp, engine: Engine) -> None:
    """Two plans, each under its heading; ``/`` filters them in the one language (subject indicator):
    Jiading's 预期性 indicators are 7 and 11–14 (data/plans/jiading.txt, 指标类型); a project's term is
    refused under the caret and the list stays."""
    from tracker.tui.widgets.filter_bar import FilterBar

    import_indicators(engine, data_dir() / "plans" / "jiading.txt")
    import_indicators(engine, data_dir() / "plans" / "anyue.txt")

    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("6")
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#indicator-items", DataTable)
        names = column(table, "name")
        assert len(names) == 14 + 17 + 2  # two plans, each under its heading row
        assert names[0].startswith("嘉定区") and names[15] == "安岳县“十四五”民政事业发展规划 · 专栏1:“十四五”时期民政事业发展主要指标"
        await pilot.press("slash", *"plan:嘉定 attribute:预期性", "enter")
        await settle(pilot)
        assert column(table, "seq") == ["", "7", "11", "12", "13", "14"]
        assert static_text(screen.query_one("#indicators-summary", Static)).startswith("5 项指标")
        await pilot.press("slash", "ctrl+u", *"total>1", "enter")
        await settle(pilot)
        assert "total> 用于筛选项目，不能筛选指标" in screen.query_one(FilterBar).error_text
        assert column(table, "seq") == ["", "7", "11", "12", "13", "14"]  # the last good list stays
        await pilot.press("slash", "ctrl+u", *"plan:无此规划", "enter")
        await settle(pilot)
        assert static_text(screen.query_one("#indicators-summary", Static)) == "没有符合筛选条件的指标"
        await pilot.press("1")  # the projects' filter is another text: untouched
        await settle(pilot)
        assert pilot.app.filter_text == ""  # type: ignore[attr-defined]

    drive(make_app(), body, size=(80, 24))
