"""The monthly report: a month of progress for several projects, every figure worked out by hand.

Projects (data/xiangtan_plan.txt):
- 1-1 lines 916–936: 湘潭市未成年人救助保护中心基础设施改扩建项目, 2021–2024 (48 months), total 1500, planned 1500
- 1-6 lines 1026–1046: 湘乡市流浪人员及未成年人救助服务中心改扩建项目, 2021.1–2021.8 (8 months), 100 / 100
- 2-9 lines 1282–1302: 湘潭市雨湖区老年养护院(二期)建设项目, 2021–2023 (36 months), 5409.88 / 5409.88
- 2-14 lines 1406–1426: 湘潭县云湖桥镇中心敬老院建设项目, 2021-2023 (36 months), total 200, planned 120
- 5-4 lines 2898–2918: 韶山市重度残疾人康复中心项目, 2021–2022 (24 months), total 350, planned 300

The report is for 2023-06, so 序时进度 counts the months complete by 2023-06-30: 30 of 1-1's 48
(62.5%), 30 of 36 for 2-9 and 2-14 (83.33%), all of 1-6's and 5-4's (100%).
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

from tests.conftest import CliRun
from tracker.db import reading
from tracker.models import Project
from tracker.progress import record_progress, set_annual_plan
from tracker.report import COLUMNS, Report, monthly_report

D = Decimal
CODES = ["1-1", "1-6", "2-9", "2-14", "5-4"]
FILTER = "code=1-1 or code=1-6 or code=2-9 or code=2-14 or code=5-4"
ZH_HEADER = [
    "序号",
    "项目编码",
    "项目名称",
    "类别",
    "县市区",
    "建设性质",
    "建设单位",
    "总投资",
    "十四五计划投资",
    "年度计划投资",
    "本月完成投资",
    "年初至本月累计完成投资",
    "占年计划%",
    "开工以来累计完成投资",
    "占总投资%",
    "序时进度%",
    "状态",
    "预警",
    "形象进度",
    "存在问题",
]


def _month_of_progress(engine: Engine) -> None:
    record_progress(engine, "1-1", "2022-11", status="在建", invested="200")
    record_progress(engine, "1-1", "2023-03", invested="150.25")
    record_progress(engine, "1-1", "2023-06", invested="99.75", progress_text="主体封顶", problems="雨季影响工期")
    record_progress(engine, "1-1", "2023-07", invested="1000")  # after the report month: not counted
    set_annual_plan(engine, "1-1", 2023, "600")
    set_annual_plan(engine, "1-1", 2022, "999")  # another year's plan: not used
    record_progress(engine, "2-9", "2023-06", status="在建", invested="1234.57")
    set_annual_plan(engine, "2-9", 2023, "2500")
    record_progress(engine, "2-14", "2022-12", status="在建", invested="120")
    record_progress(engine, "2-14", "2023-06", status="已竣工", invested="80", progress_text="竣工验收")
    record_progress(engine, "5-4", "2023-05", status="停缓建", invested="10", progress_text="停工")


@pytest.fixture
def report(engine: Engine) -> Report:
    _month_of_progress(engine)
    with reading(engine) as s:
        return monthly_report(s, "2023-06", Project.code.in_(CODES), subtotals=True)  # type: ignore[attr-defined]


FIGURES = (
    "total_investment",
    "planned_investment",
    "annual_plan",
    "invested_month",
    "invested_ytd",
    "annual_pct",
    "invested_to_date",
    "progress_pct",
    "time_pace_pct",
    "status",
)


def test_columns_are_the_issue_columns_in_order() -> None:
    assert [c.zh for c in COLUMNS] == ZH_HEADER


def test_project_rows_exact(report: Report) -> None:
    got = {row.values["code"]: tuple(row.values[k] for k in FIGURES) for row in report.rows}
    assert [row.values["code"] for row in report.rows] == CODES  # published order
    assert [row.values["seq"] for row in report.rows] == [1, 2, 3, 4, 5]
    assert got == {
        # 1-1: month 99.75; year 150.25 + 99.75 = 250 → 250/600 = 41.666…% ; to date 200 + 250 = 450 → 30% of 1500
        "1-1": (D(1500), D(1500), D(600), D("99.75"), D(250), D("41.67"), D(450), D(30), D("62.5"), "in_progress"),
        # 1-6: no record at all
        "1-6": (D(100), D(100), None, None, D(0), None, D(0), D(0), D(100), "not_started"),
        # 2-9: 1234.57 / 2500 = 49.3828% ; / 5409.88 = 22.820654…%
        "2-9": (
            D("5409.88"),
            D("5409.88"),
            D(2500),
            D("1234.57"),
            D("1234.57"),
            D("49.38"),
            D("1234.57"),
            D("22.82"),
            D("83.33"),
            "in_progress",
        ),
        # 2-14: 120 in 2022 + 80 in June = 200 = 100% of the total 200
        "2-14": (D(200), D(120), None, D(80), D(80), None, D(200), D(100), D("83.33"), "completed"),
        # 5-4: reported May only: no June figure, status of May; 10/350 = 2.857…%
        "5-4": (D(350), D(300), None, None, D(10), None, D(10), D("2.86"), D(100), "suspended"),
    }
    texts = {row.values["code"]: (row.values["progress_text"], row.values["problems"]) for row in report.rows}
    assert texts["1-1"] == ("主体封顶", "雨季影响工期")
    assert texts["5-4"] == ("", "")  # June's record only
    first = report.rows[0].values
    assert (first["name"], first["category"], first["district"], first["nature"], first["owner"]) == (
        "湘潭市未成年人救助保护中心基础设施改扩建项目",
        "儿童福利类项目",
        "市本级",
        "改扩建",
        "湘潭市未成年人救助保护中心",
    )


def test_totals_row_exact(report: Report) -> None:
    totals = report.totals
    assert totals.count == 5
    assert tuple(totals.values[k] for k in FIGURES[:-2]) == (
        D("7559.88"),  # 1500 + 100 + 5409.88 + 200 + 350
        D("7429.88"),  # 1500 + 100 + 5409.88 + 120 + 300
        D(3100),  # 600 + 2500
        D("1414.32"),  # 99.75 + 1234.57 + 80
        D("1574.57"),  # 250 + 0 + 1234.57 + 80 + 10
        D("47.89"),  # (250 + 1234.57) / 3100: only projects with an annual plan
        D("1894.57"),  # 450 + 0 + 1234.57 + 200 + 10
        D("25.06"),  # 1894.57 / 7559.88 = 25.0608…%
    )


def test_category_subtotals_exact(report: Report) -> None:
    sub = {line.values["category"]: (line.count, *(line.values[k] for k in FIGURES[:-2])) for line in report.subtotals}
    assert sub == {
        # 450 / 1600 = 28.125% → 28.12 (half-even)
        "儿童福利类项目": (2, D(1600), D(1600), D(600), D("99.75"), D(250), D("41.67"), D(450), D("28.12")),
        "老年人福利类项目": (
            2,
            D("5609.88"),
            D("5529.88"),
            D(2500),
            D("1314.57"),
            D("1314.57"),
            D("49.38"),
            D("1434.57"),
            D("25.57"),
        ),
        "残障人福利类项目": (1, D(350), D(300), None, None, D(10), None, D(10), D("2.86")),
    }
    kinds = [(line.kind, line.values["code"] or line.values["category"]) for line in report.lines()]
    assert kinds == [
        ("project", "1-1"),
        ("project", "1-6"),
        ("subtotal", "儿童福利类项目"),
        ("project", "2-9"),
        ("project", "2-14"),
        ("subtotal", "老年人福利类项目"),
        ("project", "5-4"),
        ("subtotal", "残障人福利类项目"),
        ("total", None),
    ]


def test_warnings_column_is_wired(report: Report) -> None:
    warnings = {row.values["code"]: {(w["rule"], w["severity"]) for w in row.values["warnings"]} for row in report.rows}
    assert ("lagging", "red") in warnings["1-1"]  # 30% invested against a 62.5% time pace: 32.5 points behind
    assert warnings["2-14"] == set()  # completed projects are never warned about
    assert ("overdue", "red") in warnings["1-6"]  # due 2021.8, not started


def test_whole_portfolio_totals_match_the_row_sums(engine: Engine) -> None:
    with reading(engine) as s:
        report = monthly_report(s, "2021-12")
    assert len(report.rows) == 87
    # the rows of annex 1 add up to 488707.12 / 475403.12 (not the published 592917.92 / 579613.92)
    assert (report.totals.values["total_investment"], report.totals.values["planned_investment"]) == (
        D("488707.12"),
        D("475403.12"),
    )
    assert report.totals.values["invested_to_date"] == 0 and report.totals.values["invested_month"] is None


# ---------------------------------------------------------------------------- CLI


def _progress_via_cli(cli: CliRun) -> None:
    for args in (
        ("1-1", "--month", "2022-11", "--status", "在建", "--invested", "200"),
        ("1-1", "--month", "2023-03", "--invested", "150.25"),
        ("1-1", "--month", "2023-06", "--invested", "99.75", "--progress-text", "主体封顶", "--problems", "=1+1"),
        ("2-9", "--month", "2023-06", "--status", "在建", "--invested", "1234.57"),
    ):
        result = cli("progress", *args)
        assert result.exit_code == 0, result.stderr
    assert cli("annual-plan", "1-1", "2023", "600").exit_code == 0


@pytest.mark.usefixtures("pinned_as_of")  # records progress: not after the as-of date
def test_cli_report_csv_zh(cli: CliRun, tmp_path: Path) -> None:
    _progress_via_cli(cli)
    out = tmp_path / "report.csv"
    result = cli("report", "--month", "2023-06", "category:1", "--output", str(out), "--subtotals")
    assert result.exit_code == 0, result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM by default for a file
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ZH_HEADER
    assert len(rows) == 1 + 8 + 1 + 1  # header, category 1's 8 projects, its subtotal, the totals
    first = dict(zip(ZH_HEADER, rows[1], strict=True))
    assert (
        first["项目编码"],
        first["总投资"],
        first["年度计划投资"],
        first["本月完成投资"],
        first["年初至本月累计完成投资"],
        first["占年计划%"],
        first["开工以来累计完成投资"],
        first["占总投资%"],
        first["序时进度%"],
        first["状态"],
    ) == ("1-1", "1500", "600", "99.75", "250", "41.67", "450", "30", "62.5", "在建")
    assert first["存在问题"] == "'=1+1"  # neutralised against formula injection
    # 1-1 runs 2021–2024 (48 months, line 926/928); 30 complete by 2023-06-30 → 62.5%; 450 of 1500 is 30%
    assert first["预警"] == "红：累计完成投资占总投资30%,序时进度62.5%,落后32.5个百分点"
    total = dict(zip(ZH_HEADER, rows[-1], strict=True))
    # category 1 (line 902): 8 projects, 5270 total, as published
    assert (total["项目名称"], total["总投资"], total["开工以来累计完成投资"]) == ("合计（8个项目）", "5270", "450")
    assert rows[-2][ZH_HEADER.index("项目名称")] == "小计（8个项目）"


@pytest.mark.usefixtures("pinned_as_of")  # records progress: not after the as-of date
def test_cli_report_stdout_en_and_no_bom(cli: CliRun, tmp_path: Path) -> None:
    _progress_via_cli(cli)
    result = cli("report", "--month", "2023-06", "--headers", "en", "code=2-9")
    assert result.exit_code == 0, result.stderr
    assert not result.stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert [r["code"] for r in rows] == ["2-9", ""]
    assert rows[0]["status"] == "in_progress" and rows[0]["invested_month"] == "1234.57"
    assert rows[1]["name"] == "total (1 project)"
    out = tmp_path / "r.csv"
    assert cli("report", "--month", "2023-06", "--output", str(out), "--no-bom").exit_code == 0
    assert out.read_bytes().startswith("序号".encode())


@pytest.mark.usefixtures("pinned_as_of")  # records progress: not after the as-of date
def test_cli_report_json(cli: CliRun) -> None:
    _progress_via_cli(cli)
    result = cli("report", "--month", "2023-06", "--format", "json", FILTER)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout, parse_float=Decimal)
    assert data["month"] == "2023-06" and data["as_of"] == "2023-06-30"
    assert [r["code"] for r in data["rows"]] == CODES
    assert data["totals"]["invested_to_date"] == D("1684.57")  # 450 + 1234.57
    assert data["totals"]["count"] == 5
    assert [c["zh"] for c in data["columns"]] == ZH_HEADER
    assert '"invested_month": 1234.57' in result.stdout  # an exact JSON number


@pytest.mark.usefixtures("pinned_as_of")  # records progress: not after the as-of date
def test_cli_report_xlsx(cli: CliRun, tmp_path: Path) -> None:
    _progress_via_cli(cli)
    out = tmp_path / "report.xlsx"
    result = cli("report", "--month", "2023-06", "--format", "xlsx", "--output", str(out), "--subtotals")
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out).active
    top = 4  # title, 截至/unit line, summary paragraph (tests/test_report_print.py checks them)
    assert [c.value for c in ws[top]] == ZH_HEADER
    assert ws.freeze_panes == f"A{top + 1}"
    first = [c for c in ws[top + 1]]
    assert first[1].value == "1-1" and first[1].data_type == "s"
    money = first[ZH_HEADER.index("本月完成投资")]
    assert money.data_type == "n" and D(str(money.value)) == D("99.75") and money.number_format == "#,##0.00"
    pct = first[ZH_HEADER.index("序时进度%")]  # a percentage cell: the exact fraction
    assert D(str(pct.value)) == D("0.625") and pct.number_format == "0.00%"
    assert first[ZH_HEADER.index("存在问题")].value == "=1+1" and first[ZH_HEADER.index("存在问题")].data_type == "s"
    last = [c.value for c in ws[ws.max_row]]
    assert last[2] == "合计（87个项目）" and D(str(last[7])) == D("488707.12")
    assert ws.cell(ws.max_row, 3).font.b
    # printed: 项目名称 has a fixed width and wraps
    assert ws.column_dimensions["C"].width >= 24


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report",), "--month"),
        (("report", "--month", "2023-6"), "YYYY-MM"),
        (("report", "--month", "2023-06", "--format", "pdf"), "--format"),
        (("report", "--month", "2023-06", "--format", "xlsx"), "--output"),
        (("report", "--month", "2023-06", "--headers", "fr"), "--headers"),
        (("report", "--month", "2023-06", "total>>1"), "bad filter"),
    ],
)
def test_cli_report_usage_errors_exit_2(cli: CliRun, args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2 and message in result.stderr


def test_the_same_report_and_undo_on_postgres(engine: Engine, pg_url: str) -> None:
    """One SQL for both backends: the report is identical on PostgreSQL, and undo works there too."""
    from tracker.db import make_engine
    from tracker.export import dumps_json
    from tracker.history import undo_last
    from tracker.report import to_data

    _month_of_progress(engine)
    with reading(engine) as s:
        on_sqlite = dumps_json(to_data(monthly_report(s, "2023-06", Project.code.in_(CODES), subtotals=True)))  # type: ignore[attr-defined]
    pg = make_engine(pg_url)
    try:
        _month_of_progress(pg)
        with reading(pg) as s:
            report = monthly_report(s, "2023-06", Project.code.in_(CODES), subtotals=True)  # type: ignore[attr-defined]
        assert dumps_json(to_data(report)) == on_sqlite
        assert report.totals.values["invested_to_date"] == D("1894.57")
        assert undo_last(pg).summary.startswith("progress 5-4 2023-05")
        with reading(pg) as s:
            after = monthly_report(s, "2023-06", Project.code == "5-4")
        assert after.rows[0].values["invested_to_date"] == 0 and after.rows[0].values["status"] == "not_started"
    finally:
        pg.dispose()


def test_filter_tags_are_judged_at_the_report_date(cli: CliRun) -> None:
    """1-6 (line 1038) finishes 2021.8 and is the only project due before 2021-12: overdue from September."""

    def overdue(month: str) -> list[str]:
        result = cli("report", "--month", month, "+overdue", "--format", "json")
        assert result.exit_code == 0, result.stderr
        return [r["code"] for r in json.loads(result.stdout)["rows"]]

    assert overdue("2021-08") == []
    assert overdue("2021-09") == ["1-6"]
