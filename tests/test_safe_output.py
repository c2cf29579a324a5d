"""Data is text, never markup or control codes (issue 9, items 4, 6 and 7).

Whatever a text field holds — Rich markup (``[/]``, ``[link=…]``, ``[bold``), ``:emoji:`` codes,
ESC/OSC sequences (clear screen, set the window title, a hyperlink), C1 controls, bidi overrides —
``list`` (table, CSV, JSON), ``show``, ``warnings``, ``history``, ``progress CODE``, ``rollup --by
owner`` and ``check`` print it without an exception and without a raw control character, on a
terminal (a forced colour terminal: Rich's own SGR colour codes are the only escapes allowed) and on
a pipe. CSV and xlsx neutralise every formula form, JSON stays lossless.

The values are written into the database directly (SQL), as an older version or another program
could have left them: the entry points are about to refuse control characters, which must not be
what keeps the output safe.

Figures: 2-9 is 湘潭市雨湖区老年养护院(二期)建设项目 (data/xiangtan_plan.txt lines 1282–1302), owner
湘潭市雨湖区民政局, category 2 老年人福利类项目, 2021–2023, total 5409.88. The template reports 1 万元
for it in May 2023: as of 2023-06-30 that is 0.02% of its total against a time pace of 30/36 months
(83.33%), so ``warnings`` lists it (lagging, red) and exits 1. Line 1632 is 2-24's owner cell
``湘乡市 民政局``, which the importer normalises (a space dropped) and therefore lists in its report.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import shutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text
from typer.testing import Result

from tests.conftest import run_main
from tracker.excel import (
    TRIGGERS,
    Sheet,
    SheetColumn,
    cell_text,
    csv_text,
    neutralise,
    unneutralise,
    write_xlsx,
)
from tracker.export import dumps_json
from tracker.safe_text import has_control, json_escaped, markup_safe, plain_text, visible, visible_cell

D = Decimal
AS_OF = "2023-06-30"
CODE = "2-9"

SLOW = settings.get_current_profile_name() == "slow"
"""The slow profile (``make test-slow``, tests/conftest.py) runs thousands of examples."""


def examples(default: int, slow: int) -> int:
    return slow if SLOW else default


NASTY = (
    "[/]",
    "[link=http://evil.example]click[/link]",
    "[bold",
    "[red]x[/red]",
    "[/link]",
    ":thumbs_up:",
    "\x1b]0;pwned\x07",  # OSC: set the window title
    "\x1b[2J",  # CSI: clear the screen
    "\x1b[31m",
    "\x1b]8;;http://evil.example\x1b\\x\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x9b2J",  # C1 CSI
    "\x9d0;t\x9c",  # C1 OSC … ST
    "\u202e",  # right-to-left override
    "\u2066",
    "\x00",
    "\r",
    "\x7f",
    "\x85",
    "\u2028",
    "=1+1",
    "\n=cmd|' /C calc'!A0",
    "＝1",
    "|x",
    "'",
)

nasty_text = st.lists(
    st.one_of(st.text(max_size=6), st.sampled_from(NASTY), st.characters(max_codepoint=0x9F)),
    min_size=1,
    max_size=6,
).map("".join)
"""Any text: the full Unicode range (hypothesis' default alphabet), weighted towards markup,
terminal sequences and C0/C1 controls."""

SGR = re.compile(r"\x1b\[[0-9;]*m")


def assert_terminal_safe(output: str) -> None:
    """No control character reaches the terminal but Rich's own colour codes (SGR); no OSC at all."""
    assert "\x1b]" not in output and "\x9d" not in output, output
    rest = SGR.sub("", output)
    assert not has_control(rest), repr([c for c in rest if has_control(c)][:5])


# --------------------------------------------------------------------------------------------
# safe_text, the one helper


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("\x1b]0;t\x07", "\\x1b]0;t\\x07"),
        ("x\x9by", "x\\x9by"),
        ("\u202eabc", "\\u202eabc"),
        ("a\rb", "a\\x0db"),
        ("tab\tand\nline", "tab\tand\nline"),  # layout stays
        ("湘潭[/]", "湘潭[/]"),  # markup is not a control: visible leaves it, plain_text makes it inert
        (None, ""),
    ],
)
def test_visible(raw: str | None, shown: str) -> None:
    assert visible(raw) == shown


def test_visible_single_line_and_cell() -> None:
    assert visible("a\tb\nc", single_line=True) == "a\\x09b\\x0ac"
    assert visible_cell("a\tb\nc\r\x1b\x85") == "a\tb\nc\r\\x1b\\x85"  # TAB LF CR are cell data


def test_plain_text_is_never_markup_or_emoji() -> None:
    shown = plain_text("[/][link=http://x]y[/link] :thumbs_up: \x1b[2J", "bold")
    assert shown.plain == "[/][link=http://x]y[/link] :thumbs_up: \\x1b[2J"
    assert str(shown.style) == "bold" and not shown.spans
    assert markup_safe("[/]\x1b") == "\\[/]\\x1b"


@given(nasty_text)
@settings(max_examples=examples(300, 5000))
def test_visible_leaves_no_control(value: str) -> None:
    assert not has_control(visible(value))
    assert not has_control(visible(value, single_line=True), layout=True)
    assert not has_control(visible_cell(value).replace("\r", ""))
    assert visible(visible(value)) == visible(value)  # applied twice (message and boundary): same text


@given(
    st.recursive(
        st.none() | st.integers() | nasty_text,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(nasty_text, inner, max_size=3),
        max_leaves=8,
    )
)
@settings(max_examples=examples(200, 3000))
def test_json_is_lossless_and_shows_no_control(data: object) -> None:
    written = dumps_json(data)
    assert not has_control(written)  # newlines of the indentation are layout
    assert json.loads(written) == data


def test_json_escapes_c1_and_bidi() -> None:
    assert json_escaped('"a\x85\u202e\x7f"') == '"a\\u0085\\u202e\\u007f"'
    assert dumps_json({"name": "x\x1b\x9b\u2028", "total": D("5409.88")}, indent=None) == (
        '{"name": "x\\u001b\\u009b\\u2028", "total": 5409.88}'
    )


# --------------------------------------------------------------------------------------------
# formula neutralisation (item 6)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("\n=1+1", "'\n=1+1"),
        ("＝1+1", "'＝1+1"),
        ("＋86", "'＋86"),
        ("－5", "'－5"),
        ("＠SUM(A1)", "'＠SUM(A1)"),
        ("|calc", "'|calc"),
        ("'|calc", "''|calc"),
        ("'\n", "''\n"),
        ("a|b", "a|b"),
        ("湘潭＝", "湘潭＝"),
    ],
)
def test_new_formula_triggers_are_neutralised(value: str, written: str) -> None:
    assert neutralise(value) == written
    assert unneutralise(neutralise(value)) == value
    assert cell_text(value) == written


def test_numbers_are_never_neutralised() -> None:
    assert cell_text(D("-5")) == "-5" and cell_text(-3) == "-3"
    assert csv_text(["n", "t"], [[D("-1.5"), "-1.5"]]) == "n,t\r\n-1.5,'-1.5\r\n"


@given(nasty_text)
@settings(max_examples=examples(300, 5000))
def test_any_csv_cell_is_inert_and_reads_back(value: str) -> None:
    """Written through the one CSV writer and read back as the importer does: the cell never starts
    with a trigger, holds no control but TAB/LF/CR, and unneutralises to the value as shown."""
    written = csv_text(["code", "name"], [["2-9", value]])
    rows = list(csv.reader(io.StringIO(written, newline="")))
    cell = rows[1][1]
    assert not cell or cell[0] not in TRIGGERS
    assert not has_control(cell.replace("\r", ""))
    assert unneutralise(cell) == visible_cell(value)


def test_xlsx_formula_like_text_is_quote_prefixed_and_numbers_stay_numbers(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    values = ["=1+1", "\n=1", "＝1", "|cmd", "@x", "-2", "湘潭\x1b[2J", "a=b"]
    columns = [SheetColumn("text"), SheetColumn("money", "money")]
    write_xlsx([Sheet("s", columns, [[v, D("-5")] for v in values])], path)
    ws = openpyxl.load_workbook(path).active
    assert ws is not None
    cells = [(row[0].value, row[0].quotePrefix, row[0].data_type, row[1].value) for row in ws.iter_rows(min_row=2)]
    assert cells == [
        ("=1+1", True, "s", -5),
        ("\n=1", True, "s", -5),
        ("＝1", True, "s", -5),
        ("|cmd", True, "s", -5),
        ("@x", True, "s", -5),
        ("-2", True, "s", -5),
        ("湘潭\\x1b[2J", False, "s", -5),  # the control shown, as in CSV
        ("a=b", False, "s", -5),
    ]


# --------------------------------------------------------------------------------------------
# the CLI on a (forced) terminal


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """stdout is a colour terminal: tables by default, Rich emitting its SGR colour codes."""
    from tracker.cli import output, query

    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setattr(query, "stdout_is_terminal", lambda: True)
    for name in ("NO_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.setenv("COLUMNS", "160")
    output.console.cache_clear()
    yield
    output.console.cache_clear()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled portfolio with one month of progress for 2-9 (May 2023, 1 万元, in progress)."""
    from tracker.bootstrap import init_database
    from tracker.progress import record_progress

    path = tmp_path_factory.mktemp("safe") / "template.db"
    engine = init_database(f"sqlite:///{path}").engine
    record_progress(
        engine,
        CODE,
        "2023-05",
        status="in_progress",
        invested="1",
        progress_text="主体施工",
        problems="无",
        reporter="测试员",
        as_of=date(2023, 6, 30),
    )
    engine.dispose()
    return path


FIELD_UPDATES = {
    "name": "UPDATE project SET name = :v WHERE code = :code",
    "owner": "UPDATE project SET owner = :v WHERE code = :code",
    "content": "UPDATE project SET content = :v WHERE code = :code",
    "note": "UPDATE project SET note = :v WHERE code = :code",
    "district": "UPDATE project SET district = :v WHERE code = :code",
    "progress_text": "UPDATE progressrecord SET progress_text = :v WHERE project_id = (SELECT id FROM project WHERE code = :code)",
    "problems": "UPDATE progressrecord SET problems = :v WHERE project_id = (SELECT id FROM project WHERE code = :code)",
    "reporter": "UPDATE progressrecord SET reporter = :v WHERE project_id = (SELECT id FROM project WHERE code = :code)",
    "category": "UPDATE category SET name = :v WHERE id = (SELECT category_id FROM project WHERE code = :code)",
    "plan": "UPDATE plan SET name = :v",
}
"""Every text field a command prints, set for 2-9 (the statements are fixed; the value is bound)."""

_copies = itertools.count()


def nasty_database(template: Path, folder: Path, field: str, value: str) -> Path:
    """A copy of ``template`` with ``field`` of 2-9 set to ``value`` and an edit in the audit log whose
    actor, summary and old/new values are ``value`` too (what ``history`` prints)."""
    path = folder / f"nasty-{next(_copies)}.db"
    shutil.copyfile(template, path)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text(FIELD_UPDATES[field]), {"v": value, "code": CODE})
        operation = connection.execute(
            text(
                "INSERT INTO operation (kind, summary, actor, created_at) VALUES ('edit', :v, :v, '2023-06-30 12:00:00')"
            ),
            {"v": value},
        ).lastrowid
        connection.execute(
            text(
                "INSERT INTO auditentry (operation_id, table_name, row_id, action, project_code, old_values, new_values)"
                " SELECT :op, 'project', id, 'update', code, :old, :new FROM project WHERE code = :code"
            ),
            {"op": operation, "old": json.dumps({"name": value}), "new": json.dumps({"note": value}), "code": CODE},
        )
    engine.dispose()
    return path


def tracker(db: Path, *args: str) -> Result:
    return run_main(["--db", str(db), "--as-of", AS_OF, *args])


TERMINAL_COMMANDS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("list",), 0),
    (("show", CODE), 0),
    (("warnings",), 1),
    (("history", "--limit", "3"), 0),
    (("progress", CODE), 0),
    (("rollup", "--by", "owner"), 0),
    (("check",), 1),  # the published totals of the plan and of categories 2 and 4 differ from the rows
)
"""What prints data on a terminal, and the exit status each must keep."""


def check_every_command(db: Path) -> None:
    for args, status in TERMINAL_COMMANDS:
        result = tracker(db, *args)
        assert (result.exit_code, result.stderr) == (status, ""), (args, result.stderr)
        assert_terminal_safe(result.stdout)


@given(field=st.sampled_from(sorted(FIELD_UPDATES)), value=nasty_text)
@settings(
    max_examples=examples(12, 1000),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_text_in_any_field_prints_safely(
    terminal: None, workdir: Path, template: Path, field: str, value: str
) -> None:
    db = nasty_database(template, workdir, field, value)
    check_every_command(db)

    listed = tracker(db, "list", "--format", "csv")
    assert listed.exit_code == 0 and not has_control(listed.stdout.replace("\r", ""))
    rows = list(csv.DictReader(io.StringIO(listed.stdout, newline="")))
    assert len(rows) == 87
    record = next(r for r in rows if r["code"] == CODE)
    column = {"category": "category", "plan": "plan"}.get(field, field)
    if column in record:
        assert unneutralise(record[column]) == visible_cell(value)  # shown exactly, controls as escapes
        assert not record[column] or record[column][0] not in TRIGGERS

    as_json = tracker(db, "list", "--format", "json")
    assert as_json.exit_code == 0 and not has_control(as_json.stdout)
    if column in record:
        assert next(r for r in json.loads(as_json.stdout) if r["code"] == CODE)[column] == value  # lossless


# --------------------------------------------------------------------------------------------
# the reproducers of the issue, one by one


def test_markup_close_tag_in_a_name_owner_or_progress_text_no_longer_crashes(
    terminal: None, workdir: Path, template: Path
) -> None:
    """Before: ``MarkupError: closing tag '[/]' … has nothing to close`` (exit 3) from list, show,
    warnings, progress CODE and rollup --by owner."""
    db = nasty_database(template, workdir, "name", "[/]雨湖区老年养护院")
    for field in ("owner", "progress_text"):
        engine = create_engine(f"sqlite:///{db}")
        with engine.begin() as connection:
            connection.execute(text(FIELD_UPDATES[field]), {"v": f"[/]{field}", "code": CODE})
        engine.dispose()
    check_every_command(db)
    assert "[/]雨湖区老年养护院" in tracker(db, "list").stdout
    assert "[/]雨湖区老年养护院" in tracker(db, "show", CODE).stdout
    assert "[/]owner" in tracker(db, "show", CODE).stdout
    assert "[/]雨湖区老年养护院" in tracker(db, "warnings").stdout
    assert "[/]progress_text" in tracker(db, "progress", CODE).stdout
    assert "[/]owner" in tracker(db, "rollup", "--by", "owner").stdout


def test_a_link_in_a_name_is_shown_not_made_live(terminal: None, workdir: Path, template: Path) -> None:
    db = nasty_database(template, workdir, "name", "[link=http://evil.example]点我[/link]")
    shown = tracker(db, "show", CODE).stdout
    assert "[link=http://evil.example]点我[/link]" in SGR.sub("", shown)
    assert "\x1b]8;" not in shown  # no OSC 8 hyperlink


@pytest.mark.parametrize("args", [("list",), ("show", CODE), ("warnings",), ("history", "--limit", "3")])
def test_escape_sequences_in_data_are_shown_not_sent(
    terminal: None, workdir: Path, template: Path, args: tuple[str, ...]
) -> None:
    """Before: the ESC of ``\\x1b[2J`` (clear screen) and ``\\x1b]0;…\\x07`` (set the title) reached
    the terminal from list, show, warnings and history."""
    db = nasty_database(template, workdir, "name", "养护院\x1b[2J\x1b]0;pwned\x07")
    out = tracker(db, *args).stdout
    assert_terminal_safe(out)
    assert "\\x1b[2J" in SGR.sub("", out)


def test_on_a_pipe_too(workdir: Path, template: Path) -> None:
    db = nasty_database(template, workdir, "name", "养护院\x1b[2J[/]")
    for args, status in (*TERMINAL_COMMANDS, (("list", "--format", "json"), 0), (("export",), 0)):
        result = tracker(db, *args)
        assert result.exit_code == status, (args, result.stderr)
        assert not has_control(result.stdout.replace("\r\n", "\n")), args


def test_an_unknown_code_is_echoed_with_its_controls_shown(workdir: Path, template: Path) -> None:
    result = tracker(template, "show", "9-9\x1b[2J\x9b")
    assert result.exit_code == 1
    assert not has_control(result.stderr)
    assert result.stderr.startswith("tracker: no project with code")


def test_import_plan_report_with_markup_in_a_cell(terminal: None, workdir: Path, plan_path: Path) -> None:
    """Before: the import was committed, then printing its report crashed on the ``[/]`` (exit 3).

    Line 1632 is 2-24's owner ``湘乡市 民政局``; the importer drops the space and reports the cell."""
    lines = plan_path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1631] == "湘乡市 民政局\n"
    lines[1631] = "湘乡市 民政局[/][link=http://e]x[/link]\n"
    plan = workdir / "plan.txt"
    plan.write_text("".join(lines), encoding="utf-8")
    db = workdir / "new.db"
    result = run_main(["--db", str(db), "import-plan", str(plan)])
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    out = SGR.sub("", result.stdout)
    assert "87 projects in 5 categories" in out
    assert "│ 1632 │ 2-24 │" in out  # the normalised cell: published, then as read
    assert "湘乡市 民政局[/][link=http://e]x[/link]" in out and "湘乡市民政局[/][link=http://e]x[/link]" in out
    assert "\x1b]8;" not in result.stdout
    shown = json.loads(tracker(db, "show", "2-24", "--format", "json").stdout)
    assert shown["owner"] == "湘乡市民政局[/][link=http://e]x[/link]"


def test_csv_export_neutralises_the_new_forms(workdir: Path, template: Path) -> None:
    db = nasty_database(template, workdir, "note", '\n=HYPERLINK("http://evil")')
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE project SET name = '＝1+1', owner = '|calc' WHERE code = :c"), {"c": CODE})
    engine.dispose()
    out = tracker(db, "export", "--format", "csv").stdout
    record = next(r for r in csv.DictReader(io.StringIO(out, newline="")) if r["code"] == CODE)
    assert (record["name"], record["owner"], record["note"]) == ("'＝1+1", "'|calc", '\'\n=HYPERLINK("http://evil")')
    assert record["total_investment"] == "5409.88"


@pytest.mark.slow
def test_libreoffice_keeps_quote_prefixed_xlsx_text_as_text(tmp_path: Path) -> None:
    """A real client opens the xlsx: each formula-like text comes back as published (no apostrophe,
    nothing evaluated), the numbers as numbers. (LibreOffice, as in tests/test_libreoffice.py.)"""
    from tests.test_libreoffice import CSV_EXPORT_RAW, convert

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: `make test` installs libreoffice-calc-nogui"
    values = ["=1+1", "+1", "-2", "@SUM(1)", "＝1+1", "＋1", "－5", "＠x", "|calc", "'=1"]
    path = tmp_path / "formulas.xlsx"
    columns = [SheetColumn("text"), SheetColumn("money", "money")]
    write_xlsx([Sheet("s", columns, [[v, D("-5409.88")] for v in values])], path)
    convert(soffice, (tmp_path / "profile").as_uri(), [path], CSV_EXPORT_RAW, tmp_path / "out")
    back = list(csv.reader(io.StringIO((tmp_path / "out" / "formulas.csv").read_text(encoding="utf-8-sig"))))
    assert back == [["text", "money"], *([v, "-5409.88"] for v in values)]
