"""``tracker report --summary``: the paragraph a monthly bulletin opens with, from the table's own figures.

The portfolio is tests/test_golden_outputs.py's: the bundled 87 projects with fixed progress and annual
plans, judged on 2023-07-31, report month 2023-06. Worked out by hand:

- 87 projects, total investment 488,707.12 万元 (the plan's annex);
- 2023 annual plans: 1-1 600 + 2-9 2,000 = 2,600 (2-18's plan is for 2022);
- invested January–June 2023: 1-1 300 + 150.5, 2-9 1,234.57, 4-11 0 = 1,685.07 (2-18's 800 is 2022-12);
  over the annual plans 1,685.07 / 2,600 = 64.8103…% → 64.81%; time pace 6/12 = 50.00%: 14.81 points ahead;
- two projects are due to start in 2023 and neither has reported (started 0, rate 0.00%); one is
  completed (2-18, 已竣工 in 2022-12);
- behind (the ``lagging`` warning of the 预警 column): 1-1, 2-9 and 4-11.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.conftest import CliRun
from tests.test_golden_outputs import AS_OF, portfolio  # noqa: F401  (the fixture)
from tracker.report import ReportSource, summary_text

D = Decimal
MONTH = ("report", "--month", "2023-06")


def _summaries(cli: CliRun, *args: str) -> list[dict]:
    result = cli("--as-of", AS_OF, *MONTH, "--summary", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout, parse_float=D)["summaries"]


def _table(cli: CliRun, *args: str) -> dict:
    result = cli("--as-of", AS_OF, *MONTH, *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout, parse_float=D)


def test_summary_figures_worked_out_by_hand(portfolio: CliRun) -> None:  # noqa: F811
    [s] = _summaries(portfolio)
    assert s["category"] is None
    assert (s["projects"], s["total_investment"], s["annual_plan"]) == (87, D("488707.12"), 2600)
    assert (s["invested_ytd"], s["annual_pct"]) == (D("1685.07"), D("64.81"))
    assert (s["time_pace_pct"], s["ahead_points"]) == (50, D("14.81"))
    assert (s["due_to_start"], s["started"], s["start_rate_pct"], s["completed"]) == (2, 0, 0, 1)
    assert (s["behind"], s["behind_codes"]) == (3, ["1-1", "2-9", "4-11"])


def test_summary_figures_equal_the_tables(portfolio: CliRun) -> None:  # noqa: F811
    [s] = _summaries(portfolio)
    table = _table(portfolio)
    totals, rows = table["totals"], table["rows"]
    assert s["projects"] == totals["count"] == len(rows)
    for key in ("total_investment", "annual_plan", "invested_ytd", "annual_pct"):
        assert s[key] == totals[key], key
    assert s["completed"] == sum(r["status"] == "completed" for r in rows)
    lagging = [r["code"] for r in rows if any(w["rule"] == "lagging" for w in r["warnings"])]
    assert (s["behind"], s["behind_codes"]) == (len(lagging), lagging)
    export = json.loads(portfolio("export", "--format", "json").stdout)
    due = {p["code"] for p in export if p["start_year"] == 2023}
    assert s["due_to_start"] == len(due)
    assert s["started"] == sum(r["code"] in due and r["status"] != "not_started" for r in rows)


def test_summary_by_category_equals_the_subtotals(portfolio: CliRun) -> None:  # noqa: F811
    per_category = _summaries(portfolio, "--by", "category")
    subtotals = _table(portfolio, "--subtotals")["subtotals"]
    assert [s["category"] for s in per_category] == [t["category"] for t in subtotals]
    for s, t in zip(per_category, subtotals, strict=True):
        assert s["projects"] == t["count"]
        for key in ("total_investment", "annual_plan", "invested_ytd", "annual_pct"):
            assert s[key] == t[key], (s["category"], key)
    [whole] = _summaries(portfolio)
    for key in ("projects", "due_to_start", "started", "completed", "behind"):
        assert sum(s[key] for s in per_category) == whole[key], key
    children = next(s for s in per_category if s["category"] == "儿童福利类项目")
    assert (children["annual_pct"], children["ahead_points"], children["behind_codes"]) == (
        D("75.08"),
        D("25.08"),
        ["1-1"],
    )


def test_summary_paragraph_in_chinese_and_english(portfolio: CliRun) -> None:  # noqa: F811
    zh = portfolio("--as-of", AS_OF, *MONTH, "--summary")
    assert zh.exit_code == 0, zh.stderr
    text = zh.stdout
    for part in (
        "截至2023年6月底",
        "共87个，总投资488,707.12万元，2023年度计划投资2,600.00万元",
        "1—6月累计完成投资1,685.07万元，占年度计划的64.81%，超序时进度（50.00%）14.81个百分点",
        "2023年计划开工项目2个，已开工0个，开工率0.00%；已竣工项目1个",
        "进度滞后项目3个：1-1、2-9、4-11",
    ):
        assert part in text, part
    en = portfolio("--as-of", AS_OF, *MONTH, "--summary", "--language", "en")
    assert en.exit_code == 0, en.stderr
    for part in (
        "As of the end of June 2023, there are 87",
        "total investment of 488,707.12",
        "Investment completed January–June is 1,685.07, 64.81% of the annual plan, 14.81 percentage points ahead",
        "2 were due to start in 2023; 0 have started (0.00%); 1 is completed. 3 are behind: 1-1, 2-9, 4-11.",
    ):
        assert part in en.stdout, part


def test_summary_of_a_filter_and_a_capped_list(portfolio: CliRun, engine: Engine) -> None:  # noqa: F811
    [s] = _summaries(portfolio, "category:儿童")
    assert (s["projects"], s["invested_ytd"], s["behind_codes"]) == (8, D("450.5"), ["1-1"])
    # the list of codes stops at the limit; the count stays complete, and the text says how many
    with Session(engine) as session:
        [capped] = ReportSource(session, "2023-06", as_of=date(2023, 7, 31)).summaries(behind_limit=2)
    assert (capped.behind, capped.behind_codes) == (3, ["1-1", "2-9"])
    assert "进度滞后项目3个：1-1、2-9等3个。" in summary_text(capped, "zh")
    assert "3 are behind: 1-1, 2-9 and 1 more." in summary_text(capped, "en")


def test_summary_usage_errors(portfolio: CliRun) -> None:  # noqa: F811
    for args, message in (
        (("--by", "category"), "--summary"),
        (("--summary", "--by", "district"), "--by"),
        (("--summary", "--language", "fr"), "--language"),
    ):
        result = portfolio(*MONTH, *args)
        assert result.exit_code == 2 and message in result.stderr, (args, result.stderr)


def test_summary_is_identical_on_postgres(pg_url: str, portfolio: CliRun) -> None:  # noqa: F811
    """The summary's SQL (status counts in the totals' GROUP BY, per-category warnings) on PostgreSQL."""
    from tests.test_golden_outputs import ANNUAL, PROGRESS

    for args in PROGRESS:
        assert portfolio("--as-of", AS_OF, "progress", *args, db=pg_url).exit_code == 0
    for args in ANNUAL:
        assert portfolio("annual-plan", *args, db=pg_url).exit_code == 0
    for extra in ((), ("--by", "category"), ("--language", "en")):
        args = ("--as-of", AS_OF, *MONTH, "--summary", *extra)
        on_pg, on_sqlite = portfolio(*args, db=pg_url), portfolio(*args)
        assert on_pg.exit_code == 0, on_pg.stderr
        assert on_pg.stdout == on_sqlite.stdout, extra
