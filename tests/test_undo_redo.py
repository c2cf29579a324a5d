"""Undo that fits the work, redo, and the full history (issue 12 item 6), on the bundled portfolio.

Figures from data/xiangtan_plan.txt: 2-9 湘潭市雨湖区老年养护院(二期)建设项目, total 5409.88 万元, not
started, version 1 after the import; 2-10's 建设内容 is eight lines, the sixth ``⑷所需的家具及有关设备购置。``.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.conftest import CliRun
from tracker.db import reading
from tracker.editing import edit_project
from tracker.history import UndoError, history, redo, redoable, undo, undo_last
from tracker.models import AnnualPlan, Operation, ProgressRecord, Project
from tracker.portfolio import find
from tracker.progress import record_progress, set_annual_plan

D = Decimal
ORIGINAL_TOTAL = D("5409.88")


def project(engine: Engine, code: str = "2-9") -> Project:
    with reading(engine) as s:
        return s.exec(select(Project).where(Project.code == code)).one()


def months(engine: Engine, code: str = "2-9") -> dict[str, tuple[str, Decimal]]:
    with reading(engine) as s:
        p = s.exec(select(Project).where(Project.code == code)).one()
        records = s.exec(select(ProgressRecord).where(ProgressRecord.project_id == p.id))
        return {r.month: (r.status, r.invested) for r in records}


def invested_to_date(engine: Engine, code: str = "2-9") -> Decimal:
    with reading(engine) as s:
        row = find(s, code)
        assert row is not None
        return row.invested_to_date


def operation(engine: Engine, operation_id: int | None) -> Operation:
    with reading(engine) as s:
        op = s.get(Operation, operation_id)
    assert op is not None
    return op


# ------------------------------------------------------------------------ independent operations


def test_undo_progress_after_an_annual_plan_figure_of_the_same_project(engine: Engine) -> None:
    """The issue's case: an annual-plan figure touches the project row only in its version, so the
    month can be undone; the figure stays; the version keeps rising (1 → 2 → 3 → 4)."""
    progress = record_progress(engine, "2-9", "2023-05", status="在建", invested="100")
    plan = set_annual_plan(engine, "2-9", 2023, "600")
    assert (progress.version, plan.version) == (2, 3)
    result = undo(engine, progress.operation_id)
    assert result.undone_id == progress.operation_id and result.codes == ["2-9"]
    p = project(engine)
    assert months(engine) == {} and p.status == "not_started" and p.version == 4
    with reading(engine) as s:
        figure = s.exec(select(AnnualPlan).where(AnnualPlan.project_id == p.id, AnnualPlan.year == 2023)).one()
    assert figure.planned == D("600")
    undo_last(engine)  # and the figure is still undoable on its own
    assert project(engine).version == 5


def test_undo_an_edit_when_a_later_edit_changed_another_field(engine: Engine) -> None:
    first = edit_project(engine, "2-9", {"total_investment": "5500"})
    edit_project(engine, "2-9", {"name": "改名后的项目"})
    undo(engine, first.operation_id)
    p = project(engine)
    assert (p.total_investment, p.name, p.version) == (ORIGINAL_TOTAL, "改名后的项目", 4)


def test_undo_an_earlier_month_keeps_the_status_of_the_latest(engine: Engine) -> None:
    """May 在建 100, June 已竣工 50: undoing May leaves June, so the project stays 已竣工 with 50 to date."""
    may = record_progress(engine, "2-9", "2023-05", status="在建", invested="100")
    record_progress(engine, "2-9", "2023-06", status="已竣工", invested="50")
    assert invested_to_date(engine) == D("150")
    undo(engine, may.operation_id)
    assert months(engine) == {"2023-06": ("completed", D("50"))}
    p = project(engine)
    assert p.status == "completed" and p.version == 4
    assert invested_to_date(engine) == D("50")


# ------------------------------------------------------------------------ dependent operations


def test_undo_the_first_of_two_total_edits_is_refused_naming_the_second(engine: Engine) -> None:
    first = edit_project(engine, "2-9", {"total_investment": "5500"})
    second = edit_project(engine, "2-9", {"total_investment": "5600"})
    with pytest.raises(UndoError) as info:
        undo(engine, first.operation_id)
    assert str(info.value) == (
        f"cannot undo operation {first.operation_id} (edit 2-9: total_investment): project 2-9 (total_investment) "
        f"was changed afterwards by operation {second.operation_id} (edit: edit 2-9: total_investment); "
        "undo that first"
    )
    assert project(engine).total_investment == D("5600") and project(engine).version == 3  # nothing written
    undo(engine, second.operation_id)
    undo(engine, first.operation_id)
    assert project(engine).total_investment == ORIGINAL_TOTAL


def test_undo_a_month_whose_status_a_later_month_carried_over_is_refused(engine: Engine) -> None:
    may = record_progress(engine, "2-9", "2023-05", status="在建", invested="100")
    june = record_progress(engine, "2-9", "2023-06", invested="50")  # status carried over: 在建
    assert months(engine)["2023-06"] == ("in_progress", D("50"))
    with pytest.raises(UndoError, match=rf"2023-06 record .*operation {june.operation_id}.*carried over 2023-05"):
        undo(engine, may.operation_id)
    assert len(months(engine)) == 2


def test_undo_a_month_a_later_negative_correction_relies_on_is_refused(engine: Engine) -> None:
    """May +100, June -50 (已竣工): without May the amount to June would be -50 万元."""
    may = record_progress(engine, "2-9", "2023-05", status="在建", invested="100")
    june = record_progress(engine, "2-9", "2023-06", status="已竣工", invested="-50")
    with pytest.raises(UndoError) as info:
        undo(engine, may.operation_id)
    message = str(info.value)
    assert "amount invested to 2023-06 would become -50 万元" in message
    assert f"operation {june.operation_id} (progress: progress 2-9 2023-06" in message
    assert months(engine) == {"2023-05": ("in_progress", D("100")), "2023-06": ("completed", D("-50"))}
    assert project(engine).version == 3


# ------------------------------------------------------------------------ redo


def test_redo_after_undo_and_undo_of_the_redo(engine: Engine) -> None:
    edit = edit_project(engine, "2-9", {"total_investment": "5500"})
    undone = undo_last(engine)
    assert project(engine).total_investment == ORIGINAL_TOTAL
    redone = redo(engine)
    assert (redone.redone_id, redone.undo_id, redone.kind) == (edit.operation_id, undone.operation_id, "edit")
    p = project(engine)
    assert (p.total_investment, p.version) == (D("5500"), 4)  # 2 edit, 3 undo, 4 redo
    redo_op = operation(engine, redone.operation_id)
    assert (redo_op.kind, redo_op.undoes_id) == ("redo", undone.operation_id)
    assert operation(engine, undone.operation_id).undone_by_id == redone.operation_id
    # the redo is a change like any other: undo takes it back, redo puts it back again
    again = undo_last(engine)
    assert again.undone_id == redone.operation_id and again.kind == "redo"
    assert (project(engine).total_investment, project(engine).version) == (ORIGINAL_TOTAL, 5)
    third = redo(engine, edit.operation_id)
    assert third.redone_id == edit.operation_id
    assert (project(engine).total_investment, project(engine).version) == (D("5500"), 6)
    with pytest.raises(UndoError, match=f"already redone by operation {third.operation_id}"):
        redo(engine, edit.operation_id)
    with pytest.raises(UndoError, match="nothing to redo"):
        redo(engine)


def test_redo_is_refused_when_the_cell_changed_since_the_undo(engine: Engine) -> None:
    edit = edit_project(engine, "2-9", {"total_investment": "5500"})
    undo_last(engine)
    since = edit_project(engine, "2-9", {"total_investment": "5600"})
    with pytest.raises(UndoError) as info:
        redo(engine)
    assert str(info.value) == (
        f"cannot redo operation {edit.operation_id} (edit 2-9: total_investment): project 2-9 (total_investment) "
        f"was changed afterwards by operation {since.operation_id} (edit: edit 2-9: total_investment); "
        "undo that first"
    )
    assert project(engine).total_investment == D("5600")
    undo_last(engine)  # the new change taken back: the old one is redoable again
    redo(engine, edit.operation_id)
    assert project(engine).total_investment == D("5500")


def test_an_independent_change_leaves_the_redo_possible(engine: Engine) -> None:
    edit = edit_project(engine, "2-9", {"total_investment": "5500"})
    undo_last(engine)
    set_annual_plan(engine, "2-9", 2023, "600")
    edit_project(engine, "2-9", {"note": "待核实"})
    with reading(engine) as s:
        standing = redoable(s)
    assert standing is not None and standing.undoes_id == edit.operation_id
    redo(engine)
    p = project(engine)
    assert (p.total_investment, p.note, p.version) == (D("5500"), "待核实", 6)


def test_redo_a_month_after_another_month_was_recorded(engine: Engine) -> None:
    """May undone, then June recorded (it may take May's freed row id): May comes back beside June,
    and the project follows June, the latest month."""
    may = record_progress(engine, "2-9", "2023-05", status="在建", invested="100")
    undo_last(engine)
    record_progress(engine, "2-9", "2023-06", status="已竣工", invested="50")
    result = redo(engine, may.operation_id)
    assert result.codes == ["2-9"]
    assert months(engine) == {"2023-05": ("in_progress", D("100")), "2023-06": ("completed", D("50"))}
    assert project(engine).status == "completed" and invested_to_date(engine) == D("150")
    undo_last(engine)  # the redo undone: June alone again
    assert months(engine) == {"2023-06": ("completed", D("50"))} and project(engine).status == "completed"


def test_redo_a_month_whose_cell_was_recorded_again_is_refused(engine: Engine) -> None:
    may = record_progress(engine, "2-9", "2023-05", status="在建", invested="100")
    undo_last(engine)
    again = record_progress(engine, "2-9", "2023-05", status="停缓建", invested="80")
    with pytest.raises(UndoError, match=rf"2023-05 progress record of project 2-9 .*operation {again.operation_id}"):
        redo(engine, may.operation_id)
    assert months(engine) == {"2023-05": ("suspended", D("80"))}


def test_undo_of_an_undo_points_to_redo(engine: Engine) -> None:
    edit = edit_project(engine, "2-9", {"total_investment": "5500"})
    undone = undo_last(engine)
    with pytest.raises(UndoError, match=rf"tracker redo --operation {edit.operation_id}"):
        undo(engine, undone.operation_id)
    with pytest.raises(UndoError, match="is not undone"):
        redo(engine, edit.operation_id - 1)  # the import: never undone


# ------------------------------------------------------------------------ CLI


@pytest.mark.usefixtures("pinned_as_of")
def test_cli_redo_exit_codes_and_json(cli: CliRun) -> None:
    assert cli("redo").exit_code == 1  # nothing undone yet
    assert cli("edit", "2-9", "total=5500").exit_code == 0
    assert cli("undo").exit_code == 0
    dry = cli("redo", "--dry-run")
    assert dry.exit_code == 0 and dry.stdout.startswith("would redo operation 2 (edit: edit 2-9: total_investment)")
    data = json.loads(cli("redo", "--format", "json").stdout, parse_float=Decimal)
    assert data == {
        "redone": 2,
        "undo": 3,
        "kind": "edit",
        "summary": "edit 2-9: total_investment",
        "rows": 1,
        "codes": ["2-9"],
        "operation_id": 4,
        "dry_run": False,
    }
    refused = cli("redo", "--operation", "2")
    assert refused.exit_code == 1 and "already redone by operation 4" in refused.stderr
    assert cli("redo", "--operation", "0").exit_code == 2
    assert cli("redo", "--format", "xml").exit_code == 2
    text = cli("undo")
    assert text.exit_code == 0 and text.stdout.startswith("undid operation 4 (redo: redo 2 (edit)")
    assert cli("redo").stdout.startswith("redid operation 2 (edit: edit 2-9: total_investment): 1 row; projects 2-9")
    shown = cli("history", "2-9", "--limit", "5").stdout
    assert "[undone by 3]" in shown and "[redone by 4]" in shown


# ------------------------------------------------------------------------ history in full

OLD_LINE = "⑷所需的家具及有关设备购置。"
NEW_LINE = "⑷所需的家具、设备及信息化系统购置。"


def test_history_full_shows_a_diff_of_multi_line_content(engine: Engine, cli: CliRun) -> None:
    content = project(engine, "2-10").content
    assert content.count("\n") == 7 and OLD_LINE in content.split("\n")
    edit = edit_project(engine, "2-10", {"content": content.replace(OLD_LINE, NEW_LINE)})
    out = cli("history", "--operation", str(edit.operation_id))
    assert out.exit_code == 0
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"#{edit.operation_id} ") and lines[0].endswith("edit: edit 2-10: content")
    assert lines[1:] == [
        "  ~ project 2-10",
        "      content:",
        "        --- before",
        "        +++ after",
        "        @@ -5,3 +5,3 @@",
        "         ⑶红线范围内的道路、室外活动场地、广场、停车场、绿化、围墙、水电、消防、安防、室外照明等配套工程建设;",
        f"        -{OLD_LINE}",
        f"        +{NEW_LINE}",
        "         2、建设规模",
        "      version: 1 → 2",
    ]
    compact = cli("history", "2-10", "--limit", "1").stdout
    cut = "1、建设内容 / 本项目建设内容主要包括: / ⑴项目建设…"
    hint = f"(differs further on: history --operation {edit.operation_id})"
    assert f"content: {cut} → {cut} {hint}, version: 1 → 2" in compact  # the one-line form still cuts, and says so


def test_history_full_shows_long_single_line_values_whole(engine: Engine, cli: CliRun) -> None:
    old = project(engine, "2-9").name
    new = "湘潭市雨湖区老年养护院（二期）暨社区嵌入式养老服务综合体建设项目"
    edit = edit_project(engine, "2-9", {"name": new})
    full = cli("history", "--full", "--limit", "1").stdout.splitlines()
    assert full[1:] == [
        "  ~ project 2-9",
        "      name:",
        f"        - {old}",
        f"        + {new}",
        "      version: 1 → 2",
    ]
    assert full == cli("history", "--operation", str(edit.operation_id)).stdout.splitlines()
    assert cli("history", "--operation", "999").stdout.strip() == "there is no operation 999"


def test_history_entries_of_an_undo_and_redo(engine: Engine) -> None:
    edit = edit_project(engine, "2-9", {"total_investment": "5500"})
    undone = undo_last(engine)
    redone = redo(engine)
    with reading(engine) as s:
        items = history(s, "2-9", limit=3)
    kinds = [(i.operation_id, i.kind, i.undone_by, i.undoes) for i in items]
    assert kinds == [
        (redone.operation_id, "redo", None, undone.operation_id),
        (undone.operation_id, "undo", redone.operation_id, edit.operation_id),
        (edit.operation_id, "edit", undone.operation_id, None),
    ]
    changes = {c.field: (c.old, c.new) for c in items[0].changes}
    assert changes["total_investment"] == (ORIGINAL_TOTAL, D("5500")) and changes["version"] == (3, 4)


def test_undo_and_redo_of_months_on_postgres(pg_url: str) -> None:
    """The same on PostgreSQL: May undone, June recorded, May redone beside it, the redo undone."""
    from tracker.db import make_engine

    engine = make_engine(pg_url)
    try:
        may = record_progress(engine, "2-9", "2023-05", status="在建", invested="100")
        plan = set_annual_plan(engine, "2-9", 2023, "600")
        undo(engine, may.operation_id)  # independent of the later figure
        record_progress(engine, "2-9", "2023-06", status="已竣工", invested="50")
        redo(engine, may.operation_id)
        assert months(engine) == {"2023-05": ("in_progress", D("100")), "2023-06": ("completed", D("50"))}
        assert project(engine).status == "completed" and project(engine).version == 6
        undo_last(engine)
        assert months(engine) == {"2023-06": ("completed", D("50"))}
        undo(engine, plan.operation_id)
        assert project(engine).version == 8
    finally:
        engine.dispose()
