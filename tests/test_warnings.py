"""Warnings on the real 87 projects at fixed as-of dates, against schedules read off the published annex.

PERIODS holds each project's 开工年份 and 竣工年份 cells exactly as printed in data/xiangtan_plan.txt
(line numbers in the comments). The expected warnings are worked out from these literals in the test,
not by the code under test.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.conftest import CliRun
from tracker.db import reading, transaction
from tracker.filters import where_clause
from tracker.models import ProgressRecord, Project, Status
from tracker.warnings import WarningItem, WarningSettings, counts, evaluate, worst_by_code

D = Decimal

PERIODS: list[tuple[str, str, str]] = [
    ("1-1", "2021", "2024"),  # lines 926, 928
    ("1-2", "2021", "2021"),  # lines 948, 950
    ("1-3", "2021", "2022"),  # lines 970, 972
    ("1-4", "2022", "2022"),  # lines 992, 994
    ("1-5", "2024", "2025"),  # lines 1014, 1016
    ("1-6", "2021.1", "2021.8"),  # lines 1036, 1038
    ("1-7", "2022", "2025"),  # lines 1058, 1060
    ("1-8", "2024", "2025"),  # lines 1080, 1082
    ("2-1", "2022", "2024"),  # lines 1116, 1118
    ("2-2", "2021", "2022"),  # lines 1138, 1140
    ("2-3", "2021", "2021"),  # lines 1160, 1162
    ("2-4", "2021", "2021"),  # lines 1182, 1184
    ("2-5", "2021", "2022"),  # lines 1204, 1206
    ("2-6", "2021", "2022"),  # lines 1226, 1228
    ("2-7", "2021", "2022"),  # lines 1248, 1250
    ("2-8", "2021", "2022"),  # lines 1270, 1272
    ("2-9", "2021", "2023"),  # lines 1292, 1294
    ("2-10", "2021", "2024"),  # lines 1328, 1330
    ("2-11", "2020", "2022"),  # lines 1350, 1352
    ("2-12", "2021", "2022"),  # lines 1372, 1374
    ("2-13", "2021", "2023"),  # lines 1394, 1396
    ("2-14", "2021-2023", "2021-2023"),  # lines 1416, 1418
    ("2-15", "2021-2024", "2021-2024"),  # lines 1438, 1440
    ("2-16", "2021", "2022"),  # lines 1460, 1462
    ("2-17", "2021", "2025"),  # lines 1482, 1484
    ("2-18", "2021", "2025"),  # lines 1504, 1506
    ("2-19", "2021", "2023"),  # lines 1526, 1528
    ("2-20", "2023", "2024"),  # lines 1548, 1550
    ("2-21", "2022", "2024"),  # lines 1570, 1572
    ("2-22", "2022", "2025"),  # lines 1592, 1594
    ("2-23", "2022", "2025"),  # lines 1614, 1616
    ("2-24", "2021", "2023"),  # lines 1636, 1638
    ("2-25", "2022", "2024"),  # lines 1658, 1660
    ("2-26", "2022", "2025"),  # lines 1680, 1682
    ("2-27", "2021", "2022"),  # lines 1702, 1704
    ("2-28", "2021", "2023"),  # lines 1724, 1726
    ("2-29", "2021", "2023"),  # lines 1746, 1748
    ("2-30", "2021", "2025"),  # lines 1768, 1770
    ("2-31", "2021-2022", "2022-2024"),  # lines 1790, 1792
    ("2-32", "2021", "2025"),  # lines 1812, 1814
    ("2-33", "2021", "2025"),  # lines 1834, 1836
    ("2-34", "2021", "2025"),  # lines 1856, 1858
    ("2-35", "2021", "2025"),  # lines 1878, 1880
    ("2-36", "2021", "2025"),  # lines 1900, 1902
    ("2-37", "2021", "2025"),  # lines 1922, 1924
    ("2-38", "2021", "2024"),  # lines 1944, 1946
    ("2-39", "2021", "2023"),  # lines 1966, 1968
    ("2-40", "2021", "2025"),  # lines 1988, 1990
    ("2-41", "2021", "2022"),  # lines 2010, 2012
    ("2-42", "2021", "2022"),  # lines 2032, 2034
    ("2-43", "2021", "2025"),  # lines 2054, 2056
    ("2-44", "2022", "2025"),  # lines 2076, 2078
    ("2-45", "2021", "2024"),  # lines 2098, 2100
    ("2-46", "2021", "2024"),  # lines 2120, 2122
    ("2-47", "2021", "2024"),  # lines 2142, 2144
    ("2-48", "2022", "2023"),  # lines 2164, 2166
    ("2-49", "2021", "2025"),  # lines 2186, 2188
    ("2-50", "2021", "2025"),  # lines 2208, 2210
    ("3-1", "2021-2023", "2022-2024"),  # lines 2244, 2246
    ("3-2", "2021", "2025"),  # lines 2266, 2268
    ("3-3", "2021-2025", "2021-2025"),  # lines 2288, 2290
    ("3-4", "2021", "2021"),  # lines 2310, 2312
    ("3-5", "2021", "2023"),  # lines 2338, 2340
    ("3-6", "2021", "2025"),  # lines 2360, 2362
    ("3-7", "2021", "2022"),  # lines 2386, 2388
    ("4-1", "2021", "2024"),  # lines 2422, 2424
    ("4-2", "2021", "2024"),  # lines 2444, 2446
    ("4-3", "2021", "2024"),  # lines 2466, 2468
    ("4-4", "2021", "2022"),  # lines 2488, 2490
    ("4-5", "2021", "2021"),  # lines 2510, 2512
    ("4-6", "2022", "2022"),  # lines 2532, 2534
    ("4-7", "2021", "2021"),  # lines 2554, 2556
    ("4-8", "2020", "2021"),  # lines 2576, 2578
    ("4-9", "2021", "2025"),  # lines 2598, 2600
    ("4-10", "2021", "2025"),  # lines 2620, 2622
    ("4-11", "2021", "2025"),  # lines 2642, 2644
    ("4-12", "2022", "2024"),  # lines 2664, 2666
    ("4-13", "2021", "2023"),  # lines 2686, 2688
    ("4-14", "2023", "2025"),  # lines 2708, 2710
    ("4-15", "2021", "2025"),  # lines 2730, 2732
    ("4-16", "2021", "2025"),  # lines 2752, 2754
    ("4-17", "2021", "2023"),  # lines 2774, 2776
    ("4-18", "2020", "2025"),  # lines 2796, 2798
    ("5-1", "2021", "2023"),  # lines 2842, 2844
    ("5-2", "2021", "2022"),  # lines 2864, 2866
    ("5-3", "2021", "2023"),  # lines 2886, 2888
    ("5-4", "2021", "2022"),  # lines 2908, 2910
]


def first_year(cell: str) -> int:
    """A start cell: 2021, 2021.1 or a range 2021-2023 (the period starts with its first year)."""
    return int(re.findall(r"\d{4}", cell)[0])


def last_year(cell: str) -> int:
    """A finish cell: 2024, 2021.8 or a range 2022-2024 (the period ends with its last year)."""
    return int(re.findall(r"\d{4}", cell)[-1])


def test_the_transcription() -> None:
    assert len(PERIODS) == 87 and len({code for code, _, _ in PERIODS}) == 87


def items_as_of(engine: Engine, as_of: date, where_text: str = "", **thresholds: int) -> list[WarningItem]:
    settings = WarningSettings(**thresholds)
    where = where_clause(where_text, as_of=as_of, settings=settings)
    with reading(engine) as s:
        return evaluate(s, as_of, settings, where)


def by_rule(items: list[WarningItem], rule: str, severity: str | None = None) -> set[str]:
    return {i.code for i in items if i.rule == rule and (severity is None or i.severity == severity)}


def set_state(engine: Engine, code: str, status: Status, reports: list[tuple[str, str, str]] | None = None) -> None:
    """Give a project a status and progress reports (month, status, invested this month)."""
    with transaction(engine) as s:
        project = s.execute(select(Project).where(Project.code == code)).scalar_one()
        project.status = status.value
        for month, state, invested in reports or []:
            s.add(ProgressRecord(project_id=project.id, month=month, status=state, invested=D(invested),
                                 recorded_at=datetime(2020, 1, 1, tzinfo=UTC)))


# --- overdue --------------------------------------------------------------------------------------


def test_overdue_as_of_2023_06_30_with_no_progress(engine: Engine) -> None:
    items = items_as_of(engine, date(2023, 6, 30))
    expected = {code for code, _, finish in PERIODS if last_year(finish) <= 2022}
    assert len(expected) == 26  # counted by hand from the finish cells above
    assert by_rule(items, "overdue") == by_rule(items, "overdue", "red") == expected


def test_overdue_as_of_2026_11_23_with_no_progress(engine: Engine) -> None:
    items = items_as_of(engine, date(2026, 11, 23))
    assert max(last_year(finish) for _, _, finish in PERIODS) == 2025
    assert len(by_rule(items, "overdue", "red")) == 87


def test_overdue_starts_the_day_after_the_finish_period(engine: Engine) -> None:
    # 2022 finishes (1-3 1-4 2-2 2-5 … read above): not yet overdue on 2022-12-31, overdue on 2023-01-01
    finished_2021 = {code for code, _, finish in PERIODS if last_year(finish) <= 2021}
    finished_2022 = {code for code, _, finish in PERIODS if last_year(finish) == 2022}
    assert by_rule(items_as_of(engine, date(2022, 12, 31)), "overdue") == finished_2021
    assert by_rule(items_as_of(engine, date(2023, 1, 1)), "overdue") == finished_2021 | finished_2022
    # 1-6 finishes 2021.8 (line 1038): overdue from September 2021, unlike the other 2021 finishes
    assert by_rule(items_as_of(engine, date(2021, 8, 31)), "overdue") == set()
    assert by_rule(items_as_of(engine, date(2021, 9, 1)), "overdue") == {"1-6"}


def test_done_projects_are_never_warned(engine: Engine) -> None:
    set_state(engine, "1-2", Status.COMPLETED)
    set_state(engine, "2-3", Status.CANCELLED)
    set_state(engine, "2-4", Status.IN_PROGRESS, [("2021-06", "in_progress", "50")])
    set_state(engine, "3-4", Status.SUSPENDED, [("2021-06", "in_progress", "100")])
    items = items_as_of(engine, date(2023, 6, 30))
    flagged = {i.code for i in items}
    assert "1-2" not in flagged and "2-3" not in flagged
    overdue = {i.code: i for i in items if i.rule == "overdue"}
    assert overdue["2-4"].message == "finish due end of 2021 (18 months ago), status in progress"
    assert overdue["3-4"].message == "finish due end of 2021 (18 months ago), status suspended"
    assert len(overdue) == 26 - 2


# --- late start -----------------------------------------------------------------------------------


def test_late_start_yellow_then_red(engine: Engine) -> None:
    items = items_as_of(engine, date(2023, 6, 30))
    started_by_2022 = {code for code, start, _ in PERIODS if first_year(start) <= 2022}
    # a 2022 start period ended 2022-12-31: 6 months late on 2023-06-30, not more than 6 → yellow
    assert by_rule(items, "late_start", "yellow") == {code for code, start, _ in PERIODS if first_year(start) == 2022}
    assert by_rule(items, "late_start", "red") == {code for code, start, _ in PERIODS if first_year(start) <= 2021}
    assert by_rule(items, "late_start") == started_by_2022
    assert len(started_by_2022) == 83  # all but 1-5, 1-8 (2024) and 2-20, 4-14 (2023)
    assert "red" in {i.severity for i in items_as_of(engine, date(2023, 7, 1)) if i.code == "1-4"}
    one = next(i for i in items if i.code == "1-4" and i.rule == "late_start")  # start 2022, line 992
    assert one.message == "start period 2022 ended 6 months ago, still not started"


def test_a_report_of_work_means_started(engine: Engine) -> None:
    # 1-1 and 1-3 start 2021 (lines 926, 970); the status column was never updated, the reports say it all
    set_state(engine, "1-1", Status.NOT_STARTED, [("2022-05", "in_progress", "10")])
    set_state(engine, "1-3", Status.NOT_STARTED, [("2022-05", "not_started", "0")])
    flagged = by_rule(items_as_of(engine, date(2023, 6, 30)), "late_start")
    assert "1-1" not in flagged and "1-3" in flagged
    # as of the month before that report, 1-1 had not started yet: 4 months late, yellow
    assert ("1-1", "yellow") in {(i.code, i.severity) for i in items_as_of(engine, date(2022, 4, 30)) if i.rule == "late_start"}
    assert "1-1" not in by_rule(items_as_of(engine, date(2022, 5, 31)), "late_start")


# --- due soon -------------------------------------------------------------------------------------


def test_due_soon(engine: Engine) -> None:
    finishing_2025 = {code for code, _, finish in PERIODS if last_year(finish) == 2025}
    assert len(finishing_2025) == 30
    # within 3 months: the finish month (December) is October, November or December
    assert by_rule(items_as_of(engine, date(2025, 10, 1)), "due_soon", "yellow") == finishing_2025
    assert by_rule(items_as_of(engine, date(2025, 9, 30)), "due_soon") == set()
    assert by_rule(items_as_of(engine, date(2025, 9, 30), due_soon_months=4), "due_soon") == finishing_2025
    item = next(i for i in items_as_of(engine, date(2025, 12, 5)) if i.rule == "due_soon")
    assert item.message == "finish due end of 2025 (this month), status not started"
    set_state(engine, "2-17", Status.COMPLETED)
    assert "2-17" not in by_rule(items_as_of(engine, date(2025, 10, 1)), "due_soon")


# --- lagging --------------------------------------------------------------------------------------

# 2-18 (lines 1504–1510): 2021–2025, total 100000. On 2023-06-30, 30 of its 60 months are complete:
# time pace 50%. Invested 20000 is 20%: 30 points behind (yellow); 19999.99 is 30.00001 behind (red);
# 40000 is 10 behind (yellow); 40000.01 is 9.99999 behind (no warning).
@pytest.mark.parametrize(
    ("invested", "severity", "message"),
    [
        ("20000", "yellow", "invested 20% of the total against a time pace of 50%: 30 points behind"),
        ("19999.99", "red", "invested 20% of the total against a time pace of 50%: 30 points behind"),
        ("40000", "yellow", "invested 40% of the total against a time pace of 50%: 10 points behind"),
        ("40000.01", None, None),
        ("0", "red", "invested 0% of the total against a time pace of 50%: 50 points behind"),
    ],
)
def test_lagging_thresholds(engine: Engine, invested: str, severity: str | None, message: str | None) -> None:
    first = D(invested) / 2
    set_state(engine, "2-18", Status.IN_PROGRESS,
              [("2022-03", "in_progress", str(first)), ("2023-06", "in_progress", str(D(invested) - first))])
    items = [i for i in items_as_of(engine, date(2023, 6, 30)) if i.code == "2-18" and i.rule == "lagging"]
    assert [(i.severity, i.message) for i in items] == ([] if severity is None else [(severity, message)])
    tagged = "2-18" in {r for r in _codes(engine, "+lagging", date(2023, 6, 30))}
    assert tagged == (severity is not None)


def test_lagging_ignores_reports_after_the_as_of_month(engine: Engine) -> None:
    set_state(engine, "2-18", Status.IN_PROGRESS, [("2023-06", "in_progress", "20000"), ("2023-07", "in_progress", "30000")])
    # 2023-06-30: 20% against 50% → 30 behind (yellow); the July report does not count yet
    assert [(i.rule, i.severity) for i in items_as_of(engine, date(2023, 6, 30)) if i.code == "2-18"] == [("lagging", "yellow")]


def test_projects_not_started_are_late_not_lagging(engine: Engine) -> None:
    items = items_as_of(engine, date(2023, 6, 30))
    assert by_rule(items, "lagging") == set()


# --- stale ----------------------------------------------------------------------------------------


def test_stale_counts_from_the_end_of_the_reported_month(engine: Engine) -> None:
    set_state(engine, "2-18", Status.IN_PROGRESS, [("2023-04", "in_progress", "50000")])
    # the April report counts from 2023-04-30; 45 days later is 2023-06-14, 46 days 2023-06-15
    assert "2-18" not in by_rule(items_as_of(engine, date(2023, 6, 14)), "stale")
    stale = [i for i in items_as_of(engine, date(2023, 6, 15)) if i.rule == "stale"]
    assert [(i.code, i.severity, i.message) for i in stale] == [
        ("2-18", "yellow", "in progress; the last progress report is for 2023-04 (46 days ago)")
    ]
    assert "2-18" not in by_rule(items_as_of(engine, date(2023, 6, 15), stale_days=60), "stale")


def test_stale_without_any_report_counts_from_the_start(engine: Engine) -> None:
    set_state(engine, "2-18", Status.IN_PROGRESS)  # start 2021 (line 1504): from 2021-01-01
    assert "2-18" not in by_rule(items_as_of(engine, date(2021, 2, 15)), "stale")  # 45 days
    stale = [i for i in items_as_of(engine, date(2021, 2, 16)) if i.rule == "stale"]
    assert [(i.code, i.message) for i in stale] == [("2-18", "in progress with no progress report yet")]


# --- the same rules as the tags, worst severity, CLI ------------------------------------------------


def _codes(engine: Engine, text: str, as_of: date) -> set[str]:
    from tracker.portfolio import rows

    with reading(engine) as s:
        return {r.project.code for r in rows(s, where_clause(text, as_of=as_of))}


@pytest.mark.parametrize("as_of", [date(2021, 3, 1), date(2023, 6, 30), date(2025, 10, 31), date(2026, 11, 23)])
def test_tags_and_warnings_agree(engine: Engine, as_of: date) -> None:
    set_state(engine, "2-18", Status.IN_PROGRESS, [("2021-06", "in_progress", "9000")])
    set_state(engine, "2-17", Status.IN_PROGRESS, [("2022-01", "in_progress", "9000")])
    set_state(engine, "1-2", Status.COMPLETED)
    items = items_as_of(engine, as_of)
    for rule in ("overdue", "late_start", "due_soon", "lagging", "stale"):
        assert _codes(engine, f"+{rule}", as_of) == by_rule(items, rule), rule


def test_worst_by_code_and_counts(engine: Engine) -> None:
    items = items_as_of(engine, date(2023, 6, 30), "code=1-4 or code=1-2")
    # 1-4 (2022–2022): overdue red, late start yellow; 1-2 (2021–2021): overdue red, late start red
    assert [(i.code, i.rule, i.severity) for i in items] == [
        ("1-2", "overdue", "red"), ("1-2", "late_start", "red"),
        ("1-4", "overdue", "red"), ("1-4", "late_start", "yellow"),
    ]
    assert worst_by_code(items) == {"1-2": "red", "1-4": "red"}
    assert worst_by_code([items[3]]) == {"1-4": "yellow"}
    assert counts(items)["late_start"] == {"red": 1, "yellow": 1}


def test_settings_from_config(tmp_path: Path) -> None:
    from tracker.config import load

    path = tmp_path / "tracker.toml"
    path.write_text("[warnings]\nstale_days = 30\ndue_soon_months = 6\n", encoding="utf-8")
    assert WarningSettings.from_config(load(path)) == WarningSettings(due_soon_months=6, stale_days=30)


def test_cli_warnings_json_and_exit_status(cli: CliRun) -> None:
    result = cli("warnings", "category:残障", "--as-of", "2023-06-30", "--format", "json")
    assert result.exit_code == 1  # there are warnings
    data = json.loads(result.stdout)
    assert data["as_of"] == "2023-06-30"
    # 残障 category (lines 2822–2918): 5-2 and 5-4 finish 2022, 5-1 and 5-3 finish 2023; all start 2021
    assert {(i["code"], i["rule"], i["severity"]) for i in data["items"]} == {
        ("5-1", "late_start", "red"), ("5-2", "overdue", "red"), ("5-2", "late_start", "red"),
        ("5-3", "late_start", "red"), ("5-4", "overdue", "red"), ("5-4", "late_start", "red"),
    }
    assert list(data["items"][0]) == ["code", "name", "rule", "severity", "message", "message_zh", "kind"]
    by_key = {(i["code"], i["rule"]): i for i in data["items"]}
    # 5-2 finishes 2022 (line 2866): December 2022 → June 2023 is 6 months; nothing reported, so 未开工
    assert by_key[("5-2", "overdue")]["message"] == "finish due end of 2022 (6 months ago), status not started"
    assert by_key[("5-2", "overdue")]["message_zh"] == "应于2022年底竣工(已逾期6个月),状态为未开工"
    # 5-1 starts 2021 (line 2842): the start period ended December 2021, 18 months before June 2023
    assert by_key[("5-1", "late_start")]["message_zh"] == "开工期2021年已过18个月,仍未开工"
    quiet = cli("--as-of", "2020-06-30", "warnings", "category:残障")
    assert quiet.exit_code == 0 and "0 warnings" in quiet.stdout
    table = cli("warnings", "code=1-6", "--as-of", "2021-09-01")
    assert "finish due end of 2021-08 (1 month ago), status not started" in table.stdout
    assert cli("warnings", "+late", "--as-of", "2023-06-30").exit_code == 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(as_of=st.dates(min_value=date(2020, 6, 1), max_value=date(2026, 12, 31)),
       invested=st.integers(min_value=0, max_value=100_000))
def test_lagging_matches_the_time_pace_worked_out_by_hand(engine: Engine, as_of: date, invested: int) -> None:
    """2-18 runs 2021-01 … 2025-12 (60 months, total 100000, line 1504–1508), all money reported in 2021-01."""
    with transaction(engine) as s:
        project = s.execute(select(Project).where(Project.code == "2-18")).scalar_one()
        project.status = Status.IN_PROGRESS.value
        s.execute(ProgressRecord.__table__.delete().where(ProgressRecord.project_id == project.id))  # type: ignore[attr-defined]
        s.add(ProgressRecord(project_id=project.id, month="2021-01", status="in_progress", invested=D(invested)))
    # months complete: those whose last day is on or before as_of, counted from 2021-01, at most 60
    next_day_month = (as_of + timedelta(days=1)).month != as_of.month
    done = (as_of.year - 2021) * 12 + as_of.month - (0 if next_day_month else 1)
    done = max(0, min(60, done))
    lag = Fraction(done * 100, 60) - (Fraction(invested * 100, 100_000) if as_of >= date(2021, 1, 1) else 0)
    expected = "red" if lag > 30 else "yellow" if lag >= 10 else None
    got = [i.severity for i in items_as_of(engine, as_of, "code=2-18") if i.rule == "lagging"]
    assert got == ([expected] if expected else [])
