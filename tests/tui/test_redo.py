"""``U`` (binding id ``redo``): put back the most recently undone operation, after a confirmation,
read and written in worker threads (``tracker.history.redo_last``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select
from textual.pilot import Pilot

from tests.tui.conftest import MakeApp, drive, settle
from tracker.db import reading
from tracker.editing import edit_project
from tracker.history import undo_last
from tracker.models import Operation, Project
from tracker.tui.app import TrackerApp
from tracker.tui.screens.confirm import ConfirmScreen
from tracker.tui.screens.portfolio import PortfolioScreen


def note_and_version(engine: Engine, code: str = "1-1") -> tuple[str, int]:
    with reading(engine) as session:
        project = session.exec(select(Project).where(Project.code == code)).one()
    return project.note, project.version


def test_redo_binding_has_an_id_and_words_in_both_languages() -> None:
    from tracker.tui.i18n import translate

    binding = next(b for b in TrackerApp.BINDINGS if getattr(b, "id", None) == "redo")
    assert binding.key == "U" and binding.action == "redo"  # type: ignore[union-attr]
    assert translate("zh", "key.redo") == "重做" and translate("en", "key.redo") == "Redo"
    assert translate("en", "redo.confirm", summary="edit 1-1: note") == "Redo: edit 1-1: note"


def test_undo_then_redo_from_the_tui(make_app: MakeApp, engine: Engine) -> None:
    edit_project(engine, "1-1", {"note": "待核实"}, actor="测试员")  # version 2

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert note_and_version(engine) == ("", 3)
        for decline in ("n", "escape"):  # asked, declined: nothing happens
            await pilot.press("U")
            await settle(pilot)
            confirm = app.screen
            assert isinstance(confirm, ConfirmScreen)
            assert confirm.question == "重做：编辑 1-1：备注" and confirm.heading == "重做最近撤销的操作？"
            await pilot.press(decline)
            await settle(pilot)
            assert isinstance(app.screen, PortfolioScreen)
        assert note_and_version(engine) == ("", 3)
        generation = app.data_generation  # type: ignore[attr-defined]
        await pilot.press("U")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, PortfolioScreen)
        assert app.messages[-1] == "已重做：编辑 1-1：备注"  # type: ignore[attr-defined]
        assert app.data_generation == generation + 1  # type: ignore[attr-defined]
        await pilot.press("U")  # nothing left to redo: said, no question
        await settle(pilot)
        assert isinstance(app.screen, PortfolioScreen)
        assert app.messages[-1] == "没有可以重做的操作"  # type: ignore[attr-defined]

    drive(make_app(), body)
    assert note_and_version(engine) == ("待核实", 4)
    with reading(engine) as session:
        kinds = [op.kind for op in session.exec(select(Operation).order_by(Operation.id))]  # type: ignore[arg-type]
    assert kinds == ["import-plan", "edit", "undo", "redo"]


def test_a_refused_redo_is_said_not_raised(make_app: MakeApp, engine: Engine) -> None:
    edit_project(engine, "1-1", {"note": "待核实"}, actor="测试员")
    undo_last(engine)
    since = edit_project(engine, "1-1", {"note": "另行调度"}, actor="另一位")

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        app.language = "en"  # type: ignore[attr-defined]
        await pilot.press("U")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        message = app.messages[-1]  # type: ignore[attr-defined]
        assert message.startswith("Cannot redo: cannot redo operation 2 (edit 1-1: note)")
        assert f"changed afterwards by operation {since.operation_id}" in message

    drive(make_app(), body)
    assert note_and_version(engine) == ("另行调度", 4)
