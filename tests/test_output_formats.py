"""Formats follow the file name (issue 11 item 4): ``--output x.xlsx|x.csv|x.json`` picks the format of
``export``, ``report``, ``list``, ``warnings`` and ``rollup`` when ``--format`` is not given; a ``--format``
that contradicts the extension, or an extension naming no format without ``--format``, is exit 2.
``export`` and ``warnings`` take a FILTER; ``list`` and ``warnings`` write CSV and xlsx.

The filtered counts are counted by hand from data/xiangtan_projects.csv: the eight 儿童福利类项目
(1-1 … 1-8) have totals 1500, 300, 200, 500, 1500, 100, 500, 670 万元 (1-5 and 1-6 in 湘乡市), none started.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import CliRun

AS_OF = "2025-06-30"

COMMANDS: dict[str, tuple[str, ...]] = {
    "export": ("export",),
    "report": ("report", "--month", "2023-06"),
    "list": ("list",),
    "warnings": ("--as-of", AS_OF, "warnings"),
    "rollup": ("rollup",),
}
FINDINGS = {"warnings": 1}
"""Exit status of a command that succeeded: ``warnings`` exits 1 when it found warnings, file or not."""


def _kind(path: Path) -> str:
    """What the file is, from its bytes: xlsx (a zip), json or csv."""
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        openpyxl.load_workbook(path, read_only=True).close()
        return "xlsx"
    text = data.decode("utf-8-sig")
    try:
        json.loads(text)
    except ValueError:
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) > 1 and len(rows[0]) > 3
        return "csv"
    return "json"


@pytest.mark.parametrize("ext", ["xlsx", "csv", "json", "XLSX"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_extension_picks_the_format(cli: CliRun, tmp_path: Path, command: str, ext: str) -> None:
    target = tmp_path / f"out.{ext}"
    result = cli(*COMMANDS[command], "--output", str(target))
    assert result.exit_code == FINDINGS.get(command, 0), result.stderr
    assert _kind(target) == ext.lower()
    assert f"to {target}" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_format_given_agrees_with_the_extension_or_decides_for_an_unknown_one(
    cli: CliRun, tmp_path: Path, command: str
) -> None:
    same = tmp_path / "same.csv"
    assert cli(*COMMANDS[command], "--format", "csv", "--output", str(same)).exit_code == FINDINGS.get(command, 0)
    assert _kind(same) == "csv"
    other = tmp_path / "data.txt"
    assert cli(*COMMANDS[command], "--format", "json", "--output", str(other)).exit_code == FINDINGS.get(command, 0)
    assert _kind(other) == "json"


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(("fmt", "ext"), [("csv", "xlsx"), ("xlsx", "csv"), ("json", "csv")])
def test_a_format_contradicting_the_extension_is_exit_2(
    cli: CliRun, tmp_path: Path, command: str, fmt: str, ext: str
) -> None:
    target = tmp_path / f"r.{ext}"
    result = cli(*COMMANDS[command], "--format", fmt, "--output", str(target))
    assert result.exit_code == 2
    assert f"--format {fmt} contradicts the file name r.{ext} (.{ext})" in result.stderr
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.lstrip(".").startswith("r.")]


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("r.txt", "the extension .txt names no format"),
        ("r.xls", "the extension .xls names no format"),
        ("report", "the file name has no extension"),
    ],
)
def test_an_unknown_extension_without_format_is_exit_2_listing_the_choices(
    cli: CliRun, tmp_path: Path, command: str, name: str, said: str
) -> None:
    target = tmp_path / name
    result = cli(*COMMANDS[command], "--output", str(target))
    assert result.exit_code == 2
    assert f"--output {name}: {said}" in result.stderr
    for ext in (".csv", ".json", ".xlsx"):
        assert ext in result.stderr
    assert "--format" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("command", ["list", "rollup", "warnings"])
def test_table_is_for_the_terminal(cli: CliRun, tmp_path: Path, command: str) -> None:
    result = cli(*COMMANDS[command], "--format", "table", "--output", str(tmp_path / "t.csv"))
    assert result.exit_code == 2
    assert "--format table is for the terminal" in result.stderr


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_xlsx_still_needs_a_file(cli: CliRun, command: str) -> None:
    result = cli(*COMMANDS[command], "--format", "xlsx")
    assert result.exit_code == 2
    assert "--format xlsx needs --output FILE" in result.stderr


def test_an_unknown_format_names_the_choices_with_its_quotes(cli: CliRun) -> None:
    result = cli("--as-of", AS_OF, "warnings", "--format", "xml")
    assert result.exit_code == 2
    assert "--format must be table, json, csv or xlsx, not 'xml'" in result.stderr


def test_a_folder_is_still_reported_as_a_folder(cli: CliRun, tmp_path: Path) -> None:
    result = cli("list", "--output", str(tmp_path))
    assert result.exit_code == 2
    assert "is a folder; give a file name for --output" in result.stderr


# --------------------------------------------------------------------------------------------
# FILTER on export and warnings


BIG_CHILDREN = ["1-1", "1-4", "1-5", "1-7", "1-8"]
"""category:儿童 total>=500, counted by hand."""


def test_export_takes_a_filter(cli: CliRun, tmp_path: Path) -> None:
    result = cli("export", "category:儿童", "total>=500")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["code"] for r in records] == BIG_CHILDREN
    assert sum(Decimal(str(r["total_investment"])) for r in records) == Decimal(4670)
    target = tmp_path / "children.csv"
    assert cli("export", "category:儿童", "-district:湘乡", "--output", str(target)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [r["code"] for r in rows] == ["1-1", "1-2", "1-3", "1-4", "1-7", "1-8"]


def test_export_without_filter_is_unchanged(cli: CliRun) -> None:
    assert len(json.loads(cli("export").stdout)) == 87


def test_export_filter_words_after_double_dash_and_the_hint_without(cli: CliRun) -> None:
    result = cli("export", "--format", "csv", "--", "category:儿童", "-finish>=2023")
    assert result.exit_code == 0, result.stderr
    assert [line.split(",")[0] for line in result.stdout.splitlines()[1:]] == ["1-2", "1-3", "1-4", "1-6"]
    clipped = cli("export", "category:儿童", "-finish>=2023")  # -f takes "inish>=2023"
    assert clipped.exit_code == 2
    assert "a filter word starting with -f goes after --" in clipped.stderr


def test_export_bad_filter_is_exit_2_with_the_caret(cli: CliRun) -> None:
    result = cli("export", "category:(")
    assert result.exit_code == 2
    assert "bad filter" in result.stderr


def test_export_xlsx_with_a_filter_has_typed_cells(cli: CliRun, tmp_path: Path) -> None:
    target = tmp_path / "e.xlsx"
    assert cli("export", "category:儿童", "total>=500", "--output", str(target)).exit_code == 0
    ws = openpyxl.load_workbook(target).active
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]
    assert [r["code"] for r in rows] == BIG_CHILDREN
    assert [r["total_investment"] for r in rows] == [1500, 500, 1500, 500, 670]
    assert all(isinstance(r["total_investment"], int | float) for r in rows)
    assert all(isinstance(r["seq"], int) for r in rows)


CHILD_WARNINGS = [
    ("1-1", "overdue", "red"),
    ("1-1", "late_start", "red"),
    ("1-2", "overdue", "red"),
    ("1-2", "late_start", "red"),
    ("1-3", "overdue", "red"),
    ("1-3", "late_start", "red"),
    ("1-4", "overdue", "red"),
    ("1-4", "late_start", "red"),
    ("1-7", "late_start", "red"),
    ("1-8", "late_start", "yellow"),
]
"""As of 2025-06-30, category:儿童 -district:湘乡: 1-1…1-4 were due to finish by 2024 and never started;
1-7 (2022–2025) should have started; 1-8 (start 2024) is late by less than the red threshold."""


def test_warnings_filter_as_csv_on_stdout(cli: CliRun) -> None:
    result = cli("--as-of", AS_OF, "warnings", "category:儿童", "-district:湘乡", "--format", "csv")
    assert result.exit_code == 1, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["code"], r["rule"], r["severity"]) for r in rows] == CHILD_WARNINGS
    assert list(rows[0]) == ["code", "name", "rule", "severity", "message", "message_zh", "kind"]
    assert not result.stdout.startswith("\ufeff")


def test_warnings_to_files_equal_the_json_on_stdout(cli: CliRun, tmp_path: Path) -> None:
    words = ("category:儿童", "-district:湘乡")
    stdout = json.loads(cli("--as-of", AS_OF, "warnings", *words, "--format", "json").stdout)
    assert [(i["code"], i["rule"], i["severity"]) for i in stdout["items"]] == CHILD_WARNINGS
    target = tmp_path / "w.json"
    assert cli("--as-of", AS_OF, "warnings", *words, "--output", str(target)).exit_code == 1
    assert json.loads(target.read_text(encoding="utf-8")) == stdout
    book = tmp_path / "w.xlsx"
    result = cli("--as-of", AS_OF, "warnings", *words, "--output", str(book))
    assert result.exit_code == 1
    assert "wrote 10 warnings to" in result.stderr
    ws = openpyxl.load_workbook(book)["warnings"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0] == ["code", "name", "rule", "severity", "message", "message_zh", "kind"]
    assert [(r[0], r[2], r[3]) for r in cells[1:]] == CHILD_WARNINGS
    assert [(i["message"], i["message_zh"]) for i in stdout["items"]] == [(r[4], r[5]) for r in cells[1:]]


def test_warnings_with_none_found_writes_an_empty_file_and_exits_0(cli: CliRun, tmp_path: Path) -> None:
    target = tmp_path / "none.csv"
    result = cli("--as-of", "2021-01-01", "warnings", "code:1-8", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8-sig").splitlines() == ["code,name,rule,severity,message,message_zh,kind"]


# --------------------------------------------------------------------------------------------
# list and rollup files


def test_list_xlsx_has_typed_cells_and_the_columns_asked(cli: CliRun, tmp_path: Path) -> None:
    target = tmp_path / "l.xlsx"
    result = cli(
        "list", "category:儿童", "--sort", "-total", "--columns", "code,total,share,start_year", "--output", str(target)
    )
    assert result.exit_code == 0, result.stderr
    assert "wrote 8 projects to" in result.stderr
    ws = openpyxl.load_workbook(target)["projects"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0] == ["code", "total_investment", "social_share_pct", "start_year"]
    assert [row[1] for row in cells[1:]] == [1500, 1500, 670, 500, 500, 300, 200, 100]
    for row in ws.iter_rows(min_row=2):
        assert row[1].data_type == "n" and row[3].data_type == "n"
        assert row[0].data_type == "s"


def test_list_csv_file_is_the_pipe_csv_with_a_bom(cli: CliRun, tmp_path: Path) -> None:
    target = tmp_path / "l.csv"
    assert cli("list", "category:儿童", "--output", str(target)).exit_code == 0
    piped = cli("list", "category:儿童", "--format", "csv").stdout_bytes
    assert target.read_bytes() == "\ufeff".encode() + piped


def test_list_json_file_is_the_stdout_json(cli: CliRun, tmp_path: Path) -> None:
    target = tmp_path / "l.json"
    assert cli("list", "total>=500", "--output", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == cli("list", "total>=500", "--format", "json").stdout


def test_rollup_files_equal_stdout_and_xlsx_is_typed(cli: CliRun, tmp_path: Path) -> None:
    for fmt in ("json", "csv"):
        target = tmp_path / f"r.{fmt}"
        assert cli("rollup", "--by", "category", "--by", "district", "--output", str(target)).exit_code == 0
        stdout = cli("rollup", "--by", "category", "--by", "district", "--format", fmt).stdout
        assert target.read_bytes().decode("utf-8-sig").replace("\r\n", "\n") == stdout
    book = tmp_path / "r.xlsx"
    assert cli("rollup", "--by", "category", "--output", str(book)).exit_code == 0
    ws = openpyxl.load_workbook(book)["rollup"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0] == [
        "path",
        "category",
        "level",
        "is_subtotal",
        "count",
        "total",
        "planned",
        "social_capital",
        "invested",
        "invested_pct",
    ]
    children = next(row for row in cells if row[0] == "儿童福利类项目")
    assert children[2:6] == [1, False, 8, 5270]
    total = cells[-1] if cells[-1][2] == 0 else next(row for row in cells[1:] if row[2] == 0)
    assert total[4] == 87 and total[3] is True
    assert ws.cell(row=cells.index(total) + 1, column=1).font.b


def test_report_extension_xlsx_gives_the_same_cells_as_format_xlsx(cli: CliRun, tmp_path: Path) -> None:
    by_name, by_option = tmp_path / "a.xlsx", tmp_path / "b.bin"
    assert cli("report", "--month", "2023-06", "--output", str(by_name)).exit_code == 0
    assert cli("report", "--month", "2023-06", "--format", "xlsx", "--output", str(by_option)).exit_code == 0

    def cells(path: Path) -> list[list[object]]:
        with path.open("rb") as stream:
            wb = openpyxl.load_workbook(stream)
        return [[c.value for c in row] for ws in wb for row in ws.iter_rows()]

    assert cells(by_name) == cells(by_option)
    ws = openpyxl.load_workbook(by_name).active
    assert any(isinstance(c.value, int | float) for row in ws.iter_rows(min_row=2) for c in row)


def test_stdout_defaults_are_unchanged(cli: CliRun) -> None:
    """Without --output nothing changed: export JSON, report CSV, list/rollup CSV on a pipe, warnings a table."""
    assert cli("export").stdout.startswith("[\n  {")
    report = cli("report", "--month", "2023-06").stdout
    assert not report.startswith("\ufeff") and len(report.splitlines()[0].split(",")) > 10
    assert cli("list").stdout.startswith("code,plan,")
    assert cli("rollup").stdout.startswith("path,category,")
    assert "severity" in cli("--as-of", AS_OF, "warnings").stdout
