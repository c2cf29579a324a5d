"""Every output a script reads, byte for byte, against files written by the version before streaming.

The files in ``tests/data/golden/`` were produced by the pre-streaming code (issue 10 rewrote
``list``, ``export``, ``report``, ``warnings`` and ``history`` to stream rows): the streamed outputs
must equal them exactly. They hold the bundled 87 projects plus a fixed set of progress records and
annual plans, judged at a fixed date, so nothing depends on the clock.

``UPDATE_GOLDEN=1 pytest tests/test_golden_outputs.py`` rewrites them — only when an output is meant
to change, and the diff belongs in the commit.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import CliRun

GOLDEN = Path(__file__).parent / "data" / "golden"
AS_OF = "2023-07-31"

PROGRESS: tuple[tuple[str, ...], ...] = (
    ("1-1", "--month", "2023-05", "--status", "在建", "--invested", "300", "--progress-text", "主体施工"),
    ("1-1", "--month", "2023-06", "--invested", "150.5", "--problems", "=雨季\n影响工期"),
    ("2-9", "--month", "2023-06", "--status", "在建", "--invested", "1234.57", "--reporter", "张三"),
    ("2-18", "--month", "2022-12", "--status", "已竣工", "--invested", "800"),
    ("4-11", "--month", "2023-01", "--status", "停缓建", "--invested", "0", "--progress-text", "+停工待批"),
)
ANNUAL: tuple[tuple[str, ...], ...] = (("1-1", "2023", "600"), ("2-9", "2023", "2000"), ("2-18", "2022", "800"))

COMMANDS: dict[str, tuple[str, ...]] = {
    "list.csv": ("list", "--format", "csv"),
    "list.json": ("list", "--format", "json"),
    "list-filtered.csv": ("list", "category:老年", "total>=1000", "--sort", "-total", "--format", "csv"),
    "list-columns.json": ("list", "+overdue", "--columns", "code,name,total,status", "--format", "json"),
    "export.csv": ("export", "--format", "csv"),
    "export.json": ("export", "--format", "json"),
    "report.csv": ("report", "--month", "2023-06", "--format", "csv"),
    "report-subtotals-en.csv": ("report", "--month", "2023-06", "--subtotals", "--headers", "en", "--format", "csv"),
    "report.json": ("report", "--month", "2023-06", "--format", "json"),
    "report-filtered.csv": ("report", "--month", "2023-06", "category:儿童", "--format", "csv"),
    "warnings.json": ("warnings", "--format", "json"),
    "warnings-filtered.json": ("warnings", "district:韶山", "--format", "json"),
    "rollup-category.json": ("rollup", "--by", "category", "--format", "json"),
    "rollup-district-year.csv": ("rollup", "--by", "district", "--by", "year", "--format", "csv"),
    "check.json": ("check", "--format", "json"),
}
XLSX: dict[str, tuple[str, ...]] = {
    "export.xlsx.csv": ("export", "--format", "xlsx"),
    "report.xlsx.csv": ("report", "--month", "2023-06", "--subtotals", "--format", "xlsx"),
}
"""xlsx files differ in zip timestamps; their cells (value and type, sheet by sheet) are compared as text."""


@pytest.fixture
def portfolio(cli: CliRun) -> CliRun:
    for args in PROGRESS:
        assert cli("--as-of", AS_OF, "progress", *args).exit_code == 0
    for args in ANNUAL:
        assert cli("annual-plan", *args).exit_code == 0
    return cli


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{path} is missing (UPDATE_GOLDEN=1 writes it)"
    assert text == path.read_bytes().decode("utf-8"), name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_stdout_is_byte_identical(portfolio: CliRun, name: str) -> None:
    result = portfolio("--as-of", AS_OF, *COMMANDS[name])
    assert result.exit_code in (0, 1), result.stderr
    _check(name, result.stdout_bytes.decode("utf-8"))  # .stdout would turn CR LF into LF


def _cells(path: Path) -> str:
    workbook = load_workbook(path)
    out = io.StringIO()
    for sheet in workbook.worksheets:
        out.write(f"## {sheet.title}\n")
        for row in sheet.iter_rows():
            out.write("\t".join(f"{type(c.value).__name__}:{c.value!r}" for c in row) + "\n")
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(XLSX))
def test_xlsx_cells_are_identical(portfolio: CliRun, tmp_path: Path, name: str) -> None:
    target = tmp_path / "out.xlsx"
    result = portfolio("--as-of", AS_OF, *XLSX[name], "--output", str(target))
    assert result.exit_code == 0, result.stderr
    _check(name, _cells(target))


def test_csv_files_written_with_a_bom_are_the_stdout_bytes_plus_the_bom(portfolio: CliRun, tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    assert portfolio("--as-of", AS_OF, "export", "--format", "csv", "--output", str(target)).exit_code == 0
    assert target.read_bytes() == "\ufeff".encode() + (GOLDEN / "export.csv").read_bytes()
