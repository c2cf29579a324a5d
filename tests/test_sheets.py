"""``tracker sheet``: the month's fill-in sheets for the districts, on the real data.

The district counts are those of ``tracker rollup --by district`` on the bundled plan (placed by
data/districts.toml): 市本级 15, 雨湖区 11, 岳塘区 2, 湘潭县 11, 湘乡市 10, 韶山市 29, 湘潭高新区 4,
湘潭经开区 4, and 4-11 not placed (1) — 87 in all; 昭山示范区 has none, so it gets no file.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.conftest import CliRun
from tracker.db import make_engine, reading
from tracker.models import Project
from tracker.progress import record_progress, set_annual_plan
from tracker.sheets import COLUMNS, clean_file_part, clean_sheet_name, file_name, previous_month, rows

D = Decimal
DISTRICT_COUNTS = {
    "市本级": 15,
    "雨湖区": 11,
    "岳塘区": 2,
    "湘潭县": 11,
    "湘乡市": 10,
    "韶山市": 29,
    "湘潭高新区": 4,
    "湘潭经开区": 4,
    "未划分": 1,
}
HEADERS = [c.zh for c in COLUMNS]


def data_rows(path: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    return [r for r in ws.iter_rows(min_row=5, values_only=True) if any(v is not None for v in r)]


def test_rollup_counts_match_the_hand_counts(cli: CliRun) -> None:
    rollup = json.loads(cli("rollup", "--by", "district", "--format", "json").stdout)
    found = {r["path"][0]: r["count"] for r in rollup if r["level"] == 1}
    assert found == {("(unplaced)" if k == "未划分" else k): v for k, v in DISTRICT_COUNTS.items()}
    assert sum(DISTRICT_COUNTS.values()) == 87


def test_one_sheet_per_district(cli: CliRun, workdir: Path) -> None:
    result = cli("sheet", "--month", "2023-06", "--by", "district", "--output", "out")
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (workdir / "out").iterdir())
    assert files == sorted(f"2023-06 {d} 填报表.xlsx" for d in DISTRICT_COUNTS)
    seen: list[str] = []
    for district, count in DISTRICT_COUNTS.items():
        path = workdir / "out" / f"2023-06 {district} 填报表.xlsx"
        wb = openpyxl.load_workbook(path)
        ws = wb.active
        assert ws.title == f"{district} 2023-06"
        assert ws["A1"].value == "湘潭市“十四五”民政事业发展规划 重点项目月度进度填报表"
        assert (
            f"县市区：{district}" in ws["A2"].value and "2023年6月" in ws["A2"].value and "单位：万元" in ws["A2"].value
        )
        assert ws["A3"].value.startswith("填报说明")
        assert [c.value for c in ws[4]] == HEADERS
        rows_ = data_rows(path)
        assert len(rows_) == count, district
        assert all(r[0] == "2023-06" for r in rows_)
        assert all(r[9:] == (None,) * 5 for r in rows_)  # the month's cells are blank
        seen += [r[1] for r in rows_]
    assert len(seen) == 87 and len(set(seen)) == 87
    assert "4-11" in [r[1] for r in data_rows(workdir / "out" / "2023-06 未划分 填报表.xlsx")]
    assert "written" not in result.stdout  # messages go to stderr
    assert "9 sheet(s) for 2023-06, 87 projects" in result.stderr


def test_sheet_protection_validation_and_printing(cli: CliRun, workdir: Path) -> None:
    assert cli("sheet", "--month", "2023-06", "district:岳塘", "--output", "y.xlsx").exit_code == 0
    ws = openpyxl.load_workbook(workdir / "y.xlsx").active
    assert ws.protection.sheet is True
    # fixed fields locked, the month's cells open
    locked = {c.zh: ws.cell(row=5, column=i + 1).protection.locked for i, c in enumerate(COLUMNS)}
    assert [k for k, v in locked.items() if not v] == ["本月完成投资(万元)", "状态", "形象进度", "存在问题", "填报人"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    invested = rules["J5:J6"]
    assert invested.type == "custom"
    assert invested.formula1 == "AND(ISNUMBER(J5),J5>=-1000000,J5<=1000000,ROUND(J5,2)=J5)"
    assert "最多两位小数" in invested.prompt and "负数" in invested.prompt
    assert rules["K5:K6"].type == "list" and rules["K5:K6"].formula1 == '"未开工,在建,已竣工,停缓建,取消"'
    assert rules["L5:L6"].type == "textLength"
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$4:$4"
    assert ws.freeze_panes == "D5"


def test_fixed_figures_are_those_to_the_end_of_the_previous_month(engine: Engine) -> None:
    record_progress(engine, "2-9", "2023-04", status="在建", invested="100.5")
    record_progress(engine, "2-9", "2023-05", status="停缓建", invested="20")
    record_progress(engine, "2-9", "2023-06", status="在建", invested="999")  # the sheet's own month: not counted
    record_progress(engine, "1-1", "2023-07", status="在建", invested="5")  # reported only later: 未开工 before
    set_annual_plan(engine, "2-9", 2023, "1200")
    with Session(engine) as s:
        found = {r["code"]: r for r in rows(s, "2023-06")}
    assert len(found) == 87
    assert found["2-9"]["invested_to_last_month"] == D("120.5")
    assert found["2-9"]["last_status"] == "停缓建"
    assert found["2-9"]["annual_plan"] == D("1200")
    assert found["2-9"]["total_investment"] == D("5409.88")
    assert found["1-1"]["invested_to_last_month"] == 0 and found["1-1"]["last_status"] == "未开工"
    assert found["1-2"]["annual_plan"] is None
    assert previous_month("2023-01") == "2022-12"


def test_csv_sheet_has_the_same_columns(cli: CliRun, workdir: Path) -> None:
    assert cli("sheet", "--month", "2023-06", "district:韶山", "--output", "s.csv").exit_code == 0
    raw = (workdir / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert table[0] == HEADERS
    assert len(table) == 1 + 29
    assert {r[0] for r in table[1:]} == {"2023-06"}
    by_district = cli("sheet", "--month", "2023-06", "--by", "district", "--format", "csv", "--output", "c")
    assert by_district.exit_code == 0
    assert (workdir / "c" / "2023-06 韶山市 填报表.csv").read_bytes() == raw


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (["--output", "x.xlsx"], 2, "--month"),
        (["--month", "2023-06"], 2, "--output"),
        (["--month", "2023-6", "--output", "x.xlsx"], 2, "YYYY-MM"),
        (["--month", "2023-06", "--output", "x.xlsx", "--format", "csv"], 2, "contradicts"),
        (["--month", "2023-06", "--output", "x.txt"], 2, ".xlsx or .csv"),
        (["--month", "2023-06", "--by", "district", "--output", "x.xlsx"], 2, "folder"),
        (["--month", "2023-06", "--by", "owner", "--output", "d"], 2, "--by must be district"),
        (["--month", "2023-06", "--output", "no/such/x.xlsx"], 2, "does not exist"),
        (["--month", "2023-06", "--by", "district", "--output", "no/such"], 2, "does not exist"),
        (["--month", "2023-06", "code=9-99", "--output", "x.xlsx"], 1, "no project matches"),
        (["--month", "2023-06", "categroy:x", "--output", "x.xlsx"], 2, "bad filter"),
    ],
)
def test_bad_calls(cli: CliRun, workdir: Path, args: list[str], code: int, fragment: str) -> None:
    result = cli("sheet", *args)
    assert result.exit_code == code, result.output
    assert fragment in result.stderr
    assert "Traceback" not in result.output
    assert not (workdir / "x.xlsx").exists()


def test_names_from_data_are_cleaned(db_path: Path, cli: CliRun, workdir: Path) -> None:
    engine = make_engine(f"sqlite:///{db_path}")
    with Session(engine) as s:
        s.execute(update(Project).where(Project.code == "1-1").values(district="../a/b\x1b[31m:*?[x]'区"))
        s.commit()
    engine.dispose()
    result = cli("sheet", "--month", "2023-06", "--by", "district", "--output", "out")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (workdir / "out").iterdir())
    odd = [n for n in names if "_a_b_" in n]
    assert len(odd) == 1 and "/" not in odd[0] and "\x1b" not in odd[0]
    assert not (workdir / "a").exists()
    ws = openpyxl.load_workbook(workdir / "out" / odd[0]).active
    assert len(ws.title) <= 31 and not set(ws.title) & set("[]:*?/\\\x1b")
    assert "\x1b" not in ws["A2"].value and "\\x1b" in ws["A2"].value


def test_cleaning_helpers() -> None:
    assert clean_sheet_name("'" + "x" * 40 + "'") == "x" * 31
    assert clean_sheet_name("[]:*?/\\") == "_______"
    assert clean_sheet_name("") == "Sheet1"
    assert clean_file_part("../..") == "_.._.." or "/" not in clean_file_part("../..")
    assert clean_file_part("\x00") == "_"
    assert file_name("2026-10", None, "xlsx") == "2026-10 未划分 填报表.xlsx"
    assert file_name("2026-10", "雨湖区", "csv") == "2026-10 雨湖区 填报表.csv"


def test_formula_like_data_is_text_in_the_sheet(db_path: Path, cli: CliRun, workdir: Path) -> None:
    engine = make_engine(f"sqlite:///{db_path}")
    with Session(engine) as s:
        s.execute(update(Project).where(Project.code == "5-4").values(owner='=HYPERLINK("http://x")'))
        s.commit()
    engine.dispose()
    assert cli("sheet", "--month", "2023-06", "code=5-4", "--output", "f.xlsx").exit_code == 0
    ws = openpyxl.load_workbook(workdir / "f.xlsx").active
    cell = ws["D5"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")' and cell.quotePrefix
    assert cli("sheet", "--month", "2023-06", "code=5-4", "--output", "f.csv").exit_code == 0
    assert "'=HYPERLINK" in (workdir / "f.csv").read_text(encoding="utf-8-sig")


def test_sheet_module_loads_no_spreadsheet_or_ui_library() -> None:
    code = (
        "import sys, tracker.sheets, tracker.importing.returns, tracker.cli.sheet, tracker.cli.import_progress;"
        "print(sorted(m for m in ('openpyxl', 'xlsxwriter', 'textual') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_sheet_rows_on_postgres(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        record_progress(engine, "2-9", "2023-05", status="在建", invested="120.5")
        record_progress(engine, "2-9", "2023-06", invested="7")
        set_annual_plan(engine, "2-9", 2023, "1200")
        with reading(engine) as s:
            found = {r["code"]: r for r in rows(s, "2023-06")}
            from tracker.sheets import districts

            assert districts(s)[-1] is None and districts(s)[0] == "市本级"
    finally:
        engine.dispose()
    assert len(found) == 87
    assert (found["2-9"]["invested_to_last_month"], found["2-9"]["last_status"]) == (D("120.5"), "在建")
    assert found["2-9"]["annual_plan"] == D("1200")
