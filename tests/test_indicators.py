"""Issue 13 (first part): the main-indicator tables of the five published plans, read from data/ and
imported beside the 87 projects; targets read exactly; an indicator's status at hand-worked dates.

Counts are of the texts themselves (data/xiangtan_plan.txt lines 502–632: 序号 1–15; lines 3127–3235:
five groups (一)–(五) of 3, 5, 3, 2, 2; data/plans/anyue.txt 专栏1: 序号 1–17; data/plans/jiading.txt:
序号 1–14). Zhangjiajie and Manas publish no indicator table (programmes in 专栏 boxes and prose).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from tests.conftest import CliRun
from tracker.db import reading
from tracker.indicators.parse import IndicatorFormatError, read_plan
from tracker.indicators.status import AT_RISK, BEHIND, MET, NO_DATA, ON_TRACK, expected_on_path, indicator_status
from tracker.indicators.store import import_indicators, iter_indicators
from tracker.indicators.targets import AT_LEAST, LEVEL, NUMBER, TEXT, read_target
from tracker.models import Indicator, IndicatorValue
from tracker.paths import bundled_plan, data_dir

PLANS = data_dir() / "plans"


def test_every_table_of_the_five_plans_is_found_by_its_header() -> None:
    xiangtan = read_plan(bundled_plan())
    assert xiangtan.title == "湘潭市“十四五”民政事业发展规划" and xiangtan.period == (2021, 2025)
    assert [(t.title, len(t.rows)) for t in xiangtan.tables] == [
        ("“十四五”时期湘潭市民政事业发展主要指标", 15),
        ("专栏1 “十四五”期间湘潭市养老服务体系建设主要指标", 15),
    ]
    assert xiangtan.skipped[0].startswith("line 140: a table of a past period's completion")  # the 十三五 table
    anyue = read_plan(PLANS / "anyue.txt")
    assert (anyue.title, [len(t.rows) for t in anyue.tables]) == ("安岳县“十四五”民政事业发展规划", [17])
    jiading = read_plan(PLANS / "jiading.txt")
    assert (jiading.title, [len(t.rows) for t in jiading.tables]) == ("嘉定区民政事业发展“十四五”规划", [14])
    assert read_plan(PLANS / "zhangjiajie.txt").tables == []
    assert read_plan(PLANS / "manas.txt").tables == []


def test_hand_checked_rows_of_each_kind() -> None:
    xiangtan = read_plan(bundled_plan())
    first, elderly = xiangtan.tables
    row = first.rows[0]  # lines 512–516: 1 / 社会组织专职工作人员数量(万人) / 1.2 / 预期值
    assert (row.seq, row.name, row.unit, row.target_text, row.attribute) == (
        "1", "社会组织专职工作人员数量(万人)", "万人", "1.2", "expected")
    row = first.rows[11]  # line 602: 12 / 乡镇(街道)未成年人保护工作站覆盖率(% / >42 / 预期性 — the ")" is missing
    assert (row.unit, row.target_text, row.attribute) == ("%", ">42", "expected")
    assert first.rows[4].attribute == "binding"  # 约束值 (line 550)
    row = elderly.rows[3]  # lines 3157–3163: (二)基本养老服务 / 基本养老服务清单制度 / 基本建立 / 全面建立
    assert (row.group, row.name, row.intermediate, row.target_text) == (
        "(二)基本养老服务", "基本养老服务清单制度", {"2022": "基本建立"}, "全面建立")
    anyue = read_plan(PLANS / "anyue.txt").tables[0]
    assert (anyue.rows[12].target_text, anyue.rows[13].target_text) == ("不低于上年居民年度人均消费支出增速", "≥30%")
    jiading = read_plan(PLANS / "jiading.txt").tables[0]
    row = jiading.rows[1]  # 2 / 社区长者食堂 / (no 单位 cell) / 约束性 / definition / 8 / 12
    assert (row.name, row.unit, row.attribute, row.baseline_text, row.target_text) == ("社区长者食堂", "", "binding", "8", "12")
    assert any("indicator 2 has no 单位 cell" in note for note in jiading.notes)
    assert (jiading.rows[0].unit, jiading.rows[0].definition[:8]) == ("%", "对经统一需求评估")


@pytest.mark.parametrize(
    ("text", "kind", "value", "percent"),
    [
        ("1.2", NUMBER, "1.2", False),
        ("100%", NUMBER, "100", True),
        (">42", AT_LEAST, "42", False),
        ("≥30%", AT_LEAST, "30", True),
        ("＞４２", AT_LEAST, "42", False),
        ("不低于90%", AT_LEAST, "90", True),
        ("12,000", NUMBER, "12000", False),
        ("不低于居民上年度人均消费支出增速", TEXT, None, False),
        ("-", TEXT, None, False),
    ],
)
def test_targets_read_exactly(text: str, kind: str, value: str | None, percent: bool) -> None:
    target = read_target(text)
    assert (target.kind, target.value, target.percent, target.text) == (
        kind, None if value is None else Decimal(value), percent, text)


def test_levels_are_ordered() -> None:
    basic, full, implemented = (read_target(t) for t in ("基本建立", "全面建立", "全面实施"))
    assert basic.kind == full.kind == LEVEL
    assert basic.level is not None and full.level is not None and implemented.level is not None
    assert read_target("建立").level < basic.level < full.level < implemented.level  # type: ignore[operator]


@given(st.text(max_size=60))
def test_any_text_reads_without_an_exception(text: str) -> None:
    assert read_target(text).kind in ("number", "at_least", "at_most", "level", "text")


@given(st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False, allow_infinity=False))
def test_a_number_reads_back_equal(value: Decimal) -> None:
    assert read_target(format(value, "f")).value == value


PERIOD = (2021, 2025)


def test_status_at_hand_worked_dates() -> None:
    # Jiading 长期失能…: baseline 8 (2020), target 12 (2025) for 社区长者食堂: the path expects 8 + 4 × 2/5 = 9.6 in 2022
    target, baseline = read_target("12"), read_target("8")
    assert expected_on_path(target, baseline, 2022, PERIOD) == Decimal("9.6")
    assert indicator_status(target, baseline, [(2022, "10")], date(2023, 3, 1), PERIOD, True) == ON_TRACK
    assert indicator_status(target, baseline, [(2022, "9")], date(2023, 3, 1), PERIOD, False) == BEHIND
    assert indicator_status(target, baseline, [(2022, "9")], date(2023, 3, 1), PERIOD, True) == AT_RISK
    assert indicator_status(target, baseline, [(2024, "12")], date(2024, 12, 31), PERIOD, True) == MET
    assert indicator_status(target, baseline, [(2024, "12")], date(2023, 12, 31), PERIOD, True) == NO_DATA  # not yet
    # a falling indicator (Jiading 养老机构床位…比例: 4.3 → 4): 4.2 in 2022 is ahead of 4.3 − 0.3 × 2/5 = 4.18? no
    falling = read_target("4")
    assert indicator_status(falling, read_target("4.3"), [(2022, "4.2")], date(2023, 1, 1), PERIOD, True) == AT_RISK
    assert indicator_status(falling, read_target("4.3"), [(2022, "4.1")], date(2023, 1, 1), PERIOD, True) == ON_TRACK
    # a level with its 2022 intermediate (Xiangtan 基本养老服务清单制度: 基本建立 2022, 全面建立 2025)
    level, due = read_target("全面建立"), {2022: "基本建立"}
    assert indicator_status(level, None, [(2022, "建立")], date(2023, 1, 1), PERIOD, False, due) == BEHIND
    assert indicator_status(level, None, [(2022, "基本建立")], date(2023, 1, 1), PERIOD, False, due) == ON_TRACK
    assert indicator_status(level, None, [(2024, "全面建立")], date(2025, 1, 1), PERIOD, False, due) == MET
    # a bound: >42 is met by 45
    assert indicator_status(read_target(">42"), None, [(2023, "45")], date(2024, 1, 1), PERIOD, False) == MET


def test_the_five_texts_import_beside_the_87_projects(engine: Engine) -> None:
    results = [import_indicators(engine, path) for path in (
        bundled_plan(), PLANS / "anyue.txt", PLANS / "jiading.txt", PLANS / "zhangjiajie.txt", PLANS / "manas.txt")]
    assert [r.created for r in results] == [30, 17, 14, 0, 0]
    assert [r.plan_created for r in results] == [False, True, True, False, False]  # Xiangtan's plan is init's
    with reading(engine) as session:
        assert session.execute(select(func.count()).select_from(Indicator)).scalar_one() == 61
    again = import_indicators(engine, PLANS / "anyue.txt")
    assert (again.created, again.updated, again.unchanged, again.operation_id) == (0, 0, 17, None)


def test_a_dry_run_writes_nothing(engine: Engine) -> None:
    result = import_indicators(engine, PLANS / "jiading.txt", dry_run=True)
    assert result.created == 14
    with reading(engine) as session:
        assert session.execute(select(func.count()).select_from(Indicator)).scalar_one() == 0


def test_record_list_and_undo_from_the_cli(cli: CliRun) -> None:
    assert cli("import-indicators", str(PLANS / "anyue.txt")).exit_code == 0
    listed = cli("--as-of", "2024-06-30", "indicator", "list", "--format", "json", "plan:安岳", "attribute:约束性")
    import json

    rows = json.loads(listed.stdout)
    assert len(rows) == 9  # 约束性: 1–3 and 5–10, counted in the text (lines 165–237); 4 and 11–17 are 预期性
    assert list(rows[0])[:12] == ["id", "plan", "table", "seq", "name", "unit", "attribute", "target_text",
                                  "target_value", "baseline_text", "latest_value", "status"]
    seven = next(r for r in rows if r["seq"] == "7")  # 每千名老人拥有养老床位(张) 10 约束性
    assert (seven["target_value"], seven["status"]) == ("10", "no_data")
    recorded = cli("indicator", "record", str(seven["id"]), "--year", "2023", "10.5")
    assert recorded.exit_code == 0, recorded.output
    after = json.loads(cli("--as-of", "2024-06-30", "indicator", "list", "--format", "json", "+met").stdout)
    assert [r["seq"] for r in after] == ["7"]
    assert cli("undo").exit_code == 0
    again = json.loads(cli("--as-of", "2024-06-30", "indicator", "list", "--format", "json", "+met").stdout)
    assert again == []
    bad = cli("indicator", "record", str(seven["id"]), "--year", "2023", "基本建立")
    assert bad.exit_code == 1 and "not comparable" in bad.stderr
    assert cli("indicator", "list", "size:3").exit_code == 2


def test_a_broken_table_is_an_error_at_its_line(tmp_path: Path, engine: Engine) -> None:
    text = (PLANS / "anyue.txt").read_text(encoding="utf-8").splitlines()
    at = text.index("每千名老人拥有养老床位(张)")
    text.insert(at + 1, "多出的一格")  # a cell the row has no column for
    broken = tmp_path / "broken.txt"
    broken.write_text("\n".join(text), encoding="utf-8")
    with pytest.raises(IndicatorFormatError, match=rf"broken.txt:{at + 2}: indicator 7: cell '10' cannot be placed|broken.txt:\d+: indicator 7"):
        import_indicators(engine, broken)
    with reading(engine) as session:
        assert session.execute(select(func.count()).select_from(IndicatorValue)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(Indicator)).scalar_one() == 0


def test_a_binding_indicator_behind_its_path_is_a_check_finding(cli: CliRun) -> None:
    """Jiading 2 社区长者食堂 (binding): 8 at the end of 十三五, 12 by 2025; the path expects 9.6 in 2022,
    so 9 recorded for 2022 is behind it. The plan has no project table and adds no totals to check."""
    import json

    assert cli("import-indicators", str(PLANS / "jiading.txt")).exit_code == 0
    rows = json.loads(cli("indicator", "list", "--format", "json", "plan:嘉定", "社区长者食堂").stdout)
    assert [r["seq"] for r in rows] == ["2"]
    before = json.loads(cli("--as-of", "2023-06-30", "check", "--format", "json").stdout)
    assert not [f for f in before["findings"] if f["plan"] == "嘉定区民政事业发展“十四五”规划"]
    assert cli("indicator", "record", str(rows[0]["id"]), "--year", "2022", "9").exit_code == 0
    result = cli("--as-of", "2023-06-30", "check", "--format", "json")
    risks = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "indicator-at-risk"]
    assert len(risks) == 1 and risks[0]["severity"] == "warning"
    assert "社区长者食堂: 9 in 2022 is behind the path to its target 12" in risks[0]["message"]
    text = cli("--as-of", "2023-06-30", "check")
    assert "嘉定区民政事业发展“十四五”规划 · 主要指标 (indicators)" in text.stdout


def test_the_monthly_report_carries_the_indicators_as_a_second_sheet(cli: CliRun, tmp_path: Path) -> None:
    import openpyxl

    plain = tmp_path / "plain.xlsx"
    assert cli("report", "--month", "2023-06", "--output", str(plain)).exit_code == 0
    assert openpyxl.load_workbook(plain).sheetnames == ["月报 2023-06"]  # no indicators imported: as before
    assert cli("import-indicators", str(bundled_plan())).exit_code == 0
    report = tmp_path / "report.xlsx"
    assert cli("report", "--month", "2023-06", "--output", str(report)).exit_code == 0
    book = openpyxl.load_workbook(report)
    assert book.sheetnames == ["月报 2023-06", "主要指标"]
    rows = list(book["主要指标"].iter_rows(values_only=True))
    assert rows[2][:4] == ("规划", "表", "序号", "指标名称")
    assert len(rows) == 3 + 30  # title, note, header, then Xiangtan's 15 + 15
    assert rows[3][3:7] == ("社会组织专职工作人员数量(万人)", "万人", "预期性", "1.2")
