"""Keyset paging (``tracker.paging.page_after``) returns every row exactly once, in order, under every
sort the TUI offers — on the 87 projects plus a second plan that shares every code and every value
(so every sort key ties across the plans) with NULLs planted — and agrees with LIMIT/OFFSET paging
over the same total order, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Engine

from tests.conftest import CliRun
from tracker.db import make_engine, reading, transaction
from tracker.filters import SORT_FIELDS, FilterError, where_clause
from tracker.paging import after_clause, key_of, page_after, sort_keys
from tracker.portfolio import project_query

SORTS = ["", *SORT_FIELDS, *(f"-{name}" for name in SORT_FIELDS), "district,-total", "-share,name", "status,-start"]


def second_plan(cli: CliRun, plan_path: Path, db: str | None = None) -> None:
    """The bundled plan again under another name (the same 87 codes), then some NULLs and ties."""
    result = cli("import-plan", str(plan_path), "--name", "另一份规划", db=db)
    assert result.exit_code == 0, result.output


def plant_nulls(engine: Engine) -> None:
    with transaction(engine) as session:
        session.execute(
            text(
                "UPDATE project SET district = NULL, social_share_pct = NULL "
                "WHERE plan_id = (SELECT max(id) FROM plan) AND seq % 3 = 0"
            )
        )
        session.execute(text("UPDATE project SET start_year = NULL, start_month = NULL WHERE seq % 7 = 0"))


def by_key(engine: Engine, sort: str, limit: int) -> list[int]:
    keys = sort_keys(sort)
    ids: list[int] = []
    after = None
    with reading(engine) as session:
        while True:
            page = page_after(session, None, keys, after, limit)
            ids.extend(row.project.id for row in page.rows)  # type: ignore[misc]
            assert len(page.rows) <= limit
            if not page.more:
                break
            after = page.last_key
            assert len(ids) < 10_000
    return ids


def by_offset(engine: Engine, sort: str, limit: int, where: object = None) -> list[int]:
    keys = sort_keys(sort)
    ids: list[int] = []
    with reading(engine) as session:
        while True:
            query = project_query(where).order_by(*(k.order() for k in keys)).limit(limit).offset(len(ids))  # type: ignore[arg-type]
            got = [row[0].id for row in session.exec(query)]  # type: ignore[call-overload]
            ids.extend(got)
            if len(got) < limit:
                return ids


@pytest.fixture
def two_plans(cli: CliRun, plan_path: Path, engine: Engine) -> Engine:
    second_plan(cli, plan_path)
    plant_nulls(engine)
    return engine


@pytest.mark.parametrize("sort", SORTS)
def test_every_row_once_in_order_under_every_sort(two_plans: Engine, sort: str) -> None:
    expected = by_offset(two_plans, sort, 1000)
    assert len(expected) == len(set(expected)) == 174
    for limit in (1, 7, 100):
        assert by_key(two_plans, sort, limit) == expected


@given(
    st.lists(st.tuples(st.sampled_from(sorted(SORT_FIELDS)), st.booleans()), min_size=1, max_size=3),
    st.integers(min_value=1, max_value=40),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_combination_of_sorts_pages_like_offset(
    two_plans: Engine, keys: list[tuple[str, bool]], limit: int
) -> None:
    sort = ",".join(("-" if descending else "") + name for name, descending in keys)
    assert by_key(two_plans, sort, limit) == by_offset(two_plans, sort, 1000)


def test_a_filtered_page_continues_after_its_key(two_plans: Engine) -> None:
    from datetime import date

    where = where_clause("total>=500", views={}, as_of=date(2023, 6, 30))
    keys = sort_keys("-district")
    with reading(two_plans) as session:
        first = page_after(session, where, keys, None, 10)
        second = page_after(session, where, keys, first.last_key, 10)
        assert first.more and first.last_key == key_of(first.rows[-1], keys)
        everything = [r.project.id for r in page_after(session, where, keys, None, 1000).rows]
    assert [r.project.id for r in first.rows + second.rows] == everything[:20]
    assert everything == by_offset(two_plans, "-district", 1000, where)
    assert all(row.project.total_investment >= 500 for row in first.rows)


def test_an_unknown_sort_key_is_the_filter_languages_error() -> None:
    with pytest.raises(FilterError, match="cannot sort by 'cost'"):
        sort_keys("cost")


def test_a_key_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError):
        after_clause(sort_keys("total"), (1,))


@pytest.mark.parametrize("sort", ["", "district", "-share", "-start,name", "total"])
def test_keyset_paging_on_postgres(pg_url: str, cli: CliRun, plan_path: Path, sort: str) -> None:
    second_plan(cli, plan_path, db=pg_url)
    engine = make_engine(pg_url)
    try:
        plant_nulls(engine)
        expected = by_offset(engine, sort, 1000)
        assert len(expected) == len(set(expected)) == 174
        assert by_key(engine, sort, 13) == expected
    finally:
        engine.dispose()
