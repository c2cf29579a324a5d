"""Imports never remove what they did not mean to, and nothing is left half-made (issue 9, items 1 and 5).

Line numbers are those of data/xiangtan_plan.txt: the title is line 864, the 总计项目(87) row 888, the
category rows 902 (一, 8个), 1092 (二, 50个), 2220 (三, 7个), 2398 (四, 18个) and 2808 (五, 4个); 1-3's
number is on line 960, 2-1's note on 1126 and 2-2's number on 1128; 1-8 runs from line 1070 to 1090,
5-3 (韶山市精神卫生康复社区建设项目) from 2876 to 2896 and 5-4 (韶山市重度残疾人康复中心项目) from 2898
to 2918. Categories 三, 四 and 五 hold 7 + 18 + 4 = 29 projects.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.conftest import CliRun, run_main
from tracker.db import create_schema, make_engine, new_database_file, reading
from tracker.importing.csv_import import CsvImportError, import_csv
from tracker.importing.load import RemovalRefusedError, import_plan_file
from tracker.importing.plan_text import PlanFormatError, parse_plan_text
from tracker.models import AuditEntry, Operation, Plan, Project
from tracker.progress import record_progress

D = Decimal
PLAN_NAME = "湘潭市“十四五”民政事业发展规划"


# -- helpers ------------------------------------------------------------------------------------------------------
def _lines(plan_path: Path) -> list[str]:
    return plan_path.read_text(encoding="utf-8").split("\n")


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _counts(engine: Engine) -> tuple[int, int, int]:
    """Projects, operations, audit entries."""
    with reading(engine) as s:
        return (
            s.exec(select(func.count(Project.id))).one(),
            s.exec(select(func.count(Operation.id))).one(),
            s.exec(select(func.count(AuditEntry.id))).one(),
        )


def _dump(engine: Engine) -> list[str]:
    """Every row of every table, as SQL: equal dumps mean nothing was written."""
    raw = engine.raw_connection()
    try:
        return list(raw.driver_connection.iterdump())  # type: ignore[union-attr]
    finally:
        raw.close()


def _codes(engine: Engine) -> set[str]:
    with reading(engine) as s:
        return set(s.exec(select(Project.code)).all())


def _without(lines: list[str], first: int, last: int) -> list[str]:
    """``lines`` without the 1-based lines ``first``–``last`` (like ``sed 'first,lastd'``)."""
    return lines[: first - 1] + lines[last:]


def _untitled(plan_path: Path) -> list[str]:
    """The plan with its title line (864) blanked: the table has no title, line numbers stay."""
    lines = _lines(plan_path)
    assert lines[863] == PLAN_NAME + "重点项目表"
    lines[863] = ""
    return lines


def _without_5_3_and_5_4(plan_path: Path) -> list[str]:
    """The plan without its last two projects, its counts corrected: a legitimate shorter table."""
    lines = _lines(plan_path)
    assert (lines[2875], lines[2877], lines[2897], lines[2899]) == (
        "3",
        "韶山市精神卫生康复社区建设项目",
        "4",
        "韶山市重度残疾人康复中心项目",
    )
    assert (lines[887], lines[2807]) == ("总计项目(87)", "五、残障人福利类项目(4个)")
    lines[887] = "总计项目(85)"
    lines[2807] = "五、残障人福利类项目(2个)"
    return _without(lines, 2876, 2918)


# -- the reproducers of the issue: each is now an error at its line, and nothing is written -------------------------
def test_sed_1126d_is_an_error_at_the_line_not_78_removed(
    cli: CliRun, engine: Engine, plan_path: Path, tmp_path: Path
) -> None:
    lines = _lines(plan_path)
    assert (
        lines[1125].startswith("湘潭市第六人民医院康疗中心项目涉及") and lines[1127] == "2"
    )  # 2-1's note, 2-2's number
    path = _write(tmp_path / "p.txt", _without(lines, 1126, 1126))
    before = _dump(engine)
    result = cli("import-plan", str(path))
    assert result.exit_code == 1
    # 2-1's note is now the "2" that starts 2-2 (line 1128, now 1127)
    assert f"tracker: {path}:1127: 备注: project 2-1: the note is 2, the number of the next project" in result.stderr
    assert "removed" not in result.stdout
    assert _dump(engine) == before


def test_sequence_number_changed_to_minus_5_is_an_error_not_85_removed(
    cli: CliRun, engine: Engine, plan_path: Path, tmp_path: Path
) -> None:
    lines = _lines(plan_path)
    assert lines[959] == "3"  # 1-3, line 960
    lines[959] = "-5"
    path = _write(tmp_path / "p.txt", lines)
    before = _counts(engine)
    result = cli("import-plan", str(path))
    assert result.exit_code == 1
    assert f"{path}:960: 序号: expected project 3 of category 一, found '-5'" in result.stderr
    assert "category 一 lists 8, 2 read; the table lists 87, 2 read" in result.stderr
    assert _counts(engine) == before == (87, 1, before[2])


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (902, "expected the first category row"),
        (1092, "expected the category row 二、… (is it missing?)"),
        (2220, "expected the category row 三、… (is it missing?)"),  # once: "removed 29"
        (2398, "expected the category row 四、… (is it missing?)"),
        (2808, "expected the category row 五、… (is it missing?)"),
    ],
)
def test_a_deleted_category_row_is_an_error(
    engine: Engine, plan_path: Path, tmp_path: Path, line: int, message: str
) -> None:
    lines = _lines(plan_path)
    assert lines[line - 1].endswith("个)")
    path = _write(tmp_path / "p.txt", _without(lines, line, line))
    before = _dump(engine)
    with pytest.raises(PlanFormatError) as info:
        import_plan_file(engine, path)
    # the category row's first summary cell (an empty cell, line + 2 before the deletion) is the first it cannot place
    assert (info.value.line, info.value.field_name) == (line + 1, "序号")
    assert message in info.value.message
    assert _dump(engine) == before


def test_published_category_count_must_match(plan_path: Path) -> None:
    lines = _lines(plan_path)
    lines[1091] = "二、老年人福利类项目(51个)"
    with pytest.raises(PlanFormatError) as info:
        parse_plan_text("\n".join(lines), "p.txt")
    assert (info.value.line, info.value.field_name) == (1092, "项目数")
    assert "category 二 老年人福利类项目 (line 1092) lists 51 projects, 50 read" in info.value.message


def test_published_total_must_match(plan_path: Path) -> None:
    lines = _lines(plan_path)
    lines[887] = "总计项目(88)"
    with pytest.raises(PlanFormatError) as info:
        parse_plan_text("\n".join(lines), "p.txt")
    assert info.value.line == 888
    assert info.value.message.endswith("总计 (line 888) lists 88 projects, 87 read")


def test_a_whole_project_deleted_is_named_by_both_counts(plan_path: Path) -> None:
    lines = _lines(plan_path)
    assert lines[1069] == "8" and lines[1091].startswith("二、")  # 1-8: lines 1070–1090
    with pytest.raises(PlanFormatError) as info:
        parse_plan_text("\n".join(_without(lines, 1070, 1091)), "p.txt")
    assert "category 一 儿童福利类项目 (line 902) lists 8 projects, 7 read" in info.value.message
    assert "总计 (line 888) lists 87 projects, 86 read" in info.value.message


def test_an_extra_row_beyond_the_counts_is_read_and_reported(plan_path: Path) -> None:
    """Rows after the published counts are reached are not silently dropped."""
    lines = _lines(plan_path)
    extra = lines[2897:2918]
    extra[0] = "5"
    with pytest.raises(PlanFormatError) as info:
        parse_plan_text("\n".join(lines[:2918] + extra + lines[2918:]), "p.txt")
    assert "category 五 残障人福利类项目 (line 2808) lists 4 projects, 5 read" in info.value.message
    assert "总计 (line 888) lists 87 projects, 88 read" in info.value.message


def test_category_out_of_order(plan_path: Path) -> None:
    lines = _lines(plan_path)
    lines[1091] = "六、老年人福利类项目(50个)"  # would have turned 2-1 … 2-50 into 6-1 … 6-50
    with pytest.raises(PlanFormatError) as info:
        parse_plan_text("\n".join(lines), "p.txt")
    assert (info.value.line, info.value.field_name) == (1092, "分类")
    assert "expected category 二 next" in info.value.message


def test_a_repeated_number_line_is_not_a_name(plan_path: Path) -> None:
    lines = _lines(plan_path)
    with pytest.raises(PlanFormatError) as info:
        parse_plan_text("\n".join(lines[:1128] + ["2"] + lines[1128:]), "p.txt")
    assert (info.value.line, info.value.field_name) == (1129, "项目名称")
    assert "the name is a number (2)" in info.value.message


def test_a_deleted_name_is_not_a_nature(plan_path: Path) -> None:
    lines = _lines(plan_path)
    assert (lines[1129], lines[1131]) == ("湘潭市养老康复中心养老能力提升项目", "改扩建")  # 2-2's name and nature
    with pytest.raises(PlanFormatError) as info:
        parse_plan_text("\n".join(_without(lines, 1130, 1130)), "p.txt")
    assert (info.value.line, info.value.field_name) == (1131, "项目名称")
    assert "the name is '改扩建', a kind of construction (建设性质); is the name missing?" in info.value.message


def test_the_table_ends_without_counts_where_no_row_follows(plan_path: Path) -> None:
    """Without the 总计 row and the (N个) counts, the unrelated text after the annex still ends the table,
    and a cell in the middle that cannot be placed is still an error."""
    lines = _lines(plan_path)
    bare = [line.replace("(8个)", "").replace("(50个)", "").replace("(7个)", "") for line in lines]
    bare = [line.replace("(18个)", "").replace("(4个)", "") for line in bare]
    bare = _without(bare, 888, 900)  # the 总计 row and its six cells
    parsed = parse_plan_text("\n".join(bare), "p.txt")
    assert len(parsed.projects) == 87 and parsed.published_count is None
    assert [c.published_count for c in parsed.categories] == [None] * 5
    assert parsed.last_line == 2918 - 13
    assert bare[1127 - 13] == "2"
    bare[1127 - 13] = "x"  # 2-2's number, line 1115 once 13 lines are gone
    with pytest.raises(PlanFormatError) as info:
        parse_plan_text("\n".join(bare), "p.txt")
    assert info.value.line == 1115 and "rows of the table follow on line 1125" in info.value.message


# -- titles -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["(示例)", "（2021—2025年）"])
def test_title_with_a_suffix_is_the_same_plan(engine: Engine, plan_path: Path, tmp_path: Path, suffix: str) -> None:
    lines = _lines(plan_path)
    assert lines[863] == PLAN_NAME + "重点项目表"
    lines[863] += suffix
    result = import_plan_file(engine, _write(tmp_path / "p.txt", lines))
    assert (result.plan_name, result.created, result.updated, result.unchanged) == (PLAN_NAME, [], [], 87)
    with reading(engine) as s:
        assert s.exec(select(func.count(Plan.id))).one() == 1


def test_no_title_needs_name(cli: CliRun, engine: Engine, plan_path: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "annex.txt", _untitled(plan_path))
    before = _counts(engine)
    result = cli("import-plan", str(path))
    assert result.exit_code == 1
    assert f"{path}:866: no title such as" in result.stderr and "pass --name NAME to name the plan" in result.stderr
    assert _counts(engine) == before


def test_no_title_with_name_imports(workdir: Path, plan_path: Path) -> None:
    path = _write(workdir / "annex.txt", _untitled(plan_path))
    db = workdir / "new.db"
    result = run_main(["--db", str(db), "import-plan", str(path), "--name", "湘潭市民政规划", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["plan"], len(data["created"]), data["dry_run"]) == ("湘潭市民政规划", 87, False)
    engine = make_engine(f"sqlite:///{db}")
    with reading(engine) as s:
        plan = s.exec(select(Plan)).one()
    engine.dispose()
    # the period comes from the header cell “十四五”计划投资(万元); the name has no region before a 十X五
    assert (plan.name, plan.region, plan.period_start, plan.period_end) == ("湘潭市民政规划", "", 2021, 2025)


def test_name_matching_the_existing_plan_reimports_it(engine: Engine, plan_path: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "annex.txt", _untitled(plan_path))
    result = import_plan_file(engine, path, name=PLAN_NAME)
    assert (result.created, result.updated, result.removed, result.unchanged) == ([], [], [], 87)


@pytest.mark.parametrize(("name", "message"), [("", "--name must not be empty"), ("a\x1b[2Jb", "control characters")])
def test_bad_name_is_a_usage_error(cli: CliRun, plan_path: Path, name: str, message: str) -> None:
    result = cli("import-plan", str(plan_path), "--name", name)
    assert result.exit_code == 2 and message in result.stderr


# -- control characters in the plan ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "added", "field"),
    [
        (1130, "\x1b]0;pwned\x07", "项目名称"),  # 2-2's name
        (1136, "\x0c", "主要建设内容和规模"),  # 2-2's content: a form feed stays in its cell
        (1134, "\u202e", "项目建设主体"),  # 2-2's owner: a bidi override
    ],
)
def test_control_characters_in_a_cell_are_refused(plan_path: Path, line: int, added: str, field: str) -> None:
    lines = _lines(plan_path)
    lines[line - 1] += added
    with pytest.raises(PlanFormatError) as info:
        parse_plan_text("\n".join(lines), "p.txt")
    assert (info.value.line, info.value.field_name) == (line, field)
    assert "control characters are not allowed" in info.value.message


# -- --prune and --dry-run on import-plan ---------------------------------------------------------------------------
def test_reimport_that_would_remove_is_refused_and_lists_them(
    cli: CliRun, engine: Engine, plan_path: Path, tmp_path: Path
) -> None:
    record_progress(engine, "5-3", "2023-06", status="在建", invested="10")
    path = _write(tmp_path / "short.txt", _without_5_3_and_5_4(plan_path))
    before = _dump(engine)
    result = cli("import-plan", str(path))
    assert result.exit_code == 1
    assert "would remove 1 project(s) of 湘潭市“十四五”民政事业发展规划 that the file does not list" in result.stderr
    assert "nothing was written" in result.stderr and "Pass --prune" in result.stderr
    assert "  5-4 韶山市重度残疾人康复中心项目" in result.stderr
    assert "5-3" not in result.stderr  # it has progress: never removed, so not asked about
    assert _dump(engine) == before


def test_prune_removes_but_keeps_projects_with_records(
    cli: CliRun, engine: Engine, plan_path: Path, tmp_path: Path
) -> None:
    record_progress(engine, "5-3", "2023-06", status="在建", invested="10")
    path = _write(tmp_path / "short.txt", _without_5_3_and_5_4(plan_path))
    result = cli("import-plan", str(path), "--prune")
    assert result.exit_code == 0, result.stderr
    assert "created 0, updated 0, unchanged 85, removed 1" in result.stdout
    assert "  - 5-4 韶山市重度残疾人康复中心项目 (removed)" in result.stdout
    assert "  = 5-3 韶山市精神卫生康复社区建设项目: not in the file, kept: it has 1 progress record(s)" in result.stdout
    assert _codes(engine) == {
        f"{c}-{n}" for c, k in ((1, 8), (2, 50), (3, 7), (4, 18), (5, 3)) for n in range(1, k + 1)
    }
    assert cli("undo").exit_code == 0  # the removal is one undoable operation
    assert len(_codes(engine)) == 87


def test_prune_via_api_and_refusal_error(engine: Engine, plan_path: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "short.txt", _without_5_3_and_5_4(plan_path))
    with pytest.raises(RemovalRefusedError) as info:
        import_plan_file(engine, path)
    assert [p.code for p in info.value.projects] == ["5-3", "5-4"]
    result = import_plan_file(engine, path, prune=True)
    assert (result.removed, result.kept, result.unchanged) == (["5-3", "5-4"], [], 85)
    assert result.plan_changes["published_count"] == (87, 85)
    assert result.category_changes[5]["published_count"] == (4, 2)


def test_dry_run_writes_nothing_and_shows_the_whole_change(
    cli: CliRun, engine: Engine, plan_path: Path, tmp_path: Path
) -> None:
    record_progress(engine, "5-3", "2023-06", status="在建", invested="10")
    lines = _without_5_3_and_5_4(plan_path)
    assert lines[1273] == "3460.44"  # 2-8's total, line 1274
    lines[1273] = "3460.45"
    path = _write(tmp_path / "short.txt", lines)
    before = _dump(engine)
    result = cli("import-plan", str(path), "--dry-run", "--prune", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout, parse_float=D)
    assert data["dry_run"] is True and data["operation_id"] is None
    assert (data["created"], data["updated"], data["removed"], data["would_remove"]) == ([], ["2-8"], ["5-4"], [])
    assert data["changes"]["2-8"]["total_investment"] == {"old": D("3460.44"), "new": D("3460.45")}
    assert data["kept"] == [
        {"code": "5-3", "name": "韶山市精神卫生康复社区建设项目", "reason": "has 1 progress record(s)"}
    ]
    assert data["category_changes"] == {"5": {"published_count": {"old": 4, "new": 2}}}
    assert data["unchanged"] == 84
    assert _dump(engine) == before

    text = cli("import-plan", str(path), "--dry-run")  # without --prune: the real import would be refused
    assert text.exit_code == 1
    assert "dry run: nothing was written" in text.stdout
    assert "  ~ 2-8: total_investment: 3460.44 → 3460.45" in text.stdout
    assert "  - 5-4 韶山市重度残疾人康复中心项目 (not in the file; removed only with --prune)" in text.stdout
    assert "a real import would refuse: it would remove 1 project(s)" in text.stderr
    assert _dump(engine) == before


def test_dry_run_into_a_new_database_creates_no_file(workdir: Path, plan_path: Path) -> None:
    db = workdir / "new.db"
    result = run_main(["--db", str(db), "import-plan", str(plan_path), "--dry-run", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["created"]) == 87
    assert list(workdir.iterdir()) == []


# -- import-csv: --prune and cell bounds ---------------------------------------------------------------------------
def _export(cli: CliRun) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(cli("export", "--format", "csv").stdout, newline="")))
    return rows[0], rows[1:]


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, *rows])
    return path


def test_csv_without_prune_never_removes(cli: CliRun, engine: Engine, tmp_path: Path) -> None:
    header, rows = _export(cli)
    path = _write_csv(tmp_path / "few.csv", header, rows[:3])  # 1-1, 1-2, 1-3 only
    result = cli("import-csv", str(path))
    assert result.exit_code == 0 and "created 0, updated 0, unchanged 3" in result.stdout
    assert len(_codes(engine)) == 87


def test_csv_prune_removes_unlisted_projects_of_the_plan_but_keeps_records(
    cli: CliRun, engine: Engine, tmp_path: Path
) -> None:
    record_progress(engine, "1-3", "2023-06", status="在建", invested="1")
    header, rows = _export(cli)
    kept_rows = [r for r in rows if r[0] not in ("1-3", "5-4")]
    assert len(kept_rows) == 85
    path = _write_csv(tmp_path / "pruned.csv", header, kept_rows)
    before = _dump(engine)
    dry = cli("import-csv", str(path), "--prune", "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.stderr
    data = json.loads(dry.stdout)
    assert data["removed"] == [{"code": "5-4", "name": "韶山市重度残疾人康复中心项目"}]
    assert data["kept"] == [
        {"code": "1-3", "name": "湘潭市社会福利院孤残儿童活动中心改建项目", "reason": "has 1 progress record(s)"}
    ]
    assert _dump(engine) == before
    result = cli("import-csv", str(path), "--prune")
    assert result.exit_code == 0, result.stderr
    assert "unchanged 85, removed 1" in result.stdout and "  - 5-4 韶山市重度残疾人康复中心项目" in result.stdout
    assert "  = 1-3 湘潭市社会福利院孤残儿童活动中心改建项目: not in the file, kept" in result.stdout
    assert "5-4" not in _codes(engine) and len(_codes(engine)) == 86
    assert cli("undo").exit_code == 0 and len(_codes(engine)) == 87


def test_csv_prune_with_no_good_rows_removes_nothing(cli: CliRun, engine: Engine, tmp_path: Path) -> None:
    header, _rows = _export(cli)
    path = _write_csv(tmp_path / "empty.csv", header, [])
    result = cli("import-csv", str(path), "--prune")
    assert result.exit_code == 0 and "removed 0" in result.stdout
    assert len(_codes(engine)) == 87


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("name", "新名称\x1b[2J", "name: control characters are not allowed"),
        ("owner", "甲\n乙", "owner: control characters are not allowed"),  # a line break only in content and note
        ("note", "x" * 20_001, "note: 20001 characters is more than 20000"),
        ("content", "第一行\r\n第二行\x07", "content: control characters are not allowed"),
        ("total_investment", "99999999999999999999", "total_investment: amount 99999999999999999999 is out of range"),
    ],
)
def test_csv_cells_are_bounded(
    cli: CliRun, engine: Engine, tmp_path: Path, column: str, value: str, message: str
) -> None:
    header, rows = _export(cli)
    row = next(r for r in rows if r[0] == "2-9")
    row[header.index(column)] = value
    path = _write_csv(tmp_path / "bad.csv", header, rows)
    line = 1 + next(
        i for i, r in enumerate(csv.reader(io.StringIO(path.read_text("utf-8-sig"))), 1) if r and r[0] == "2-9"
    )
    before = _dump(engine)
    with pytest.raises(CsvImportError) as info:
        import_csv(engine, path)
    assert [str(e) for e in info.value.errors if message in str(e)], [str(e) for e in info.value.errors]
    (error,) = info.value.errors
    assert (error.column, error.message.split(":")[0]) == (header.index(column) + 1, column)
    assert error.line >= line - 1  # quoted multi-line contents before 2-9 make the physical line later
    assert _dump(engine) == before


def test_csv_crlf_inside_content_is_a_line_break(cli: CliRun, engine: Engine, tmp_path: Path) -> None:
    header, rows = _export(cli)
    row = next(r for r in rows if r[0] == "1-1")
    row[header.index("content")] = "第一行\r\n第二行"
    result = import_csv(engine, _write_csv(tmp_path / "crlf.csv", header, rows))
    assert result.updated["1-1"]["content"][1] == "第一行\n第二行"


# -- nothing half-made ----------------------------------------------------------------------------------------------
def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_failed_import_plan_into_a_new_path_leaves_no_file(workdir: Path, plan_path: Path) -> None:
    bad = _write(workdir / "bad.txt", _without(_lines(plan_path), 1126, 1126))
    result = run_main(["--db", str(workdir / "new.db"), "import-plan", str(bad)])
    assert result.exit_code == 1
    assert _files(workdir) == ["bad.txt"]


@pytest.fixture
def broken_bundled_plan(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, plan_path: Path) -> Path:
    """The bundled plan cut off in 5-3: init fails after it has created the database file."""
    cut = _write(tmp_path / "cut.txt", _lines(plan_path)[:2890])
    monkeypatch.setattr("tracker.bootstrap.bundled_plan", lambda: cut)
    return cut


def test_failed_init_leaves_no_file(workdir: Path, broken_bundled_plan: Path) -> None:
    result = run_main(["--db", str(workdir / "new.db"), "init"])
    assert result.exit_code == 1 and "truncated" in result.stderr
    assert _files(workdir) == []


def test_failed_first_run_leaves_no_file(workdir: Path, broken_bundled_plan: Path) -> None:
    result = run_main(["--db", str(workdir / "new.db")])  # `tracker` alone: create, fill, then the TUI
    assert result.exit_code == 1 and "truncated" in result.stderr
    assert _files(workdir) == []


def test_failed_init_keeps_an_existing_file(workdir: Path, broken_bundled_plan: Path) -> None:
    existing = workdir / "old.db"
    existing.write_bytes(b"")
    result = run_main(["--db", str(existing), "init"])
    assert result.exit_code == 1
    assert existing.exists()  # not ours to remove: it was there before the command


def test_guard_removes_the_new_file_and_its_side_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    with pytest.raises(RuntimeError, match="boom"), new_database_file(url) as created:
        assert created
        engine = make_engine(url)
        create_schema(engine)  # WAL: x.db-wal and x.db-shm exist now
        assert (tmp_path / "x.db-wal").exists()
        engine.dispose()
        raise RuntimeError("boom")
    assert _files(tmp_path) == []


def test_guard_leaves_other_backends_alone() -> None:
    with new_database_file("postgresql+psycopg://nobody@localhost/none") as created:
        assert created is False
    with new_database_file("sqlite://") as created:
        assert created is False


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask")
def test_new_database_is_readable_by_its_owner_only(workdir: Path, plan_path: Path) -> None:
    assert run_main(["--db", str(workdir / "a.db"), "init"]).exit_code == 0
    assert run_main(["--db", str(workdir / "b.db"), "import-plan", str(plan_path)]).exit_code == 0
    assert (_mode(workdir / "a.db"), _mode(workdir / "b.db")) == (0o600, 0o600)  # not the umask's 0644


def test_file_mode_setting_is_honoured(workdir: Path) -> None:
    (workdir / "tracker.toml").write_text('[database]\nurl = "t.db"\nfile_mode = "0640"\n', encoding="utf-8")
    old = os.umask(0o077)  # the setting wins over a stricter umask too: it is what was asked for
    try:
        assert run_main(["init"]).exit_code == 0
    finally:
        os.umask(old)
    assert _mode(workdir / "t.db") == 0o640


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"0777"', "gives execute permission"),
        ('"0400"', "must let the owner read and write"),
        ('"rw-r-----"', 'must be an octal file mode such as "0600"'),
        ("416", "database.file_mode must be a str"),
    ],
)
def test_bad_file_mode_setting_is_a_usage_error(workdir: Path, value: str, message: str) -> None:
    (workdir / "tracker.toml").write_text(f'[database]\nurl = "t.db"\nfile_mode = {value}\n', encoding="utf-8")
    result = run_main(["init"])
    assert result.exit_code == 2 and message in result.stderr
    assert _files(workdir) == ["tracker.toml"]
