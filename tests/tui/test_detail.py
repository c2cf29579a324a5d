"""The detail screen and the edit form: every field, the source lines, the warnings, editing through
``tracker.editing`` with messages in place, and a change made elsewhere between load and save."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.tui.conftest import MakeApp, drive, key_of, settle, static_text
from tracker.db import make_engine, reading
from tracker.editing import edit_project
from tracker.models import AuditEntry, Operation, Project
from tracker.tui.screens.detail import DetailScreen
from tracker.tui.screens.edit_project import EditProjectScreen
from tracker.tui.screens.portfolio import PortfolioScreen
from tracker.tui.widgets.project_table import ProjectTable


def project(engine: Engine, code: str) -> Project:
    with reading(engine) as session:
        found = session.exec(select(Project).where(Project.code == code)).one()
    return found


def text_of(pilot: Pilot[Any], selector: str) -> str:
    return static_text(pilot.app.screen.query_one(selector, Static))


async def open_detail(pilot: Pilot[Any], code: str) -> DetailScreen:
    await pilot.press("slash", *f"code={code}", "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DetailScreen) and screen.code == code
    return screen


def test_enter_opens_every_field_the_source_lines_and_the_warnings(make_app: MakeApp) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await open_detail(pilot, "2-18")
        fields = text_of(pilot, "#fields")
        # 2-18, source lines 1494–1514: name (1496), 新建 (1498), 湘潭县民政局 (1500), 2021–2025
        # (1504, 1506), 100000 / 100000 万元 (1508, 1510), 24% (1512); social capital 100000 × 24% = 24000.
        for expected in (
            "湘潭县“党建+莲湘颐老”特色养老小镇项目",
            "新建",
            "湘潭县民政局",
            "100,000.00",
            "24,000.00",
            "未开工",
        ):
            assert expected in fields, expected
        source = text_of(pilot, "#source")
        assert " 1494 │ 18" in source
        assert " 1496 │ 湘潭县“党建+莲湘颐老”特色养老小镇项目" in source
        assert " 1512 │ 24%" in source
        warnings = text_of(pilot, "#warnings")
        # Start period 2021 ended 2021-12-31; as of 2023-06-30 that is 18 months with no start → late_start red.
        assert "开工滞后" in warnings and "红" in warnings
        assert "开工期2021年已过18个月,仍未开工" in warnings
        assert "逾期" not in warnings  # it finishes in 2025
        assert "尚无进度填报" in text_of(pilot, "#no-history")
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, PortfolioScreen)

    drive(make_app(), body)


def test_edit_a_field_saves_one_audited_version(make_app: MakeApp, engine: Engine) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await open_detail(pilot, "4-11")
        await pilot.press("e")
        form = pilot.app.screen
        assert isinstance(form, EditProjectScreen)
        form.query_one("#input-district", Input).value = "湘潭县"
        await pilot.press("ctrl+s")
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, DetailScreen) and detail.version == 2
        assert "湘潭县" in text_of(pilot, "#fields")
        await pilot.press("escape")
        await settle(pilot)
        projects = pilot.app.screen.query_one("#projects", ProjectTable)
        assert projects.current_code == "4-11"  # the list reloaded with the cursor where it was
        assert projects.get_cell(key_of(projects, "4-11"), "district").plain == "湘潭县"

    drive(make_app(), body)
    saved = project(engine, "4-11")
    assert (saved.district, saved.district_source, saved.version) == ("湘潭县", "user", 2)
    with reading(engine) as session:
        op = session.exec(select(Operation).order_by(Operation.id.desc())).first()  # type: ignore[union-attr]
        assert op is not None and op.kind == "edit" and op.actor == "测试员"
        entries = session.exec(select(AuditEntry).where(AuditEntry.operation_id == op.id)).all()
    assert len(entries) == 1 and entries[0].project_code == "4-11"


def test_validation_messages_appear_under_their_fields(make_app: MakeApp, engine: Engine) -> None:
    async def body(pilot: Pilot[Any]) -> None:
        await open_detail(pilot, "2-18")
        await pilot.press("e")
        form = pilot.app.screen
        assert isinstance(form, EditProjectScreen)
        form.query_one("#input-total_investment", Input).value = "12.3.4"
        form.query_one("#input-district", Input).value = "火星"
        form.query_one("#input-name", Input).value = "   "
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, EditProjectScreen)  # not saved, still open
        assert "not a number" in form.query_one("#field-total_investment").error  # type: ignore[attr-defined]
        assert "unknown district" in form.query_one("#field-district").error  # type: ignore[attr-defined]
        assert "must not be empty" in form.query_one("#field-name").error  # type: ignore[attr-defined]
        assert form.query_one("#field-owner").error == ""  # type: ignore[attr-defined]
        await pilot.press("escape")

    drive(make_app("en"), body)
    unchanged = project(engine, "2-18")
    assert unchanged.version == 1 and unchanged.total_investment == Decimal("100000")


def test_a_change_made_elsewhere_is_reported_and_reloaded_not_overwritten(make_app: MakeApp, db_url: str) -> None:
    other = make_engine(db_url)  # another process's engine on the same file

    async def body(pilot: Pilot[Any]) -> None:
        detail = await open_detail(pilot, "2-18")
        await pilot.press("e")
        form = pilot.app.screen
        assert isinstance(form, EditProjectScreen) and form.version == 1
        # Meanwhile someone else saves a note on 2-18 (version 1 → 2).
        edit_project(other, "2-18", {"note": "分三期建设"}, expected_version=1, actor="另一位")
        form.query_one("#input-owner", Input).value = "湘潭县人民政府"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form  # refused, still open
        assert "已被他人修改" in form.message and "版本 2" in form.message
        assert form.query_one("#input-owner", Input).value == "湘潭县人民政府"  # what was typed stays
        assert form.value("note") == "分三期建设"  # the other change shows
        assert detail.version == 2 and "分三期建设" in text_of_screen(detail, "#fields")
        await pilot.press("ctrl+s")  # checked; save again, now against version 2
        await settle(pilot)
        assert pilot.app.screen is detail and detail.version == 3

    drive(make_app(), body)
    saved = project(other, "2-18")
    assert (saved.owner, saved.note, saved.version) == ("湘潭县人民政府", "分三期建设", 3)
    other.dispose()


def text_of_screen(screen: DetailScreen, selector: str) -> str:
    return static_text(screen.query_one(selector, Static))
