"""Rollups on the real 87 projects: per category, per year (exact back to the plan totals), per district.

Expected sums are the rows of annex 1 as read off data/xiangtan_plan.txt (line numbers in comments) and
added up here, not figures produced by the code under test.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.conftest import CliRun
from tests.test_warnings import PERIODS, first_year, last_year
from tracker.db import reading, transaction
from tracker.filters import where_clause
from tracker.models import ProgressRecord, Project
from tracker.money import social_capital
from tracker.rollups import DIMENSIONS, RollupError, RollupRow, rollup, spread

D = Decimal

# (total, planned) of each category's rows, as printed (lines 916–2918); categories 2 and 4 do not add
# up to their published subtotals (356417.32 and 172857.8), so the rows are what a rollup must give.
ROW_SUMS = {
    "儿童福利类项目": (8, D("5270"), D("5270")),
    "老年人福利类项目": (50, D("256417.32"), D("255563.32")),
    "城乡社区治理类项目": (7, D("51167"), D("40167")),
    "社会公益类项目": (18, D("168647"), D("167247")),
    "残障人福利类项目": (4, D("7205.8"), D("7155.8")),
}
GRAND = (87, D("488707.12"), D("475403.12"))

# Social-investment shares (社会投资占比) with their totals: 2-9 (lines 1294–1298) 5409.88 × 9.24%,
# 2-10 10477 × 5%, 2-13 1500 × 33.3%, 2-17 20000 × 10%, 2-18 100000 × 24%,
# 4-9 1000 × 40%, 4-10 30000 × 95%, 4-11 100000 × 100%.
SHARES = {
    "2-9": (D("5409.88"), D("9.24")), "2-10": (D("10477"), D("5")), "2-13": (D("1500"), D("33.3")),
    "2-17": (D("20000"), D("10")), "2-18": (D("100000"), D("24")), "4-9": (D("1000"), D("40")),
    "4-10": (D("30000"), D("95")), "4-11": (D("100000"), D("100")),
}


def run(engine: Engine, dims: list[str], text: str = "", **kw: object) -> list[RollupRow]:
    where = where_clause(text, as_of=date(2023, 6, 30))
    with reading(engine) as s:
        return rollup(s, dims, where, **kw)  # type: ignore[arg-type]


def test_by_category_sums_the_rows(engine: Engine) -> None:
    rows = run(engine, ["category"])
    assert [(r.path, r.level, r.is_subtotal) for r in rows] == [
        *(((name,), 1, False) for name in ROW_SUMS), ((), 0, True),
    ]
    assert {r.path[0]: (r.count, r.total, r.planned) for r in rows[:-1]} == ROW_SUMS
    assert (rows[-1].count, rows[-1].total, rows[-1].planned) == GRAND
    elderly = (D("5409.88") * D("9.24") + D("10477") * 5 + D("1500") * D("33.3") + 20000 * 10 + 100000 * 24) / 100
    assert elderly == D("27523.222912")
    public = (1000 * 40 + 30000 * 95 + 100000 * 100) / D(100)
    assert [r.social_capital for r in rows] == [0, elderly, 0, public, 0, elderly + public]
    assert all(r.invested == 0 and r.invested_pct == 0 for r in rows)


def test_social_capital_rounds_each_project_like_the_export(engine: Engine) -> None:
    rows = run(engine, ["category"], "share>0")
    expected = sum((social_capital(total, share) for total, share in SHARES.values()), D(0))
    assert rows[-1].social_capital == expected
    with transaction(engine) as s:  # an amount whose share falls between two fen: 0.01 × 50% = 0.005 → 0 (half-even)
        project = s.execute(select(Project).where(Project.code == "1-1")).scalar_one()
        project.total_investment, project.social_share_pct = D("0.000001"), D("50")
        other = s.execute(select(Project).where(Project.code == "1-2")).scalar_one()
        other.total_investment, other.social_share_pct = D("0.000003"), D("50")
    # 1 fen × 50% = 0.5 fen → 0 (even); 3 fen × 50% = 1.5 fen → 2 (even)
    assert run(engine, ["category"], "code=1-1 or code=1-2")[-1].social_capital == D("0.000002")


def test_by_year_adds_back_to_the_plan_exactly(engine: Engine) -> None:
    rows = run(engine, ["year"])
    years = [r for r in rows if r.level == 1]
    assert [r.path[0] for r in years] == ["2020", "2021", "2022", "2023", "2024", "2025"]
    assert sum((r.planned for r in years), D(0)) == D("475403.12") == rows[-1].planned
    assert sum((r.total for r in years), D(0)) == D("488707.12") == rows[-1].total
    assert sum((r.social_capital for r in years), D(0)) == rows[-1].social_capital
    # count = projects whose construction period includes the year (from the cells in PERIODS)
    for row in years:
        year = int(row.path[0])
        active = {code for code, start, finish in PERIODS if first_year(start) <= year <= last_year(finish)}
        assert row.count == len(active), year
    assert years[0].count == 3  # 2-11, 4-8, 4-18 start in 2020
    assert rows[-1].count == 87


@pytest.mark.parametrize(
    ("rule", "totals", "planned"),
    [
        # 2-14 (lines 1416–1422): 2021-2023, total 200, planned 120
        ("even", ["66.666667", "66.666667", "66.666666"], ["40", "40", "40"]),
        ("front", ["100", "66.666667", "33.333333"], ["60", "40", "20"]),
        ("back", ["33.333333", "66.666667", "100"], ["20", "40", "60"]),
    ],
)
def test_year_spread_rules_for_one_project(engine: Engine, rule: str, totals: list[str], planned: list[str]) -> None:
    rows = run(engine, ["year"], "code=2-14", spread=rule)
    assert [(r.path, r.count, r.total, r.planned) for r in rows] == [
        (("2021",), 1, D(totals[0]), D(planned[0])),
        (("2022",), 1, D(totals[1]), D(planned[1])),
        (("2023",), 1, D(totals[2]), D(planned[2])),
        ((), 1, D(200), D(120)),
    ]


def test_spread_is_largest_remainder() -> None:
    assert spread(100, 3) == [34, 33, 33]
    assert spread(200_000_000, 3, "front") == [100_000_000, 66_666_667, 33_333_333]
    assert spread(5, 1) == [5]
    assert spread(1, 4, "back") == [0, 0, 0, 1]
    with pytest.raises(RollupError):
        spread(5, 2, "middle")


@given(st.integers(min_value=0, max_value=10**14), st.integers(min_value=1, max_value=12),
       st.sampled_from(["even", "front", "back"]))
def test_spread_always_adds_back(amount: int, parts: int, rule: str) -> None:
    shares = spread(amount, parts, rule)
    assert sum(shares) == amount and len(shares) == parts
    weights = {"even": [1] * parts, "front": list(range(parts, 0, -1)), "back": list(range(1, parts + 1))}[rule]
    for share, weight in zip(shares, weights, strict=True):  # each within one fen of its exact share
        assert abs(share * sum(weights) - amount * weight) < sum(weights)


def test_by_district(engine: Engine) -> None:
    rows = run(engine, ["district"])
    by = {r.path: r for r in rows}
    # 湘乡市 (names beginning 湘乡市): 1-5 1500, 1-6 100, 2-20 8000, 2-21 3500, 2-22 22200, 2-23 5000,
    # 2-24 1200, 2-25 480, 2-26 840, 3-3 26000/15000 (lines 1018, 1040, 1552, 1574, 1596, 1618, 1640, 1662,
    # 1684, 2292/2294)
    xx = by[("湘乡市",)]
    assert (xx.count, xx.total, xx.planned) == (
        10, D(1500 + 100 + 8000 + 3500 + 22200 + 5000 + 1200 + 480 + 840 + 26000),
        D(1500 + 100 + 8000 + 3500 + 22200 + 5000 + 1200 + 480 + 840 + 15000),
    )
    unplaced = by[("(unplaced)",)]  # 4-11, owner 湖南湘水缘长生陵园有限公司: 100000, share 100%
    assert (unplaced.count, unplaced.total, unplaced.social_capital) == (1, D(100000), D(100000))
    assert rows[-2].path == ("(unplaced)",) and rows[-1].path == ()
    assert [r.path[0] for r in rows[:3]] == ["市本级", "雨湖区", "岳塘区"]  # the gazetteer's order
    assert sum(r.count for r in rows[:-1]) == 87
    assert sum((r.total for r in rows[:-1]), D(0)) == GRAND[1]
    assert sum((r.planned for r in rows[:-1]), D(0)) == GRAND[2]


def test_two_dimensions_subtotals_and_filter(engine: Engine) -> None:
    rows = run(engine, ["category", "district"], "category:残障")
    # 5-1 市本级 3855.8, 5-2 雨湖区 1800, 5-3 韶山市 1200, 5-4 韶山市 350/300 (lines 2846–2914)
    assert [(r.path, r.level, r.is_subtotal, r.count, r.total, r.planned) for r in rows] == [
        (("残障人福利类项目",), 1, True, 4, D("7205.8"), D("7155.8")),
        (("残障人福利类项目", "市本级"), 2, False, 1, D("3855.8"), D("3855.8")),
        (("残障人福利类项目", "雨湖区"), 2, False, 1, D("1800"), D("1800")),
        (("残障人福利类项目", "韶山市"), 2, False, 2, D("1550"), D("1500")),
        ((), 0, True, 4, D("7205.8"), D("7155.8")),
    ]


def test_category_by_year_subtotals_count_each_project_once(engine: Engine) -> None:
    rows = run(engine, ["category", "year"])
    subtotals = {r.path[0]: r for r in rows if r.level == 1}
    assert {name: (r.count, r.total, r.planned) for name, r in subtotals.items()} == ROW_SUMS
    for name, sub in subtotals.items():
        years = [r for r in rows if r.level == 2 and r.path[0] == name]
        assert sum((r.planned for r in years), D(0)) == sub.planned


def test_invested_and_percent_once_progress_exists(engine: Engine) -> None:
    with transaction(engine) as s:
        p = s.execute(select(Project).where(Project.code == "2-18")).scalar_one()
        for month, amount in (("2021-11", "10000"), ("2022-02", "15000.5"), ("2023-08", "1")):
            s.add(ProgressRecord(project_id=p.id, month=month, status="in_progress", invested=D(amount),
                                 recorded_at=datetime(2023, 9, 1, tzinfo=UTC)))
    with reading(engine) as s:
        everything = rollup(s, ["category"])
        as_of = rollup(s, ["category"], as_of=date(2023, 6, 30))
        years = rollup(s, ["year"], where_clause("code=2-18", as_of=date(2023, 6, 30)))
    elderly = everything[1]
    assert elderly.invested == D("25001.5") and elderly.invested_pct == D("9.75")  # 25001.5 / 256417.32
    assert as_of[1].invested == D("25000.5")  # the August 2023 report is after the as-of month
    assert everything[-1].invested == D("25001.5")
    assert everything[-1].invested_pct == D("5.12")  # 25001.5 / 488707.12 = 5.1158…%
    assert [(r.path, r.invested) for r in years] == [
        (("2021",), D("10000")), (("2022",), D("15000.5")), (("2023",), D("1")), (("2024",), 0), (("2025",), 0),
        ((), D("25001.5")),
    ]


def test_bad_dimensions() -> None:
    with pytest.raises(RollupError, match="cannot roll up by 'region'"):
        rollup(None, ["region"])  # type: ignore[arg-type]
    with pytest.raises(RollupError, match="at least one"):
        rollup(None, [])  # type: ignore[arg-type]
    assert DIMENSIONS == ("category", "district", "year", "nature", "status", "owner")


@pytest.mark.parametrize("dim", DIMENSIONS)
def test_every_dimension_adds_up(engine: Engine, dim: str) -> None:
    rows = run(engine, [dim])
    leaves = [r for r in rows if not r.is_subtotal]
    assert sum((r.total for r in leaves), D(0)) == GRAND[1]
    assert sum((r.planned for r in leaves), D(0)) == GRAND[2]
    assert (rows[-1].count, rows[-1].total, rows[-1].planned) == GRAND


# --- CLI ------------------------------------------------------------------------------------------


def test_cli_rollup_json_keeps_the_hierarchy(cli: CliRun) -> None:
    result = cli("rollup", "--by", "category", "--by", "status", "category:儿童", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout, parse_float=Decimal)
    assert data == [
        {"path": ["儿童福利类项目"], "level": 1, "is_subtotal": True, "category": "儿童福利类项目", "status": None,
         "count": 8, "total": 5270, "planned": 5270, "social_capital": 0, "invested": 0, "invested_pct": 0},
        {"path": ["儿童福利类项目", "not_started"], "level": 2, "is_subtotal": False, "category": "儿童福利类项目",
         "status": "not_started", "count": 8, "total": 5270, "planned": 5270, "social_capital": 0, "invested": 0,
         "invested_pct": 0},
        {"path": [], "level": 0, "is_subtotal": True, "category": None, "status": None,
         "count": 8, "total": 5270, "planned": 5270, "social_capital": 0, "invested": 0, "invested_pct": 0},
    ]


def test_cli_rollup_csv_by_year(cli: CliRun) -> None:
    result = cli("rollup", "--by", "year", "code=2-14")  # a pipe: CSV
    assert result.exit_code == 0
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["path"], r["year"], r["level"], r["is_subtotal"], r["total"], r["planned"]) for r in table] == [
        ("2021", "2021", "1", "false", "66.666667", "40"),
        ("2022", "2022", "1", "false", "66.666667", "40"),
        ("2023", "2023", "1", "false", "66.666666", "40"),
        ("", "", "0", "true", "200", "120"),
    ]
    front = cli("rollup", "--by", "year", "code=2-14", "--spread", "front")
    assert "100" in front.stdout.splitlines()[1]


def test_cli_rollup_table_and_errors(cli: CliRun) -> None:
    table = cli("rollup", "--by", "district", "--format", "table")
    assert table.exit_code == 0 and "(unplaced)" in table.stdout and "488,707.12" in table.stdout
    bad = cli("rollup", "--by", "region")
    assert bad.exit_code == 2 and "cannot roll up by 'region'" in bad.stderr
    assert cli("rollup", "--by", "year", "total>>1").exit_code == 2


# --- PostgreSQL ------------------------------------------------------------------------------------


def _progress(engine: Engine) -> None:
    """The same statuses and reports on both databases."""
    with transaction(engine) as s:
        for code, status, reports in (
            ("2-18", "in_progress", (("2021-06", "20000"), ("2023-04", "0.5"))),
            ("2-17", "in_progress", (("2022-01", "9000"),)),
            ("1-2", "completed", ()),
            ("3-4", "suspended", (("2021-03", "100"),)),
        ):
            p = s.execute(select(Project).where(Project.code == code)).scalar_one()
            p.status = status
            for month, amount in reports:
                s.add(ProgressRecord(project_id=p.id, month=month, status="in_progress", invested=D(amount),
                                     recorded_at=datetime(2023, 5, 1, tzinfo=UTC)))


FILTERS = [
    "", "category:老年 -status:completed", "殡仪 or share>=40", "total:1000..5000 finish<=2023", 'district=""',
    "+overdue", "+late_start", "+due_soon", "+lagging", "+stale", "+social_capital", "name:% or name:_",
    "status:在建 (start:2021 or +overdue)", "-share>0 planned<total", "category:2 nature:续建",
]


def test_same_results_on_postgres(pg_url: str, engine: Engine) -> None:
    """Filters, tags, rollups and warnings give identical answers on SQLite and PostgreSQL."""
    from tracker.db import make_engine
    from tracker.filters import FilterError
    from tracker.portfolio import rows as project_rows
    from tracker.warnings import evaluate

    pg = make_engine(pg_url)
    try:
        _progress(engine)
        _progress(pg)
        for as_of in (date(2021, 3, 1), date(2023, 6, 30), date(2025, 10, 31)):
            for text in FILTERS:
                try:
                    where = where_clause(text, as_of=as_of)
                except FilterError:
                    assert text == "-share>0 planned<total"  # no field-to-field comparison in the language
                    continue
                answers = []
                for eng in (engine, pg):
                    with reading(eng) as s:
                        answers.append((
                            [r.project.code for r in project_rows(s, where)],
                            [(r.path, r.count, r.total, r.planned, r.social_capital, r.invested, r.invested_pct)
                             for dims in (["category", "district"], ["year", "status"], ["nature"])
                             for r in rollup(s, dims, where, as_of=as_of)],
                            evaluate(s, as_of, None, where),
                        ))
                assert answers[0] == answers[1], (as_of, text)
                if text == "":
                    assert len(answers[0][0]) == 87 and answers[0][2], as_of  # not a vacuous comparison
    finally:
        pg.dispose()
