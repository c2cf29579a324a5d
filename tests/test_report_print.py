"""The xlsx report the city can print: title, unit, reporting unit and reporter, the summary, typed
numbers, complete shaded subtotals and totals, autofilter over the project rows, and a page setup that
LibreOffice prints landscape, one page wide, with the header on every page.

The portfolio is tests/test_golden_outputs.py's (87 projects, fixed progress, report month 2023-06).
"""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import CliRun
from tests.test_golden_outputs import AS_OF, portfolio  # noqa: F401  (the fixture)
from tests.test_libreoffice import profile, soffice  # noqa: F401  (the fixtures)

D = Decimal
TOP = 4
"""The header row: under the title, the 截至/unit line and the summary paragraph."""


@pytest.fixture
def printed(portfolio: CliRun, workdir: Path, tmp_path: Path) -> Path:  # noqa: F811
    (workdir / "tracker.toml").write_text(
        '[general]\nreporter = "李四"\n\n[report]\nunit = "湘潭市民政局规划财务科"\n', encoding="utf-8"
    )
    target = tmp_path / "r.xlsx"
    result = portfolio(
        "--as-of", AS_OF, "report", "--month", "2023-06", "--subtotals", "--output", str(target), "--format", "xlsx"
    )
    assert result.exit_code == 0, result.stderr
    return target


def test_title_unit_reporter_and_summary(printed: Path) -> None:
    ws = openpyxl.load_workbook(printed).active
    assert ws["A1"].value == "湘潭市“十四五”民政事业发展规划重点项目进展情况月报（2023年6月）"
    assert ws["A1"].font.b
    assert (
        ws["A2"].value
        == "截至2023年6月30日\u3000\u3000单位：万元\u3000\u3000填报单位：湘潭市民政局规划财务科\u3000\u3000填报人：李四"
    )
    assert ws["A3"].value.startswith("截至2023年6月底，湘潭市“十四五”民政事业发展规划重点项目共87个")
    assert "A1:T1" in {str(r) for r in ws.merged_cells.ranges} and "A3:T3" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(TOP, 1).value == "序号" and ws.cell(TOP, 20).value == "存在问题"
    assert ws.freeze_panes == f"A{TOP + 1}"


def test_typed_numbers_and_complete_sums(printed: Path) -> None:
    ws = openpyxl.load_workbook(printed).active
    header = [c.value for c in ws[TOP]]
    rows = list(ws.iter_rows(min_row=TOP + 1))
    first = {h: c for h, c in zip(header, rows[0], strict=True)}
    assert first["项目编码"].value == "1-1"
    money = first["年初至本月累计完成投资"]
    assert money.data_type == "n" and D(str(money.value)) == D("450.5") and money.number_format == "#,##0.00"
    for key, exact in (("占年计划%", "0.7508"), ("占总投资%", "0.3003"), ("序时进度%", "0.625")):
        cell = first[key]
        assert cell.data_type == "n" and D(str(cell.value)) == D(exact) and cell.number_format == "0.00%", key
    sums = [{h: c for h, c in zip(header, r, strict=True)} for r in rows if r[0].value is None]
    assert [s["项目名称"].value for s in sums][-1] == "合计（87个项目）" and len(sums) == 6
    community = next(s for s in sums if s["类别"].value == "城乡社区治理类项目")
    for key in ("年度计划投资", "本月完成投资", "年初至本月累计完成投资", "开工以来累计完成投资"):
        assert community[key].value == 0 and community[key].data_type == "n", key  # complete: 0, not blank
    assert community["占年计划%"].value is None  # no annual plan: no share of one
    total = sums[-1]
    assert D(str(total["总投资"].value)) == D("488707.12") and total["总投资"].font.b
    assert (D(str(total["本月完成投资"].value)), D(str(total["占年计划%"].value))) == (D("1385.07"), D("0.6481"))
    assert total["总投资"].fill.fgColor.rgb.endswith("F2F2F2")


def test_autofilter_and_page_setup(printed: Path) -> None:
    ws = openpyxl.load_workbook(printed).active
    last = ws.max_row  # the totals row, after the last category's subtotal
    assert ws.auto_filter.ref == f"A{TOP}:T{last - 2}"  # the project rows only
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "8"  # A3
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) in ((1, 0), ("1", "0"), (None, 0), (None, "0"))
    assert ws.print_title_rows == f"${TOP}:${TOP}"  # the header on every printed page


def test_the_plain_csv_report_is_unchanged_data(portfolio: CliRun, tmp_path: Path) -> None:  # noqa: F811
    target = tmp_path / "r.csv"
    assert portfolio("--as-of", AS_OF, "report", "--month", "2023-06", "--output", str(target)).exit_code == 0
    first = target.read_bytes().decode("utf-8").split("\r\n", 1)[0]
    assert first.startswith("\ufeff序号,项目编码,项目名称")  # one header row, no title


@pytest.mark.slow
def test_libreoffice_prints_it_landscape_one_page_wide(
    printed: Path,
    soffice: str,  # noqa: F811
    profile: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    pdfinfo = shutil.which("pdfinfo")
    assert pdfinfo is not None, "pdfinfo is missing: `make test` installs poppler-utils (scripts/system-deps.sh)"
    outdir = tmp_path / "pdf"
    args = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(outdir)]
    done = subprocess.run([*args, str(printed)], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    info = subprocess.run(
        [pdfinfo, str(outdir / "r.pdf")], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    pages = int(fields["Pages"].strip())
    width, _, height = fields["Page size"].split()[:3]
    assert float(width) > float(height)  # landscape
    assert "A3" in fields["Page size"]
    assert 2 <= pages <= 6  # one page wide, the 87 rows a few pages tall (17 portrait pages before)
