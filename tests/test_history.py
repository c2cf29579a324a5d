"""History and undo on the real portfolio: field-level log, whole-operation undo, refusals, CLI.

Figures from data/xiangtan_plan.txt: 1-1 (lines 916–936) total 1500; 2-9 (lines 1282–1302) total
5409.88, share 9.24%; 4-11 (lines 2632–2652) total 100000, not placed in a district.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from tests.conftest import CliRun
from tracker.db import reading
from tracker.editing import edit_project
from tracker.history import UndoError, history, undo, undo_last, undoable
from tracker.importing.csv_import import import_csv
from tracker.models import AnnualPlan, Operation, ProgressRecord, Project
from tracker.portfolio import find
from tracker.progress import record_progress, set_annual_plan

D = Decimal


def _state(engine: Engine) -> dict[str, tuple]:
    """Every project's data (not its version) and every progress record: what undo must restore."""
    with reading(engine) as s:
        projects = {
            p.code: (
                p.name,
                p.district,
                p.district_source,
                p.status,
                p.total_investment,
                p.planned_investment,
                p.social_share_pct,
                p.start_text,
                p.finish_text,
            )
            for p in s.exec(select(Project))
        }
        records = {
            (r.project_id, r.month): (r.status, r.invested, r.progress_text) for r in s.exec(select(ProgressRecord))
        }
        plans = {(a.project_id, a.year): a.planned for a in s.exec(select(AnnualPlan))}
    return {
        "projects": tuple(sorted(projects.items())),
        "records": tuple(sorted(records.items())),
        "plans": tuple(sorted(plans.items())),
    }


def test_history_lists_field_level_changes_newest_first(engine: Engine) -> None:
    record_progress(engine, "2-9", "2023-06", status="在建", invested="120", reporter="张三")
    edit_project(engine, "4-11", {"district": "湘潭县"}, actor="李四")
    with reading(engine) as s:
        items = history(s)
    assert [i.kind for i in items[:3]] == ["edit", "progress", "progress"]
    edit = items[0]
    assert (edit.who, edit.table, edit.code, edit.action) == ("李四", "project", "4-11", "update")
    changes = {c.field: (c.old, c.new) for c in edit.changes}
    assert changes["district"] == (None, "湘潭县")
    assert changes["district_source"] == (None, "user")
    assert changes["version"] == (1, 2)
    progress = [i for i in items if i.kind == "progress"]
    assert {i.table for i in progress} == {"progressrecord", "project"}
    inserted = next(i for i in progress if i.table == "progressrecord")
    new = {c.field: c.new for c in inserted.changes}
    assert new["invested"] == D("120") and new["status"] == "in_progress" and new["month"] == "2023-06"
    assert inserted.who == "张三"
    assert items[-1].kind == "import-plan"  # the initial import is operation 1


def test_history_of_one_project_and_limit(engine: Engine) -> None:
    record_progress(engine, "2-9", "2023-06", invested="1")
    record_progress(engine, "1-1", "2023-06", invested="2")
    with reading(engine) as s:
        only = history(s, "2-9")
        latest = history(s, limit=1)
    assert {i.code for i in only} == {"2-9"}
    assert [i.kind for i in only] == ["progress", "progress", "import-plan"]  # record + project row, then the import
    assert {i.operation_id for i in latest} == {latest[0].operation_id} and latest[0].summary.startswith("progress 1-1")


def test_undo_a_progress_record_restores_everything(engine: Engine) -> None:
    before = _state(engine)
    result = record_progress(engine, "2-9", "2023-06", status="在建", invested="499.87")
    assert _state(engine) != before
    undone = undo_last(engine, actor="王五")
    assert undone.undone_id == result.operation_id and undone.codes == ["2-9"] and undone.rows == 2
    assert _state(engine) == before
    with reading(engine) as s:
        target = s.get(Operation, result.operation_id)
        undo_op = s.get(Operation, undone.operation_id)
        row = find(s, "2-9")
    assert target is not None and undo_op is not None and row is not None
    assert target.undone_by_id == undo_op.id and undo_op.undoes_id == target.id
    assert (undo_op.kind, undo_op.actor) == ("undo", "王五")
    assert row.invested_to_date == 0 and row.project.status == "not_started"
    assert row.project.version == 3  # 1 → 2 by the record, → 3 by the undo: versions only rise


def test_undo_twice_undoes_the_one_before_not_redo(engine: Engine) -> None:
    start = _state(engine)
    record_progress(engine, "1-1", "2023-05", status="在建", invested="100")
    after_first = _state(engine)
    record_progress(engine, "1-1", "2023-06", invested="50", status="已竣工")
    assert undo_last(engine).summary.startswith("progress 1-1 2023-06")
    assert _state(engine) == after_first
    assert undo_last(engine).summary.startswith("progress 1-1 2023-05")
    assert _state(engine) == start


def test_undo_a_correction_restores_the_first_report(engine: Engine) -> None:
    record_progress(engine, "1-1", "2023-06", status="在建", invested="100", progress_text="基础")
    first = _state(engine)
    record_progress(engine, "1-1", "2023-06", invested="90", progress_text="基础完成")
    undo_last(engine)
    assert _state(engine) == first


def test_undo_an_annual_plan_and_an_edit(engine: Engine) -> None:
    start = _state(engine)
    set_annual_plan(engine, "1-1", 2023, "600")
    edit_project(engine, "2-9", {"total_investment": "5500", "name": "改名"})
    undo_last(engine)
    undo_last(engine)
    assert _state(engine) == start


def _write_import(tmp_path: Path, engine: Engine) -> Path:
    """The export's CSV with 2-9's total changed, 4-11 placed, and a new project 5-5 added."""
    from tracker.excel import write_csv_excel
    from tracker.export import EXPORT_KEYS, record
    from tracker.portfolio import rows

    with reading(engine) as s:
        records = [record(r) for r in rows(s)]
    by_code = {r["code"]: r for r in records}
    by_code["2-9"]["total_investment"] = D("5500.5")
    by_code["4-11"]["district"] = "湘潭县"
    new = dict(by_code["5-4"]) | {
        "code": "5-5",
        "seq": 5,
        "name": "新增残疾人托养项目",
        "total_investment": D("80"),
        "planned_investment": D("80"),
        "status": "not_started",
    }
    path = tmp_path / "changes.csv"
    write_csv_excel([*records, new], path, EXPORT_KEYS)
    return path


def test_undo_of_a_whole_csv_import(engine: Engine, tmp_path: Path) -> None:
    start = _state(engine)
    result = import_csv(engine, _write_import(tmp_path, engine), actor="张三")
    assert result.created == ["5-5"] and sorted(result.updated) == ["2-9", "4-11"]
    assert _state(engine) != start
    undone = undo_last(engine)
    assert undone.undone_id == result.operation_id and undone.kind == "import-csv"
    assert undone.codes == ["2-9", "4-11", "5-5"] and undone.rows == 3
    assert _state(engine) == start
    with reading(engine) as s:
        assert s.exec(select(func.count()).select_from(Project)).one() == 87


def test_undo_of_the_initial_import_empties_the_portfolio(engine: Engine) -> None:
    result = undo_last(engine)
    assert result.kind == "import-plan" and result.rows == 93  # 1 plan + 5 categories + 87 projects
    with reading(engine) as s:
        assert s.exec(select(func.count()).select_from(Project)).one() == 0
    with pytest.raises(UndoError, match="nothing to undo"):
        undo_last(engine)


def test_undo_refuses_when_a_later_operation_changed_the_rows(engine: Engine) -> None:
    first = record_progress(engine, "1-1", "2023-05", status="在建", invested="100")
    later = record_progress(engine, "1-1", "2023-05", invested="90")  # a correction of the same month
    assert first.operation_id is not None
    before = _state(engine)
    with pytest.raises(UndoError) as info:
        undo(engine, first.operation_id)
    message = str(info.value)
    assert "the 2023-05 progress record of project 1-1" in message
    assert f"operation {later.operation_id}" in message and "undo that first" in message
    assert _state(engine) == before
    # once the later correction is undone, the earlier operation can be undone too
    undo_last(engine)
    undo(engine, first.operation_id)
    with reading(engine) as s:
        row = find(s, "1-1")
    assert (
        row is not None
        and row.invested_to_date == 0
        and row.project.name == "湘潭市未成年人救助保护中心基础设施改扩建项目"
    )


def test_undo_refuses_a_row_changed_outside_the_log(engine: Engine) -> None:
    result = record_progress(engine, "1-1", "2023-05", status="在建", invested="100")
    with reading(engine) as s:  # a change no operation recorded (e.g. a hand-made SQL fix)
        record = s.exec(select(ProgressRecord)).one()
        record.invested = D("99")
        s.add(record)
        s.commit()
    with pytest.raises(UndoError, match="no longer as that operation left it"):
        undo(engine, result.operation_id)
    with reading(engine) as s:
        assert s.exec(select(ProgressRecord)).one().invested == D("99")


def test_undo_refuses_undone_and_undo_operations(engine: Engine) -> None:
    result = record_progress(engine, "1-1", "2023-05", invested="1")
    undone = undo_last(engine)
    with pytest.raises(UndoError, match="already undone"):
        undo(engine, result.operation_id)
    with pytest.raises(UndoError, match="itself an undo.*tracker redo"):
        undo(engine, undone.operation_id)
    with pytest.raises(UndoError, match="no operation 999"):
        undo(engine, 999)


def test_dry_run_changes_nothing(engine: Engine) -> None:
    record_progress(engine, "1-1", "2023-05", invested="1")
    before = _state(engine)
    with reading(engine) as s:
        ops_before = s.exec(select(func.count()).select_from(Operation)).one()
    result = undo(engine, dry_run=True)
    assert result.operation_id is None and result.codes == ["1-1"]
    assert _state(engine) == before
    with reading(engine) as s:
        assert s.exec(select(func.count()).select_from(Operation)).one() == ops_before
        target = undoable(s)
    assert target is not None and target.undone_by_id is None


# ---------------------------------------------------------------------------- CLI


@pytest.mark.usefixtures("pinned_as_of")  # records progress: not after the as-of date
def test_cli_history_and_undo(cli: CliRun) -> None:
    assert cli("progress", "2-9", "--month", "2023-06", "--status", "在建", "--invested", "120").exit_code == 0
    text = cli("history", "2-9")
    assert text.exit_code == 0
    assert "progress 2-9 2023-06" in text.stdout and "status: not_started → in_progress" in text.stdout
    data = json.loads(cli("history", "--format", "json", "--limit", "1").stdout, parse_float=Decimal)
    assert {d["kind"] for d in data} == {"progress"} and {d["code"] for d in data} == {"2-9"}
    undone = cli("undo")
    assert undone.exit_code == 0 and "undid operation" in undone.stdout and "2-9" in undone.stdout
    after = cli("history", "2-9", "--limit", "2").stdout
    assert "[undone by" in after
    export = {r["code"]: r for r in json.loads(cli("export").stdout, parse_float=Decimal)}
    assert export["2-9"]["invested_to_date"] == 0 and export["2-9"]["status"] == "not_started"


def test_cli_undo_refusal_exits_1(cli: CliRun) -> None:
    assert cli("undo").exit_code == 0  # the initial import
    nothing = cli("undo")
    assert nothing.exit_code == 1 and "nothing to undo" in nothing.stderr


def test_undo_refuses_to_orphan_rows_it_did_not_create(engine: Engine) -> None:
    """A progress record added outside the log still refers to 5-4: undoing the import must not drop 5-4."""
    with reading(engine) as s:
        project = s.exec(select(Project).where(Project.code == "5-4")).one()
        s.add(ProgressRecord(project_id=project.id, month="2023-06", status="in_progress", invested=D("10")))
        s.commit()
    with pytest.raises(UndoError, match="project 5-4 cannot be removed: other rows still refer to it"):
        undo_last(engine)
    with reading(engine) as s:
        assert s.exec(select(func.count()).select_from(Project)).one() == 87
        assert s.exec(select(func.count()).select_from(Operation)).one() == 1
        first = s.get(Operation, 1)
    assert first is not None and first.undone_by_id is None
