"""Data is text in the TUI too (issue 9, item 4): a project whose text fields hold Rich markup,
``:emoji:`` codes, ESC/OSC sequences, C1 controls or bidi overrides renders in the portfolio, the
detail view, the warnings, the timeline and the rollups without an exception, shows the text as
typed (controls as ``\\x1b`` escapes), and nothing of it reaches the terminal raw.

"Reaches the terminal" is checked on :meth:`App.export_screenshot`: Textual renders the whole screen
(every widget, toasts and dialogs included) and Rich writes its text into the SVG unchanged, so a raw
ESC or C1 byte in a cell would be there. Values are written with SQL (entry points may refuse
control characters; the display must not depend on it). The TUI tests run as of 2023-06-30; 2-9
(湘潭市雨湖区老年养护院(二期)建设项目, data/xiangtan_plan.txt lines 1282–1302, 2021–2023, total 5409.88)
has 1 万元 reported for May 2023: 0.02% of its total against a time pace of 30/36 months = 83.33%,
a red "lagging" warning.
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.test_safe_output import FIELD_UPDATES, examples, nasty_text
from tests.tui.conftest import AS_OF, SIZE, column, settle, static_text, until
from tracker.config import load
from tracker.db import make_engine
from tracker.safe_text import has_control, visible
from tracker.tui.app import TrackerApp
from tracker.tui.screens.confirm import ConfirmScreen
from tracker.tui.screens.detail import DetailScreen
from tracker.tui.screens.edit_project import EditProjectScreen
from tracker.tui.widgets.filter_bar import FilterBar
from tracker.tui.widgets.project_table import ProjectTable

CODE = "2-9"
_copies = itertools.count()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled portfolio with May 2023 reported for 2-9 (so the detail has a progress row)."""
    from tracker.bootstrap import init_database
    from tracker.progress import record_progress

    path = tmp_path_factory.mktemp("tui-safe") / "template.db"
    engine = init_database(f"sqlite:///{path}").engine
    record_progress(engine, CODE, "2023-05", status="in_progress", invested="1", progress_text="主体施工", as_of=AS_OF)
    engine.dispose()
    return path


def nasty_engine(template: Path, folder: Path, values: dict[str, str]) -> Engine:
    """A copy of the template with each field of ``values`` set for 2-9, and an operation whose
    summary is the first value (what the undo dialog quotes)."""
    path = folder / f"tui-nasty-{next(_copies)}.db"
    shutil.copyfile(template, path)
    raw = create_engine(f"sqlite:///{path}")
    with raw.begin() as connection:
        for field, value in values.items():
            connection.execute(text(FIELD_UPDATES[field]), {"v": value, "code": CODE})
        summary = next(iter(values.values()))
        operation = connection.execute(
            text("INSERT INTO operation (kind, summary, actor, created_at) VALUES ('edit', :v, :v, :t)"),
            {"v": summary, "t": "2023-06-30 12:00:00"},
        ).lastrowid
        connection.execute(
            text(
                "INSERT INTO auditentry (operation_id, table_name, row_id, action, project_code, old_values, new_values)"
                " SELECT :op, 'project', id, 'update', code, :old, :new FROM project WHERE code = :code"
            ),
            {"op": operation, "old": json.dumps({"version": 2}), "new": json.dumps({"version": 2}), "code": CODE},
        )
    raw.dispose()
    return make_engine(f"sqlite:///{path}")


def run(engine: Engine, config_path: Path, body: Callable[[Pilot[Any]], Awaitable[None]]) -> None:
    import asyncio

    app = TrackerApp(engine, load(config_path), AS_OF, "测试员", language="zh")

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await body(pilot)

    asyncio.run(main())
    engine.dispose()


def assert_screen_safe(pilot: Pilot[Any]) -> str:
    """The whole screen as rendered holds no raw control character; returns the SVG."""
    svg = pilot.app.export_screenshot()
    found = sorted({hex(ord(c)) for c in svg if has_control(c)})
    assert not found, found
    return svg


async def open_detail(pilot: Pilot[Any]) -> DetailScreen:
    pilot.app.open_project(CODE)  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DetailScreen) and screen.code == CODE
    return screen


@given(field=st.sampled_from(sorted(FIELD_UPDATES)), value=nasty_text)
@settings(
    max_examples=examples(10, 300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_text_in_any_field_renders_safely(
    template: Path, workdir: Path, config_path: Path, field: str, value: str
) -> None:
    engine = nasty_engine(template, workdir, {field: value})

    async def body(pilot: Pilot[Any]) -> None:
        table = pilot.app.screen.query_one(ProjectTable)
        assert table.total == 87 and CODE in table.codes.values()
        assert_screen_safe(pilot)
        await open_detail(pilot)
        assert_screen_safe(pilot)

    run(engine, config_path, body)


# --------------------------------------------------------------------------------------------
# every place, one by one

NAME = "[/]养护院[link=http://evil.example]点我[/link]\x1b[2J\x1b]0;pwned\x07:thumbs_up:\u202e"
SHOWN = visible(NAME, single_line=True)
"""What a cell shows: the markup as typed, each control as its escape."""


def test_portfolio_detail_and_progress_show_the_text_as_typed(template: Path, workdir: Path, config_path: Path) -> None:
    engine = nasty_engine(
        template,
        workdir,
        {
            "name": NAME,
            "owner": "[bold",
            "content": "[/]内容\x9b2J",
            "reporter": "[/]\x1b[31m",
            "progress_text": "[/]p",
        },
    )

    async def body(pilot: Pilot[Any]) -> None:
        table = pilot.app.screen.query_one(ProjectTable)
        assert dict(zip(column(table, "code"), column(table, "name"), strict=True))[CODE] == SHOWN
        assert_screen_safe(pilot)
        detail = await open_detail(pilot)
        heading = static_text(detail.query_one("#heading", Static))
        assert heading.startswith(f"2-9  {SHOWN}")
        fields = static_text(detail.query_one("#fields", Static))
        assert "[/]内容\\x9b2J" in fields and "[bold" in fields
        history = detail.query_one("#history", DataTable)
        assert column(history, "reporter") == ["[/]\\x1b[31m"] and column(history, "progress_text") == ["[/]p"]
        warnings = static_text(detail.query_one("#warnings", Static))
        assert "投资滞后  累计完成投资占总投资0.02%,序时进度83.33%" in warnings
        assert_screen_safe(pilot)

    run(engine, config_path, body)


@pytest.mark.parametrize("view", ["warnings", "timeline", "rollups"])
def test_the_other_views_show_the_text_as_typed(template: Path, workdir: Path, config_path: Path, view: str) -> None:
    engine = nasty_engine(template, workdir, {"name": NAME, "owner": "[/]\x1b]0;t\x07", "category": "[/]类\x85"})

    async def body(pilot: Pilot[Any]) -> None:
        pilot.app.action_show_view(view)  # type: ignore[attr-defined]
        await settle(pilot)
        if view == "rollups":
            pilot.app.screen.set_dims("owner", None)  # type: ignore[attr-defined]
            await settle(pilot)
        svg = assert_screen_safe(pilot)
        table = pilot.app.screen.query_one(DataTable)
        cells = [str(getattr(cell, "plain", cell)) for row in range(table.row_count) for cell in table.get_row_at(row)]
        if view == "rollups":
            assert any("[/]\\x1b]0;t\\x07" in cell for cell in cells), cells[:20]
        else:
            assert SHOWN in cells
        assert "\x1b" not in svg

    run(engine, config_path, body)


def test_undo_dialog_and_notifications_quote_the_summary_safely(
    template: Path, workdir: Path, config_path: Path
) -> None:
    engine = nasty_engine(template, workdir, {"note": "[/]撤销\x1b[2J"})

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await pilot.press("u")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen)
        assert "[/]撤销\\x1b[2J" in static_text(dialog.query_one("#question", Static))
        assert_screen_safe(pilot)
        await pilot.press("escape")
        await settle(pilot)
        app.say("[/]通知\x1b]0;t\x07")  # type: ignore[attr-defined]
        await settle(pilot)
        assert app.messages[-1] == "[/]通知\\x1b]0;t\\x07"  # type: ignore[attr-defined]
        assert_screen_safe(pilot)

    run(engine, config_path, body)


def test_filter_bar_shows_controls_as_escapes(template: Path, workdir: Path, config_path: Path) -> None:
    engine = nasty_engine(template, workdir, {"name": "x"})

    async def body(pilot: Pilot[Any]) -> None:
        pilot.app.apply_filter("total>[/]\x1b[2J")  # type: ignore[attr-defined]
        await settle(pilot)
        bar = pilot.app.screen.query_one(FilterBar)
        assert bar.text == "total>[/]\\x1b[2J"  # what is shown is what is parsed
        assert "\\x1b[2J" in bar.error_text and "[/]" in bar.error_text
        assert_screen_safe(pilot)
        bar.input.value = "name:养护院\x1b]0;t\x07"  # as a paste would put it
        await until(pilot, lambda: bar.text == "name:养护院\\x1b]0;t\\x07")
        assert_screen_safe(pilot)

    run(engine, config_path, body)


def test_edit_form_shows_controls_and_keeps_an_untouched_field_exact(
    template: Path, workdir: Path, config_path: Path
) -> None:
    engine = nasty_engine(template, workdir, {"name": NAME})

    async def body(pilot: Pilot[Any]) -> None:
        await open_detail(pilot)
        await pilot.press("e")
        form = pilot.app.screen
        assert isinstance(form, EditProjectScreen)
        assert form.query_one("#input-name", Input).value == visible(NAME)
        assert_screen_safe(pilot)
        form.query_one("#input-district", Input).value = "湘潭县"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DetailScreen), (
            form.message,
            [form.field(f).error for f in ("name", "district")],
        )

    run(engine, config_path, body)
    with engine.connect() as connection:
        name, district = connection.execute(text("SELECT name, district FROM project WHERE code = '2-9'")).one()
    engine.dispose()
    assert (name, district) == (NAME, "湘潭县")  # only the field edited was written
