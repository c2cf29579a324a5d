"""Every output that writes every row streams it (issue 10): writers consume iterators one row at a time,
memory does not grow with the row count, the incremental JSON is exactly ``dumps_json``'s text, and the
row stream runs on PostgreSQL too. (Byte-identical outputs on the 87 projects: test_golden_outputs.py.)
"""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.conftest import CliRun
from tracker.db import make_engine, reading
from tracker.excel import CSV_CHUNK_ROWS, Sheet, SheetColumn, write_csv_rows, write_xlsx
from tracker.export import EXPORT_KEYS, dumps_json, json_value, record, row_record, write_json_list
from tracker.portfolio import iter_rows, rows


class Boom(Exception):
    pass


def _then_fail(items: list[Any], after: int) -> Iterator[Any]:
    for i, item in enumerate(items):
        if i == after:
            raise Boom
        yield item


def test_csv_writer_writes_rows_before_the_stream_ends() -> None:
    sink = io.StringIO()
    rows_in = [[f"r{i}", Decimal(i)] for i in range(3 * CSV_CHUNK_ROWS)]
    with pytest.raises(Boom):
        write_csv_rows(sink, ["name", "n"], _then_fail(rows_in, 2 * CSV_CHUNK_ROWS + 5), bom=False)
    written = sink.getvalue().split("\r\n")
    assert written[0] == "name,n"
    assert len(written) - 2 >= 2 * CSV_CHUNK_ROWS  # whole chunks went out before the failure
    assert written[1] == "r0,0"


def test_json_writer_writes_each_element_as_it_comes() -> None:
    sink = io.StringIO()
    with pytest.raises(Boom):
        write_json_list(sink, _then_fail([{"code": str(i)} for i in range(10)], 7))
    assert sink.getvalue().count('"code"') == 7


def test_xlsx_writer_takes_a_generator(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "s.xlsx"
    count = write_xlsx([Sheet("s", [SheetColumn("v", "money")], ([Decimal(i) / 100] for i in range(2000)))], path)
    assert count == 2000
    sheet = load_workbook(path).worksheets[0]
    assert sheet.max_row == 2001 and sheet.cell(2001, 1).value == pytest.approx(19.99)


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**15), max_value=10**15)
    | st.decimals(min_value=-(10**6), max_value=10**6, places=6, allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=10), json_values, max_size=6), max_size=5))
def test_incremental_json_equals_dumps_json(records: list[dict[str, Any]]) -> None:
    sink = io.StringIO()
    assert write_json_list(sink, iter(records)) == len(records)
    assert sink.getvalue() == dumps_json(records)
    assert json_value(records) == dumps_json(records)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_json_value_equals_dumps_json_at_any_depth(value: Any) -> None:
    wrapped = {"a": [value]}
    assert json_value(wrapped) == dumps_json(wrapped)


def test_json_escapes_and_decimals_exactly() -> None:
    value = {"name": 'a"b\\c\n\x1b\x85\u202e\u2028中', "money": Decimal("499.872912"), "n": Decimal("1500.00")}
    assert json_value([value]) == dumps_json([value])
    assert '"money": 499.872912' in json_value(value) and '"n": 1500' in json_value(value)
    assert json.loads(json_value(value))["name"] == value["name"]


def _bigger(db_path: Path, copies: int) -> None:
    """``copies`` more plans holding the 87 projects again (as the bench does): 87 × (copies + 1) rows."""
    engine = make_engine(f"sqlite:///{db_path}")
    with engine.begin() as c:
        columns = [r[1] for r in c.execute(text("PRAGMA table_info(project)")) if r[1] not in ("id", "plan_id", "code")]
        names = ", ".join(columns)
        plans = ", ".join(r[1] for r in c.execute(text("PRAGMA table_info(plan)")) if r[1] not in ("id", "name"))
        for copy in range(1, copies + 1):
            c.execute(text(f"INSERT INTO plan (name, {plans}) SELECT name || ' #{copy}', {plans} FROM plan WHERE id = 1"))
            plan_id = c.execute(text("SELECT max(id) FROM plan")).scalar_one()
            c.execute(
                text(
                    f"INSERT INTO project (plan_id, code, {names}) "
                    f"SELECT {plan_id}, 'c{copy}-' || code, {names} FROM project WHERE plan_id = 1"
                )
            )
    engine.dispose()


class _Counting(io.TextIOBase):
    def __init__(self) -> None:
        self.chars = 0

    def write(self, s: str) -> int:
        self.chars += len(s)
        return len(s)


def test_streamed_export_memory_does_not_grow_with_the_rows(db_path: Path) -> None:
    _bigger(db_path, 230)  # 20,097 projects
    engine = make_engine(f"sqlite:///{db_path}")
    sink = _Counting()
    with reading(engine) as session:
        tracemalloc.start()
        records = (row_record(r) for r in iter_rows(session))
        written = write_csv_rows(sink, EXPORT_KEYS, ([rec[k] for k in EXPORT_KEYS] for rec in records), bom=False)
        _, streamed_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        tracemalloc.start()
        whole = [record(r) for r in rows(session)]  # what the commands did before streaming
        _, list_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    engine.dispose()
    assert written == len(whole) == 20097
    assert streamed_peak * 10 < list_peak, (streamed_peak, list_peak)


def test_streamed_rows_equal_the_entity_rows(engine: Any) -> None:
    with reading(engine) as session:
        streamed = [row_record(r) for r in iter_rows(session)]
        listed = [record(r) for r in rows(session)]
    assert streamed == listed and len(streamed) == 87


def test_commands_stream_on_postgres(pg_url: str, cli: CliRun) -> None:
    for args in (("list", "--format", "csv"), ("export", "--format", "json")):
        assert cli(*args, db=pg_url).stdout == cli(*args).stdout, args
    history = [json.loads(cli("history", "--format", "json", **db).stdout) for db in ({"db": pg_url}, {})]
    shapes = [[(i["kind"], i["table"], i["action"], i["code"], len(i["changes"])) for i in h] for h in history]
    assert shapes[0] == shapes[1] and len(shapes[0]) > 87  # the import: one item per row it wrote
    report = ("report", "--month", "2023-06", "--subtotals", "--format", "csv")
    assert cli(*report, db=pg_url).stdout == cli(*report).stdout
    warned = ("--as-of", "2024-06-30", "warnings", "--format", "json")
    on_pg, on_sqlite = cli(*warned, db=pg_url), cli(*warned)
    assert on_pg.exit_code == on_sqlite.exit_code == 1
    assert on_pg.stdout == on_sqlite.stdout
    engine = make_engine(pg_url)
    with reading(engine) as session:
        got = [r.code for r in iter_rows(session, batch=10)]  # a server-side cursor, ten rows a fetch
    engine.dispose()
    assert len(got) == 87 and got[:3] == ["1-1", "1-2", "1-3"]
