"""The filter language on the real 87 projects: every field, negation, or, parentheses, tags, views, errors.

Expected project codes are read off data/xiangtan_plan.txt (annex 1, line numbers in comments), not
produced by the code under test.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from tests.conftest import CliRun
from tracker.db import reading, transaction
from tracker.filters import (
    FIELDS,
    SORT_FIELDS,
    And,
    Compare,
    Everything,
    FilterContext,
    FilterError,
    Not,
    Or,
    Range,
    Tag,
    Word,
    parse,
    parse_sort,
    to_sql,
    where_clause,
)
from tracker.models import Project, Status
from tracker.portfolio import rows
from tracker.warnings import WarningSettings

D = Decimal
AS_OF = date(2023, 6, 30)


def codes(engine: Engine, text: str, views: dict[str, str] | None = None, as_of: date = AS_OF) -> set[str]:
    where = where_clause(text, views=views, as_of=as_of, settings=WarningSettings())
    with reading(engine) as s:
        return {r.project.code for r in rows(s, where)}


# --- text fields --------------------------------------------------------------------------------

# Project names beginning with 湘乡市 (lines 1006, 1028, 1540, 1562, 1584, 1606, 1628, 1650, 1672, 2280).
XIANGXIANG = {"1-5", "1-6", "2-20", "2-21", "2-22", "2-23", "2-24", "2-25", "2-26", "3-3"}


def test_code_substring_and_exact(engine: Engine) -> None:
    assert codes(engine, "code=2-18") == {"2-18"}
    assert codes(engine, "code:2-1") == {"2-1", *(f"2-{n}" for n in range(10, 20))}


def test_category_substring_exact_and_number(engine: Engine) -> None:
    elderly = codes(engine, "category:老年")  # 二、老年人福利类项目(50个), line 1092
    assert len(elderly) == 50 and elderly == {f"2-{n}" for n in range(1, 51)}
    assert codes(engine, "category=儿童福利类项目") == {f"1-{n}" for n in range(1, 9)}
    assert codes(engine, "category=儿童") == set()  # exact means the whole name
    assert codes(engine, "category:5") == {"5-1", "5-2", "5-3", "5-4"}
    assert codes(engine, "category：残障") == {"5-1", "5-2", "5-3", "5-4"}  # a full-width colon works too


def test_district(engine: Engine) -> None:
    assert codes(engine, "district:湘乡") == XIANGXIANG
    assert codes(engine, 'district=""') == {"4-11"}  # the one project not placed (owner 湖南湘水缘…, line 2636)
    assert len(codes(engine, '-district=""')) == 86


def test_nature(engine: Engine) -> None:
    # 建设性质 cells: 新建或续建 (line 1938, 2-38), 续建 (line 1982, 2-40), 续建 (line 2026, 2-42)
    assert codes(engine, "nature=续建") == {"2-40", "2-42"}
    assert codes(engine, "nature:续建") == {"2-38", "2-40", "2-42"}


def test_owner(engine: Engine) -> None:
    # owners 湘潭市殡仪馆 (lines 2440, 2462, 2484: 4-2, 4-3, 4-4) and 湘潭县殡仪馆 (line 2594: 4-9)
    assert codes(engine, "owner:殡仪馆") == {"4-2", "4-3", "4-4", "4-9"}


def test_name(engine: Engine) -> None:
    assert codes(engine, "name:湘乡市") == XIANGXIANG
    assert codes(engine, 'name:"(二期)"') == {"2-9"}  # line 1284


def test_bare_words_search_name_owner_and_content(engine: Engine) -> None:
    # 殡仪 in owner (2440 4-2, 2462 4-3, 2484 4-4, 2594 4-9) or name (2480 4-4, 2502 4-5, 2634 4-11)
    assert codes(engine, "殡仪") == {"4-2", "4-3", "4-4", "4-5", "4-9", "4-11"}
    # 敬老院 in a name (1408, 1430, 1606, 2002, 2112), owner (2116) or content (1268, 1480, 1590, 1744, 1766, 2140)
    assert codes(engine, "敬老院") == {
        "2-8", "2-14", "2-15", "2-17", "2-22", "2-23", "2-29", "2-30", "2-41", "2-46", "2-47",
    }
    assert codes(engine, '"敬老院" 湘潭县') == {"2-14", "2-15", "2-17"}


def test_like_wildcards_and_quotes_are_literal(engine: Engine) -> None:
    assert codes(engine, "name:%") == set()
    assert codes(engine, "name:_") == set()
    assert codes(engine, '"%"') == set()
    assert codes(engine, "\"'; drop table project; --\"") == set()
    with reading(engine) as s:
        assert s.execute(select(func.count()).select_from(Project)).scalar_one() == 87


# --- status, years, money, share ----------------------------------------------------------------


def test_status_english_and_chinese(engine: Engine) -> None:
    assert len(codes(engine, "status:未开工")) == 87  # freshly imported: nothing reported yet
    assert codes(engine, "status=in_progress") == set()
    with transaction(engine) as s:
        for code, status in (("2-18", Status.IN_PROGRESS), ("1-2", Status.COMPLETED)):
            project = s.execute(select(Project).where(Project.code == code)).scalar_one()
            project.status = status.value
    assert codes(engine, "status:在建") == codes(engine, "status=in_progress") == {"2-18"}
    assert codes(engine, "status:已竣工") == {"1-2"}
    assert len(codes(engine, "-status:completed")) == 86
    assert len(codes(engine, "status!=not_started")) == 2


def test_years(engine: Engine) -> None:
    # start cells 2020: 2-11 (line 1350), 4-8 (2576), 4-18 (2796)
    assert codes(engine, "start:2020") == {"2-11", "4-8", "4-18"}
    # start 2023 or later: 2-20 (1548), 4-14 (2708) 2023; 1-5 (1014), 1-8 (1080) 2024
    assert codes(engine, "start>=2023") == {"1-5", "1-8", "2-20", "4-14"}
    # finish 2021: 1-2 (950), 1-6 (1038, 2021.8), 2-3 (1162), 2-4 (1184), 3-4 (2312), 4-5 (2512), 4-7 (2556), 4-8 (2578)
    assert codes(engine, "finish<=2021") == {"1-2", "1-6", "2-3", "2-4", "3-4", "4-5", "4-7", "4-8"}
    assert codes(engine, "start:2020..2020") == codes(engine, "start:..2020") == {"2-11", "4-8", "4-18"}
    assert len(codes(engine, "start:2021..2022")) == 87 - 3 - 4


def test_money_exact(engine: Engine) -> None:
    # totals ≥ 30000: 2-18 100000 (line 1508), 4-10 30000 (2624), 4-11 100000 (2646)
    assert codes(engine, "total>=30000") == {"2-18", "4-10", "4-11"}
    assert codes(engine, "total>30000") == {"2-18", "4-11"}
    assert codes(engine, "total=3460.44") == {"2-8"}  # line 1274
    assert codes(engine, "total=3460.43") == set()
    assert codes(engine, "total>3460.43") == codes(engine, "total>=3460.44")  # amounts have two decimals
    # the three smallest: 2-50 30 (2212), 1-6 100 (1040), 2-4 100 (1186)
    assert codes(engine, "total:..100") == {"2-50", "1-6", "2-4"}
    assert codes(engine, "total:1,000..1,100") == codes(engine, "total:1000..1100")
    assert codes(engine, "planned=120") == {"2-14"}  # line 1422


def test_share(engine: Engine) -> None:
    shares = {"2-9", "2-10", "2-13", "2-17", "2-18", "4-9", "4-10", "4-11"}  # 9.24 5 33.3 10 24 40 95 100
    assert codes(engine, "share>0") == shares
    assert codes(engine, "+social_capital") == shares
    assert len(codes(engine, "-share>0")) == 87 - 8  # NULL shares are in the complement, not lost
    assert codes(engine, "share>=33.3") == {"2-13", "4-9", "4-10", "4-11"}
    assert codes(engine, "share=9.24%") == {"2-9"}


# --- combining ----------------------------------------------------------------------------------


def test_negation_or_parentheses_and_precedence(engine: Engine) -> None:
    assert len(codes(engine, "-category:老年")) == 37
    assert codes(engine, "not category:老年") == codes(engine, "-category:老年")
    assert codes(engine, "start:2020 or start>=2023") == {"2-11", "4-8", "4-18", "1-5", "1-8", "2-20", "4-14"}
    assert codes(engine, "category:社会公益 (start:2020 or finish<=2021)") == {"4-5", "4-7", "4-8", "4-18"}
    # and binds tighter than or
    assert codes(engine, "start:2020 finish:2021 or code=1-1") == {"4-8", "1-1"}
    assert codes(engine, "start:2020 and finish:2021 OR code=1-1") == {"4-8", "1-1"}
    assert codes(engine, "-(start:2020 or start>=2023)") == codes(engine, "start:2021..2022")


def test_tags_as_of_a_date(engine: Engine) -> None:
    # finish ≤ 2022 (lines in tests/test_warnings.py): 26 projects are overdue on 2023-06-30
    assert len(codes(engine, "+overdue")) == 26
    assert len(codes(engine, "+overdue", as_of=date(2026, 11, 23))) == 87
    assert codes(engine, "+overdue category:残障") == {"5-2", "5-4"}  # 2022 (2866), 2022 (2910)
    assert len(codes(engine, "+late_start")) == 87 - 4  # all but the four starting 2023/2024


def test_views_expand_recursively(engine: Engine) -> None:
    views = {"elderly": "category:老年", "big": "total>=20000", "big_elderly": "@elderly @big"}
    # elderly ≥ 20000: 2-17 20000 (1486), 2-18 100000 (1508), 2-22 22200 (1596)
    assert codes(engine, "@big_elderly", views) == {"2-17", "2-18", "2-22"}
    assert codes(engine, "@big -@elderly", views) == {"3-3", "4-10", "4-11"}  # 26000, 30000, 100000


# --- the tree and its text ----------------------------------------------------------------------


def test_tree_shapes() -> None:
    assert parse("") == parse("   ") == Everything()
    assert parse("a (b c)") == And((Word("a"), Word("b"), Word("c")))
    assert parse("a b or c") == Or((And((Word("a"), Word("b"))), Word("c")))
    assert parse("-total>=1000") == Not(Compare("total", ">=", D(1000)))
    assert parse("start:2021..") == Range("start", 2021, None)
    assert parse("+Overdue") == Tag("overdue")
    assert parse("status:在建") == Compare("status", ":", Status.IN_PROGRESS)
    assert parse('name:"老年 大学"') == Compare("name", ":", "老年 大学")
    assert parse('"or"') == Word("or")


@pytest.mark.parametrize(
    "text",
    ["category:老年 status:在建 or +overdue", "-(a or b) c", 'district="" -"x y"', "total:..500 share>0",
     'name:"say \\"hi\\"" \\path', "start:2021..2022 or (finish<=2023 -nature=新建)"],
)
def test_printing_round_trips(text: str) -> None:
    node = parse(text)
    assert parse(str(node)) == node


# --- errors with a caret ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "length", "words"),
    [
        ("categroy:老年", 0, 8, "unknown field 'categroy' (did you mean category?)"),
        ("category:老年 (status:在建", 12, 1, "never closed"),
        ("a b)", 3, 1, "no matching '('"),
        ("total>=abc", 7, 3, "total takes an amount"),
        ("status:done", 7, 4, "unknown status 'done'"),
        ("+overdu", 0, 7, "unknown tag +overdu (did you mean +overdue?)"),
        ("name>3", 4, 1, "name does not take '>'"),
        ("a or", 2, 2, "'or' must be followed by a term"),
        ("or a", 0, 2, "'or' must come between two terms"),
        ("start:2022..2021", 6, 10, "is empty"),
        ('name:"x', 5, 2, "never closed"),
        ("a - b", 2, 1, "'-' must be followed"),
        ("()", 0, 2, "empty parentheses"),
        ("finish<=23", 8, 2, "takes a year"),
        ("total>1.001", 6, 5, "more than 2 decimal places"),
        ("total>99999999999999", 6, 14, "is out of range (at most 1,000,000 万元 either way)"),
        ("@nope", 0, 5, "unknown view @nope"),
    ],
)
def test_errors_say_where(text: str, position: int, length: int, words: str) -> None:
    with pytest.raises(FilterError) as info:
        parse(text)
    assert words in info.value.message
    assert (info.value.position, info.value.length) == (position, length)


def test_caret_under_the_offending_part_counts_wide_characters() -> None:
    text = "category:老年 (status:在建"
    with pytest.raises(FilterError) as info:
        parse(text)
    # "category:老年 " is 9 + 2×2 + 1 = 14 columns wide
    assert info.value.caret(text) == text + "\n" + " " * 14 + "^"
    with pytest.raises(FilterError) as info:
        parse("total>=abc")
    assert info.value.caret("total>=abc") == "total>=abc\n       ^~~"


def test_view_errors() -> None:
    with pytest.raises(FilterError, match="refers to itself"):
        parse("@a", {"a": "x @b", "b": "@a"})
    with pytest.raises(FilterError, match=r"in view @bad = 'categroy:x': unknown field") as info:
        parse("x @bad", {"bad": "categroy:x"})
    assert (info.value.position, info.value.length) == (2, 4)


def test_sort_keys() -> None:
    assert len(parse_sort("total,-finish")) == 3  # finish sorts by year then month
    assert parse_sort("") == []
    with pytest.raises(FilterError, match="cannot sort by 'totl'") as info:
        parse_sort("name, -totl")
    assert (info.value.position, info.value.length) == (6, 5)
    # every field a project has sorts, but plan (plans are listed in the order they were imported)
    assert set(SORT_FIELDS) == {f for f, spec in FIELDS.items() if "project" in spec.subjects} - {"plan"}


def test_values_are_bound_parameters_never_sql_text() -> None:
    evil = "x'); DROP TABLE project; --"
    expr = to_sql(parse(f'name:"{evil}" "{evil}"'), FilterContext(AS_OF))
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        sql = str(expr.compile(dialect=dialect))
        assert "DROP" not in sql


# --- properties ---------------------------------------------------------------------------------

FRAGMENTS = st.sampled_from([
    "(", ")", "-", "not", "or", "and", "+overdue", "+stale", "+nope", "@v", "@w", '"', '"a b"', "老年", "2-18",
    "category:老年", "status:在建", "status=done", "total>=1000", "total>1e3", "share>0", "start:2021..2022",
    "finish<=2023", "district=\"\"", "name:%", "foo:bar", "code=", ":", "..", "total:..5", "\\", "：", "=",
])


@given(st.lists(FRAGMENTS, max_size=8), st.sampled_from([" ", ""]))
def test_token_soup_parses_or_fails_cleanly_and_round_trips(parts: list[str], sep: str) -> None:
    text = sep.join(parts) if sep == "" else " ".join(parts)
    views = {"v": "category:老年 or +overdue", "w": "@v -status:completed"}
    try:
        node = parse(text, views)
    except FilterError as exc:
        assert 0 <= exc.position <= len(text) and exc.length >= 1
        return
    assert parse(str(node)) == node
    to_sql(node, FilterContext(AS_OF))


@given(st.text(max_size=40))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        node = parse(text)
    except FilterError as exc:
        assert 0 <= exc.position <= len(text)
        exc.caret(text)
        return
    assert parse(str(node)) == node


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.lists(FRAGMENTS, max_size=6))
def test_whatever_parses_also_runs(engine: Engine, parts: list[str]) -> None:
    """Every filter that parses runs on the database; - is the exact complement."""
    try:
        node = parse(" ".join(parts), {"v": "category:老年", "w": "@v +due_soon"})
    except FilterError:
        return
    ctx = FilterContext(AS_OF)
    with reading(engine) as s:
        hits = {r.project.code for r in rows(s, to_sql(node, ctx))}
        misses = {r.project.code for r in rows(s, to_sql(Not(node), ctx))} if not isinstance(node, Everything) else set()
    assert len(hits) + len(misses) == 87 and not hits & misses


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_list_filter_sort_columns(cli: CliRun) -> None:
    result = cli("list", "category:老年", "-status:completed", "total>=20000", "--sort", "-total", "--format", "json")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout, parse_float=Decimal)
    assert [r["code"] for r in records] == ["2-18", "2-22", "2-17"]  # 100000, 22200, 20000
    export = json.loads(cli("export", "--format", "json").stdout, parse_float=Decimal)
    assert records[0] == next(r for r in export if r["code"] == "2-18")  # the same record as export

    csv_out = cli("list", "share>0", "--sort", "share,code", "--columns", "code,share,total")
    assert csv_out.exit_code == 0
    assert csv_out.stdout.splitlines() == [
        "code,social_share_pct,total_investment",
        "2-10,5,10477", "2-9,9.24,5409.88", "2-17,10,20000", "2-18,24,100000", "2-13,33.3,1500",
        "4-9,40,1000", "4-10,95,30000", "4-11,100,100000",
    ]


def test_cli_bad_filter_is_exit_2_with_caret(cli: CliRun) -> None:
    result = cli("list", "category:老年", "(status:在建")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "tracker: bad filter: this '(' is never closed",
        "  category:老年 (status:在建",
        "  " + " " * 14 + "^",
    ]
    assert cli("list", "--sort", "totl").exit_code == 2
    assert "no such option: --fromat" in cli("list", "--fromat", "json").stderr


def test_cli_list_uses_saved_views(cli: CliRun, workdir: Path) -> None:
    (workdir / "tracker.toml").write_text('[views]\nsocial = "share>0"\n', encoding="utf-8")
    result = cli("list", "@social", "category:社会", "--columns", "code")
    assert result.stdout.split() == ["code", "4-9", "4-10", "4-11"]
