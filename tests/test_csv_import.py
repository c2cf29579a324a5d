"""`tracker import-csv`: the export's shape back in, UTF-8 (BOM or not) and GBK, all-or-nothing, lossless.

Figures (data/xiangtan_plan.txt): 1-1 lines 916–936 湘潭市未成年人救助保护中心基础设施改扩建项目, total 1500;
2-9 lines 1282–1302 total 5409.88; 4-11 lines 2632–2652 湖南湘水缘圆满殡仪服务中心及配套用房工程项目, total
100000, not placed in a district; 5-4 lines 2898–2918 韶山市重度残疾人康复中心项目 (the last of category 5,
which has 4 projects).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from tests.conftest import CliRun
from tracker.db import reading
from tracker.importing.csv_import import CsvImportError, import_csv
from tracker.models import Operation
from tracker.portfolio import find
from tracker.progress import record_progress

D = Decimal


def _export_rows(cli: CliRun) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(cli("export", "--format", "csv").stdout, newline="")))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, *rows])
    return path


def _set(header: list[str], rows: list[list[str]], code: str, **values: str) -> None:
    row = next(r for r in rows if r[0] == code)
    for key, value in values.items():
        row[header.index(key)] = value


def _operations(engine: Engine) -> int:
    with reading(engine) as s:
        return s.exec(select(func.count()).select_from(Operation)).one()


@pytest.mark.usefixtures("pinned_as_of")  # records progress: not after the as-of date
def test_export_import_export_is_lossless(cli: CliRun, engine: Engine, tmp_path: Path) -> None:
    assert cli("edit", "1-1", "note==1+1 不是公式").exit_code == 0  # a formula-looking text survives the trip
    assert cli("progress", "2-9", "--month", "2023-06", "--status", "在建", "--invested", "100").exit_code == 0
    first = tmp_path / "first.csv"
    assert cli("export", "--format", "csv", "--output", str(first)).exit_code == 0
    assert "'=1+1 不是公式" in first.read_text(encoding="utf-8-sig")
    operations = _operations(engine)
    result = cli("import-csv", str(first), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["rows"], data["created"], data["updated"], data["unchanged"], data["operation_id"]) == (
        87,
        [],
        {},
        87,
        None,
    )
    assert data["encoding"] == "utf-8-sig"
    assert _operations(engine) == operations  # nothing changed, nothing logged
    second = tmp_path / "second.csv"
    assert cli("export", "--format", "csv", "--output", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    with reading(engine) as s:
        row = find(s, "1-1")
    assert row is not None and row.project.note == "=1+1 不是公式"


def test_gbk_file_from_excel_updates_by_code(cli: CliRun, engine: Engine, tmp_path: Path) -> None:
    header, rows = _export_rows(cli)
    _set(header, rows, "1-1", name="湘潭市未成年人救助保护中心改扩建项目（调整）", total_investment="1,600.50")
    _set(header, rows, "4-11", district="湘潭县")
    path = _write(tmp_path / "gbk.csv", header, rows, encoding="gbk")
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    result = import_csv(engine, path, actor="张三")
    assert result.encoding == "gb18030" and result.rows == 87 and result.unchanged == 85
    assert result.updated == {
        "1-1": {
            "name": ("湘潭市未成年人救助保护中心基础设施改扩建项目", "湘潭市未成年人救助保护中心改扩建项目（调整）"),
            "total_investment": (D(1500), D("1600.5")),
        },
        "4-11": {"district": (None, "湘潭县"), "district_source": (None, "user")},
    }
    with reading(engine) as s:
        one, placed = find(s, "1-1"), find(s, "4-11")
    assert one is not None and placed is not None
    assert one.project.total_investment == D("1600.5") and one.project.version == 2
    assert placed.project.district == "湘潭县"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings(cli: CliRun, engine: Engine, tmp_path: Path, encoding: str) -> None:
    header, rows = _export_rows(cli)
    _set(header, rows, "2-9", note="社会投资占比9.24%")
    result = import_csv(engine, _write(tmp_path / "in.csv", header, rows, encoding=encoding))
    assert list(result.updated) == ["2-9"]
    assert result.encoding == ("utf-8-sig" if encoding.startswith("utf") else "gb18030")


def test_bad_rows_are_all_reported_with_line_and_column_and_nothing_is_written(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "code,name,content,total_investment,district\r\n"  # line 1
        '1-1,新名称,"第一行\r\n'  # line 2: a good row spanning two lines
        '第二行",1500,市本级\r\n'  # line 3
        "2-9,,内容,abc,火星区\r\n"  # line 4: three bad cells
        "4-11,湖南湘水缘圆满殡仪服务中心及配套用房工程项目,,100000,湘潭县\r\n"  # line 5: good
        "2-9,x,y,1,雨湖区\r\n",  # line 6: the same code again
        encoding="utf-8",
    )
    operations = _operations(engine)
    with pytest.raises(CsvImportError) as info:
        import_csv(engine, path)
    p = str(path)
    assert [str(e) for e in info.value.errors] == [
        f"{p}:4:2: name: must not be empty",
        f"{p}:4:4: total_investment: amount 'abc' is not a number",
        f"{p}:4:5: district: unknown district '火星区'; expected one of 市本级, 雨湖区, 岳塘区, 湘潭县, "
        "湘乡市, 韶山市, "
        "湘潭高新区, 湘潭经开区, 昭山示范区",
        f"{p}:6:1: code: 2-9 appears twice (first on line 4)",
    ]
    with reading(engine) as s:
        one, placed = find(s, "1-1"), find(s, "4-11")
    assert one is not None and one.project.name == "湘潭市未成年人救助保护中心基础设施改扩建项目"
    assert placed is not None and placed.project.district is None
    assert _operations(engine) == operations


def test_one_bad_row_in_the_full_export_leaves_the_database_untouched(cli: CliRun, tmp_path: Path) -> None:
    before = cli("export", "--format", "csv").stdout
    header, rows = _export_rows(cli)
    _set(header, rows, "4-11", district="湘潭县")  # good
    _set(header, rows, "5-4", planned_investment="三百")  # bad: the last row of the file
    path = _write(tmp_path / "one-bad.csv", header, rows)
    result = cli("import-csv", str(path))
    assert result.exit_code == 1
    column = header.index("planned_investment") + 1
    # the file has one header line, 87 records and, inside 6 quoted contents, extra lines; 5-4 is the last record
    last_line = len(path.read_text(encoding="utf-8-sig").splitlines())
    assert f"{path}:{last_line}:{column}: planned_investment: amount '三百' is not a number" in result.stderr
    assert "nothing was written" in result.stderr
    assert cli("export", "--format", "csv").stdout == before


def test_new_project_is_added(cli: CliRun, engine: Engine, tmp_path: Path) -> None:
    header, rows = _export_rows(cli)
    new = list(next(r for r in rows if r[0] == "5-4"))
    for key, value in {
        "code": "5-5",
        "seq": "5",
        "name": "韶山市残疾人托养中心项目",
        "total_investment": "80.5",
        "planned_investment": "80",
        "social_share_pct": "12.5",
        "start_text": "2024",
        "finish_text": "2025.6",
        "start_year": "",
        "finish_year": "",
        "finish_month": "",
        "social_capital": "",
        "status": "在建",
    }.items():
        new[header.index(key)] = value
    path = _write(tmp_path / "new.csv", header, [*rows, new])
    dry = cli("import-csv", str(path), "--dry-run")
    assert dry.exit_code == 0 and "created 1" in dry.stdout and "+ 5-5" in dry.stdout
    assert len(json.loads(cli("export").stdout)) == 87  # the dry run wrote nothing
    result = cli("import-csv", str(path))
    assert result.exit_code == 0, result.stderr
    by_code = {r["code"]: r for r in json.loads(cli("export").stdout, parse_float=Decimal)}
    assert len(by_code) == 88
    added = by_code["5-5"]
    assert (added["category"], added["seq"], added["name"], added["district"], added["status"]) == (
        "残障人福利类项目",
        5,
        "韶山市残疾人托养中心项目",
        "韶山市",
        "in_progress",
    )
    assert (added["start_year"], added["start_month"], added["finish_year"], added["finish_month"]) == (
        2024,
        None,
        2025,
        6,
    )
    assert added["social_capital"] == D("10.0625")  # 80.5 × 12.5%
    assert cli("undo").exit_code == 0
    assert len(json.loads(cli("export").stdout)) == 87


@pytest.mark.parametrize(
    ("code", "changes", "fragment"),
    [
        ("18-Feb", {}, "is not a project code"),  # 2-18 after a spreadsheet made it a date
        ("1-9", {}, "does not start with the ordinal of '残障人福利类项目' (5)"),
        ("5-1", {"category": "儿童福利类项目"}, "cannot change category"),
        ("5-9", {"name": ""}, "name: a new project (5-9) needs a value"),
        ("5-9", {"category": "养老"}, "no category '养老'"),
        ("5-9", {"seq": "8"}, "disagrees with the code"),
        ("5-4", {"start_year": "2022"}, "'2022' disagrees with start_text '2021'"),
        ("5-4", {"plan": "另一个规划"}, "cannot move"),
        ("5-4", {"status": "done"}, "unknown status"),
        ("5-4", {"finish_text": "2020", "finish_year": ""}, "is before the start"),
        ("5-4", {"finish_text": "2020"}, "'2022' disagrees with finish_text '2020'"),
    ],
)
def test_refused_rows(
    cli: CliRun, engine: Engine, tmp_path: Path, code: str, changes: dict[str, str], fragment: str
) -> None:
    header, rows = _export_rows(cli)
    row = list(next(r for r in rows if r[0] == "5-4"))
    row[0] = code
    if code != "5-4":
        row[header.index("seq")] = code.split("-")[-1] if code[0].isdigit() else ""
    for key, value in changes.items():
        row[header.index(key)] = value
    path = _write(tmp_path / "x.csv", header, [row])
    with pytest.raises(CsvImportError) as info:
        import_csv(engine, path)
    assert any(fragment in str(e) for e in info.value.errors), [str(e) for e in info.value.errors]


def test_status_follows_progress_records(cli: CliRun, engine: Engine, tmp_path: Path) -> None:
    record_progress(engine, "2-9", "2023-06", status="在建", invested="1")
    header, rows = _export_rows(cli)
    _set(header, rows, "2-9", status="completed")
    with pytest.raises(CsvImportError, match="has progress records"):
        import_csv(engine, _write(tmp_path / "s.csv", header, rows))
    _set(header, rows, "2-9", status="in_progress")
    _set(header, rows, "1-1", status="停缓建")  # no records: the import may set it
    result = import_csv(engine, _write(tmp_path / "s.csv", header, rows))
    assert result.updated == {"1-1": {"status": ("not_started", "suspended")}}


def test_header_errors(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("name,总投资,name\r\n新名称,1,2\r\n", encoding="utf-8")
    with pytest.raises(CsvImportError) as info:
        import_csv(engine, path)
    assert [str(e).removeprefix(f"{path}:") for e in info.value.errors] == [
        "1:1: no 'code' column: rows are matched by project code",
        "1:2: unknown column '总投资'; expected columns of `tracker export`",
        "1:3: column 'name' appears twice (first in column 1)",
    ]


def test_not_text_and_wrong_field_count(engine: Engine, tmp_path: Path) -> None:
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"code\r\n\xff\xfe\x00\x81\x30\r\n")
    with pytest.raises(CsvImportError, match="neither UTF-8 nor GBK"):
        import_csv(engine, binary)
    short = tmp_path / "s.csv"
    short.write_text("code,name\r\n1-1\r\n", encoding="utf-8")
    with pytest.raises(CsvImportError) as info:
        import_csv(engine, short)
    assert str(info.value.errors[0]).endswith(":2:2: expected 2 fields like the header, found 1")
