"""``tracker import-progress``: the districts' returns, end to end on the real data.

The loop: ``tracker sheet --by district`` writes the nine sheets (tests/test_sheets.py counts them),
the test fills them in with openpyxl (韶山市's is saved as a GBK CSV with the Chinese headers), one
``import-progress`` records them as one operation, ``report --month`` shows the figures, ``undo``
removes them all. The as-of date is pinned at 2023-07-31 (``pinned_as_of``), the month is 2023-06.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from tests.conftest import CliRun
from tracker.db import make_engine, reading
from tracker.importing.returns import ReturnsError, import_returns, months_named
from tracker.models import Operation, ProgressRecord
from tracker.progress import project_progress, record_progress

pytestmark = pytest.mark.usefixtures("pinned_as_of")

D = Decimal
MONTH = "2023-06"
FIRST = 5
"""The first data row of a sheet (title, subtitle, 填报说明, header above it)."""
J, K, L, M, N = "J", "K", "L", "M", "N"
"""本月完成投资, 状态, 形象进度, 存在问题, 填报人."""


def counts(db_path: Path) -> tuple[int, int]:
    engine = make_engine(f"sqlite:///{db_path}")
    with Session(engine) as s:
        records = s.exec(select(func.count()).select_from(ProgressRecord)).one()
        operations = s.exec(select(func.count()).select_from(Operation)).one()
    engine.dispose()
    return records, operations


def write_sheets(cli: CliRun, folder: str = "out") -> Path:
    result = cli("sheet", "--month", MONTH, "--by", "district", "--output", folder)
    assert result.exit_code == 0, result.output
    return Path(folder).resolve()


def amount(i: int) -> D:
    """The figure the test types into the i-th filled row: 10.25, 30.25, …"""
    return D(10 * (i + 1)) + D("0.25")


def fill(path: Path, target: Path, expected: dict[str, D]) -> None:
    """Fill every other row: an amount, 在建, a progress text and a reporter; leave the rest blank."""
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for i, row in enumerate(range(FIRST, ws.max_row + 1)):
        code = ws[f"B{row}"].value
        if code is None or i % 2:
            continue
        ws[f"{J}{row}"] = float(amount(i))
        ws[f"{K}{row}"] = "在建"
        ws[f"{L}{row}"] = f"形象进度 {code}"
        ws[f"{N}{row}"] = "填报员"
        expected[code] = amount(i)
    wb.save(target)


def as_gbk_csv(path: Path, target: Path, expected: dict[str, D]) -> None:
    """The sheet's rows as a GBK CSV with the Chinese headers, every row filled with 1.5 and 在建."""
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[4]]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in ws.iter_rows(min_row=FIRST, values_only=True):
        values = ["" if v is None else str(v) for v in row]
        values[9], values[10], values[11] = "1.5", "在建", "已开工"
        expected[values[1]] = D("1.5")
        writer.writerow(values)
    target.write_bytes(out.getvalue().encode("gbk"))


def report(cli: CliRun, *args: str) -> dict:
    result = cli("report", "--month", MONTH, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_monthly_loop_end_to_end(cli: CliRun, workdir: Path, db_path: Path) -> None:
    folder = write_sheets(cli)
    returns = workdir / "returns"
    returns.mkdir()
    expected: dict[str, D] = {}
    files: list[str] = []
    for path in sorted(folder.iterdir()):
        if "韶山市" in path.name:
            target = returns / path.name.replace(".xlsx", ".csv")
            as_gbk_csv(path, target, expected)
        else:
            target = returns / path.name
            fill(path, target, expected)
        files.append(str(target))
    assert len(files) == 9
    before = counts(db_path)

    dry = cli("import-progress", *files, "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.output
    plan = json.loads(dry.stdout)
    assert plan["dry_run"] is True and plan["operation_id"] is None
    assert counts(db_path) == before  # a dry run writes nothing

    result = cli("import-progress", *files, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {
        "files",
        "month",
        "rows",
        "recorded",
        "corrected",
        "skipped",
        "changes",
        "operation_id",
        "dry_run",
    }
    assert data["month"] == MONTH and data["rows"] == 87
    assert data["recorded"] == len(expected) and data["corrected"] == 0
    assert data["skipped"] == 87 - len(expected)
    gbk = next(f for f in data["files"] if f["kind"] == "csv")
    assert gbk["encoding"] == "gb18030" and gbk["rows"] == 29 and gbk["skipped"] == 0
    assert {(c["code"], c["new"]) for c in data["changes"] if c["field"] == "invested"} == {
        (code, json.loads(str(v))) for code, v in expected.items()
    }
    records, operations = counts(db_path)
    assert records == len(expected) and operations == before[1] + 1  # ONE operation
    assert {k: v for k, v in plan.items() if k not in ("dry_run", "operation_id")} == {
        k: v for k, v in data.items() if k not in ("dry_run", "operation_id")
    }

    # the figures show in the report, exactly
    shown = report(cli)
    by_code = {r["code"]: r for r in shown["rows"]}
    for code, value in expected.items():
        assert D(str(by_code[code]["invested_month"])) == value, code
        assert by_code[code]["status"] == "in_progress"
    assert sum(1 for r in shown["rows"] if r["invested_month"] is not None) == len(expected)
    assert D(str(shown["totals"]["invested_month"])) == sum(expected.values())
    assert by_code["5-4"]["progress_text"] == "已开工"  # from the GBK CSV (5-4 is in 韶山市)
    history = json.loads(cli("history", "--limit", "1", "--format", "json").stdout)
    assert history[0]["kind"] == "import-progress" and history[0]["operation_id"] == data["operation_id"]

    # undo removes them all
    undone = cli("undo")
    assert undone.exit_code == 0, undone.output
    assert counts(db_path)[0] == 0
    after = report(cli)
    assert all(r["invested_month"] is None for r in after["rows"])
    assert all(r["status"] == "not_started" for r in after["rows"])


def _one_sheet(cli: CliRun, workdir: Path, district: str = "雨湖", name: str = "y.xlsx") -> Path:
    assert cli("sheet", "--month", MONTH, f"district:{district}", "--output", name).exit_code == 0
    return workdir / name


def _edit(path: Path, cells: dict[str, object], target: Path | None = None, merge: str | None = None) -> Path:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for ref, value in cells.items():
        ws[ref] = value
    if merge:
        ws.merge_cells(merge)
    wb.save(target or path)
    return target or path


@pytest.mark.parametrize(
    ("cells", "where", "fragment"),
    [
        ({"C5": "别的项目", "J5": 1}, ":5:C: 项目名称: '别的项目' is not the name of project 2-8", "check the code"),
        ({"J5": "12.345"}, ":5:J: 本月完成投资(万元): amount '12.345'", "more than 2 decimal places"),
        ({"J5": "abc"}, ":5:J: 本月完成投资(万元): amount 'abc'", "is not a number"),
        ({"J5": -5}, ":5:J: 本月完成投资(万元): -5 for 2023-06", "negative"),
        ({"K5": "快完了"}, ":5:K: 状态: unknown status '快完了'", "expected one of"),
        ({"J5": "=1+2"}, ":5:J: 本月完成投资(万元): a formula ('=1+2')", "type the value"),
        ({"J5": 12345678901234567890}, ":5:J: 本月完成投资(万元): amount 1234567890123457", "out of range"),
        ({"J5": 1.5, "B5": "9-99"}, ":5:B: 项目编码: no project '9-99'", ""),
        ({"J5": 1.5, "A5": "2023-08"}, ":5:A: 月份: 2023-08 differs from 2023-06 given by the title", ""),
        ({"J5": 1, "L5": "x" * 20001}, ":5:L: 形象进度: 20001 characters is more than 20000", ""),
    ],
)
def test_a_bad_cell_is_named_and_nothing_is_written(
    cli: CliRun, workdir: Path, db_path: Path, cells: dict, where: str, fragment: str
) -> None:
    sheet = _one_sheet(cli, workdir)
    _edit(sheet, {"J6": 7, **cells})  # a good row too: it is not written either
    before = counts(db_path)
    result = cli("import-progress", str(sheet))
    assert result.exit_code == 1, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{sheet}:雨湖区 2023-06{where}"), first
    assert fragment in first
    assert "nothing was written" in result.stderr and "Traceback" not in result.output
    assert counts(db_path) == before


def test_a_future_month_is_refused_at_its_cell(cli: CliRun, workdir: Path, db_path: Path) -> None:
    assert cli("sheet", "--month", "2023-08", "district:岳塘", "--output", "f.xlsx").exit_code == 0
    _edit(workdir / "f.xlsx", {"J5": 1})
    result = cli("import-progress", "f.xlsx")
    assert result.exit_code == 1
    assert result.stderr.startswith("f.xlsx:岳塘区 2023-08:5:A: month: 2023-08 is after the as-of date 2023-07-31")
    from_option = cli("import-progress", "f.xlsx", "--month", "2023-08")
    assert "f.xlsx" in from_option.stderr and from_option.exit_code == 1
    assert counts(db_path)[0] == 0


def test_a_merged_cell_is_refused(cli: CliRun, workdir: Path, db_path: Path) -> None:
    sheet = _one_sheet(cli, workdir)
    _edit(sheet, {"J5": 1, "L5": "主体"}, merge="L5:M5")
    result = cli("import-progress", str(sheet))
    assert result.exit_code == 1
    assert f"{sheet}:雨湖区 2023-06:5:L: merged cells L5:M5: unmerge them" in result.stderr
    assert counts(db_path)[0] == 0


def test_hostile_csv_cells(cli: CliRun, workdir: Path, db_path: Path) -> None:
    path = workdir / "h.csv"
    path.write_text(
        "月份,项目编码,项目名称,本月完成投资,状态,形象进度,存在问题,填报人\r\n"
        "2023-06,2-8,,=SUM(A1),,,,\r\n"
        "2023-06,2-9,,1,,\x1b[31mred,,\r\n"
        "2023-06,1-1,,99999999999999999999,,,,\r\n"
        "2023-06,1-2,,1e3,,,,\r\n"
        "2023-06,1-3,,5,,'=kept as text,,\r\n",
        encoding="utf-8",
    )
    result = cli("import-progress", "h.csv")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("h.csv:-:2:D: 本月完成投资: looks like a formula ('=SUM(A1)')")
    assert lines[1].startswith("h.csv:-:3:F: 形象进度: control characters are not allowed: \\x1b[31mred")
    assert lines[2].startswith("h.csv:-:4:D: 本月完成投资: amount 99999999999999999999 is out of range")
    assert lines[3].startswith("h.csv:-:5:D: 本月完成投资: amount '1e3' is not a number")
    assert len(lines) == 5 and "\x1b" not in result.stderr
    assert counts(db_path)[0] == 0
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\r\n2023-06,1-3,,5,,'=kept as text,,\r\n")
    assert cli("import-progress", "h.csv").exit_code == 0
    engine = make_engine(f"sqlite:///{db_path}")
    with reading(engine) as s:
        assert project_progress(s, "1-3")[0].progress_text == "=kept as text"
    engine.dispose()


def test_a_second_return_corrects_the_first(cli: CliRun, workdir: Path, db_path: Path) -> None:
    sheet = _one_sheet(cli, workdir)
    _edit(sheet, {"J5": 100, "K5": "在建", "M5": "资金未到位"})
    first = cli("import-progress", str(sheet))
    assert first.exit_code == 0 and "1 recorded, 0 corrected" in first.stdout
    _edit(sheet, {"J5": 120.5})
    again = cli("import-progress", str(sheet), "--format", "json")
    data = json.loads(again.stdout)
    assert (data["recorded"], data["corrected"]) == (0, 1)
    assert data["changes"] == [{"code": "2-8", "month": MONTH, "field": "invested", "old": 100, "new": 120.5}]
    text = cli("import-progress", str(sheet), "--dry-run")  # the same return a third time: unchanged
    assert "0 recorded, 0 corrected, 1 unchanged" in text.stdout
    _edit(sheet, {"J5": 99})
    shown = cli("import-progress", str(sheet))
    assert "corrected: 2-8 2023-06 invested 120.5 → 99" in shown.stdout
    engine = make_engine(f"sqlite:///{db_path}")
    with reading(engine) as s:
        (record,) = project_progress(s, "2-8")
    engine.dispose()
    # the empty cells kept what the first return said
    assert (record.invested, record.status, record.problems) == (D("99"), "in_progress", "资金未到位")
    assert counts(db_path)[0] == 1


def test_the_reports_own_csv_and_xlsx_reimport(cli: CliRun, workdir: Path, db_path: Path) -> None:
    assert cli("progress", "2-9", "--month", MONTH, "--status", "在建", "--invested", "1234.57").exit_code == 0
    assert cli("progress", "1-1", "--month", MONTH, "--invested", "10", "--problems", "雨季").exit_code == 0
    assert cli("report", "--month", MONTH, "--subtotals", "--output", "r.csv").exit_code == 0
    same = cli("import-progress", "r.csv", "--month", MONTH, "--format", "json")
    assert same.exit_code == 0, same.output
    data = json.loads(same.stdout)
    # every project row read; the two reported months unchanged; the other 85 not filled in; 小计/合计 skipped
    assert (data["rows"], data["recorded"], data["corrected"], data["unchanged"], data["skipped"]) == (87, 0, 0, 2, 85)
    assert data["operation_id"] is None
    no_month = cli("import-progress", "r.csv")
    assert no_month.exit_code == 1 and "give --month YYYY-MM" in no_month.stderr
    # an edited figure in the report corrects the month
    text = (workdir / "r.csv").read_text(encoding="utf-8-sig").replace("1234.57", "1300")
    (workdir / "r.csv").write_text(text, encoding="utf-8-sig")
    fixed = cli("import-progress", "r.csv", "--month", MONTH)
    assert fixed.exit_code == 0 and "corrected: 2-9 2023-06 invested 1234.57 → 1300" in fixed.stdout
    # English headers, and the xlsx report
    assert cli("report", "--month", MONTH, "--headers", "en", "--output", "e.csv").exit_code == 0
    english = json.loads(cli("import-progress", "e.csv", "--month", MONTH, "--format", "json").stdout)
    assert (english["unchanged"], english["skipped"]) == (2, 85)
    assert cli("report", "--month", MONTH, "--format", "xlsx", "--output", "r.xlsx").exit_code == 0
    workbook = json.loads(cli("import-progress", "r.xlsx", "--month", MONTH, "--format", "json").stdout)
    assert (workbook["rows"], workbook["unchanged"], workbook["skipped"]) == (87, 2, 85)


def test_month_sources_must_agree(cli: CliRun, workdir: Path, db_path: Path) -> None:
    sheet = _one_sheet(cli, workdir)
    _edit(sheet, {"J5": 1})
    other = cli("import-progress", str(sheet), "--month", "2023-05")
    assert other.exit_code == 1
    assert f"{sheet}:雨湖区 2023-06:2:A: the title names 2023-06, not --month 2023-05" in other.stderr
    assert cli("sheet", "--month", "2023-05", "district:岳塘", "--output", "may.xlsx").exit_code == 0
    _edit(workdir / "may.xlsx", {"J5": 1})
    two = cli("import-progress", str(sheet), "may.xlsx")
    assert two.exit_code == 1 and "one import records one month" in two.stderr
    assert counts(db_path)[0] == 0


def test_the_same_project_twice_is_refused(cli: CliRun, workdir: Path, db_path: Path) -> None:
    sheet = _one_sheet(cli, workdir)
    _edit(sheet, {"J5": 1})
    copy = _edit(sheet, {"J5": 2}, target=workdir / "copy.xlsx")
    result = cli("import-progress", str(sheet), str(copy))
    assert result.exit_code == 1
    assert "copy.xlsx:雨湖区 2023-06:5:B: 项目编码: 2-8 2023-06 appears twice (first at" in result.stderr
    assert counts(db_path)[0] == 0


def test_files_that_are_not_returns(cli: CliRun, workdir: Path) -> None:
    (workdir / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (workdir / "bad.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    (workdir / "plain.csv").write_text("a,b\r\n1,2\r\n", encoding="utf-8")
    (workdir / "latin.csv").write_bytes(b"\xff\xfe\x00")
    result = cli("import-progress", "old.xls", "bad.xlsx", "plain.csv", "latin.csv", "missing.csv")
    assert result.exit_code == 1
    err = result.stderr
    assert "old.xls: an old .xls workbook" in err
    assert "bad.xlsx: not an xlsx workbook" in err
    assert "plain.csv:-:1:A: no header row" in err
    assert "latin.csv: the file is neither UTF-8 nor GBK/GB18030" in err
    assert "missing.csv: cannot read the file" in err
    assert "Traceback" not in result.output
    assert cli("import-progress", "x.csv", "--month", "2023-6").exit_code == 2
    assert cli("import-progress", "x.csv", "--format", "xml").exit_code == 2


def test_running_total_is_checked_across_the_return(engine: Engine, tmp_path: Path) -> None:
    record_progress(engine, "2-9", "2023-05", status="在建", invested="50")
    path = tmp_path / "r.csv"
    path.write_text("code,month,invested\r\n2-9,2023-06,-50\r\n1-1,2023-06,-0.01\r\n", encoding="utf-8")
    with pytest.raises(ReturnsError) as info:
        import_returns(engine, [path])
    assert [str(e) for e in info.value.errors] == [
        f"{path}:-:3:C: invested: -0.01 for 2023-06 would make the amount invested to 2023-06 negative (-0.01 万元)"
    ]
    path.write_text("code,month,invested\r\n2-9,2023-06,-50\r\n", encoding="utf-8")
    result = import_returns(engine, [path])
    assert (result.recorded, result.operation_id is not None) == (1, True)
    with reading(engine) as s:
        assert sum(r.invested for r in project_progress(s, "2-9")) == 0


def test_months_named_in_titles() -> None:
    assert months_named("湘潭市 填报月份：2026年10月（2026-10）") == ["2026-10", "2026-10"]
    assert months_named("截至2026-10-31") == []
    assert months_named("截至2026年10月31日") == []
    assert months_named("规划（2021—2025年）") == []


def test_import_returns_on_postgres(pg_url: str, tmp_path: Path) -> None:
    engine = make_engine(pg_url)
    try:
        record_progress(engine, "2-9", "2023-06", status="在建", invested="100")
        path = tmp_path / "r.csv"
        path.write_text(
            "项目编码,项目名称,月份,本月完成投资(万元),状态\r\n"
            "2-9,湘潭市雨湖区老年养护院(二期)建设项目,2023-06,120.5,\r\n"
            "1-1,,2023-06,7,在建\r\n",
            encoding="utf-8",
        )
        result = import_returns(engine, [path])
        assert (result.recorded, result.corrected) == (1, 1)
        with reading(engine) as s:
            assert project_progress(s, "2-9")[0].invested == D("120.5")
            assert project_progress(s, "1-1")[0].status == "in_progress"
    finally:
        engine.dispose()
