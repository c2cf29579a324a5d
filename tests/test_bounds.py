"""Issue 9, item 2: every input has bounds, checked where it enters.

Each reproducer of the issue (a traceback or wrong data before) is run one by one through the real
entry point (the ``cli`` fixture) and must now be a clear ``tracker: …`` message with the documented
exit code — 1 for a refused value, 2 for a wrong call (an option, a filter, a setting) — and must leave
the database as it was. The bounds themselves live in :mod:`tracker.bounds`; figures below come from
the bundled plan (``data/xiangtan_plan.txt``): 2-9 has a total of 5409.88 万元 (line 1290), the plan
87 projects in categories of 8, 50, 7, 18 and 4 (lines 902, 1092, 2220, 2398, 2808).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from tests.conftest import CliRun
from tracker.bounds import (
    MAX_AMOUNT_WAN,
    MAX_FILTER_DEPTH,
    MAX_FILTER_LENGTH,
    MAX_FILTER_TERMS,
    BoundsError,
    check_amount,
    check_text,
    parse_int,
)
from tracker.db import reading, transaction
from tracker.editing import EditError, edit_project, validate
from tracker.errors import UsageError
from tracker.models import ColumnBoundsError, Operation, ProgressRecord, Project, WanYuan
from tracker.progress import record_progress

D = Decimal
HUGE = "99999999999999999999"
"""The issue's 20-digit number: beyond a 64-bit integer of fen, and beyond any sane figure."""


def project(cli: CliRun, code: str) -> dict[str, object]:
    result = cli("show", code, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout, parse_float=Decimal)
    return data[0] if isinstance(data, list) else data


def operations(engine: Engine) -> int:
    with reading(engine) as session:
        return session.exec(select(func.count()).select_from(Operation)).one()


def records(engine: Engine) -> int:
    with reading(engine) as session:
        return session.exec(select(func.count()).select_from(ProgressRecord)).one()


def refused(result: object, code: int, *fragments: str) -> None:
    """Exit ``code``, a ``tracker: …`` message naming every fragment, and never an internal error."""
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.exit_code == code, stderr  # type: ignore[attr-defined]
    assert "tracker: " in stderr and "internal error" not in stderr and "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in stderr


# ---------------------------------------------------------------------------- amounts


def test_edit_total_of_20_digits_is_refused_and_nothing_changes(cli: CliRun, engine: Engine) -> None:
    before = operations(engine)
    result = cli("edit", "2-9", f"total={HUGE}")
    refused(result, 1, f"total_investment: amount {HUGE} is out of range (at most 1,000,000 万元 either way)")
    assert project(cli, "2-9")["total_investment"] == D("5409.88") and operations(engine) == before


def test_progress_invested_of_20_digits_is_refused(cli: CliRun, engine: Engine) -> None:
    result = cli("progress", "2-9", "--month", "2023-06", "--invested", HUGE, "--as-of", "2023-06-30")
    refused(result, 1, f"invested: amount {HUGE} is out of range")
    assert records(engine) == 0


def test_annual_plan_of_20_digits_is_refused(cli: CliRun, engine: Engine) -> None:
    before = operations(engine)
    refused(cli("annual-plan", "2-9", "2023", HUGE), 1, f"annual_plan: amount {HUGE} is out of range")
    assert operations(engine) == before


def test_a_csv_cell_of_20_digits_is_a_row_error(cli: CliRun, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text(f"code,total_investment\n2-9,{HUGE}\n", encoding="utf-8")
    before = operations(engine)
    result = cli("import-csv", str(path))
    refused(result, 1, f"{path}:2:2: total_investment: amount {HUGE} is out of range")
    assert operations(engine) == before and project(cli, "2-9")["total_investment"] == D("5409.88")


def test_a_plan_cell_of_20_digits_stops_the_import_at_its_line(cli: CliRun, plan_path: Path, tmp_path: Path) -> None:
    lines = plan_path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1119] == "6800\n"  # line 1120: project 2-1's total investment
    lines[1119] = HUGE + "\n"
    bad = tmp_path / "plan.txt"
    bad.write_text("".join(lines), encoding="utf-8")
    result = cli("import-plan", str(bad))
    refused(result, 1, f"{bad}:1120:", "总投资")
    assert project(cli, "2-1")["total_investment"] == D(6800)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("edit", "2-9", "total=1234.567"), "total_investment: amount '1234.567' has more than 2 decimal places"),
        (("edit", "2-9", "planned=-1"), "planned_investment: must not be negative"),
        (("edit", "2-9", "share=100.01"), "social_share_pct: share 100.01 is out of range (0–100%)"),
        (("edit", "2-9", "share=-5"), "social_share_pct: share -5 is out of range (0–100%)"),
        (("edit", "2-9", "share=9.245"), "more than 2 decimal places"),
        (("edit", "2-9", "total=１２３"), "total_investment: amount '１２３' is not a number"),
        (("progress", "2-9", "--month", "2023-06", "--invested", "0.001"), "more than 2 decimal places"),
        (("progress", "2-9", "--month", "2023-06", "--invested", "-1000000.01"), "is out of range"),
        (("annual-plan", "2-9", "2023", "1000000.01"), "annual_plan: amount 1000000.01 is out of range"),
    ],
)
def test_amounts_have_two_decimals_and_a_ceiling(
    cli: CliRun, engine: Engine, args: tuple[str, ...], fragment: str
) -> None:
    before = operations(engine)
    refused(cli(*args, "--as-of", "2023-06-30"), 1, fragment)
    assert operations(engine) == before


def test_the_ceiling_itself_and_a_full_share_are_accepted(cli: CliRun) -> None:
    assert cli("edit", "2-9", "total=1000000", "share=100").exit_code == 0
    shown = project(cli, "2-9")
    # social capital = 1,000,000 × 100% (derived figures keep six decimals internally)
    assert (shown["total_investment"], shown["social_share_pct"], shown["social_capital"]) == (D(1000000), 100, 1000000)


def test_progress_to_date_has_the_ceiling_of_one_figure(cli: CliRun, engine: Engine) -> None:
    """The issue's two months of 9223372036854 万元 overflowed every SQL sum until undone."""
    refused(cli("progress", "2-9", "--month", "2023-05", "--invested", "9223372036854"), 1, "out of range")
    assert cli("progress", "2-9", "--month", "2023-05", "--invested", "999999.99").exit_code == 0
    over = cli("progress", "2-9", "--month", "2023-06", "--invested", "0.02")
    refused(over, 1, "amount invested to 2023-06 1000000.01 万元, above the ceiling of 1,000,000 万元")
    at = cli("progress", "2-9", "--month", "2023-06", "--invested", "0.01", "--format", "json")
    assert at.exit_code == 0 and json.loads(at.stdout, parse_float=Decimal)["invested_to_date"] == D(1000000)
    # a back-dated month is checked against every later running total, not only its own
    refused(
        cli("progress", "2-9", "--month", "2023-04", "--invested", "5"), 1, "amount invested to 2023-05 1000004.99 万元"
    )
    assert records(engine) == 2
    listed = cli("list", "code=2-9", "--format", "json")
    assert listed.exit_code == 0 and json.loads(listed.stdout, parse_float=Decimal)[0]["invested_to_date"] == D(1000000)
    assert cli("report", "--month", "2023-06", "--format", "json").exit_code == 0


def test_every_sum_holds_when_every_project_is_at_the_ceiling(cli: CliRun, engine: Engine) -> None:
    """87 projects at 1,000,000 万元 each, fully invested: every SQL sum stays exact (8.7 × 10¹³ fen)."""
    with reading(engine) as session:
        codes = list(session.exec(select(Project.code)))
    for code in codes:
        edit_project(engine, code, {"total_investment": "1000000", "planned_investment": "1000000"})
        record_progress(engine, code, "2023-06", status="在建", invested="1000000")
    top = D(1000000) * 87
    report = cli("report", "--month", "2023-06", "--format", "json")
    assert report.exit_code == 0, report.stderr
    totals = json.loads(report.stdout, parse_float=Decimal)["totals"]
    assert (totals["total_investment"], totals["invested_to_date"]) == (top, top)
    rollup = cli("rollup", "--by", "category", "--format", "json")
    assert rollup.exit_code == 0, rollup.stderr
    rows = json.loads(rollup.stdout, parse_float=Decimal)
    assert [(r["count"], r["total"], r["invested"]) for r in rows if not r["is_subtotal"]] == [
        (n, D(1000000) * n, D(1000000) * n) for n in (8, 50, 7, 18, 4)
    ]
    warnings = cli("--as-of", "2023-06-30", "warnings", "+lagging", "--format", "json")
    assert warnings.exit_code == 0, warnings.stderr  # fully invested: nothing lags
    assert cli("list", "total>=1000000", "--format", "json").stdout.count('"code"') == 87


def test_the_money_column_refuses_what_no_parser_let_through(engine: Engine) -> None:
    with pytest.raises(ColumnBoundsError, match="out of range"):
        WanYuan().process_bind_param(D("1000000.01"), None)  # type: ignore[arg-type]
    assert WanYuan().process_bind_param(-MAX_AMOUNT_WAN, None) == -(10**12)  # type: ignore[arg-type]
    # raised as itself through a flush (not wrapped by SQLAlchemy), and the transaction rolls back
    with pytest.raises(ColumnBoundsError), transaction(engine) as session:
        row = session.exec(select(Project).where(Project.code == "2-9")).one()
        row.total_investment = D(10**14)
    with reading(engine) as session:
        assert session.exec(select(Project.total_investment).where(Project.code == "2-9")).one() == D("5409.88")


# ---------------------------------------------------------------------------- years, months, dates


def test_as_of_year_1_is_a_wrong_call(cli: CliRun) -> None:
    refused(
        cli("--as-of", "0001-01-01", "warnings"), 2, "--as-of: 0001-01-01 is out of range (1900-01-01 – 2100-12-31)"
    )


@pytest.mark.parametrize("text", ["２０２３-０６-３０", "20230630", "2023-W26-5", "2023-6-30", "2101-01-01"])
def test_as_of_takes_ascii_yyyy_mm_dd_in_range(cli: CliRun, text: str) -> None:
    refused(cli("--as-of", text, "warnings"), 2, "--as-of:")


def test_as_of_at_the_edges_of_the_range(cli: CliRun) -> None:
    early = cli("--as-of", "1900-01-01", "warnings", "--format", "json")
    assert early.exit_code == 0 and json.loads(early.stdout)["items"] == []
    # 2100-12-31: all 87 projects finished (≤ 2025) late and never started: 87 overdue + 87 late starts, red
    late = cli("--as-of", "2100-12-31", "warnings", "--format", "json")
    assert late.exit_code == 1
    counts = json.loads(late.stdout)["counts"]
    assert (counts["overdue"]["red"], counts["late_start"]["red"]) == (87, 87)


def test_report_month_year_0_is_a_wrong_call(cli: CliRun) -> None:
    refused(cli("report", "--month", "0000-01"), 2, "month '0000-01': year 0 is out of range (1900–2100)")


def test_full_width_month_is_refused_not_stored(cli: CliRun, engine: Engine) -> None:
    result = cli("progress", "2-9", "--month", "２０２３-０６", "--invested", "1", "--as-of", "2023-06-30")
    refused(result, 1, "month '２０２３-０６' must be written YYYY-MM")
    assert records(engine) == 0
    refused(cli("report", "--month", "２０２３-０６"), 2, "must be written YYYY-MM")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("edit", "2-9", "start=1899"), "start: year 1899 in '1899' is out of range (1900–2100)"),
        (("edit", "2-9", "finish=2021-2101"), "finish: year 2101 in '2021-2101' is out of range"),
        (("edit", "2-9", "start=２０２１"), "start: expected a year such as 2021"),
        (("annual-plan", "2-9", "1899", "100"), "year: 1899 is out of range (1900–2100)"),
        (("annual-plan", "2-9", HUGE, "100"), f"year: {HUGE} is out of range"),
        (("progress", "2-9", "--month", "1899-12", "--invested", "1"), "year 1899 is out of range"),
    ],
)
def test_years_lie_between_1900_and_2100(cli: CliRun, engine: Engine, args: tuple[str, ...], fragment: str) -> None:
    before = operations(engine)
    refused(cli(*args), 1, fragment)
    assert operations(engine) == before


# ---------------------------------------------------------------------------- integer options and settings


def test_history_limit_of_20_digits_is_a_wrong_call(cli: CliRun) -> None:
    refused(cli("history", "--limit", HUGE), 2, f"--limit: {HUGE} is out of range (0–1000000000)")
    refused(cli("history", "--limit", "-1"), 2, "--limit: -1 is out of range")
    assert cli("history", "--limit", "0").exit_code == 0  # 0: all


def test_undo_operation_of_20_digits_is_a_wrong_call(cli: CliRun, engine: Engine) -> None:
    before = operations(engine)
    refused(cli("undo", "--operation", HUGE), 2, f"--operation: {HUGE} is out of range (1–1000000000)")
    refused(cli("undo", "--operation", "0"), 2, "--operation: 0 is out of range")
    assert operations(engine) == before


def test_expect_version_of_20_digits_is_a_wrong_call(cli: CliRun) -> None:
    refused(cli("edit", "2-9", "note=x", "--expect-version", HUGE), 2, "--expect-version:")
    refused(cli("progress", "2-9", "--month", "2023-06", "--expect-version", HUGE), 2, "--expect-version:")


@pytest.mark.parametrize(
    ("key", "value", "range_text"),
    [
        ("due_soon_months", HUGE, "(0–120)"),
        ("stale_days", HUGE, "(0–3660)"),
        ("late_start_red_months", "-1", "(0–240)"),
        ("lagging_yellow_points", "101", "(0–100)"),
        ("lagging_red_points", HUGE, "(0–100)"),
    ],
)
def test_warning_settings_of_20_digits_in_tracker_toml(
    cli: CliRun, workdir: Path, key: str, value: str, range_text: str
) -> None:
    (workdir / "tracker.toml").write_text(f"[warnings]\n{key} = {value}\n", encoding="utf-8")
    result = cli("--as-of", "2023-06-30", "warnings")
    refused(result, 2, f"tracker.toml: warnings.{key}: {value} is out of range {range_text}")


def test_settings_at_the_top_of_their_range_work(cli: CliRun, workdir: Path) -> None:
    (workdir / "tracker.toml").write_text(
        "[warnings]\ndue_soon_months = 120\nstale_days = 3660\nlate_start_red_months = 240\n"
        "lagging_yellow_points = 100\nlagging_red_points = 100\n",
        encoding="utf-8",
    )
    result = cli("--as-of", "2023-06-30", "warnings", "--format", "json")
    assert result.exit_code == 1, result.stderr
    counts = json.loads(result.stdout)["counts"]
    # every project still open finishes within 120 months of June 2023 (all finish by 2025) or is overdue
    assert counts["due_soon"]["yellow"] + counts["overdue"]["red"] == 87


def test_config_set_checks_the_range_and_the_digits(cli: CliRun, workdir: Path) -> None:
    refused(
        cli("config", "set", "warnings.stale_days", HUGE), 2, f"warnings.stale_days: {HUGE} is out of range (0–3660)"
    )
    refused(cli("config", "set", "warnings.stale_days", "４５"), 2, "must be a whole number (digits 0-9)")
    refused(cli("config", "set", "general.as_of", "0001-01-01"), 2, "is out of range")
    assert not (workdir / "tracker.toml").exists()
    assert cli("config", "set", "warnings.stale_days", "60").exit_code == 0


def test_general_as_of_out_of_range_in_tracker_toml(cli: CliRun, workdir: Path) -> None:
    (workdir / "tracker.toml").write_text('[general]\nas_of = "0001-01-01"\n', encoding="utf-8")
    refused(cli("warnings"), 2, "general.as_of: 0001-01-01 is out of range")


# ---------------------------------------------------------------------------- filters


def nested(depth: int, inner: str = "养老") -> str:
    return "(" * depth + inner + ")" * depth


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("category:²", "category number: '²' is not a whole number (digits 0-9)"),
        ("category:２", "category number: '２' is not a whole number"),
        (f"category:{HUGE}", f"category number: {HUGE} is out of range (1–99)"),
        ("category:0", "category number: 0 is out of range (1–99)"),
        (nested(248), f"nests more than {MAX_FILTER_DEPTH} levels deep"),
        ("-" * 41 + "a", f"nests more than {MAX_FILTER_DEPTH} levels deep"),
        (" ".join(["a"] * 992), f"has more than {MAX_FILTER_TERMS} terms"),
        ("a" * 50_000, "the filter is 50,000 characters long; at most 2,000"),
        ("finish<=1899", "finish: year 1899 is out of range (1900–2100)"),
        ("start:２０２１..", "start takes a year such as 2023"),
        (f"total>{HUGE}", "is out of range (at most 1,000,000 万元 either way)"),
        ("share>100.5", "share 100.5 is out of range (0–100%)"),
        ("name:\x1b[2J", "control character"),
    ],
)
def test_filter_reproducers_are_filter_errors_with_a_caret(cli: CliRun, text: str, fragment: str) -> None:
    result = cli("list", text)
    refused(result, 2, "tracker: bad filter: ", fragment)
    picture = result.stderr.splitlines()[1:]
    assert len(picture) == 2 and picture[1].strip().startswith("^")
    assert all(len(line) < 200 for line in picture)  # a window, not 50,000 characters
    assert "\x1b" not in result.stderr


def codes(cli: CliRun, *words: str) -> list[str]:
    result = cli("list", *words, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [r["code"] for r in json.loads(result.stdout)]


def test_filters_up_to_the_bounds_work(cli: CliRun) -> None:
    everyone = codes(cli, "养老")
    assert len(everyone) > 0
    assert codes(cli, nested(MAX_FILTER_DEPTH)) == everyone
    assert codes(cli, "-" * MAX_FILTER_DEPTH + "养老") == everyone  # an even number of negations
    assert codes(cli, " ".join(["养老"] * MAX_FILTER_TERMS)) == everyone
    padded = "养老" + " " * (MAX_FILTER_LENGTH - 2)
    assert codes(cli, padded) == everyone
    refused(cli("list", padded + " "), 2, "2,001 characters long")
    refused(cli("list", nested(MAX_FILTER_DEPTH + 1)), 2, "nests more than")
    refused(cli("list", " ".join(["养老"] * (MAX_FILTER_TERMS + 1))), 2, "more than 64 terms")
    assert codes(cli, "category:5") == ["5-1", "5-2", "5-3", "5-4"]  # line 2808: 4 projects
    assert codes(cli, "category:99") == []
    assert codes(cli, "finish:2100..") == [] and codes(cli, "total:..1000000") == codes(cli)


def test_views_count_toward_depth_and_terms(cli: CliRun, workdir: Path) -> None:
    # each view doubles the one before: @v6 would expand to 2⁶ = 64 words, @v7 to 128
    lines = ['v0 = "养老"'] + [f'v{i} = "@v{i - 1} @v{i - 1}"' for i in range(1, 8)]
    chain = ['c0 = "养老"'] + [f'c{i} = "(@c{i - 1})"' for i in range(1, 10)]
    (workdir / "tracker.toml").write_text("[views]\n" + "\n".join(lines + chain) + "\n", encoding="utf-8")
    assert codes(cli, "@v6") == codes(cli, "养老")
    refused(cli("list", "@v7"), 2, "in view @v7", "more than 64 terms")
    # a view reference and its parentheses are two levels each: @c7 reaches 15 levels, @c8 17
    assert codes(cli, "@c7") == codes(cli, "养老")
    refused(cli("list", "@c8"), 2, "in view @c8", "nests more than 16")


# ---------------------------------------------------------------------------- text fields


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (
            ("edit", "2-9", "name=养老\x1b]0;pwned\x07院"),
            "name: control characters are not allowed: 养老\\x1b]0;pwned\\x07院",
        ),
        (("edit", "2-9", "owner=雨湖区\n民政局"), "owner: control characters are not allowed"),
        (("edit", "2-9", "name=" + "名" * 501), "name: 501 characters is more than 500"),
        (("edit", "2-9", "content=" + "容" * 20_001), "content: 20001 characters is more than 20000"),
        (("edit", "2-9", "note=\u202egnp.exe"), "note: control characters are not allowed"),
        (("progress", "2-9", "--month", "2023-06", "--problems", "\x1b[31m红"), "problems: control characters"),
        (("progress", "2-9", "--month", "2023-06", "--progress-text", "\x00"), "progress_text: control characters"),
        (("progress", "2-9", "--month", "2023-06", "--reporter", "李\t四"), "reporter: control characters"),
    ],
)
def test_text_values_are_checked_and_the_field_named(
    cli: CliRun, engine: Engine, args: tuple[str, ...], fragment: str
) -> None:
    before = operations(engine)
    result = cli(*args, "--as-of", "2023-06-30")
    refused(result, 1, fragment)
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert operations(engine) == before


def test_multi_line_fields_keep_their_lines_with_one_kind_of_line_break(cli: CliRun) -> None:
    assert cli("edit", "2-9", "content=第一行\r\n第二行\r第三行\n\t第四行").exit_code == 0
    assert project(cli, "2-9")["content"] == "第一行\n第二行\n第三行\n\t第四行"
    result = cli("progress", "2-9", "--month", "2023-06", "--problems", "资金\r\n未到位", "--as-of", "2023-06-30")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(cli("progress", "2-9", "--format", "json").stdout)
    assert listed[0]["problems"] == "资金\n未到位"


def test_undecodable_bytes_in_an_argument_are_refused(cli: CliRun, engine: Engine) -> None:
    before = operations(engine)
    """The boundary refuses them before any command runs (the domain's own checks guard other callers)."""
    refused(cli("edit", "2-9", "owner=\udcff"), 2, "the argument 'owner=\\xff' is not valid UTF-8 text")
    refused(cli("progress", "\udcff", "--month", "2023-06"), 2, "the argument '\\xff' is not valid UTF-8")
    refused(cli("list", "name:\udcff"), 2, "not valid UTF-8")
    with pytest.raises(EditError, match="owner: not valid text"):
        validate({"owner": "\udcff"})
    assert operations(engine) == before


# ---------------------------------------------------------------------------- the helpers themselves


def test_parse_int_reads_ascii_digits_only_and_never_converts_a_huge_text() -> None:
    assert parse_int(" 42 ", "n", 0, 100) == 42
    assert parse_int("+007", "n", 0, 100) == 7
    for text in ("٤٢", "４２", "²", "4_2", "4.0", "", "0x10"):
        with pytest.raises(BoundsError, match="is not a whole number"):
            parse_int(text, "n", 0, 100)
    with pytest.raises(UsageError, match=r"n: 9{39}… \(50000 characters\) is out of range \(0–100\)"):
        parse_int("9" * 50_000, "n", 0, 100, error=UsageError)  # int() would refuse past 4,300 digits
    with pytest.raises(BoundsError, match="-101 is out of range"):
        parse_int("-101", "n", -100, 100)


def test_check_amount_bounds_inclusive() -> None:
    assert check_amount(D("1000000.00"), "x") == D(1000000)
    assert check_amount(D("-1000000"), "x") == D(-1000000)
    assert check_amount(D("0.10000"), "x") == D("0.1")  # trailing zeros are not extra decimals
    for bad in (D("1000000.01"), D("-1000000.01"), D("0.001"), D("NaN"), D("Infinity")):
        with pytest.raises(BoundsError):
            check_amount(bad, "x")


def test_check_text_lengths_by_kind() -> None:
    assert check_text("甲\n乙\t丙", "content") == "甲\n乙\t丙"
    with pytest.raises(BoundsError, match="name: control characters"):
        check_text("甲\n乙", "name", multiline=False)
    assert check_text("名" * 500, "name", multiline=False)
    with pytest.raises(BoundsError, match="501 characters is more than 500"):
        check_text("名" * 501, "name", multiline=False)
