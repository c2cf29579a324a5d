"""The Excel profile: BOM, RFC 4180 quoting, every formula-injection case, typed xlsx, and `export`.

Figures: 2-9 (data/xiangtan_plan.txt lines 1282–1302) total 5409.88, share 9.24% → social capital
499.872912; 2-8 (line 1274) total 3460.44; 1-1 (lines 916–936) total 1500.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CliRun
from tracker.excel import (
    Sheet,
    SheetColumn,
    cell_text,
    csv_text,
    display_width,
    exact_number,
    neutralise,
    unneutralise,
    write_csv_excel,
    write_xlsx,
)
from tracker.export import EXPORT_KEYS

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","点我")', '\'=HYPERLINK("http://x","点我")'),
        ("+86 731 5555", "'+86 731 5555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # already apostrophed: one more, so reading back gives it unchanged
        ("''", "'''"),
        # not triggers
        ("湘潭市", "湘潭市"),
        ("2021-2023", "2021-2023"),
        ("a=b", "a=b"),
        ("'ok", "'ok"),
        ("'", "'"),
        ("", ""),
        (" =1", " =1"),
    ],
)
def test_neutralise_every_case(text: str, expected: str) -> None:
    assert neutralise(text) == expected
    assert unneutralise(neutralise(text)) == text


def test_numbers_stay_numbers() -> None:
    assert neutralise(D("-5")) == D("-5")
    assert neutralise(-3) == -3
    assert neutralise(None) is None
    assert cell_text(D("-5")) == "-5"
    assert cell_text(-3) == "-3"
    assert cell_text("-5") == "'-5"  # the same characters as text are neutralised
    assert cell_text(D("1E+3")) == "1000"
    assert cell_text(D("0.000001")) == "0.000001"
    assert cell_text(D("499.872912")) == "499.872912"
    assert cell_text(None) == ""


@given(st.text())
def test_neutralise_is_safe_and_reversible(text: str) -> None:
    safe = neutralise(text)
    assert not safe or safe[0] not in "=+-@\t\r"
    assert unneutralise(safe) == text


def test_csv_bom_quoting_and_line_ends(tmp_path: Path) -> None:
    records = [
        {"code": "1-1", "name": '他说"好"', "content": "一,二\n三", "total": D("1500"), "note": "=cmd|' /C calc'!A0"},
        {
            "code": "2-9",
            "name": "湘潭市雨湖区老年养护院(二期)建设项目",
            "content": None,
            "total": D("5409.88"),
            "note": "-",
        },
    ]
    keys = ("code", "name", "content", "total", "note")
    path = tmp_path / "out.csv"
    assert write_csv_excel(records, path, keys, headers=("编码", "名称", "内容", "总投资", "备注")) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    assert text == (
        "编码,名称,内容,总投资,备注\r\n"
        '1-1,"他说""好""","一,二\n三",1500,\'=cmd|\' /C calc\'!A0\r\n'
        "2-9,湘潭市雨湖区老年养护院(二期)建设项目,,5409.88,'-\r\n"
    )
    back = list(csv.reader(io.StringIO(text, newline="")))
    assert back[1] == ["1-1", '他说"好"', "一,二\n三", "1500", "'=cmd|' /C calc'!A0"]
    write_csv_excel(records, path, keys, bom=False)
    assert path.read_bytes().startswith(b"code,name")
    assert csv_text(["a"], [["x"]], bom=True) == "\ufeffa\r\nx\r\n"


def test_display_width_counts_chinese_twice() -> None:
    assert display_width("abc") == 3
    assert display_width("湘潭") == 4
    assert display_width("（）") == 4  # full-width brackets
    assert display_width("第一行\nab") == 6


def test_exact_number() -> None:
    assert exact_number(D("499.872912"))
    assert exact_number(D("592917.92"))
    assert exact_number(D("999999999.999999"))  # 15 significant digits
    assert not exact_number(D("1234567890.123456"))  # 16: a double would round it
    assert not exact_number(D("NaN"))


def test_xlsx_typed_cells_formats_freeze_and_widths(tmp_path: Path) -> None:
    columns = [
        SheetColumn("项目名称"),
        SheetColumn("序号", "int"),
        SheetColumn("总投资", "money"),
        SheetColumn("占比%", "percent"),
    ]
    rows = [
        ["湘潭市雨湖区老年养护院(二期)建设项目", 9, D("499.872912"), D("9.24")],
        ["=1+1", 10, D("1234567890.123456"), None],
        ["合计", None, D("1734567890.123456"), D("100")],
    ]
    path = tmp_path / "t.xlsx"
    write_xlsx([Sheet("表一", columns, rows, bold_rows={2})], path)
    ws = openpyxl.load_workbook(path)["表一"]
    assert [c.value for c in ws[1]] == ["项目名称", "序号", "总投资", "占比%"]
    assert ws.freeze_panes == "A2"
    name, seq, money, pct = ws[2]
    assert (name.value, name.data_type) == ("湘潭市雨湖区老年养护院(二期)建设项目", "s")
    assert (seq.value, seq.data_type, seq.number_format) == (9, "n", "0")
    assert money.data_type == "n" and D(str(money.value)) == D("499.872912") and money.number_format == "#,##0.00####"
    assert pct.data_type == "n" and D(str(pct.value)) == D("9.24") and pct.number_format == "0.00"
    formula_text, _, too_precise, empty = ws[3]
    assert formula_text.data_type == "s" and formula_text.value == "=1+1"  # a string cell is never evaluated
    assert too_precise.data_type == "s" and too_precise.value == "1234567890.123456"  # exact text, not a rounded double
    assert empty.value is None
    assert ws.cell(4, 1).font.b and not ws.cell(2, 1).font.b
    # 17 Chinese characters and 2 ASCII brackets → 2×17 + 2 = 36, plus 2 of padding (XlsxWriter adds ~0.71)
    assert ws.column_dimensions["A"].width == pytest.approx(38, abs=1)


def test_xlsx_numbers_are_written_from_decimal_digits(tmp_path: Path) -> None:
    """The XML holds the decimal digits themselves (no float artefacts such as 0.30000000000000004)."""
    import zipfile

    path = tmp_path / "n.xlsx"
    write_xlsx([Sheet("s", [SheetColumn("v", "money")], [[D("0.3")], [D("3460.44")], [D("499.872912")]])], path)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>0.3</v>" in xml and "<v>3460.44</v>" in xml and "<v>499.872912</v>" in xml


# ---------------------------------------------------------------------------- export


def test_export_csv_file_has_bom_by_default_stdout_does_not(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "p.csv"
    assert cli("export", "--format", "csv", "--output", str(out)).exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + b"code,plan,")
    assert raw.count(b"\r\n") >= 88
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(EXPORT_KEYS)
    by_code = {r["code"]: r for r in rows}
    assert (by_code["2-9"]["total_investment"], by_code["2-9"]["social_capital"]) == ("5409.88", "499.872912")
    assert cli("export", "--format", "csv", "--output", str(out), "--no-bom").exit_code == 0
    assert out.read_bytes().startswith(b"code,plan,")
    stdout = cli("export", "--format", "csv").stdout
    assert stdout.startswith("code,plan,")


def test_export_bom_follows_the_config(cli: CliRun, tmp_path: Path, workdir: Path) -> None:
    (workdir / "tracker.toml").write_text("[export]\nbom = false\n", encoding="utf-8")
    out = tmp_path / "p.csv"
    assert cli("export", "--format", "csv", "--output", str(out)).exit_code == 0
    assert out.read_bytes().startswith(b"code,")
    assert cli("export", "--format", "csv", "--output", str(out), "--bom").exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_csv_neutralises_text(cli: CliRun) -> None:
    assert cli("edit", "1-1", "note=+86 0731 电话").exit_code == 0
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(cli("export", "--format", "csv").stdout, newline=""))}
    assert rows["1-1"]["note"] == "'+86 0731 电话"


def test_export_xlsx(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    assert cli("export", "--format", "xlsx").exit_code == 2  # needs --output
    result = cli("export", "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header == list(EXPORT_KEYS)
    assert ws.max_row == 88 and ws.freeze_panes == "A2"
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert D(str(rows["2-8"]["total_investment"])) == D("3460.44")
    assert D(str(rows["2-9"]["social_capital"])) == D("499.872912")
    assert D(str(rows["2-9"]["social_share_pct"])) == D("9.24")
    assert rows["1-1"]["seq"] == 1 and rows["1-1"]["start_year"] == 2021 and rows["1-1"]["start_month"] is None
    assert rows["1-1"]["name"] == "湘潭市未成年人救助保护中心基础设施改扩建项目"


def test_headless_csv_commands_import_no_spreadsheet_or_tui_library(db_path: Path, tmp_path: Path) -> None:
    """``export`` and ``report`` to CSV succeed (exit 0, checked, not swallowed) without loading xlsx or TUI code."""
    export_argv = ["--db", str(db_path), "export", "--format", "csv", "--output", str(tmp_path / "x.csv")]
    report_argv = ["--db", str(db_path), "report", "--month", "2023-06", "--output", str(tmp_path / "r.csv")]
    code = (
        "import sys\n"
        "from tracker.cli import main\n"
        "codes = []\n"
        f"for argv in ({export_argv!r}, {report_argv!r}):\n"
        "    try:\n"
        "        main(argv)\n"
        "        codes.append('returned')\n"
        "    except SystemExit as exc:\n"
        "        codes.append(exc.code)\n"
        "print(codes)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('xlsxwriter', 'openpyxl', 'textual')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert result.stdout.splitlines() == ["[0, 0]", "[]"], result.stderr
    exported = {
        r["code"]: r for r in csv.DictReader(io.StringIO((tmp_path / "x.csv").read_text("utf-8-sig"), newline=""))
    }
    assert len(exported) == 87
    assert (exported["2-9"]["total_investment"], exported["2-9"]["social_capital"]) == ("5409.88", "499.872912")
    report = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text("utf-8-sig"), newline="")))
    assert len(report) == 1 + 87 + 1  # the header, every project, the totals
    assert report[-1][2:9] == ["合计（87个项目）", "", "", "", "", "488707.12", "475403.12"]  # hand sums of annex 1
