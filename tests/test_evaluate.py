"""``tracker evaluate``: the projects' completion on the bundled 87 projects (figures worked by hand from
data/xiangtan_plan.txt) and the indicators' part on real indicators of the Xiangtan plan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import openpyxl
from sqlalchemy.engine import Engine

from tests.conftest import CliRun
from tests.test_warnings import PERIODS, last_year
from tracker.db import reading
from tracker.evaluate import (
    Evaluation,
    IndicatorRecord,
    _records,
    evaluation,
    markdown,
    status_counts,
)

D = Decimal
PLAN = "湘潭市“十四五”民政事业发展规划"
MID = date(2023, 6, 30)
GRAND_TOTAL = D("488707.12")  # 5270 + 256417.32 + 51167 + 168647 + 7205.8, the annex's rows


def test_projects_part_with_no_progress(engine: Engine) -> None:
    with reading(engine) as session:
        ev = evaluation(session, "湘潭", MID)
    assert ev.plan == PLAN and ev.period == (2021, 2025)
    part = ev.projects
    assert [(s.status, s.count) for s in part.by_status] == [
        ("not_started", 87), ("in_progress", 0), ("completed", 0), ("suspended", 0), ("cancelled", 0)
    ]  # fmt: skip
    assert part.by_status[0].total == part.total == GRAND_TOTAL
    assert part.count == 87 and part.invested == 0 and part.invested_pct == 0
    # Overdue on 2023-06-30: the projects whose finish period ended by 2022 (26, read in tests/test_warnings.py).
    assert part.overdue == len([c for c, _, f in PERIODS if last_year(f) <= 2022]) == 26


def test_projects_part_after_a_project_completes(engine: Engine, cli: CliRun) -> None:
    # 1-6 (line 1028): total 100 万元, finish 2021.8 — overdue until it is completed.
    result = cli("progress", "1-6", "--month", "2021-08", "--status", "completed", "--invested", "100")
    assert result.exit_code == 0, result.output
    with reading(engine) as session:
        part = evaluation(session, PLAN, MID).projects
    by = {s.status: s for s in part.by_status}
    assert (by["completed"].count, by["completed"].total, by["completed"].invested) == (1, D("100"), D("100"))
    assert (by["not_started"].count, by["not_started"].total) == (86, D("488607.12"))
    assert part.invested == D("100") and part.overdue == 25
    # Before August 2021 the money was not yet invested (the as-of month bounds the sums).
    with reading(engine) as session:
        assert evaluation(session, PLAN, date(2021, 7, 31)).projects.invested == 0


def test_the_indicators_of_the_plan_are_listed_once_imported(engine: Engine) -> None:
    from tracker.indicators.store import import_indicators
    from tracker.paths import bundled_plan

    with reading(engine) as session:
        assert evaluation(session, PLAN, MID).indicators == ()
    import_indicators(engine, bundled_plan())  # 15 + 15 (data/xiangtan_plan.txt lines 502–632, 3127–3235)
    with reading(engine) as session:
        ev = evaluation(session, PLAN, MID)
    assert ev.indicators is not None and len(ev.indicators) == 30
    assert "社会组织专职工作人员数量(万人)" in markdown(ev)


def _indicator(
    id: int, name: str, unit: str, attribute: str, target: str, baseline: str = "", intermediate: str = ""
) -> SimpleNamespace:
    return SimpleNamespace(
        id=id, name=name, unit=unit, attribute=attribute, target_text=target, baseline_text=baseline or None,
        intermediate=intermediate or None,
    )  # fmt: skip


XIANGTAN = [
    _indicator(1, "社会组织专职工作人员数量", "万人", "expected", "1.2"),
    _indicator(2, "乡镇(街道)未成年人保护工作站覆盖率", "%", "expected", ">42"),
    _indicator(3, "养老机构护理型床位占比", "%", "binding", "60", "54.2%"),
    _indicator(4, "基本养老服务清单制度", "", "expected", "全面建立", "", '{"2022": "基本建立"}'),
    _indicator(5, "城乡低保标准年度增速", "%", "expected", "不低于居民上年度人均消费支出增速"),
]


def test_indicator_records_worked_by_hand() -> None:
    values = {
        1: [(2022, "0.9")],  # no baseline: not met, period running → on track
        2: [(2022, "45%")],  # > 42 → met
        3: [(2021, "55%"), (2022, "56%"), (2024, "61%")],  # 2022: 56 < 56.52 on the path, binding → at risk
        4: [(2022, "初步建立")],  # 2022 wanted 基本建立 → behind
    }
    records = list(_records(XIANGTAN, values, MID, (2021, 2025)))
    assert [(r.latest_year, r.latest_value, r.status) for r in records] == [
        (2022, "0.9", "on_track"),
        (2022, "45%", "met"),
        (2022, "56%", "at_risk"),
        (2022, "初步建立", "behind"),
        (None, None, "no_data"),
    ]
    assert status_counts(records) == {"met": 1, "on_track": 1, "behind": 1, "at_risk": 1, "no_data": 1}


def _sample(indicators: tuple[IndicatorRecord, ...]) -> Evaluation:
    from tracker.evaluate import ProjectsPart, StatusLine

    part = ProjectsPart((StatusLine("not_started", 87, GRAND_TOTAL, D(0)),), 87, GRAND_TOTAL, D(0), D(0), 26)
    return Evaluation(PLAN, (2021, 2025), MID, part, indicators)


def test_markdown_is_plain_tables_and_escapes_data() -> None:
    record = IndicatorRecord("a|b\nc", "%", "binding", ">42", "", "40%", 2022, "at_risk")
    text = markdown(_sample((record,)), "zh")
    assert "| a\\|b c | % | 约束性 | >42 |  | 40% | 2022 | 有风险 |" in text
    assert "| 未开工 | 87 | 488,707.12 | 0.00 |" in text
    assert "- 逾期项目数: 26" in text
    assert "| 状态 | 指标数 |" in text and "| 有风险 | 1 |" in text and "| 已达到 | 0 |" in text


def test_cli_markdown_on_the_bundled_data(cli: CliRun) -> None:
    result = cli("evaluate", "--plan", "湘潭", "--as-of", "2023-06-30")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"# Evaluation of {PLAN} as of 2023-06-30\n")
    assert "| not started | 87 | 488,707.12 | 0.00 |" in result.stdout
    assert "| All | 87 | 488,707.12 | 0.00 |" in result.stdout
    assert "- Overdue projects: 26" in result.stdout


def test_cli_writes_md_and_xlsx(cli: CliRun, tmp_path: Path) -> None:
    md = tmp_path / "eval.md"
    assert cli("evaluate", "--plan", PLAN, "--as-of", "2023-06-30", "--output", str(md)).exit_code == 0
    assert "| All | 87 | 488,707.12 | 0.00 |" in md.read_text(encoding="utf-8")
    xlsx = tmp_path / "eval.xlsx"
    result = cli("evaluate", "--plan", PLAN, "--as-of", "2023-06-30", "--output", str(xlsx))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(xlsx)
    rows = [row for row in book["Projects"].iter_rows(values_only=True) if any(v is not None for v in row)]
    assert ("not started", 87, 488707.12, 0) in rows
    assert ("All", 87, 488707.12, 0) in rows
    assert ("Overdue projects", 26, None, None) in rows
    assert book.sheetnames == ["Projects", "Indicators"]


def test_cli_errors_leave_no_file(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "eval.xlsx"
    result = cli("evaluate", "--plan", "安岳", "--as-of", "2023-06-30", "--output", str(out))
    assert result.exit_code == 2 and result.stderr.startswith("tracker: no plan named '安岳'")
    assert not out.exists()
    result = cli("evaluate", "--plan", "%", "--as-of", "2023-06-30")  # a LIKE wildcard is a plain character
    assert result.exit_code == 2 and result.stderr.startswith("tracker: no plan named '%'")
    bad = tmp_path / "eval.csv"
    result = cli("evaluate", "--plan", "湘潭", "--as-of", "2023-06-30", "--output", str(bad))
    assert result.exit_code == 2 and "written as .md or .xlsx" in result.stderr
    assert not bad.exists() and "Traceback" not in result.output
