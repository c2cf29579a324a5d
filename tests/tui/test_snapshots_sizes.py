"""Every view, form and dialog at 80×24 (a laptop, an SSH session), 120×40 and 200×60, in Chinese and
in English, as of 2023-06-30: SVG snapshots reviewed when recorded (``pytest --snapshot-update``) and
compared on every run. What they guard: nothing overprints (the rollups chart goes under the table or
away when narrow), nothing is cut mid-glyph (the key bar drops whole entries), the project table keeps
light, code, name, total and status at 80 and adds columns as the width allows.

Adding a view is one line in :data:`VIEWS`; adding a size or a language, one value below it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from textual.widgets import Input

from tests.tui.conftest import MakeApp, settle
from tracker.db import transaction
from tracker.models import Project

Step = Callable[[Pilot[Any]], Awaitable[None]]


def pressing(*keys: str) -> Step:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await settle(pilot)

    return run


def on_2_18(*keys: str) -> Step:
    """Open 2-18 (the largest project, with a social-capital share), then press ``keys``."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.open_project("2-18")  # type: ignore[attr-defined]
        await pressing(*keys)(pilot)

    return run


def with_indicators(*keys: str) -> Step:
    """Xiangtan's 30 main indicators imported (beside its projects), one value recorded, then ``keys``."""

    async def run(pilot: Pilot[Any]) -> None:
        from tracker.indicators.store import import_indicators, record_value
        from tracker.paths import bundled_plan

        engine = pilot.app.engine  # type: ignore[attr-defined]
        import_indicators(engine, bundled_plan())
        record_value(engine, 10, 2022, "55")  # 养老机构护理型床位占比 (binding, target 60)
        await pressing(*keys)(pilot)

    return run


VIEWS: dict[str, Step] = {
    "portfolio": pressing(),
    "rollups": pressing("2"),
    "warnings": pressing("3"),
    "timeline": pressing("4"),
    "check": pressing("5"),
    "indicators": with_indicators("6"),
    "detail": on_2_18(),
    "edit_form": on_2_18("e"),
    "progress_form": on_2_18("m"),
    "help": pressing("question_mark"),
    "columns": pressing("c"),
}
SIZES: dict[str, tuple[int, int]] = {"80x24": (80, 24), "120x40": (120, 40), "200x60": (200, 60)}
LANGUAGES = ("zh", "en")


@pytest.fixture(autouse=True)
def steady(monkeypatch: pytest.MonkeyPatch, engine: Engine) -> None:
    """A settled picture: no loading indicator on a slow machine, and the import time the detail shows
    ("last changed") pinned."""
    monkeypatch.setattr("tracker.tui.screens.base.LOADING_AFTER", 600.0)
    with transaction(engine) as session:
        session.execute(update(Project).values(updated_at=datetime(2023, 6, 1, 9, 30)))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", VIEWS)
def test_view_at_size(snap_compare: Any, make_app: MakeApp, view: str, size: str, language: str) -> None:
    assert snap_compare(make_app(language=language), terminal_size=SIZES[size], run_before=VIEWS[view])
