"""App-wide behaviour: help lists every key, [keys] remaps by binding id, the zh/en switch is
remembered in tracker.toml, the command palette runs the actions, q quits, and the CLI opens the app
with the resolved database, settings and as-of date."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.conftest import CliRun
from tests.tui.conftest import CONFIG_TEXT, MakeApp, drive, settle, static_text, until
from tracker.config import load
from tracker.tui.app import TrackerApp
from tracker.tui.i18n import LANGUAGES, has_message, translate
from tracker.tui.screens.help import HelpScreen, all_bindings
from tracker.tui.screens.portfolio import PortfolioScreen
from tracker.tui.screens.rollups import RollupsScreen
from tracker.tui.screens.sort import SortScreen
from tracker.tui.widgets.key_bar import KeyBar


def test_every_binding_has_an_id_and_words_in_both_languages() -> None:
    bindings = all_bindings()
    assert len(bindings) >= 25
    for where, binding in bindings:
        assert isinstance(binding, Binding)
        assert binding.id, f"{where}: {binding.key} → {binding.action} has no id"
        assert has_message(f"key.{binding.id}", "zh") and has_message(f"key.{binding.id}", "en"), binding.id
    assert translate("en", "view.rollups") == "Rollups" and translate("zh", "view.rollups") == "汇总"
    assert set(LANGUAGES) == {"zh", "en"}


def test_help_lists_every_key(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("question_mark")
        screen = pilot.app.screen
        assert isinstance(screen, HelpScreen)
        table = screen.query_one("#keys", DataTable)
        ids = {str(cell) for cell in table.get_column("binding_id")}
        expected = {b.id for _, b in all_bindings() if not b.system}
        assert expected <= ids
        assert {"quit", "help", "sort", "focus_filter", "edit", "record_progress", "undo", "language"} <= ids
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, PortfolioScreen)

    drive(make_app(), body)


def test_keys_section_remaps_by_binding_id(engine: Any, config_path: Path) -> None:
    config_path.write_text(
        CONFIG_TEXT + '\n[keys]\nsort = "o"\nview_rollups = "f2"\nno_such_action = "x"\n', encoding="utf-8"
    )
    app = TrackerApp(engine, load(config_path), date(2023, 6, 30), "测试员")

    async def body(pilot: Pilot[Any]) -> None:
        # said once the first page is up (checking every id imports every screen)
        await until(pilot, lambda: any("no_such_action" in m for m in pilot.app.messages))  # type: ignore[attr-defined]
        await pilot.press("s")
        assert isinstance(pilot.app.screen, PortfolioScreen)  # s no longer sorts
        await pilot.press("o")
        assert isinstance(pilot.app.screen, SortScreen)
        await pilot.press("escape", "f2")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RollupsScreen)

    drive(app, body)


def test_language_switch_is_live_and_remembered(make_app: MakeApp, config_path: Path, private_preferences: Path) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        assert screen.title == "民政重点项目跟踪"
        await pilot.press("l")
        await until(
            pilot, lambda: str(pilot.app.screen.query_one("#projects", DataTable).columns["name"].label) == "Name"
        )  # type: ignore[index]
        assert pilot.app.screen.title == "Civil-affairs key projects"
        status = {str(cell) for cell in pilot.app.screen.query_one("#projects", DataTable).get_column("status")}
        assert status == {"not started"}

        def footer() -> list[str]:
            return [k.description for k in pilot.app.screen.query_one(KeyBar).query("FooterKey")]  # type: ignore[attr-defined]

        await until(pilot, lambda: "Sort" in footer())
        assert "排序" not in footer()

    before = config_path.read_bytes()
    drive(make_app(), body)
    assert config_path.read_bytes() == before  # the shared settings are not an interface choice
    assert tomllib.loads(private_preferences.read_text(encoding="utf-8")) == {"language": "en"}
    assert make_app(language=None).language == "en"  # what the next start reads


def test_command_palette_runs_the_actions(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("ctrl+p")
        await pilot.press(*"汇总")
        await until(pilot, lambda: bool(pilot.app.screen.query("CommandList Option, CommandList")))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, RollupsScreen))

    drive(make_app(), body)


def test_q_quits_but_typing_q_in_the_filter_does_not(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await pilot.press("slash", "q", "1")
        assert pilot.app.is_running and pilot.app.screen.query_one("#filter-input").value == "q1"  # type: ignore[attr-defined]
        await pilot.press("escape", "q")
        await settle(pilot)
        assert not pilot.app.is_running

    drive(make_app(), body)


def test_tracker_tui_opens_the_app_with_what_the_cli_resolved(cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_run(self: TrackerApp, *args: Any, **kwargs: Any) -> None:
        seen.update(as_of=self.as_of, language=self.language, url=str(self.engine.url), actor=self.actor)

    monkeypatch.setattr(TrackerApp, "run", fake_run)
    result = cli("tui", "--as-of", "2024-01-31")
    assert result.exit_code == 0, result.output
    assert seen["as_of"] == date(2024, 1, 31) and seen["language"] == "zh"
    assert seen["url"].endswith("tracker.db")
    seen.clear()
    result = cli("--as-of", "2024-02-29")  # no command: the same app
    assert result.exit_code == 0, result.output
    assert seen["as_of"] == date(2024, 2, 29)


def test_tracker_tui_on_a_missing_database_is_an_error(cli: CliRun, tmp_path: Path) -> None:
    result = cli("tui", db=str(tmp_path / "nowhere.db"))
    assert result.exit_code == 2
    assert "no such database" in result.stderr


def test_every_view_and_form_opens_in_english(make_app: MakeApp) -> None:
    """Walks every screen in English: a label missing from the word list would raise here."""

    async def body(pilot: Pilot[Any]) -> None:
        for key in ("2", "d", "D", "3", "4", "1", "s"):
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("escape", "v")
        await settle(pilot)
        await pilot.press("escape")
        pilot.app.open_project("2-18")  # type: ignore[attr-defined]
        await settle(pilot)
        text = static_text(pilot.app.screen.query_one("#fields"))
        assert "Total investment (万元)" in text and "not started" in text
        for form in ("e", "m"):
            await pilot.press(form)
            await settle(pilot)
            await pilot.press("escape")
        await pilot.press("question_mark")
        await settle(pilot)
        table = pilot.app.screen.query_one("#keys", DataTable)
        assert "Record month" in {str(c) for c in table.get_column("action")}
        await pilot.press("escape", "u")
        await settle(pilot)
        assert "Undo: import" in pilot.app.screen.question  # type: ignore[attr-defined]
        await pilot.press("n")

    drive(make_app(language="en"), body)
