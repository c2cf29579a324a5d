"""A real client opens what we write: LibreOffice Calc (headless ``soffice --convert-to``).

- our CSV (UTF-8 with BOM) → LibreOffice → xlsx, read back with openpyxl;
- our xlsx → LibreOffice → CSV (raw values, and "as shown" through our number formats).

The Chinese must come through intact, the money as numbers equal to the exact decimals, the codes
as text. This test never skips: without ``soffice`` it fails, naming the Debian package to install
(``libreoffice-calc-nogui``; ``make test`` installs it via scripts/system-deps.sh).

Figures (data/xiangtan_plan.txt): 2-9 lines 1282–1302 湘潭市雨湖区老年养护院(二期)建设项目, total 5409.88,
share 9.24% → 499.872912; 2-18 湘潭县“党建+莲湘颐老”特色养老小镇项目, total 100000; the 87 rows sum to
488707.12.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import CliRun

D = Decimal
pytestmark = pytest.mark.slow

CSV_UTF8 = "CSV:44,34,76,1"
"""LibreOffice CSV import options: comma, double quote, UTF-8 (76), from line 1."""
CSV_EXPORT_RAW = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false"
CSV_EXPORT_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"
"""CSV export options; the last token is "save cell contents as shown" (our number formats) or raw values."""


@pytest.fixture(scope="session")
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail(
            "LibreOffice is not installed (no `soffice` on PATH): this test must run. Install the Debian package "
            "libreoffice-calc-nogui (`sudo apt-get install --no-install-recommends libreoffice-calc-nogui`, "
            "or `make test`)."
        )
    return found


@pytest.fixture(scope="session")
def profile(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A private LibreOffice user profile for this test run (never the user's own)."""
    return (tmp_path_factory.mktemp("lo-profile")).as_uri()


def convert(
    soffice: str, profile: str, files: list[Path], target: str, outdir: Path, infilter: str | None = None
) -> None:
    args = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore"]
    if infilter:
        args.append(f"--infilter={infilter}")
    args += ["--convert-to", target, "--outdir", str(outdir), *map(str, files)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for f in files:
        assert (outdir / f"{f.stem}.{target.split(':')[0]}").exists(), (
            f"LibreOffice did not convert {f}: {result.stdout} {result.stderr}"
        )


@pytest.fixture
def written(cli: CliRun, tmp_path: Path, pinned_as_of: date) -> dict[str, Path]:
    """The files tracker writes for Excel: the export and the June report, as CSV and xlsx (the June
    progress is recorded at a pinned as-of date, not today)."""
    for args in (
        ("2-9", "--month", "2023-06", "--status", "在建", "--invested", "1234.57", "--problems", "=1+1"),
        ("2-18", "--month", "2023-06", "--status", "在建", "--invested", "0.01"),
    ):
        assert cli("progress", *args).exit_code == 0
    files = {
        "export.csv": ("export", "--format", "csv"),
        "export.xlsx": ("export", "--format", "xlsx"),
        "report.csv": ("report", "--month", "2023-06", "--subtotals"),
        "report.xlsx": ("report", "--month", "2023-06", "--subtotals", "--format", "xlsx"),
    }
    out: dict[str, Path] = {}
    for name, args in files.items():
        path = tmp_path / "ours" / name
        path.parent.mkdir(exist_ok=True)
        result = cli(*args, "--output", str(path))
        assert result.exit_code == 0, result.stderr
        out[name] = path
    assert out["report.csv"].read_bytes().startswith(b"\xef\xbb\xbf")
    return out


def _num(value: object) -> Decimal:
    assert isinstance(value, int | float), f"{value!r} is not a number cell"
    return D(str(value))


def test_libreoffice_opens_our_csv(soffice: str, profile: str, written: dict[str, Path], tmp_path: Path) -> None:
    outdir = tmp_path / "lo-xlsx"
    convert(soffice, profile, [written["export.csv"], written["report.csv"]], "xlsx", outdir, CSV_UTF8)

    export = openpyxl.load_workbook(outdir / "export.xlsx").active
    header = [c.value for c in export[1]]
    assert header[:5] == ["code", "plan", "category", "seq", "name"]  # the BOM is not part of the first header
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in export.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 87
    assert rows["2-9"]["name"] == "湘潭市雨湖区老年养护院(二期)建设项目"
    assert rows["2-18"]["name"] == "湘潭县“党建+莲湘颐老”特色养老小镇项目"  # and "2-18" stayed a code, not a date
    assert (_num(rows["2-9"]["total_investment"]), _num(rows["2-9"]["social_capital"])) == (
        D("5409.88"),
        D("499.872912"),
    )
    assert _num(rows["2-18"]["invested_to_date"]) == D("0.01")
    assert sum((_num(r["total_investment"]) for r in rows.values()), D(0)) == D("488707.12")

    report = openpyxl.load_workbook(outdir / "report.xlsx").active
    header = [c.value for c in report[1]]
    assert header[:3] == ["序号", "项目编码", "项目名称"] and header[-1] == "存在问题"
    by_code = {r[1]: dict(zip(header, r, strict=True)) for r in report.iter_rows(min_row=2, values_only=True) if r[1]}
    june = by_code["2-9"]
    assert june["项目名称"] == "湘潭市雨湖区老年养护院(二期)建设项目" and june["状态"] == "在建"
    assert _num(june["本月完成投资"]) == D("1234.57")
    assert _num(june["占总投资%"]) == D("22.82")  # 1234.57 / 5409.88 = 22.8207…%
    assert june["存在问题"] == "'=1+1"  # shown as text, not computed to 2
    total = [r for r in report.iter_rows(values_only=True) if r[2] == "合计（87个项目）"]
    assert len(total) == 1 and _num(total[0][7]) == D("488707.12")


def test_libreoffice_opens_our_xlsx(soffice: str, profile: str, written: dict[str, Path], tmp_path: Path) -> None:
    raw_dir, shown_dir = tmp_path / "lo-raw", tmp_path / "lo-shown"
    convert(soffice, profile, [written["report.xlsx"], written["export.xlsx"]], CSV_EXPORT_RAW, raw_dir)
    convert(soffice, profile, [written["report.xlsx"]], CSV_EXPORT_SHOWN, shown_dir)

    raw = list(csv.reader(io.StringIO((raw_dir / "report.csv").read_text(encoding="utf-8-sig"), newline="")))
    top = next(i for i, r in enumerate(raw) if r[0] == "序号")  # under the title rows
    assert raw[0][0].endswith("重点项目进展情况月报（2023年6月）")
    header = raw[top]
    assert header[:3] == ["序号", "项目编码", "项目名称"]
    by_code = {r[1]: dict(zip(header, r, strict=True)) for r in raw[top + 1 :] if r[1]}
    assert len(by_code) == 87
    june = by_code["2-9"]
    assert (june["项目名称"], june["类别"], june["县市区"]) == (
        "湘潭市雨湖区老年养护院(二期)建设项目",
        "老年人福利类项目",
        "雨湖区",
    )
    assert (D(june["总投资"]), D(june["本月完成投资"])) == (D("5409.88"), D("1234.57"))
    assert june["序时进度%"] == "83.33%"  # the cell holds the fraction 0.8333; LibreOffice's raw text keeps the %
    assert june["存在问题"] == "=1+1"  # an xlsx string cell: text, never a formula
    totals = next(r for r in raw if r[2] == "合计（87个项目）")
    assert D(totals[7]) == D("488707.12")

    export = list(csv.DictReader(io.StringIO((raw_dir / "export.csv").read_text(encoding="utf-8-sig"), newline="")))
    assert {r["code"]: D(r["social_capital"]) for r in export if r["social_capital"]}["2-9"] == D("499.872912")
    assert {r["code"]: r["name"] for r in export}["2-18"] == "湘潭县“党建+莲湘颐老”特色养老小镇项目"

    shown = list(csv.reader(io.StringIO((shown_dir / "report.csv").read_text(encoding="utf-8-sig"), newline="")))
    shown_june = next(r for r in shown if r[1] == "2-9")
    # through our formats: money with thousands separators and 2 decimals, percentages as percentages
    assert (shown_june[7], shown_june[10], shown_june[15]) == ("5,409.88", "1,234.57", "83.33%")
    assert next(r for r in shown if r[1] == "1-1")[7] == "1,500.00"
