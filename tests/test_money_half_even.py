"""Derived money rounds half to even at the fen: exact-half cases, directly and through the program.

Why a constructed case: none of the 87 published projects can land on half a fen. A published total
has at most two decimals of 万元 and a share at most two decimals of a percent, so total × share / 100
has at most 2 + 2 + 2 = 6 decimals of 万元, which is a whole number of fen (1 fen = 0.000001 万元). The
eight shares of the annex bear this out (lines 1296/1300, 1332/1336, 1398/1402, 1486/1490, 1508/1512,
2602/2606, 2624/2628, 2646/2650): 2-9 5409.88 × 9.24% = 499.872912 exactly.

A total known more finely than two decimals of 万元 (100 元) can: 2-9's total corrected to 54,098,837.50 元
is 5409.88375 万元 (a whole number of fen, so the database holds it exactly). With 2-9's published
share of 9.24%:

    5409.88375 × 0.0924 = 486.8895375 (× 0.09) + 12.983721 (× 0.0024) = 499.8732585 万元

which is 499,873,258.5 fen: exactly half a fen. Half to even keeps 499.873258 (8 is even); half up
would give 499.873259. And 5409.88125 万元 (54,098,812.50 元) gives 499.8730275: half to even rounds
*up* to 499.873028 (7 is odd), as half up would, so a rounding that merely truncates is caught too.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine

from tests.conftest import CliRun
from tracker.db import reading
from tracker.filters import where_clause
from tracker.models import Project
from tracker.money import round_fen, social_capital
from tracker.rollups import rollup

D = Decimal

EVEN_BELOW = (D("5409.88375"), D("499.8732585"), D("499.873258"))
"""(total, exact total × 9.24%, rounded half to even): the tie goes down to the even fen."""

ODD_ABOVE = (D("5409.88125"), D("499.8730275"), D("499.873028"))
"""The tie goes up, to the even fen."""


@pytest.mark.parametrize(
    ("exact", "rounded"),
    [
        ("0.0000005", "0"),  # half of one fen: to 0 fen (even), not 1
        ("0.0000015", "0.000002"),  # 1.5 fen → 2
        ("0.0000025", "0.000002"),  # 2.5 fen → 2
        ("0.0000035", "0.000004"),  # 3.5 fen → 4
        ("0.00000249999", "0.000002"),  # just below a half: down
        ("0.00000250001", "0.000003"),  # just above a half: up
        ("-0.0000025", "-0.000002"),  # a negative tie also goes to the even fen (half up would give -0.000003)
        ("499.8732585", "499.873258"),
        ("499.8730275", "499.873028"),
        ("499.872912", "499.872912"),  # already whole fen: unchanged (2-9 as published)
    ],
)
def test_round_fen_ties_go_to_the_even_fen(exact: str, rounded: str) -> None:
    assert round_fen(D(exact)) == D(rounded)


@pytest.mark.parametrize("case", [EVEN_BELOW, ODD_ABOVE])
def test_social_capital_of_a_total_known_to_the_yuan(case: tuple[Decimal, Decimal, Decimal]) -> None:
    total, exact, rounded = case
    assert total * D("9.24") / 100 == exact  # the hand product in the module docstring
    assert social_capital(total, D("9.24")) == rounded


def test_published_shares_never_need_rounding() -> None:
    """The eight published shares with their totals (lines in the module docstring), by hand."""
    published = {
        ("5409.88", "9.24"): "499.872912",
        ("10477", "5"): "523.85",
        ("1500", "33.3"): "499.5",
        ("20000", "10"): "2000",
        ("100000", "24"): "24000",
        ("1000", "40"): "400",
        ("30000", "95"): "28500",
        ("100000", "100"): "100000",
    }
    for (total, share), expected in published.items():
        assert social_capital(D(total), D(share)) == D(expected) == D(total) * D(share) / 100


def _set_total(engine: Engine, code: str, total: Decimal) -> None:
    """Store a total to the fen behind the program's back (typed amounts are refused finer than 0.01 万元)."""
    table = Project.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        assert conn.execute(update(table).where(table.c.code == code).values(total_investment=total)).rowcount == 1


@pytest.mark.parametrize("case", [EVEN_BELOW, ODD_ABOVE])
def test_exact_half_through_export_show_and_rollup(
    cli: CliRun, engine: Engine, case: tuple[Decimal, Decimal, Decimal]
) -> None:
    """The export and ``show`` (Python, :func:`tracker.money.social_capital`) and the rollup (SQL integer
    arithmetic) round 2-9's tie the same way, to the figure worked out by hand."""
    total, _, rounded = case
    _set_total(engine, "2-9", total)
    exported = {r["code"]: r for r in json.loads(cli("export", "--format", "json").stdout, parse_float=D)}
    assert (exported["2-9"]["total_investment"], exported["2-9"]["social_capital"]) == (total, rounded)
    shown = json.loads(cli("show", "2-9", "--format", "json").stdout, parse_float=D)
    assert shown["social_capital"] == rounded
    with reading(engine) as session:
        rows = rollup(session, ["category"], where_clause("code=2-9", as_of=date(2023, 6, 30)))
    assert [r.social_capital for r in rows] == [rounded, rounded]  # the category and the grand total
    rolled = json.loads(
        cli("rollup", "--by", "category", "code=2-9", "--format", "json", "--as-of", "2023-06-30").stdout,
        parse_float=D,
    )
    assert [r["social_capital"] for r in rolled] == [rounded, rounded]
