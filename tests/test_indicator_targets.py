"""Reading indicator targets: the real cells of the seeds' 主要指标 tables, and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.indicators.targets import KINDS, LEVELS, format_number, read_target

D = Decimal

# (text as published, kind, value, percent, strict) — every text is a real cell of a seed's table.
REAL_CELLS = [
    ("1.2", "number", D("1.2"), False, False),  # Xiangtan 社会组织专职工作人员数量(万人)
    ("75", "number", D("75"), False, False),  # Xiangtan 农村低保标准占城市低保标准比例
    ("0.05", "number", D("0.05"), False, False),  # Xiangtan 福利彩票销售网点(万个)
    (">42", "at_least", D("42"), False, True),  # Xiangtan 乡镇(街道)未成年人保护工作站覆盖率
    ("100%", "number", D("100"), True, False),  # Anyue 农村特困人员有意愿集中供养率
    ("12000", "number", D("12000"), False, False),  # Anyue 居家养老覆盖人数(人)
    ("20张", "number", D("20"), False, False),  # Xiangtan 十三五 每千名老年人拥有养老床位数 2015
    ("38.9张", "number", D("38.9"), False, False),
    ("54.2%", "number", D("54.2"), True, False),  # Xiangtan 护理型床位 2020 市完成值
    ("超过30%", "at_least", D("30"), True, True),  # Xiangtan 养老规划 护理型养老床位占比
    ("95%以上", "at_least", D("95"), True, False),  # 基本养老服务补贴覆盖率
    ("不超过50%", "at_most", D("50"), True, False),  # 政府运营的养老床位占比
]


@pytest.mark.parametrize(("text", "kind", "value", "percent", "strict"), REAL_CELLS)
def test_real_numeric_cells(text: str, kind: str, value: Decimal, percent: bool, strict: bool) -> None:
    target = read_target(text)
    assert (target.kind, target.value, target.percent, target.strict) == (kind, value, percent, strict)
    assert target.text == text
    assert isinstance(target.value, Decimal)


@pytest.mark.parametrize(
    ("text", "kind", "value", "percent", "strict"),
    [
        ("≥90%", "at_least", D("90"), True, False),
        ("≤5", "at_most", D("5"), False, False),
        ("<3.5", "at_most", D("3.5"), False, True),
        ("不低于90%", "at_least", D("90"), True, False),
        ("不少于1,200", "at_least", D("1200"), False, False),
        ("高于5", "at_least", D("5"), False, True),
        ("达到95%", "at_least", D("95"), True, False),
        ("1.2万人", "number", D("1.2"), False, False),
        ("12,000", "number", D("12000"), False, False),
        ("1,234,567.5", "number", D("1234567.5"), False, False),
        ("＞４２", "at_least", D("42"), False, True),  # full-width sign and digits
        ("１００％", "number", D("100"), True, False),
        ("≥ 90 %", "at_least", D("90"), True, False),  # spaces inside
        ("-3.5%", "number", D("-3.5"), True, False),
    ],
)
def test_bounds_units_and_widths(text: str, kind: str, value: Decimal, percent: bool, strict: bool) -> None:
    target = read_target(text)
    assert (target.kind, target.value, target.percent, target.strict) == (kind, value, percent, strict)


def test_bound_against_another_quantity_is_text_with_a_note() -> None:
    target = read_target("不低于居民上年度人均消费支出增速")  # Xiangtan 城乡低保标准年度增速
    assert target.kind == "text"
    assert target.value is None
    assert "居民上年度人均消费支出增速" in target.note
    assert target.text == "不低于居民上年度人均消费支出增速"


@pytest.mark.parametrize("text", ["---", "35%和17%", "", "约1.2万", "1.2.3", "加快建设"])
def test_unreadable_is_text(text: str) -> None:
    target = read_target(text)
    assert target.kind == "text" and target.value is None and target.text == text


def test_levels_from_the_elderly_care_table() -> None:
    # Xiangtan 专栏1: 基本养老服务清单制度 基本建立 (2022) → 全面建立 (2025);
    # 社区康复辅助器具租赁服务制度 建立 (2022) → 全面实施 (2025).
    basic, full = read_target("基本建立"), read_target("全面建立")
    built, applied = read_target("建立"), read_target("全面实施")
    for target in (basic, full, built, applied):
        assert target.kind == "level" and target.value is None
    assert basic.level is not None and full.level is not None
    assert built.level is not None and applied.level is not None
    assert LEVELS[basic.level] == "基本建立" and LEVELS[full.level] == "全面建立"
    assert read_target("初步建立").level < basic.level < full.level  # type: ignore[operator]
    assert built.level < applied.level
    assert read_target(" 基本建立 ").level == basic.level
    assert read_target("达到基本建立").level == basic.level


def test_levels_are_distinct() -> None:
    assert len(set(LEVELS)) == len(LEVELS)


@given(st.text())
def test_never_raises_and_keeps_the_text(text: str) -> None:
    target = read_target(text)
    assert target.kind in KINDS
    assert target.text == text
    if target.kind in ("number", "at_least", "at_most"):
        assert isinstance(target.value, Decimal)
    else:
        assert target.value is None
    assert (target.level is not None) == (target.kind == "level")


@given(
    st.decimals(min_value=D("-1e12"), max_value=D("1e12"), places=4, allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.sampled_from(["", ">", "≥", "不低于", "<", "≤", "不超过"]),
)
def test_a_number_we_format_reads_back_equal(value: Decimal, percent: bool, prefix: str) -> None:
    target = read_target(prefix + format_number(value, percent))
    assert target.value == value
    assert target.percent is percent
    expected = {"": "number", ">": "at_least", "≥": "at_least", "不低于": "at_least"}.get(prefix, "at_most")
    assert target.kind == expected


def test_standard_reached_and_already_built() -> None:
    # Jiading's 未成年人救助保护机构规范达标: 达标 is a level, above 基本建立 and below 全面建立.
    reached = read_target("达标")
    assert reached.kind == "level" and reached.level is not None
    assert read_target("基本建立").level < reached.level < read_target("全面建立").level  # type: ignore[operator]
    assert read_target("已全面建立").level == read_target("全面建立").level
    assert read_target("未建立").kind == "text"  # "not set up" is no level


def test_satisfies_with_a_direction() -> None:
    from tracker.indicators.targets import satisfies

    assert satisfies(read_target("4.1"), read_target("4"), rising=False) is False
    assert satisfies(read_target("3.9"), read_target("4"), rising=False) is True
    assert satisfies(read_target("42"), read_target(">42")) is False
    assert satisfies(read_target("基本建立"), read_target("全面建立")) is False
    assert satisfies(read_target("6.5%"), read_target("全面建立")) is None  # not comparable
    assert satisfies(read_target("6.5%"), read_target("不低于居民上年度人均消费支出增速")) is None
