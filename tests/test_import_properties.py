"""Property tests of the importers (issue 9, item 7): a one-line edit of the bundled annex or a one-row edit
of the CSV export is refused with an error that names where, or imports without losing anything.

Every example is checked against the real data: the bundled plan (annex lines 862–2918, 87 projects)
and ``tracker export --format csv`` of it. Nothing but :class:`PlanFormatError` / :class:`CsvImportError`
may be raised. By default each property runs 150 / 100 examples (well under 30 s together);
the slow profile (``make test-slow``) runs 3000 / 1500.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from tests.conftest import run_main
from tracker.db import make_engine, reading
from tracker.importing.csv_import import CsvImportError, import_csv
from tracker.importing.load import load_plan
from tracker.importing.plan_text import PlanFormatError, parse_plan_text
from tracker.models import Operation, Project

SLOW = settings.default.max_examples >= 1_000
"""The slow profile (tests/conftest.py) is loaded: ``make test-slow``."""
PLAN_EXAMPLES = 3000 if SLOW else 150
CSV_EXAMPLES = 1500 if SLOW else 100

ANNEX_FIRST, ANNEX_LAST = 862, 2918
"""1-based lines of annex 1 in data/xiangtan_plan.txt (附件1 … the note of 5-4)."""
PLAN_NAME = "湘潭市“十四五”民政事业发展规划"
CODES = {f"{c}-{n}" for c, k in ((1, 8), (2, 50), (3, 7), (4, 18), (5, 4)) for n in range(1, k + 1)}
"""The 87 codes, from the published counts 一(8个) 二(50个) 三(7个) 四(18个) 五(4个)."""


# -- the plan ------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def plan_lines(plan_path: Path) -> list[str]:
    return plan_path.read_text(encoding="utf-8").split("\n")


@pytest.fixture(scope="module")
def plan_engine(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One copy of the imported portfolio: every example is a dry run, so none changes it."""
    path = tmp_path_factory.mktemp("props") / "plan.db"
    shutil.copyfile(template_db, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _replacements(annex: list[str]) -> st.SearchStrategy[str]:
    """What a line may be changed into: noise, numbers of every size, another line of the annex (a year,
    an amount, a number, a category row), an empty or no-break-space cell, a control character."""
    digits = st.integers(min_value=-(10**25), max_value=10**25).map(str)
    small = st.integers(min_value=-5, max_value=120).map(str)
    decimal = st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False).map(str)
    return st.one_of(
        st.text(max_size=30),
        digits,
        small,
        decimal,
        st.sampled_from(annex),
        st.sampled_from(
            ["", "\u00a0", " ", "\x1b[2J", "总计项目(87)", "一、儿童福利类项目(8个)", "2021-2023", "9.24%"]
        ),
    )


@st.composite
def one_line_edits(draw: st.DrawFn, lines: list[str]) -> tuple[str, int, list[str]]:
    """``(kind, line, edited lines)``: line ``line`` (1-based, in the annex) deleted, repeated or changed."""
    line = draw(st.integers(min_value=ANNEX_FIRST, max_value=ANNEX_LAST))
    kind = draw(st.sampled_from(["delete", "duplicate", "alter", "alter"]))
    index = line - 1
    if kind == "delete":
        return kind, line, lines[:index] + lines[index + 1 :]
    if kind == "duplicate":
        return kind, line, lines[: index + 1] + lines[index:]
    annex = lines[ANNEX_FIRST - 1 : ANNEX_LAST]
    edited = list(lines)
    choice = draw(st.sampled_from(["replace", "insert", "drop"]))
    original = lines[index]
    if choice == "replace" or not original:
        edited[index] = draw(_replacements(annex))
    elif choice == "insert":
        at = draw(st.integers(min_value=0, max_value=len(original)))
        edited[index] = original[:at] + draw(st.text(min_size=1, max_size=3)) + original[at:]
    else:
        at = draw(st.integers(min_value=0, max_value=len(original) - 1))
        edited[index] = original[:at] + original[at + 1 :]
    return kind, line, edited


@settings(
    max_examples=PLAN_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_one_line_edit_of_the_annex_is_an_error_or_removes_nothing(
    data: st.DataObject, plan_lines: list[str], plan_engine: Engine
) -> None:
    kind, line, edited = data.draw(one_line_edits(plan_lines), label="edit")
    try:
        parsed = parse_plan_text("\n".join(edited), "p.txt")
    except PlanFormatError as exc:
        assert str(exc).startswith("p.txt:"), str(exc)
        assert exc.line is not None and 1 <= exc.line <= len(edited), (kind, line, str(exc))
        return
    if parsed.name == PLAN_NAME:  # the same plan: every published project is still there
        assert {p.code for p in parsed.projects} == CODES, (kind, line)
    result = load_plan(plan_engine, parsed, "p.txt", dry_run=True, prune=True)
    assert (result.removed, result.would_remove) == ([], []), (kind, line)


def test_the_unedited_annex_is_the_baseline(plan_lines: list[str], plan_engine: Engine) -> None:
    """What the property compares with: the bundled text re-imports with no change at all."""
    parsed = parse_plan_text("\n".join(plan_lines), "xiangtan_plan.txt")
    assert {p.code for p in parsed.projects} == CODES
    result = load_plan(plan_engine, parsed, "xiangtan_plan.txt", dry_run=True, prune=True)
    assert (result.created, result.updated, result.removed, result.unchanged) == ([], [], [], 87)


# -- the CSV -------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def export_rows(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> list[list[str]]:
    """``tracker export --format csv`` of the bundled portfolio, as records (header first)."""
    path = tmp_path_factory.mktemp("export") / "export.db"
    shutil.copyfile(template_db, path)
    result = run_main(["--db", str(path), "export", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"), newline="")))
    assert len(rows) == 88 and rows[0][0] == "code"
    return rows


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@st.composite
def one_row_edits(draw: st.DrawFn, rows: list[list[str]]) -> tuple[str, int, str]:
    """``(kind, record, CSV text)``: one record deleted a cell, changed a cell, repeated, or cut off."""
    index = draw(st.integers(min_value=1, max_value=len(rows) - 1))
    kind = draw(st.sampled_from(["delete cell", "change cell", "change cell", "duplicate", "truncate"]))
    edited = [list(r) for r in rows]
    row = edited[index]
    column = draw(st.integers(min_value=0, max_value=len(row) - 1))
    if kind == "delete cell":
        del row[column]
    elif kind == "change cell":
        row[column] = draw(
            st.one_of(
                st.text(max_size=40),
                st.integers(min_value=-(10**6), max_value=10**7).map(str),
                st.integers(min_value=12, max_value=40).map(lambda n: "9" * n),
                st.decimals(min_value=-1000, max_value=10**6, places=4, allow_nan=False).map(str),
                st.sampled_from(["", "=1+1", "'=cmd", "2-18", "18-Feb", "在建", "市本级", "2021.13", "2019-2018"]),
            )
        )
    elif kind == "duplicate":
        edited.insert(index + 1, list(row))
    if kind != "truncate":
        return kind, index, _csv_text(edited)
    start = len(_csv_text(edited[:index]))
    end = len(_csv_text(edited[: index + 1]))
    return kind, index, _csv_text(edited)[: draw(st.integers(min_value=start, max_value=end - 1))]


@settings(
    max_examples=CSV_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_one_row_edit_of_the_export_is_a_row_error_or_a_clean_import(
    data: st.DataObject, export_rows: list[list[str]], template_db: Path, tmp_path: Path
) -> None:
    kind, record, text = data.draw(one_row_edits(export_rows), label="edit")
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    shutil.copyfile(template_db, folder / "t.db")
    csv_path = folder / "edited.csv"
    csv_path.write_text(text, encoding="utf-8", newline="")
    engine = make_engine(f"sqlite:///{folder / 't.db'}")
    try:
        try:
            import_csv(engine, csv_path)
        except CsvImportError as exc:
            where = re.compile(rf"^{re.escape(str(csv_path))}:[0-9]+:[0-9]+: \S")
            assert exc.errors and all(where.match(str(e)) for e in exc.errors), (kind, record, str(exc))
            with reading(engine) as s:  # nothing written
                assert s.exec(select(func.count(Operation.id))).one() == 1
                assert set(s.exec(select(Project.code)).all()) == CODES
            return
        with reading(engine) as s:  # a clean import: every project is still there (one may be added)
            assert CODES <= set(s.exec(select(Project.code)).all()), (kind, record)
    finally:
        engine.dispose()
