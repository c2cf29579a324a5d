"""Strict and inclusive comparisons in the filter language, at bounds equal to published figures.

A filter whose bound is exactly a project's figure is where ``<`` and ``<=`` (and ``>``/``>=``) part:
``total<3460.44`` must leave out 2-8, whose total is 3460.44. Every expected set is read off
data/xiangtan_plan.txt (annex 1; the line of each figure in a comment), never produced by the filter.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import CliRun
from tracker.db import reading
from tracker.filters import where_clause
from tracker.portfolio import rows
from tracker.warnings import WarningSettings

AS_OF = date(2023, 6, 30)
"""No tag is used below, so the date does not matter; it is fixed all the same."""


def codes(engine: Engine, text: str) -> set[str]:
    where = where_clause(text, as_of=AS_OF, settings=WarningSettings())
    with reading(engine) as s:
        return {r.project.code for r in rows(s, where)}


# The totals from 3000 to 3500 万元 in the whole annex (every other total is at most 2520 or at least 3800):
# 2-5 3000 (line 1208), 2-27 3000 (1706), 2-32 3000 (1816), 2-38 3000 (1948), 4-13 3200 (2690),
# 2-8 3460.44 (1274), 2-21 3500 (1574), 2-35 3500 (1882). The nearest outside: 2-39 2520 and 4-14 3800 (2712).
AT_3000 = {"2-5", "2-27", "2-32", "2-38"}
AT_3500 = {"2-21", "2-35"}
INSIDE = {"4-13", "2-8"}

# The smallest totals: 2-50 30 (line 2212), then 1-6 100 (1040) and 2-4 100 (1186); the next is 2-49 150.
# The smallest planned figures: 2-50 30 (2214), 1-6 100 (1042), 2-4 100 (1188), 2-14 120 (1422: total 200).

# Shares (社会投资占比): 2-10 5% (1336), 2-9 9.24% (1300), 2-17 10% (1490), 2-18 24% (1512),
# 2-13 33.3% (1402), 4-9 40% (2606), 4-10 95% (2628), 4-11 100% (2650); the other 79 have none.

# Start years: 2020 for 2-11 (1350), 4-8 (2576), 4-18 (2796); 2024 for 1-5 (1014), 1-8 (1080); 2023 for
# 2-20 (1548), 4-14 (2708); every other start is 2021 or 2022. No finish is before 2021; finish 2021 is
# 1-2 (950), 1-6 (1038, "2021.8"), 2-3 (1162), 2-4 (1184), 3-4 (2312), 4-5 (2512), 4-7 (2556), 4-8 (2578).
FINISH_2021 = {"1-2", "1-6", "2-3", "2-4", "3-4", "4-5", "4-7", "4-8"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the bound is 2-8's own total: strict leaves it out, inclusive keeps it
        ("total<3460.44 total>3400", set()),
        ("total<=3460.44 total>3400", {"2-8"}),
        ("total>3460.44 total<3800", AT_3500),
        ("total>=3460.44 total<3800", AT_3500 | {"2-8"}),
        # both ends on published figures shared by several projects
        ("total>3000 total<3500", INSIDE),
        ("total>=3000 total<3500", INSIDE | AT_3000),
        ("total>3000 total<=3500", INSIDE | AT_3500),
        ("total>=3000 total<=3500", INSIDE | AT_3000 | AT_3500),
        ("total<100", {"2-50"}),
        ("total<=100", {"2-50", "1-6", "2-4"}),
        ("total<30", set()),
        ("planned<120", {"2-50", "1-6", "2-4"}),
        ("planned<=120", {"2-50", "1-6", "2-4", "2-14"}),
        ("share<9.24", {"2-10"}),
        ("share<=9.24", {"2-10", "2-9"}),
        ("share>95", {"4-11"}),
        ("share>=95", {"4-10", "4-11"}),
        ("share>24 share<95", {"2-13", "4-9"}),
        ("share>=24 share<=95", {"2-18", "2-13", "4-9", "4-10"}),
        ("start<2021", {"2-11", "4-8", "4-18"}),
        ("start<2020", set()),
        ("start>2023", {"1-5", "1-8"}),
        ("start>=2023", {"1-5", "1-8", "2-20", "4-14"}),
        ("start>2024", set()),
        ("finish<2021", set()),
        ("finish<2022", FINISH_2021),
        ("finish<=2021", FINISH_2021),
    ],
)
def test_strict_and_inclusive_bounds_on_published_figures(engine: Engine, text: str, expected: set[str]) -> None:
    assert codes(engine, text) == expected


def test_strict_and_equal_partition_the_projects(engine: Engine) -> None:
    """``<``, ``=`` and ``>`` at one published figure split the 87 projects with nothing shared or lost."""
    below, equal, above = (codes(engine, f"total{op}3460.44") for op in ("<", "=", ">"))
    assert equal == {"2-8"}
    assert below.isdisjoint(above) and below.isdisjoint(equal) and above.isdisjoint(equal)
    # counted on the 87 totals transcribed from the annex (CATEGORY_ROWS in tests/test_import_plan.py):
    # 62 totals are below 3460.44 and 24 above
    assert (len(below), len(above)) == (62, 24)
    assert codes(engine, "-total<3460.44") == codes(engine, "total>=3460.44") == above | equal


def test_strict_comparison_on_the_command_line(cli: CliRun) -> None:
    strict = cli("list", "total<3460.44", "total>3400", "--columns", "code", "--format", "json")
    inclusive = cli("list", "total<=3460.44", "total>3400", "--columns", "code", "--format", "json")
    assert (strict.exit_code, inclusive.exit_code) == (0, 0)
    assert strict.stdout.strip() == "[]"
    assert '"2-8"' in inclusive.stdout
