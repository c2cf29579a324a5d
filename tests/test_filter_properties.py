"""Issue 9, item 7 (the filter half): any text → :func:`tracker.filters.parse` returns a tree or raises
:class:`~tracker.filters.FilterError`, nothing else; and a tree that parses always compiles with
:func:`~tracker.filters.to_sql` and runs on the bundled portfolio, its negation selecting exactly the
other projects (87 in all).

The inputs are what broke the parser and the database before: Unicode (full-width and superscript
digits, CJK, bidi controls, ESC, NUL, lone surrogates from undecodable argv bytes), brackets, quotes,
operators, numbers of 20 to 400 digits, deep nesting, hundreds of terms, texts near the 2,000-character
bound, and views that refer to each other or multiply. ~500 examples per property by default;
``pytest --hypothesis-profile=slow`` runs 5,000 (tests/conftest.py registers the profile).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from tracker.bounds import MAX_FILTER_LENGTH
from tracker.db import make_engine, reading
from tracker.filters import (
    FIELDS,
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
    to_sql,
)
from tracker.filters import parse as parse_filter
from tracker.portfolio import count
from tracker.rules import WarningSettings
from tracker.safe_text import has_control

AS_OF = date(2023, 6, 30)
EXAMPLES = max(500, settings.default.max_examples)
"""500 by default (about two seconds per property); the slow profile's 5,000 when it is loaded."""

VIEWS = {
    "v": "category:老年 or +overdue",
    "loop": "@loop",
    "a": "@b",
    "b": "@a",
    "deep": "((((@v))))",
    "wide": "@v @v @v @v @v @v @v @v",
    "wider": "@wide @wide @wide @wide @wide @wide @wide @wide @wide",
    "bad": "total>1e3",
    "empty": "",
}
"""Saved views as tracker.toml may hold them: good, self-referring, mutually referring, deep, multiplying, broken."""

NODES = (Everything, Word, Compare, Range, Tag, Not, And, Or)

SYNTAX = st.sampled_from(list("()\"'\\-+@:：=<>!.,%_ \t\n") + ["²", "２", "٣", "〇", "十", "老", "年"])
CONTROLS = st.sampled_from(["\x1b", "\x00", "\x07", "\x9b", "\u202e", "\u2028", "\ud800", "\udcff"])
ALPHABET = st.one_of(st.characters(exclude_categories=("Cs", "Cc", "Cf")), SYNTAX)
"""Printable text and the language's own characters; control characters come in their own branch below."""
ANY_CHARACTER = st.one_of(st.characters(), SYNTAX, CONTROLS)

NUMBERS = st.one_of(
    st.sampled_from(
        [
            "0",
            "-1",
            "1.5",
            "1.005",
            "1e3",
            "NaN",
            "inf",
            "1,000",
            "100%",
            "100.01",
            "2021",
            "1899",
            "2101",
            "99",
            "99999999999999999999",
            "9" * 400,
            "²",
            "２０２３",
            "٣",
            "..",
            "2021..",
            "..2022",
            "2022..2021",
            "1..2..3",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**7), max_value=10**7).map(str),
)
VALUES = st.one_of(
    NUMBERS, st.sampled_from(["老年", "在建", "done", '""', '"a b"', "%", "_", "韶山市"]), st.text(ALPHABET, max_size=6)
)
TERMS = st.builds(
    lambda field, op, value: field + op + value,
    st.sampled_from([*FIELDS, "categroy", "Total", "x_1"]),
    st.sampled_from([":", "=", "!=", ">", ">=", "<", "<=", "：", "=="]),
    VALUES,
)
ATOMS = st.one_of(
    TERMS,
    st.sampled_from(
        [
            "(",
            ")",
            "-",
            "not",
            "NOT",
            "or",
            "and",
            "+overdue",
            "+lagging",
            "+stale",
            "+social_capital",
            "+nope",
            "+",
            "@v",
            "@loop",
            "@a",
            "@deep",
            "@wide",
            "@wider",
            "@bad",
            "@empty",
            "@nope",
            "@",
            '"',
            "\\",
            "老年",
            "2-18",
        ]
    ),
    st.text(ALPHABET, max_size=8),
)
SOUP = st.builds(
    lambda parts, sep: sep.join(parts), st.lists(ATOMS, max_size=12), st.sampled_from([" ", "", "  ", "\t", "\n"])
)
DEEP = st.builds(
    lambda n, inner, negations: "-" * negations + "(" * n + inner + ")" * n,
    st.integers(0, 24),
    ATOMS,
    st.integers(0, 10),
)
WIDE = st.builds(lambda n, word, sep: sep.join([word] * n), st.integers(1, 200), ATOMS, st.sampled_from([" ", " or "]))
NEAR_THE_LENGTH_BOUND = st.builds(
    lambda atom, n: "养老" + " " * n + atom,
    ATOMS,
    st.integers(MAX_FILTER_LENGTH - 30, MAX_FILTER_LENGTH + 10),
)
YEARS = st.integers(1900, 2100).map(str)
AMOUNTS = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False, allow_infinity=False).map(str)
SHARES = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False).map(str)
COMPARISONS = st.sampled_from([":", "=", "!=", ">", ">=", "<", "<="])
GOOD_TERMS = st.one_of(
    st.builds(
        lambda f, op, v: f + op + v,
        st.sampled_from(["code", "district", "nature", "owner", "name"]),
        st.sampled_from([":", "=", "!="]),
        st.sampled_from(["老年", "2-18", '""', "韶山", "%", "_", "新建", "a"]),
    ),
    st.builds(
        lambda op, v: "category" + op + v,
        st.sampled_from([":", "=", "!="]),
        st.sampled_from(["1", "2", "5", "99", "老年", "儿童福利类项目"]),
    ),
    st.builds(
        lambda op, v: "status" + op + v, st.sampled_from([":", "="]), st.sampled_from(["在建", "not_started", "comp"])
    ),
    st.builds(lambda f, op, v: f + op + v, st.sampled_from(["start", "finish"]), COMPARISONS, YEARS),
    st.builds(lambda f, op, v: f + op + v, st.sampled_from(["total", "planned"]), COMPARISONS, AMOUNTS),
    st.builds(lambda op, v: "share" + op + v, COMPARISONS, SHARES),
    st.builds(lambda f, lo, hi: f"{f}:{lo}..{hi}", st.sampled_from(["start", "finish"]), YEARS | st.just(""), YEARS),
    st.builds(
        lambda f, lo, hi: f"{f}:{lo}..{hi}", st.sampled_from(["total", "planned"]), AMOUNTS, AMOUNTS | st.just("")
    ),
    st.sampled_from(
        [
            "+overdue",
            "+late_start",
            "+due_soon",
            "+lagging",
            "+stale",
            "+social_capital",
            "@v",
            "@deep",
            "@wide",
            "养老",
            '"养老 院"',
            "湘潭",
        ]
    ),
)
GOOD_SOUP = st.recursive(
    GOOD_TERMS,
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"{a} {b}", inner, inner),
        st.builds(lambda a, b: f"{a} and {b}", inner, inner),
        st.builds(lambda a, b: f"{a} or {b}", inner, inner),
        st.builds(lambda a: f"({a})", inner),
        st.builds(lambda a: f"-({a})", inner),
        st.builds(lambda a: f"not ({a})", inner),
    ),
    max_leaves=24,
)
"""Well-formed filters of up to 24 terms (some too deep, some empty ranges), so the SQL property runs many trees."""

WITH_A_CONTROL = st.builds(lambda before, control, after: before + control + after, SOUP, CONTROLS, SOUP)
FILTER_TEXT = st.one_of(st.text(ANY_CHARACTER, max_size=60), SOUP, DEEP, WIDE, NEAR_THE_LENGTH_BOUND, WITH_A_CONTROL)


@pytest.fixture(scope="module")
def portfolio(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One read-only copy of the 87 imported projects for every example of this module."""
    path = tmp_path_factory.mktemp("filter-properties") / "tracker.db"
    shutil.copyfile(template_db, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def parse_or_error(text: str) -> object:
    """The tree, or the :class:`FilterError` — any other exception fails the property."""
    try:
        return parse_filter(text, VIEWS)
    except FilterError as exc:
        return exc


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FILTER_TEXT)
def test_any_text_is_a_tree_or_a_filter_error(text: str) -> None:
    outcome = parse_or_error(text)
    if isinstance(outcome, FilterError):
        assert 0 <= outcome.position <= len(text) and outcome.length >= 1
        assert outcome.message
        picture = outcome.caret(text)
        assert len(picture.splitlines()) == 2 and not has_control(picture.replace("\n", ""), layout=True)
        assert len(picture) < 600  # a window around the error, never the whole 2,000+ characters
        return
    assert isinstance(outcome, NODES)
    if not any(f"@{name}" in text for name in VIEWS) and len(text) <= MAX_FILTER_LENGTH // 2:
        assert parse_filter(str(outcome)) == outcome  # the canonical text reads back as the same tree


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(st.one_of(GOOD_SOUP, GOOD_SOUP, FILTER_TEXT), st.integers(0, 3660), st.integers(0, 120))
def test_a_tree_always_compiles_and_runs_and_its_negation_is_the_rest(
    portfolio: Engine, text: str, stale_days: int, due_soon_months: int
) -> None:
    outcome = parse_or_error(text)
    if isinstance(outcome, FilterError):
        return
    assert isinstance(outcome, NODES)
    ctx = FilterContext(AS_OF, WarningSettings(due_soon_months=due_soon_months, stale_days=stale_days))
    with reading(portfolio) as session:
        hits = count(session, to_sql(outcome, ctx))
        misses = count(session, to_sql(Not(outcome), ctx))
    assert hits + misses == 87
    if isinstance(outcome, Everything):
        assert hits == 87
