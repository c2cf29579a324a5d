"""Indicator status at hand-worked dates, on real indicators of the seeds (Xiangtan 001, Anyue 002)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.indicators.status import STATUSES, expected_on_path, indicator_status
from tracker.indicators.targets import LEVELS, read_target

D = Decimal
PERIOD = (2021, 2025)
MID = date(2023, 6, 30)

# Xiangtan 养老机构护理型床位占比(%): target 60 (约束值), baseline 54.2% (2020 市完成值, 十三五 table).
BEDS_TARGET, BEDS_BASE = read_target("60"), read_target("54.2%")


def beds(values: list[tuple[int, str]], as_of: date = MID) -> str:
    return indicator_status(BEDS_TARGET, BEDS_BASE, values, as_of, PERIOD, binding=True)


def test_linear_path_worked_by_hand() -> None:
    # 54.2 + (60 - 54.2) × k/5: 2021 55.36, 2022 56.52, 2023 57.68, 2024 58.84, 2025 60.
    expected = [expected_on_path(BEDS_TARGET, BEDS_BASE, y, PERIOD) for y in range(2020, 2026)]
    assert expected == [D("54.2"), D("55.36"), D("56.52"), D("57.68"), D("58.84"), D("60")]
    assert expected_on_path(BEDS_TARGET, BEDS_BASE, 2030, PERIOD) == D("60")


def test_binding_behind_its_path_is_at_risk() -> None:
    assert beds([(2022, "56%")]) == "at_risk"  # 56 < 56.52
    assert beds([(2022, "56.52%")]) == "on_track"  # on the path
    assert beds([(2022, "57%")]) == "on_track"


def test_same_figures_for_an_expected_indicator_are_behind() -> None:
    status = indicator_status(BEDS_TARGET, BEDS_BASE, [(2022, "56%")], MID, PERIOD, binding=False)
    assert status == "behind"


def test_latest_value_up_to_the_as_of_year_counts() -> None:
    values = [(2021, "55%"), (2022, "57%"), (2024, "61%")]
    assert beds(values) == "on_track"  # 2022's 57 ≥ 56.52; 2024 is after mid-2023
    assert beds(values, date(2024, 1, 1)) == "met"  # 61 ≥ 60
    assert beds(values, date(2021, 12, 31)) == "at_risk"  # 2021's 55 < 55.36
    assert beds(values, date(2020, 12, 31)) == "no_data"
    assert beds([]) == "no_data"


def test_not_met_at_the_end_is_behind_or_at_risk() -> None:
    assert beds([(2025, "59.9%")], date(2025, 12, 31)) == "at_risk"
    assert beds([(2025, "60%")], date(2025, 12, 31)) == "met"


# Xiangtan 社会组织专职工作人员数量(万人): target 1.2, 预期值, no baseline published.
STAFF = read_target("1.2")


def test_without_a_baseline_not_met_is_on_track_until_the_last_year() -> None:
    assert expected_on_path(STAFF, None, 2023, PERIOD) is None
    assert indicator_status(STAFF, None, [(2022, "0.9")], MID, PERIOD, False) == "on_track"
    assert indicator_status(STAFF, None, [(2023, "1.2万人")], MID, PERIOD, False) == "met"
    assert indicator_status(STAFF, None, [(2025, "1.1")], date(2025, 12, 31), PERIOD, False) == "behind"
    # A stale value judged after the period's end: still not met, so behind.
    assert indicator_status(STAFF, None, [(2022, "0.9")], date(2026, 3, 1), PERIOD, False) == "behind"


def test_with_a_baseline_the_staff_path_is_linear() -> None:
    # Were the 2020 figure 0.7 万人: path 0.8, 0.9, 1.0, 1.1, 1.2 for 2021..2025.
    base = read_target("0.7")
    assert expected_on_path(STAFF, base, 2023, PERIOD) == D("1.0")
    assert indicator_status(STAFF, base, [(2023, "0.95")], MID, PERIOD, False) == "behind"
    assert indicator_status(STAFF, base, [(2023, "1.05")], MID, PERIOD, False) == "on_track"


# Xiangtan 乡镇(街道)未成年人保护工作站覆盖率(%): target >42, 预期性.
STATIONS = read_target(">42")


def test_strict_bound() -> None:
    assert indicator_status(STATIONS, None, [(2024, "42%")], date(2024, 12, 31), PERIOD, False) == "on_track"
    assert indicator_status(STATIONS, None, [(2025, "42%")], date(2025, 12, 31), PERIOD, False) == "behind"
    assert indicator_status(STATIONS, None, [(2023, "42.5%")], MID, PERIOD, False) == "met"
    # Anyue's 乡镇未成年人保护站点覆盖率 went to 50%; with a 2020 baseline of 30: path 32.4 in 2021.
    base = read_target("30%")
    assert expected_on_path(STATIONS, base, 2021, PERIOD) == D("32.4")
    assert indicator_status(STATIONS, base, [(2021, "32%")], MID, PERIOD, True) == "at_risk"


def test_at_most_goes_down() -> None:
    # Xiangtan 政府运营的养老床位占比 不超过50%; 2020 完成 38% → met. Baseline 60: path 58 in 2021.
    cap = read_target("不超过50%")
    assert indicator_status(cap, None, [(2020, "38%")], MID, PERIOD, False) == "met"
    base = read_target("60%")
    assert expected_on_path(cap, base, 2021, PERIOD) == D("58")
    assert indicator_status(cap, base, [(2021, "57%")], MID, PERIOD, False) == "on_track"
    assert indicator_status(cap, base, [(2021, "59%")], MID, PERIOD, True) == "at_risk"


def test_a_number_below_its_baseline_goes_down() -> None:
    # Baseline 20, target 10: path 18, 16, 14, 12, 10. 2023: 15 > 14 behind; 13 on track; 10 met.
    target, base = read_target("10"), read_target("20")
    assert indicator_status(target, base, [(2023, "15")], MID, PERIOD, False) == "behind"
    assert indicator_status(target, base, [(2023, "13")], MID, PERIOD, False) == "on_track"
    assert indicator_status(target, base, [(2023, "10")], MID, PERIOD, False) == "met"


# Xiangtan 养老规划 专栏1: 基本养老服务清单制度 基本建立 (2022目标值) → 全面建立 (2025年目标值).
LIST_FINAL, LIST_2022 = read_target("全面建立"), read_target("基本建立")
MILESTONES = [(2022, LIST_2022)]


def listing(values: list[tuple[int, str]], as_of: date, binding: bool = False) -> str:
    return indicator_status(LIST_FINAL, None, values, as_of, PERIOD, binding, intermediate=MILESTONES)


def test_qualitative_with_a_2022_milestone() -> None:
    assert expected_on_path(LIST_FINAL, None, 2021, PERIOD, MILESTONES) is None
    assert expected_on_path(LIST_FINAL, None, 2023, PERIOD, MILESTONES) == D(LEVELS.index("基本建立"))
    assert expected_on_path(LIST_FINAL, None, 2025, PERIOD, MILESTONES) == D(LEVELS.index("全面建立"))
    assert listing([(2021, "初步建立")], date(2021, 12, 31)) == "on_track"  # no milestone due yet
    assert listing([(2022, "初步建立")], MID) == "behind"  # 2022 wanted 基本建立
    assert listing([(2022, "初步建立")], MID, binding=True) == "at_risk"
    assert listing([(2022, "基本建立")], MID) == "on_track"
    assert listing([(2022, "基本建立"), (2023, "全面建立")], MID) == "met"
    assert listing([(2025, "基本建立")], date(2025, 12, 31)) == "behind"
    assert listing([(2023, "正在推进")], MID) == "behind"  # not a level: no evidence of progress


def test_text_target_met_only_by_the_same_text() -> None:
    # Xiangtan 城乡低保标准年度增速: 不低于居民上年度人均消费支出增速 (no number).
    target = read_target("不低于居民上年度人均消费支出增速")
    assert expected_on_path(target, None, 2023, PERIOD) is None
    assert indicator_status(target, None, [(2022, "6.5%")], MID, PERIOD, False) == "behind"
    assert indicator_status(target, None, [(2022, "不低于居民上年度人均消费支出增速")], MID, PERIOD, False) == "met"
    assert indicator_status(target, None, [], MID, PERIOD, False) == "no_data"


_cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["60", "54.2%", ">42", "不超过50%", "基本建立", "全面建立", "初步建立", "1.2万人", "---"]),
)


@given(
    _cells,
    st.one_of(st.none(), _cells),
    st.lists(st.tuples(st.integers(2015, 2030), _cells), max_size=5),
    st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
    st.booleans(),
)
def test_any_input_gives_one_of_the_statuses(
    target: str, baseline: str | None, values: list[tuple[int, str]], as_of: date, binding: bool
) -> None:
    base = None if baseline is None else read_target(baseline)
    status = indicator_status(read_target(target), base, values, as_of, PERIOD, binding)
    assert status in STATUSES
    if binding:
        assert status != "behind"
    else:
        assert status != "at_risk"
    if not any(year <= as_of.year for year, _ in values):
        assert status == "no_data"


@pytest.mark.parametrize("value", ["60%", "61", "100"])
def test_met_stays_met_at_any_later_date(value: str) -> None:
    for year in range(2021, 2031):
        assert beds([(2021, value)], date(year, 6, 30)) == "met"


def test_milestones_as_the_store_keeps_them() -> None:
    # The indicator store keeps intermediate targets as {year: text} (JSON {"2022": "基本建立"}).
    stored = {2022: "基本建立"}
    assert indicator_status(LIST_FINAL, None, [(2022, "初步建立")], MID, PERIOD, False, stored) == "behind"
    assert indicator_status(LIST_FINAL, None, [(2022, "基本建立")], MID, PERIOD, False, stored) == "on_track"
    assert expected_on_path(LIST_FINAL, None, 2022, PERIOD, stored) == D(LEVELS.index("基本建立"))
    # Xiangtan 护理型床位占比: 55% in 2022 on the way from 54.2% to 60: path 54.6 (2021), 55, then 56.67 (2023).
    assert expected_on_path(BEDS_TARGET, BEDS_BASE, 2021, PERIOD, {2022: "55%"}) == D("54.6")
    assert expected_on_path(BEDS_TARGET, BEDS_BASE, 2022, PERIOD, {2022: "55%"}) == D("55")
    assert expected_on_path(BEDS_TARGET, BEDS_BASE, 2024, PERIOD, {2022: "55%"}) == D("55") + D("5") * 2 / 3


def test_a_blank_value_is_no_value() -> None:
    assert beds([(2022, "  ")]) == "no_data"
    assert beds([(2021, "57%"), (2022, "")]) == "on_track"  # 2021's 57 ≥ 55.36
