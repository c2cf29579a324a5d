"""The project table fits the terminal: at 80 columns light, code, name (the rest of the width),
total and status; wider terminals add the chosen columns in priority order. The column chooser
saves to the person's preferences file, never to tracker.toml, and never changes a script's output."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, SelectionList

from tests.conftest import run_main
from tests.tui.conftest import MakeApp, column, drive, row_keys, settle, until
from tracker.tui.columns import ALWAYS, DEFAULT_CHOICE, NAME_MIN, chosen_order, fit
from tracker.tui.screens.column_chooser import ColumnChooserScreen
from tracker.tui.widgets.key_bar import KeyBar
from tracker.tui.widgets.project_table import ProjectTable


def test_at_80_columns_only_what_always_shows_and_the_name_gets_the_rest() -> None:
    keys, name = fit(None, 80, 6)
    assert keys == ["light", "code", "name", "total", "status"]
    # 80 − scrollbar 2 − light 7 − code 7 − total 14 − status 8 − the name's padding 2 = 40
    assert name == 40


@pytest.mark.parametrize(
    ("width", "extra"),
    [
        (100, ["district", "invested_pct"]),
        (120, ["district", "years", "invested", "invested_pct"]),
        (200, ["category", "district", "years", "planned", "invested", "invested_pct", "share"]),
    ],
)
def test_wider_terminals_add_columns_in_priority_order(width: int, extra: list[str]) -> None:
    keys, name = fit(None, width, 6)
    assert [k for k in keys if k not in ALWAYS] == extra
    assert name >= NAME_MIN
    assert keys == [k for k in DEFAULT_CHOICE if k in keys]  # on screen in the chosen order


def test_a_choice_without_the_columns_that_always_show_gets_them_back() -> None:
    assert chosen_order(["invested", "code"]) == ["light", "invested", "code", "name", "total", "status"]
    assert chosen_order(["nonsense"]) == ["light", "code", "name", "total", "status"]


def test_the_table_at_80x24_shows_the_name_whole_width(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        table = pilot.app.screen.query_one(ProjectTable)
        assert [str(c.key.value) for c in table.ordered_columns] == ["light", "code", "name", "total", "status"]
        assert column(table, "total")[:2] == ["1,500.00", "300.00"]  # 1-1, 1-2 (lines 904, 928)

    drive(make_app(), body, size=(80, 24))


def test_resizing_refits_the_columns(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        table = pilot.app.screen.query_one(ProjectTable)
        assert "district" not in [str(c.key.value) for c in table.ordered_columns]
        table.move_cursor(row=9)  # 2-2
        await pilot.resize_terminal(120, 40)
        await until(pilot, lambda: "district" in [str(c.key.value) for c in pilot.app.screen.query_one(ProjectTable).ordered_columns])
        await settle(pilot)
        assert pilot.app.screen.query_one(ProjectTable).current_code == "2-2"  # the cursor stayed

    drive(make_app(), body, size=(80, 24))


def test_the_progress_columns_show_what_was_recorded(make_app: MakeApp, cli: Any) -> None:
    assert cli("progress", "2-9", "--month", "2023-05", "--status", "in_progress", "--invested", "1082.5").exit_code == 0
    assert cli("edit", "2-9", "share=9.24").exit_code in (0, 1)

    async def body(pilot: Pilot[Any]) -> None:
        pilot.app.remember("columns", ["code", "name", "invested", "invested_pct", "last_month", "social_capital"])  # type: ignore[attr-defined]
        pilot.app.screen.refresh_data()  # type: ignore[attr-defined]
        await settle(pilot)
        table = pilot.app.screen.query_one(ProjectTable)
        row = dict(zip(row_keys(table), range(table.row_count), strict=True))["2-9"]
        cells = {key: str(table.get_cell_at((row, i))) for i, key in enumerate(c.key.value for c in table.ordered_columns)}
        # 2-9: total 5409.88 (line 1296), share 9.24 % (line 1300): 1082.5 / 5409.88 = 20.01 %;
        # social capital 5409.88 × 9.24 % = 499.872912 → 499.87
        assert cells["invested"] == "1,082.50"
        assert cells["invested_pct"] == "20.0%"
        assert cells["last_month"] == "2023-05"
        assert cells["social_capital"] == "499.87"

    drive(make_app(), body, size=(200, 60))


def test_the_column_chooser_saves_for_this_person_only(
    make_app: MakeApp, config_path: Path, private_preferences: Path, db_path: Path
) -> None:
    before_config = config_path.read_bytes()
    argv = ["--db", str(db_path), "--config", str(config_path), "list", "--format", "csv"]
    before_list = run_main(argv).stdout_bytes

    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("c")
        await until(pilot, lambda: isinstance(pilot.app.screen, ColumnChooserScreen))
        choices = pilot.app.screen.query_one(SelectionList)
        choices.deselect("category")
        choices.select("last_month")
        await pilot.press("ctrl+s")
        await settle(pilot)
        keys = [str(c.key.value) for c in pilot.app.screen.query_one(ProjectTable).ordered_columns]
        assert "category" not in keys and "last_month" in keys

    drive(make_app(), body, size=(200, 60))
    saved = tomllib.loads(private_preferences.read_text(encoding="utf-8"))["columns"]
    assert "last_month" in saved and "category" not in saved
    assert config_path.read_bytes() == before_config
    assert run_main(argv).stdout_bytes == before_list


def test_the_key_bar_never_cuts_an_entry_at_80_columns(make_app: MakeApp) -> None:
    from rich.cells import cell_len

    from tracker.tui.widgets.key_bar import entry_width

    async def body(pilot: Pilot[Any]) -> None:
        for view in ("1", "2", "3", "4", "5"):
            await pilot.press(view)
            await settle(pilot)
            bar = pilot.app.screen.query_one(KeyBar)
            keys = list(bar.query("FooterKey"))
            assert keys[-1].has_class("-command-palette")
            assert sum(entry_width(k) for k in keys) + 1 <= 80
            assert all(cell_len(k.description) > 0 for k in keys)

    drive(make_app(), body, size=(80, 24))


def test_warnings_at_80_columns_show_the_whole_reason_of_the_highlighted_row(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("3")
        await settle(pilot)
        table = pilot.app.screen.query_one("#warning-items", DataTable)
        assert "severity" not in [str(c.key.value) for c in table.ordered_columns]
        table.move_cursor(row=1)
        await settle(pilot)
        reason = str(pilot.app.screen.query_one("#warning-reason").content)
        # 1-2 finishes 2021 (line 950): overdue by 18 months as of 2023-06-30
        assert reason.startswith("1-2 逾期：") and "已逾期18个月" in reason

    drive(make_app(), body, size=(80, 24))


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 60)])
def test_every_shown_column_is_on_screen(make_app: MakeApp, size: tuple[int, int], language: str) -> None:
    """The status column is as wide as fit() counted (未开工 is 6 cells, "not started" 11): at 80×24
    with 完成% chosen instead of 县市区, 完成% used to fall off the right edge behind a status column
    of 11 cells. Every shown column, with its padding, fits beside the scrollbar."""
    from tracker.tui.columns import SCROLLBAR

    async def body(pilot: Pilot[Any]) -> None:
        for choice in (None, ["light", "code", "name", "total", "status", "invested_pct"]):
            pilot.app.remember("columns", choice if choice is not None else list(DEFAULT_CHOICE))  # type: ignore[attr-defined]
            pilot.app.screen.refresh_data()  # type: ignore[attr-defined]
            await settle(pilot)
            table = pilot.app.screen.query_one(ProjectTable)
            shown = [str(c.key.value) for c in table.ordered_columns]
            used = sum(c.get_render_width(table) for c in table.ordered_columns)
            assert used <= size[0] - SCROLLBAR, (shown, used)
            if choice is not None:
                # zh at 80: 80 − 2 − light 7 − code 7 − total 14 − status 8 − name padding 2 = 40 for the
                # name; 完成% takes 9 and leaves 31 ≥ 30. In English the status is 13 with padding: 35 − 9 < 30.
                assert ("invested_pct" in shown) == (language == "zh" or size[0] > 80)
            status = next(c for c in table.ordered_columns if str(c.key.value) == "status")
            assert status.width == (6 if language == "zh" else 11)

    drive(make_app(language=language), body, size=size)
