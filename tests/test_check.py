"""``tracker check`` on the real annex: the exact budget findings, the row rules, exit codes and JSON.

Every expected figure below was read off ``data/xiangtan_plan.txt`` by hand: the 总投资 cell of each
project row with its line number, the 计划投资 cell two lines below it, and the published 总计 and
category rows. ``test_transcription_matches_the_source`` holds the transcription to the file, and
the expected sums are worked out in the test from those literals, never taken from the code.
"""

from __future__ import annotations

import gc
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.conftest import CliRun
from tracker.checks import RULES, Report, run_checks
from tracker.db import reading, transaction
from tracker.models import ProgressRecord, Project

D = Decimal

# (line of the 总投资 cell, 总投资, 计划投资 — the cell two lines below), per category, in table order.
ROWS: dict[int, list[tuple[int, str, str]]] = {
    1: [  # 一、儿童福利类项目(8个), line 902
        (930, "1500", "1500"), (952, "300", "300"), (974, "200", "200"), (996, "500", "500"),
        (1018, "1500", "1500"), (1040, "100", "100"), (1062, "500", "500"), (1084, "670", "670"),
    ],
    2: [  # 二、老年人福利类项目(50个), line 1092
        (1120, "6800", "6800"), (1142, "500", "500"), (1164, "680", "680"), (1186, "100", "100"),
        (1208, "3000", "3000"), (1230, "1000", "1000"), (1252, "1000", "1000"), (1274, "3460.44", "3460.44"),
        (1296, "5409.88", "5409.88"), (1332, "10477", "10477"), (1354, "2000", "2000"), (1376, "14700", "14700"),
        (1398, "1500", "1500"), (1420, "200", "120"), (1442, "1170", "696"), (1464, "800", "500"),
        (1486, "20000", "20000"), (1508, "100000", "100000"), (1530, "1100", "1100"), (1552, "8000", "8000"),
        (1574, "3500", "3500"), (1596, "22200", "22200"), (1618, "5000", "5000"), (1640, "1200", "1200"),
        (1662, "480", "480"), (1684, "840", "840"), (1706, "3000", "3000"), (1728, "2000", "2000"),
        (1750, "1200", "1200"), (1772, "1650", "1650"), (1794, "2150", "2150"), (1816, "3000", "3000"),
        (1838, "300", "300"), (1860, "250", "250"), (1882, "3500", "3500"), (1904, "300", "300"),
        (1926, "300", "300"), (1948, "3000", "3000"), (1970, "2520", "2520"), (1992, "400", "400"),
        (2014, "2000", "2000"), (2036, "720", "720"), (2058, "5000", "5000"), (2080, "300", "300"),
        (2102, "300", "300"), (2124, "230", "230"), (2146, "8500", "8500"), (2168, "500", "500"),
        (2190, "150", "150"), (2212, "30", "30"),
    ],
    3: [  # 三、城乡社区治理类项目(7个), line 2220
        (2248, "16700", "16700"), (2270, "3970", "3970"), (2292, "26000", "15000"), (2314, "418", "418"),
        (2342, "1101", "1101"), (2364, "1378", "1378"), (2390, "1600", "1600"),
    ],
    4: [  # 四、社会公益类项目(18个), line 2398
        (2426, "500", "500"), (2448, "350", "350"), (2470, "880", "880"), (2492, "280", "280"),
        (2514, "8000", "8000"), (2536, "2100", "2100"), (2558, "4612", "4612"), (2580, "1100", "1100"),
        (2602, "1000", "1000"), (2624, "30000", "30000"), (2646, "100000", "100000"), (2668, "500", "500"),
        (2690, "3200", "2560"), (2712, "3800", "3040"), (2734, "1200", "1200"), (2756, "2000", "2000"),
        (2778, "4125", "4125"), (2800, "5000", "5000"),
    ],
    5: [  # 五、残障人福利类项目(4个), line 2808
        (2846, "3855.8", "3855.8"), (2868, "1800", "1800"), (2890, "1200", "1200"), (2912, "350", "300"),
    ],
}
# The published rows: label line, and the lines of the 总投资 / 计划投资 cells with their text.
PUBLISHED_TOTAL = (888, 894, "592917.92", 896, "579613.92")  # 总计项目(87)
PUBLISHED_CATEGORY = {
    1: (902, 908, "5270", 910, "5270"),
    2: (1092, 1098, "356417.32", 1100, "355563.32"),
    3: (2220, 2226, "51167", 2228, "40167"),
    4: (2398, 2404, "172857.8", 2406, "171457.8"),
    5: (2808, 2814, "7205.8", 2816, "7155.8"),
}
PLAN = "湘潭市“十四五”民政事业发展规划"
TABLE_LINE = 888  # the 总计项目(87) row (line 888) that printed the grand totals
AS_OF = date(2023, 6, 30)


def set_fields(engine: Engine, project: str, **values: object) -> None:
    """Change a project behind the application's back, as a bad import or a hand edit of the file would."""
    table = Project.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        assert conn.execute(update(table).where(table.c.code == project).values(**values)).rowcount == 1


def add_record(engine: Engine, code: str, month: str, status: str, invested: str) -> None:
    """A monthly record written directly (no validation), so that the check sees what a bad writer left."""
    with transaction(engine) as s:
        project = s.exec(select(Project).where(Project.code == code)).one()
        s.add(ProgressRecord(project_id=project.id, month=month, status=status, invested=D(invested)))


def hand_sum(ordinal: int, column: int) -> Decimal:
    return sum((D(row[column]) for row in ROWS[ordinal]), D(0))


def run(engine: Engine, *rules: str, as_of: date = AS_OF, **severities: str) -> Report:
    with reading(engine) as session:
        return run_checks(session, as_of=as_of, only=set(rules) or None,
                          severities={k.replace("_", "-"): v for k, v in severities.items()})


def summary(report: Report) -> list[tuple[str, str, str | None]]:
    return [(f.severity, f.rule, f.code) for f in report.findings]


# -- the transcription ---------------------------------------------------------------------------------------


def test_transcription_matches_the_source(plan_path: Path) -> None:
    lines = plan_path.read_text(encoding="utf-8").splitlines()

    def cell(number: int) -> str:
        return lines[number - 1].strip("\u00a0 ")

    assert [len(ROWS[o]) for o in range(1, 6)] == [8, 50, 7, 18, 4]
    for rows in ROWS.values():
        for line, total, planned in rows:
            assert (cell(line), cell(line + 2)) == (total, planned), line
    for label, total_line, total, planned_line, planned in (PUBLISHED_TOTAL, *PUBLISHED_CATEGORY.values()):
        assert "类项目" in cell(label) or cell(label) == "总计项目(87)"
        assert (cell(total_line), cell(planned_line)) == (total, planned)


def test_hand_sums() -> None:
    # Category 4: 500+350+880+280+8000+2100+4612+1100+1000+30000+100000+500+3200+3800+1200+2000+4125+5000
    assert (hand_sum(4, 1), hand_sum(4, 2)) == (D("168647"), D("167247"))
    assert (hand_sum(2, 1), hand_sum(2, 2)) == (D("256417.32"), D("255563.32"))
    # categories 1, 3 and 5 add up as published
    for ordinal in (1, 3, 5):
        _, _, total, _, planned = PUBLISHED_CATEGORY[ordinal]
        assert (hand_sum(ordinal, 1), hand_sum(ordinal, 2)) == (D(total), D(planned))
    grand = sum((hand_sum(o, 1) for o in ROWS), D(0)), sum((hand_sum(o, 2) for o in ROWS), D(0))
    assert grand == (D("488707.12"), D("475403.12"))


# -- the budget findings on the real data ---------------------------------------------------------------------


def test_the_six_budget_findings_exact(engine: Engine) -> None:
    report = run(engine, "plan-total", "plan-planned", "plan-count", "category-total", "category-planned",
                 "category-count", "published-missing")
    expected = []
    _, _, total, _, planned = PUBLISHED_TOTAL
    grand_total = sum((hand_sum(o, 1) for o in ROWS), D(0))
    grand_planned = sum((hand_sum(o, 2) for o in ROWS), D(0))
    expected += [
        ("plan-total", "plan", None, D(total), grand_total, grand_total - D(total), TABLE_LINE),
        ("plan-planned", "plan", None, D(planned), grand_planned, grand_planned - D(planned), TABLE_LINE),
    ]
    for ordinal in (2, 4):
        label, _, total, _, planned = PUBLISHED_CATEGORY[ordinal]
        expected += [
            ("category-total", "category", ordinal, D(total), hand_sum(ordinal, 1),
             hand_sum(ordinal, 1) - D(total), label),
            ("category-planned", "category", ordinal, D(planned), hand_sum(ordinal, 2),
             hand_sum(ordinal, 2) - D(planned), label),
        ]
    got = [
        (f.rule, f.scope, f.category_ordinal, f.published, f.computed, f.difference, f.line) for f in report.findings
    ]
    assert got == expected
    assert [f.difference for f in report.findings] == [
        D("-104210.8"), D("-104210.8"), D("-100000"), D("-100000"), D("-4210.8"), D("-4210.8")
    ]
    assert {f.severity for f in report.findings} == {"error"}
    assert [f.category for f in report.findings[2:]] == ["老年人福利类项目"] * 2 + ["社会公益类项目"] * 2
    assert all(f.plan == PLAN and f.unit == "万元" and f.code is None for f in report.findings)
    assert report.findings[2].message == (
        "category 2 老年人福利类项目 (line 1092): published total investment 356417.32 万元, "
        "the rows sum to 256417.32 万元 (difference -100000 万元)"
    )


def test_all_findings_on_the_bundled_data(engine: Engine) -> None:
    report = run(engine)
    assert report.counts() == {"error": 6, "warning": 4, "info": 0}
    assert summary(report)[6:] == [
        ("warning", "start-before-period", "2-11"),  # line 1350: 2020–2022
        ("warning", "start-before-period", "4-8"),  # line 2576: 2020–2021
        ("warning", "district-unplaced", "4-11"),  # owner 湖南湘水缘长生陵园有限公司 names no district
        ("warning", "start-before-period", "4-18"),  # line 2796: 2020–2025
    ]
    by_code = {f.code: f for f in report.findings if f.code}
    assert by_code["2-11"].message == (
        "2-11 湘潭市雨湖区社区养老服务网络建设项目: starts 2020, before the plan period 2021–2025"
    )
    assert (by_code["4-8"].category_ordinal, by_code["4-8"].line) == (4, 2566)  # the row begins at line 2566
    assert (report.checked.plans, report.checked.categories, report.checked.projects) == (1, 5, 87)
    assert report.failed() and report.failed(strict=True)


# -- each row rule on a crafted case (a private copy of the database, changed in the test) --------------------


def test_planned_over_total(engine: Engine) -> None:
    set_fields(engine, "1-1", planned_investment=D("1600.5"))  # total 1500 (line 930)
    (finding,) = run(engine, "planned-over-total").findings
    assert (finding.code, finding.severity, finding.published, finding.computed, finding.difference) == (
        "1-1", "error", D("1500"), D("1600.5"), D("100.5"))
    assert finding.line == 916


def test_negative_amount(engine: Engine) -> None:
    set_fields(engine, "1-2", total_investment=D("-300"), planned_investment=D("-300"))
    assert summary(run(engine, "negative-amount")) == [("error", "negative-amount", "1-2")]


@pytest.mark.parametrize("share", [D("100.01"), D("-5")])
def test_share_out_of_range(engine: Engine, share: Decimal) -> None:
    set_fields(engine, "2-9", social_share_pct=share)
    assert summary(run(engine, "share-out-of-range")) == [("error", "share-out-of-range", "2-9")]


def test_share_of_100_is_fine(engine: Engine) -> None:
    assert run(engine, "share-out-of-range").findings == []  # 4-11 publishes 100% (line 2650)


def test_finish_before_start_by_month_and_by_year(engine: Engine) -> None:
    set_fields(engine, "1-6", start_month=9)  # published 2021.1–2021.8: now 2021.9–2021.8
    set_fields(engine, "1-1", finish_year=2020, finish_month=None)
    findings = run(engine, "finish-before-start").findings
    assert [(f.code, f.message) for f in findings] == [
        ("1-1", "1-1 湘潭市未成年人救助保护中心基础设施改扩建项目: finishes 2020, before it starts 2021"),
        ("1-6", findings[1].message),
    ]
    assert "finishes 2021.8, before it starts 2021.9" in findings[1].message


def test_same_month_start_and_finish_is_fine(engine: Engine) -> None:
    set_fields(engine, "1-6", start_month=8)
    assert run(engine, "finish-before-start").findings == []


def test_period_rules(engine: Engine) -> None:
    set_fields(engine, "1-1", finish_year=2026)  # runs on after 2025: a warning
    set_fields(engine, "1-2", start_year=2026, finish_year=2027)  # entirely after the plan: an error
    rules = ("start-before-period", "finish-after-period", "outside-period")
    assert summary(run(engine, *rules)) == [  # by severity, then in table order
        ("error", "outside-period", "1-2"),
        ("warning", "finish-after-period", "1-1"),
        ("warning", "start-before-period", "2-11"),
        ("warning", "start-before-period", "4-8"),
        ("warning", "start-before-period", "4-18"),
    ]


def test_required_missing(engine: Engine) -> None:
    set_fields(engine, "1-3", owner="  ", start_year=None)
    (finding,) = run(engine, "required-missing").findings
    assert finding.code == "1-3"
    assert finding.message.endswith("required field empty: owner (建设主体), start_year (开工年份)")


def test_duplicate_code_ignores_surrounding_spaces(engine: Engine) -> None:
    set_fields(engine, "2-19", code="2-18 ")
    findings = run(engine, "duplicate-code").findings
    assert [(f.rule, f.code.strip()) for f in findings] == [("duplicate-code", "2-18"), ("duplicate-code", "2-18")]
    assert "is shared by 2 projects" in findings[0].message


def test_duplicate_name(engine: Engine) -> None:
    set_fields(engine, "1-2", name="湘潭市未成年人救助保护中心基础设施改扩建项目")  # the name of 1-1
    assert summary(run(engine, "duplicate-name")) == [
        ("warning", "duplicate-name", "1-1"), ("warning", "duplicate-name", "1-2"),
    ]


def test_district_unplaced(engine: Engine) -> None:
    set_fields(engine, "1-1", district=None)
    set_fields(engine, "1-2", district=" ")
    assert summary(run(engine, "district-unplaced")) == [
        ("warning", "district-unplaced", "1-1"),
        ("warning", "district-unplaced", "1-2"),
        ("warning", "district-unplaced", "4-11"),
    ]


def test_unknown_status_of_a_project_and_of_a_record(engine: Engine) -> None:
    set_fields(engine, "1-1", status="done")
    add_record(engine, "1-2", "2023-01", "finished", "10")
    findings = run(engine, "unknown-status").findings
    assert [(f.code, f.month) for f in findings] == [("1-1", None), ("1-2", "2023-01")]
    assert "status 'done' is not one of not_started" in findings[0].message


def test_invested_over_total(engine: Engine) -> None:
    add_record(engine, "1-2", "2023-01", "in_progress", "200")  # 1-2 total 300 (line 952)
    add_record(engine, "1-2", "2023-02", "in_progress", "150.5")
    add_record(engine, "1-3", "2023-01", "in_progress", "200")  # 1-3 total 200 (line 974): at the limit, fine
    (finding,) = run(engine, "invested-over-total").findings
    assert (finding.code, finding.published, finding.computed, finding.difference) == (
        "1-2", D("300"), D("350.5"), D("50.5"))


def test_invested_below_zero(engine: Engine) -> None:
    add_record(engine, "1-2", "2023-01", "in_progress", "100")
    add_record(engine, "1-2", "2023-02", "in_progress", "-30")  # a correction: fine, the total stays 70
    add_record(engine, "1-3", "2023-01", "in_progress", "50")
    add_record(engine, "1-3", "2023-02", "in_progress", "-80")  # 50 − 80 < 0
    add_record(engine, "1-3", "2023-03", "in_progress", "-1")
    (finding,) = run(engine, "invested-below-zero").findings
    assert (finding.code, finding.month, finding.computed) == ("1-3", "2023-02", D("-30"))


def test_completed_with_nothing_invested(engine: Engine) -> None:
    set_fields(engine, "1-1", status="completed")  # no record at all
    set_fields(engine, "1-2", status="completed")
    add_record(engine, "1-2", "2023-01", "completed", "0")
    set_fields(engine, "1-3", status="completed")
    add_record(engine, "1-3", "2023-01", "completed", "200")
    assert summary(run(engine, "completed-nothing-invested")) == [
        ("warning", "completed-nothing-invested", "1-1"), ("warning", "completed-nothing-invested", "1-2"),
    ]


def test_reported_after_cancelled(engine: Engine) -> None:
    add_record(engine, "1-2", "2023-01", "in_progress", "10")
    add_record(engine, "1-2", "2023-03", "cancelled", "0")
    add_record(engine, "1-2", "2023-04", "cancelled", "0")  # still cancelled, nothing spent: fine
    add_record(engine, "1-2", "2023-05", "in_progress", "5")
    findings = run(engine, "reported-after-cancelled").findings
    assert [(f.code, f.month) for f in findings] == [("1-2", "2023-05")]
    assert "cancelled in 2023-03" in findings[0].message


def test_future_and_malformed_months(engine: Engine) -> None:
    add_record(engine, "1-2", "2023-06", "in_progress", "10")  # the as-of month itself: fine
    add_record(engine, "1-2", "2023-07", "in_progress", "10")
    add_record(engine, "1-3", "2023-6", "in_progress", "10")
    assert [(f.rule, f.code, f.month) for f in run(engine, "future-month", "bad-month").findings] == [
        ("future-month", "1-2", "2023-07"), ("bad-month", "1-3", "2023-6"),
    ]
    assert run(engine, "future-month", as_of=date(2023, 7, 1)).findings == []


def test_annual_plans_over_the_planned_investment(engine: Engine) -> None:
    from tracker.models import AnnualPlan

    with transaction(engine) as s:
        p1 = s.exec(select(Project).where(Project.code == "1-1")).one()  # planned 1500 (line 932)
        p2 = s.exec(select(Project).where(Project.code == "1-2")).one()  # planned 300 (line 954)
        s.add_all([
            AnnualPlan(project_id=p1.id, year=2021, planned=D("800")),
            AnnualPlan(project_id=p1.id, year=2022, planned=D("700.01")),
            AnnualPlan(project_id=p2.id, year=2021, planned=D("300")),
            AnnualPlan(project_id=p2.id, year=2026, planned=D("50")),  # outside 2021–2025: not counted
        ])
    (finding,) = run(engine, "annual-over-planned").findings
    assert (finding.code, finding.published, finding.computed, finding.difference) == (
        "1-1", D("1500"), D("1500.01"), D("0.01"))


def test_counts_and_sums_after_a_row_is_lost(engine: Engine) -> None:
    from sqlalchemy import delete

    with engine.begin() as conn:
        conn.execute(delete(Project.__table__).where(Project.__table__.c.code == "5-4"))  # 350 / 300, line 2912
    report = run(engine, "category-count", "plan-count", "category-total")
    findings = {(f.rule, f.category_ordinal): f for f in report.findings}
    # categories 2 and 4 disagree as published; category 5 now too
    assert set(findings) == {("plan-count", None), ("category-count", 5), ("category-total", 2),
                             ("category-total", 4), ("category-total", 5)}
    count = findings[("category-count", 5)]
    assert (count.published, count.computed, count.difference, count.unit) == (4, 3, -1, "projects")
    assert findings[("plan-count", None)].computed == 86
    assert findings[("category-total", 5)].computed == D("3855.8") + D("1800") + D("1200")


def test_published_missing_is_reported(engine: Engine) -> None:
    from tracker.models import Category

    with engine.begin() as conn:
        conn.execute(update(Category.__table__).where(Category.__table__.c.ordinal == 1).values(published_total=None))
    findings = [f for f in run(engine, "published-missing", "category-total").findings if f.category_ordinal == 1]
    assert [(f.severity, f.rule, f.line) for f in findings] == [("info", "published-missing", 902)]
    assert findings[0].message == "category 1 儿童福利类项目 (line 902): no published total to check against"


# -- settings --------------------------------------------------------------------------------------------------


def test_severities_can_be_changed_and_rules_switched_off(engine: Engine) -> None:
    report = run(engine, start_before_period="off", district_unplaced="error", category_total="info")
    assert report.counts() == {"error": 5, "warning": 0, "info": 2}
    assert summary(report)[4] == ("error", "district-unplaced", "4-11")


def test_every_rule_has_a_known_severity() -> None:
    assert {r.severity for r in RULES.values()} <= {"error", "warning", "info"}
    assert RULES["start-before-period"].severity == "warning"  # a start in 2020 is a warning (issue 3)


def test_collector_is_back_on_after_the_check(cli: CliRun) -> None:
    assert cli("check").exit_code == 1
    assert gc.isenabled()


def test_json_output_on_the_bundled_data(cli: CliRun) -> None:
    result = cli("check", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout, parse_float=Decimal)
    assert list(data)[:4] == ["ok", "counts", "findings", "checked"]  # then "accepted" (check --accept)
    assert data["ok"] is False
    assert data["counts"] == {"error": 6, "warning": 4, "info": 0}
    assert data["checked"] == {"plans": 1, "categories": 5, "projects": 87, "progress_records": 0, "annual_plans": 0}
    first = data["findings"][0]
    assert list(first)[:8] == ["rule", "severity", "scope", "code", "published", "computed", "difference", "message"]
    keys = ("rule", "severity", "scope", "code", "published", "computed", "difference", "line")
    assert {k: first[k] for k in keys} == {
        "rule": "plan-total", "severity": "error", "scope": "plan", "code": None, "published": D("592917.92"),
        "computed": D("488707.12"), "difference": D("-104210.8"), "line": 888,
    }
    unplaced = next(f for f in data["findings"] if f["rule"] == "district-unplaced")
    assert (unplaced["code"], unplaced["scope"], unplaced["published"], unplaced["category_ordinal"]) == (
        "4-11", "project", None, 4)
    # money is written exactly, as JSON numbers, Chinese unescaped
    assert '"published": 356417.32,' in result.stdout and '"difference": -100000,' in result.stdout
    assert '"computed": 168647,' in result.stdout and "老年人福利类项目" in result.stdout
