"""Monthly progress on the real portfolio: recording, correcting, validation, status, version, CLI.

Project figures used (read off data/xiangtan_plan.txt):
- 1-1 lines 916–936: 湘潭市未成年人救助保护中心基础设施改扩建项目, 2021–2024, total 1500, planned 1500;
- 2-9 lines 1282–1302: 湘潭市雨湖区老年养护院(二期)建设项目, 2021–2023, total 5409.88, share 9.24%;
- 5-4 lines 2898–2918: 韶山市重度残疾人康复中心项目, 2021–2022, total 350, planned 300.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from tests.conftest import CliRun
from tracker.concurrency import ConcurrentEditError
from tracker.db import reading
from tracker.editing import UnknownProjectError
from tracker.models import AnnualPlan, AuditEntry, Operation, ProgressRecord
from tracker.portfolio import find
from tracker.progress import ProgressError, project_progress, record_progress, set_annual_plan

D = Decimal


def _project(engine: Engine, code: str):  # type: ignore[no-untyped-def]
    with reading(engine) as s:
        row = find(s, code)
    assert row is not None
    return row


def test_first_record_sets_status_and_invested_to_date(engine: Engine) -> None:
    result = record_progress(
        engine, "1-1", "2023-05", status="在建", invested="100.25", progress_text="基础施工", reporter="张三"
    )
    assert (result.code, result.month, result.status, result.invested) == ("1-1", "2023-05", "in_progress", D("100.25"))
    assert result.invested_to_date == D("100.25")
    assert result.project_status == "in_progress"
    assert result.version == 2  # imported at version 1
    assert result.corrected is False and result.operation_id is not None
    row = _project(engine, "1-1")
    assert row.project.status == "in_progress"
    assert row.invested_to_date == D("100.25")
    assert row.last_report_month == "2023-05"
    with reading(engine) as s:
        (record,) = project_progress(s, "1-1")
    assert (record.reporter, record.progress_text, record.problems) == ("张三", "基础施工", "")


def test_second_record_for_the_same_month_corrects_the_first(engine: Engine) -> None:
    record_progress(
        engine, "2-9", "2023-06", status="in_progress", invested="500", progress_text="主体施工", problems="资金未到位"
    )
    corrected = record_progress(engine, "2-9", "2023-06", invested="499.87")
    assert corrected.corrected is True
    assert corrected.changed == {"invested": (D("500"), D("499.87"))}
    with reading(engine) as s:
        records = project_progress(s, "2-9")
        count = s.exec(select(func.count()).select_from(ProgressRecord)).one()
    assert count == 1
    # the fields not given were kept
    assert [(r.month, r.status, r.invested, r.progress_text, r.problems) for r in records] == [
        ("2023-06", "in_progress", D("499.87"), "主体施工", "资金未到位")
    ]
    assert _project(engine, "2-9").invested_to_date == D("499.87")


def test_same_values_again_change_nothing(engine: Engine) -> None:
    first = record_progress(engine, "1-1", "2023-05", status="在建", invested="10")
    again = record_progress(engine, "1-1", "2023-05", status="in_progress", invested="10.00")
    assert again.operation_id is None and again.version == first.version


def test_status_follows_the_latest_month(engine: Engine) -> None:
    record_progress(engine, "5-4", "2023-03", status="在建", invested="50")
    record_progress(engine, "5-4", "2023-05", status="停缓建", invested="0")
    assert _project(engine, "5-4").project.status == "suspended"
    # backfilling an earlier month does not move the status away from the latest month's
    backfill = record_progress(engine, "5-4", "2023-04", status="在建", invested="25")
    assert backfill.project_status == "suspended"
    # correcting the latest month does
    record_progress(engine, "5-4", "2023-05", status="completed")
    row = _project(engine, "5-4")
    assert row.project.status == "completed"
    assert row.invested_to_date == D("75")  # 50 + 25 + 0


def test_a_new_month_carries_the_previous_status(engine: Engine) -> None:
    record_progress(engine, "1-1", "2023-05", status="在建", invested="10")
    carried = record_progress(engine, "1-1", "2023-06", invested="20")
    assert carried.status == "in_progress"
    # a month before every record starts from not started, not from the later months' status
    early = record_progress(engine, "1-1", "2022-12", invested="0")
    assert early.status == "not_started"
    assert _project(engine, "1-1").project.status == "in_progress"


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"month": "2023-6"}, "month", "YYYY-MM"),
        ({"month": "2023-13"}, "month", "YYYY-MM"),
        ({"month": "June"}, "month", "YYYY-MM"),
        ({"month": "2023-07", "as_of": date(2023, 6, 30)}, "month", "after the as-of date"),
        ({"status": "finished"}, "status", "unknown status"),
        ({"invested": "12.345"}, "invested", "more than 2 decimal places"),
        ({"invested": "1e3"}, "invested", "not a number"),
        ({"invested": "abc"}, "invested", "not a number"),
        ({"invested": "-0.01"}, "invested", "negative"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_written(engine: Engine, kwargs: dict, field: str, fragment: str) -> None:
    args = {"month": "2023-06"} | kwargs
    month = args.pop("month")
    with pytest.raises(ProgressError) as info:
        record_progress(engine, "1-1", month, **args)
    assert info.value.field == field and fragment in str(info.value)
    with reading(engine) as s:
        assert s.exec(select(func.count()).select_from(ProgressRecord)).one() == 0
        assert s.exec(select(func.count()).select_from(Operation)).one() == 1  # only the initial import
    assert _project(engine, "1-1").project.version == 1


def test_a_negative_month_may_correct_but_never_take_the_total_below_zero(engine: Engine) -> None:
    record_progress(engine, "1-1", "2023-05", status="在建", invested="100")
    ok = record_progress(engine, "1-1", "2023-06", invested="-40")
    assert ok.invested_to_date == D("60")
    with pytest.raises(ProgressError, match="negative"):
        record_progress(engine, "1-1", "2023-07", invested="-60.01")
    # lowering an earlier month so that a later negative month would dip below zero is refused too
    with pytest.raises(ProgressError, match="to 2023-06 negative"):
        record_progress(engine, "1-1", "2023-05", invested="39.99")
    assert _project(engine, "1-1").invested_to_date == D("60")


def test_month_in_the_as_of_month_is_allowed(engine: Engine) -> None:
    result = record_progress(engine, "1-1", "2023-06", invested="0", as_of=date(2023, 6, 1))
    assert result.invested == 0


def test_unknown_project(engine: Engine) -> None:
    with pytest.raises(UnknownProjectError):
        record_progress(engine, "9-99", "2023-06", invested="1")


def test_stale_version_is_refused(engine: Engine) -> None:
    record_progress(engine, "1-1", "2023-05", invested="1", expected_version=1)
    with pytest.raises(ConcurrentEditError):
        record_progress(engine, "1-1", "2023-06", invested="2", expected_version=1)
    assert _project(engine, "1-1").invested_to_date == D("1")


def test_each_record_is_one_audited_operation(engine: Engine) -> None:
    result = record_progress(engine, "2-9", "2023-06", status="在建", invested="120")
    with reading(engine) as s:
        op = s.get(Operation, result.operation_id)
        entries = s.exec(select(AuditEntry).where(AuditEntry.operation_id == result.operation_id)).all()
    assert op is not None and op.kind == "progress" and "2-9 2023-06" in op.summary
    assert sorted((e.table_name, e.action, e.project_code) for e in entries) == [
        ("progressrecord", "insert", "2-9"),
        ("project", "update", "2-9"),
    ]
    project_entry = next(e for e in entries if e.table_name == "project")
    assert json.loads(project_entry.old_values or "{}")["status"] == "not_started"
    assert json.loads(project_entry.new_values or "{}")["status"] == "in_progress"


def test_annual_plan_set_change_remove(engine: Engine) -> None:
    first = set_annual_plan(engine, "1-1", 2023, "600")
    assert (first.planned, first.previous) == (D("600"), None)
    changed = set_annual_plan(engine, "1-1", 2023, D("650.5"))
    assert (changed.planned, changed.previous) == (D("650.5"), D("600"))
    same = set_annual_plan(engine, "1-1", 2023, "650.50")
    assert same.operation_id is None
    removed = set_annual_plan(engine, "1-1", 2023, None)
    assert removed.planned is None
    with reading(engine) as s:
        assert s.exec(select(func.count()).select_from(AnnualPlan)).one() == 0
    with pytest.raises(ProgressError, match="negative"):
        set_annual_plan(engine, "1-1", 2023, "-1")


def test_money_is_never_a_float(engine: Engine) -> None:
    with pytest.raises(ProgressError):
        record_progress(engine, "1-1", "2023-06", invested=12.5)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- CLI


@pytest.mark.usefixtures("pinned_as_of")  # records progress: not after the as-of date
def test_cli_progress_records_and_lists(cli: CliRun) -> None:
    result = cli(
        "progress",
        "2-9",
        "--month",
        "2023-06",
        "--status",
        "在建",
        "--invested",
        "1234.57",
        "--progress-text",
        "主体封顶",
        "--problems",
        "无",
        "--reporter",
        "李四",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout, parse_float=Decimal)
    assert data["invested"] == D("1234.57") and data["project_status"] == "in_progress"
    assert data["version"] == 2 and data["corrected"] is False
    # "-1" after --invested is the option's value (a refund correcting June), not an option
    negative = cli(
        "progress", "2-9", "--month", "2023-07", "--invested", "-1", "--reporter", "李四", "--format", "json"
    )
    assert negative.exit_code == 0, negative.stderr
    assert json.loads(negative.stdout, parse_float=Decimal)["invested_to_date"] == D("1233.57")  # 1234.57 − 1
    listed = cli("progress", "2-9", "--format", "json")
    records = json.loads(listed.stdout, parse_float=Decimal)
    assert [(r["month"], r["status"], r["invested"], r["progress_text"], r["reporter"]) for r in records] == [
        ("2023-06", "in_progress", D("1234.57"), "主体封顶", "李四"),
        ("2023-07", "in_progress", D("-1"), "", "李四"),
    ]
    text = cli("progress", "2-9")
    assert text.exit_code == 0 and "1,233.57" in text.stdout and "主体封顶" in text.stdout


@pytest.mark.usefixtures("pinned_as_of")  # records progress: not after the as-of date
def test_cli_progress_refusals_exit_1(cli: CliRun) -> None:
    bad = cli("progress", "2-9", "--month", "2023/06", "--invested", "1")
    assert bad.exit_code == 1 and "month" in bad.stderr
    stale = cli("progress", "2-9", "--month", "2023-06", "--invested", "1", "--expect-version", "7")
    assert stale.exit_code == 1 and "version" in stale.stderr
    unknown = cli("progress", "9-9", "--month", "2023-06")
    assert unknown.exit_code == 1 and "9-9" in unknown.stderr
    future = cli("--as-of", "2023-06-30", "progress", "2-9", "--month", "2023-07", "--invested", "1")
    assert future.exit_code == 1 and "after the as-of date" in future.stderr


@pytest.mark.usefixtures("pinned_as_of")  # records progress: not after the as-of date
def test_export_and_list_json_gain_progress_keys(cli: CliRun) -> None:
    assert cli("progress", "2-8", "--month", "2023-04", "--status", "在建", "--invested", "1000").exit_code == 0
    assert cli("progress", "2-8", "--month", "2023-06", "--invested", "730.11").exit_code == 0
    for command in (("export", "--format", "json"), ("list", "--format", "json")):
        result = cli(*command)
        assert result.exit_code == 0, result.stderr
        by_code = {r["code"]: r for r in json.loads(result.stdout, parse_float=Decimal)}
        # 2-8, line 1274: total 3460.44; 1000 + 730.11 = 1730.11; 1730.11 / 3460.44 = 49.997…% → 50.00
        assert by_code["2-8"]["invested_to_date"] == D("1730.11")
        assert by_code["2-8"]["progress_pct"] == D("50")
        assert by_code["2-8"]["last_report_month"] == "2023-06"
        assert by_code["1-1"]["invested_to_date"] == 0
        assert by_code["1-1"]["progress_pct"] == 0
        assert by_code["1-1"]["last_report_month"] is None
