"""Issue 12 item 4, numbers as an officer reads them: money to two decimals of 万元 with thousands
separators, percentages to one decimal with ``%``, shares to two decimals (aligned on the point), and
a rounding note where a shown total is not the sum of its shown rows — while JSON and CSV stay exact.

The by-year figures are the bundled plan's 87 projects spread evenly over their construction years
(``rollup.year_spread = even``): a project of 2,050 万元 over three years is 683.333333 + 683.333333 +
683.333334, so year sums carry millionths (2020: 2,050.000001) that the table rounds to 2,050.00. Shown
to two decimals the six year rows add up to 488,707.13 (2,050.00 + 114,527.30 + 113,587.30 +
98,382.08 + 89,679.85 + 70,480.60), the exact total is 488,707.12: the table says so.
"""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CliRun
from tracker.numbers import fmt_money, fmt_percent, fmt_share, largest_gap, parse_money, rollup_gap, rounding_gap

D = Decimal

money = st.decimals(min_value=D("-1000000"), max_value=D("1000000"), places=6, allow_nan=False, allow_infinity=False)
percents = st.decimals(min_value=D("-1000"), max_value=D("1000"), places=4, allow_nan=False, allow_infinity=False)

NOTE = "Totals are computed from exact values; they differ from the sum of the rounded rows by 0.01"


@given(money)
def test_money_reads_back_within_half_a_hundredth(amount: Decimal) -> None:
    text = fmt_money(amount)
    assert abs(parse_money(text) - amount) <= D("0.005")
    whole, _, decimals = text.partition(".")
    assert len(decimals) == 2 and not text.startswith("-0.00")
    assert whole.lstrip("-").replace(",", "").isdigit()
    groups = whole.lstrip("-").split(",")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


@given(percents)
def test_percent_reads_back_within_half_a_tenth(pct: Decimal) -> None:
    text = fmt_percent(pct)
    assert text.endswith("%") and len(text.partition(".")[2]) == 2  # one decimal and the sign
    assert abs(D(text[:-1]) - pct) <= D("0.05")


def test_the_figures_of_the_issue() -> None:
    assert fmt_money(D("27523.222912")) == "27,523.22"  # 老年人福利类 social capital
    assert fmt_money(D("2050.000001")) == "2,050.00"  # 2020 in the rollup by year
    assert fmt_money(D("1234.5")) == "1,234.50" and fmt_money(D("0")) == "0.00" and fmt_money(None) == ""
    assert fmt_money(D("-0.004")) == "0.00"  # never "-0.00"
    assert fmt_money(D("0.005")) == "0.00" and fmt_money(D("0.015")) == "0.02"  # half to even, as round_fen
    # 0, 1 and 0.48 in one column become 0.0%, 1.0% and 0.5%
    assert [fmt_percent(D(p)) for p in ("0", "1", "0.48")] == ["0.0%", "1.0%", "0.5%"]
    assert fmt_percent(D("48")) == "48.0%" and fmt_percent(None) == ""
    # shares aligned on the point: 9.24, 5.00, 33.30, 24.00
    assert [fmt_share(D(s)) for s in ("9.24", "5", "33.3", "24")] == ["9.24", "5.00", "33.30", "24.00"]


def test_rounding_gap() -> None:
    assert rounding_gap(D("0.012"), [D("0.004")] * 3) == D("0.01")  # 0.00 + 0.00 + 0.00 shown, total 0.01
    assert rounding_gap(D("3"), [D("1"), D("2")]) == 0
    assert largest_gap([(D("3"), [D("1"), D("2")]), (D("0.012"), [D("0.004")] * 3)]) == D("0.01")
    assert largest_gap([]) == 0


def test_rollup_by_year_table_shows_two_decimals_and_the_rounding_note(cli: CliRun) -> None:
    result = cli("rollup", "--by", "year", "--format", "table")
    assert result.exit_code == 0
    out = result.stdout
    for shown in ("2,050.00", "114,527.30", "113,587.30", "98,382.08", "89,679.85", "70,480.60", "488,707.12"):
        assert shown in out
    assert "2,050.000001" not in out and "31,444.086804" not in out
    assert "31,444.09" in out and "156,423.22" in out
    assert NOTE in " ".join(out.split())  # the caption may wrap on a narrow terminal


def test_rollup_by_category_adds_up_and_has_no_note(cli: CliRun) -> None:
    out = cli("rollup", "--by", "category", "--format", "table").stdout
    # social capital: 0.00 + 27,523.22 + 0.00 + 128,900.00 + 0.00 = 156,423.22, the total shown
    assert "27,523.22 " in out and "27,523.222912" not in out and "156,423.22" in out
    assert "differ from the sum" not in out


def test_json_and_csv_stay_exact(cli: CliRun) -> None:
    rows = json.loads(cli("rollup", "--by", "year", "--format", "json").stdout)
    first = rows[0]
    assert first["year"] == "2020" and D(str(first["total"])) == D("2050.000001")
    csv = cli("rollup", "--by", "category", "--format", "csv").stdout
    assert "27523.222912" in csv


def test_list_table_aligns_shares(cli: CliRun) -> None:
    out = cli("list", "category:老年", "--format", "table", "--columns", "code,total,share").stdout
    assert " 9.24 " in out and " 5.00 " in out and " 33.30 " in out and " 24.00 " in out
    assert "5,409.88" in out


def test_rollup_gap_looks_at_every_subtotal_and_only_its_own_rows() -> None:
    from tracker.rollups import RollupRow

    def row(path: tuple[str, ...], total: str, subtotal: bool = False) -> RollupRow:
        return RollupRow(path, len(path), subtotal, 1, D(total), D(0), D(0), D(0), None)

    thirds = [row(("A",), "0.024", True), row(("A", "x"), "0.008"), row(("A", "y"), "0.008"), row(("A", "z"), "0.008")]
    # A shows 0.02; x, y, z show 0.01 each: 0.03. The grand total 0.024 + 1 = 1.02 = 0.02 + 1.00: adds up.
    rows = [*thirds, row(("B",), "1", True), row(("B", "x"), "1"), row((), "1.024", True)]
    assert rollup_gap(rows) == D("0.01")
    assert rollup_gap([row(("B",), "1", True), row(("B", "x"), "1"), row((), "1", True)]) == 0
