"""Recording a month's progress from the detail screen (``tracker.progress.record_progress``), its
validation in place, and undoing it from the TUI (``tracker.history.undo_last``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Input, Select

from tests.tui.conftest import MakeApp, column, drive, settle, static_text
from tracker.db import make_engine, reading
from tracker.editing import edit_project
from tracker.history import undoable
from tracker.models import Operation, ProgressRecord, Project
from tracker.tui.screens.confirm import ConfirmScreen
from tracker.tui.screens.detail import DetailScreen
from tracker.tui.screens.portfolio import PortfolioScreen
from tracker.tui.screens.progress_form import ProgressFormScreen
from tracker.tui.widgets.progress_history import ProgressHistory


def state(engine: Engine, code: str) -> tuple[Project, list[ProgressRecord]]:
    with reading(engine) as session:
        project = session.exec(select(Project).where(Project.code == code)).one()
        records = list(session.exec(select(ProgressRecord).where(ProgressRecord.project_id == project.id)))
    return project, records


async def open_form(pilot: Pilot[Any], code: str) -> ProgressFormScreen:
    await pilot.press("slash", *f"code={code}", "enter", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DetailScreen)
    await pilot.press("m")
    form = pilot.app.screen
    assert isinstance(form, ProgressFormScreen)
    return form


def fill(form: ProgressFormScreen, **values: str) -> None:
    for name, value in values.items():
        if name == "status":
            form.query_one("#input-status", Select).value = value
        else:
            form.set_value(name, value)


def test_record_a_month_then_undo_it(make_app: MakeApp, engine: Engine) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, "2-18")
        assert form.query_one("#input-month", Input).value == "2023-06"  # as of 2023-06-30 (a month end) June is the last closed month
        fill(form, status="in_progress", invested="1200.5", progress_text="一期主体封顶", problems="征地未完成")
        await pilot.press("ctrl+s")
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, DetailScreen) and detail.version == 2
        history = detail.query_one(ProgressHistory)
        assert column(history, "month") == ["2023-06"]
        assert column(history, "status") == ["在建"]
        assert column(history, "invested_month") == ["1,200.50"]
        fields = static_text(detail.query_one("#fields"))
        assert "1,200.50" in fields and "在建" in fields
        # 1200.5 of 100000 万元 invested = 1.2005%, shown rounded to 1.2 (two places, half-even: 1.20).
        assert "1.2" in fields
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, PortfolioScreen)

    drive(make_app(), body)
    project, records = state(engine, "2-18")
    assert project.status == "in_progress" and project.version == 2
    assert [(r.month, r.status, r.invested, r.progress_text, r.problems, r.reporter) for r in records] == [
        ("2023-06", "in_progress", Decimal("1200.5"), "一期主体封顶", "征地未完成", "测试员")
    ]

    async def undo(pilot: Pilot[Any]) -> None:
        await pilot.press("u")
        confirm = pilot.app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert "2-18" in confirm.question
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PortfolioScreen)
        assert any("2-18" in message for message in pilot.app.messages)  # type: ignore[attr-defined]

    drive(make_app(), undo)
    project, records = state(engine, "2-18")
    assert project.status == "not_started" and records == []


def test_undo_can_be_declined(make_app: MakeApp, engine: Engine) -> None:
    edited = edit_project(engine, "1-1", {"note": "待核实"}, actor="测试员")
    with reading(engine) as session:
        operations_before = len(list(session.exec(select(Operation))))

    async def body(pilot: Pilot[Any]) -> None:
        app = pilot.app
        generation = app.data_generation  # type: ignore[attr-defined]
        for decline in ("n", "escape"):
            await pilot.press("u")
            confirm = app.screen
            assert isinstance(confirm, ConfirmScreen)  # the question is asked: the edit of 1-1 is what would go
            assert "1-1" in confirm.question and confirm.question.startswith("撤销：")
            await pilot.press(decline)
            await settle(pilot)
            assert isinstance(app.screen, PortfolioScreen)  # back where the user was
            assert not any(m.startswith("已撤销") for m in app.messages)  # type: ignore[attr-defined]
            assert app.data_generation == generation  # type: ignore[attr-defined]  # nothing reloaded: nothing changed

    drive(make_app(), body)
    project, _ = state(engine, "1-1")
    assert (project.note, project.version) == ("待核实", edited.version)
    with reading(engine) as session:
        operations = list(session.exec(select(Operation)))
        still_undoable = undoable(session)
    assert len(operations) == operations_before  # no undo operation was written
    assert still_undoable is not None and still_undoable.id == edited.operation_id


def test_bad_values_are_refused_under_their_fields(make_app: MakeApp, engine: Engine) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, "1-1")
        fill(form, invested="12..5")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form
        assert "not a number" in form.field("invested").error
        fill(form, invested="10", month="2023-07")  # after the as-of date 2023-06-30
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form
        assert form.field("invested").error == ""
        assert "after the as-of date" in form.field("month").error
        await pilot.press("escape")

    drive(make_app("en"), body)
    project, records = state(engine, "1-1")
    assert records == [] and project.version == 1


def test_progress_on_a_project_changed_meanwhile_is_refused_then_saved(make_app: MakeApp, db_url: str) -> None:
    other = make_engine(db_url)

    async def body(pilot: Pilot[Any]) -> None:
        form = await open_form(pilot, "3-1")
        edit_project(other, "3-1", {"note": "另行调度"}, expected_version=1, actor="另一位")
        fill(form, invested="300")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form
        assert "已被他人修改" in form.message
        assert form.query_one("#input-invested", Input).value == "300"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DetailScreen)

    drive(make_app(), body)
    project, records = state(other, "3-1")
    assert project.note == "另行调度" and [r.invested for r in records] == [Decimal("300")]
    other.dispose()
