"""Exact money: parsing, storage units, formatting, and the rule that floats never get in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.models import SharePct, WanYuan
from tracker.money import (
    MoneyError,
    fen_to_wan,
    fmt_wan,
    fmt_wan_grouped,
    parse_share,
    parse_wan,
    percent_of,
    share_to_bp,
    social_capital,
    wan_to_fen,
)

D = Decimal


def test_parse_published_forms() -> None:
    assert parse_wan("3460.44") == D("3460.44")
    assert parse_wan(" 1,500 ") == D(1500)
    assert parse_share("9.24%") == D("9.24")
    assert parse_share("100％") == D(100)


@pytest.mark.parametrize("text", ["", "abc", "1e5", "NaN", "inf", "12.3.4", "1.0000001", "--1"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_wan(text)


def test_share_places() -> None:
    with pytest.raises(MoneyError):
        parse_share("9.245%")


def test_units() -> None:
    assert wan_to_fen(D("3460.44")) == 3_460_440_000  # 1 万元 = 10 000 yuan = 1 000 000 fen
    assert fen_to_wan(3_460_440_000) == D("3460.44")
    assert share_to_bp(D("9.24")) == 924
    with pytest.raises(MoneyError):
        wan_to_fen(D("0.0000001"))


def test_social_capital_by_hand() -> None:
    assert social_capital(D("5409.88"), D("9.24")) == D("499.872912")
    assert social_capital(D("1500"), D("33.3")) == D("499.5")
    assert social_capital(D("1500"), None) is None


def test_formatting_is_exact() -> None:
    assert fmt_wan(D("1500.000000")) == "1500"
    assert fmt_wan(D("7205.80")) == "7205.8"
    assert fmt_wan_grouped(D("592917.92")) == "592,917.92"
    assert fmt_wan_grouped(D("499.872912")) == "499.872912"
    assert percent_of(D(1), D(3)) == D("33.33")


def test_floats_never_reach_the_database() -> None:
    with pytest.raises(TypeError):
        WanYuan().process_bind_param(0.1, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        SharePct().process_bind_param(9.24, None)  # type: ignore[arg-type]


amounts = st.decimals(min_value=D(-1_000_000), max_value=D(1_000_000), places=6, allow_nan=False, allow_infinity=False)
"""What a money column stores: derived figures to the fen, within the ceiling of tracker.bounds."""

typed = st.decimals(min_value=D(-1_000_000), max_value=D(1_000_000), places=2, allow_nan=False, allow_infinity=False)
"""What a person types or the plan publishes: two decimals of 万元."""


@given(amounts)
def test_round_trip_through_storage(value: Decimal) -> None:
    stored = WanYuan().process_bind_param(value, None)  # type: ignore[arg-type]
    assert isinstance(stored, int)
    back = WanYuan().process_result_value(stored, None)  # type: ignore[arg-type]
    assert back == value
    assert "E" not in fmt_wan(back)


@given(typed)
def test_round_trip_through_storage_and_text(value: Decimal) -> None:
    stored = WanYuan().process_bind_param(value, None)  # type: ignore[arg-type]
    back = WanYuan().process_result_value(stored, None)  # type: ignore[arg-type]
    assert parse_wan(fmt_wan(back)) == value


@given(st.lists(amounts, max_size=30))
def test_integer_sums_are_exact(values: list[Decimal]) -> None:
    assert fen_to_wan(sum(wan_to_fen(v) for v in values)) == sum(values, D(0))
