"""tracker progress, annual-plan, history, undo, report, import-csv (issue 5).

Thin: each command parses its options, calls one domain function (:mod:`tracker.progress`,
:mod:`tracker.history`, :mod:`tracker.report`, :mod:`tracker.importing.csv_import`) and prints the
result. A refused change (bad value, unknown project, stale version, bad CSV rows, nothing to undo)
exits 1; a usage error exits 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.app import EXIT_FINDINGS, app, fail, state
from tracker.cli.output import console, echo, print_json

if TYPE_CHECKING:
    from tracker.history import HistoryItem
    from tracker.importing.csv_import import CsvImportResult
    from tracker.models import ProgressRecord
    from tracker.report import ReportSource

TextOrJson = Annotated[str, typer.Option("--format", help="text or json.")]


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        fail(f"--format must be {' or '.join(allowed)}, not {fmt!r}")


def check_option(value: int | None, option: str, low: int = 1) -> None:
    """An integer option within ``low``–:data:`~tracker.bounds.MAX_INT_OPTION`, else exit 2 naming it."""
    from tracker.bounds import MAX_INT_OPTION, check_int
    from tracker.errors import UsageError

    if value is not None:
        check_int(value, option, low, MAX_INT_OPTION, error=UsageError)


# --------------------------------------------------------------------------------------------
# progress


@app.command("progress")
def progress(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Project code, e.g. 2-18.")],
    month: Annotated[
        str | None, typer.Option("--month", help="YYYY-MM. Without it: list the project's records.")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="not_started/in_progress/completed/suspended/cancelled or 未开工/在建/已竣工/停缓建/取消."
        ),
    ] = None,
    invested: Annotated[
        str | None,
        typer.Option(
            "--invested", help="Invested this month, 万元 (exact; 0 allowed; negative corrects an earlier month)."
        ),
    ] = None,
    progress_text: Annotated[str | None, typer.Option("--progress-text", help="形象进度: physical progress.")] = None,
    problems: Annotated[str | None, typer.Option("--problems", help="存在问题: problems.")] = None,
    reporter: Annotated[
        str | None, typer.Option("--reporter", help="Who reports (default general.reporter or the login name).")
    ] = None,
    expect_version: Annotated[
        int | None, typer.Option("--expect-version", help="Refuse if the project is no longer at this version.")
    ] = None,
    fmt: TextOrJson = "text",
) -> None:
    """Record (or correct) a project's progress for one month; without --month, list its records."""
    from tracker.concurrency import ConcurrentEditError
    from tracker.editing import UnknownProjectError
    from tracker.progress import ProgressError, record_progress

    _check_format(fmt, ("text", "json"))
    check_option(expect_version, "--expect-version")
    st = state(ctx)
    engine = st.engine()
    if month is None:
        if any(v is not None for v in (status, invested, progress_text, problems, expect_version)):
            fail("--month is required to record progress")
        _list_progress(engine, code, fmt)
        return
    try:
        result = record_progress(
            engine,
            code,
            month,
            status=status,
            invested=invested,
            progress_text=progress_text,
            problems=problems,
            reporter=reporter or st.actor(),
            expected_version=expect_version,
            as_of=st.as_of,
        )
    except (ProgressError, UnknownProjectError, ConcurrentEditError) as exc:
        fail(str(exc).strip("'\""), EXIT_FINDINGS, error=exc)
    if fmt == "json":
        print_json(
            {
                "code": result.code,
                "month": result.month,
                "status": result.status,
                "invested": result.invested,
                "invested_to_date": result.invested_to_date,
                "project_status": result.project_status,
                "version": result.version,
                "operation_id": result.operation_id,
                "corrected": result.corrected,
                "changed": {k: {"old": old, "new": new} for k, (old, new) in result.changed.items()},
            }
        )
        return
    from tracker.models import Status
    from tracker.money import fmt_wan

    if result.operation_id is None:
        echo(f"{result.code} {result.month}: nothing to change (version {result.version})")
        return
    verb = "corrected" if result.corrected else "recorded"
    echo(
        f"{result.code} {result.month} {verb}: {Status(result.status).zh}, {fmt_wan(result.invested)} 万元 this month, "
        f"{fmt_wan(result.invested_to_date)} 万元 to date; project is {Status(result.project_status).zh}, "
        f"version {result.version} (operation {result.operation_id})"
    )


def _list_progress(engine: Any, code: str, fmt: str) -> None:
    from tracker.db import reading
    from tracker.editing import UnknownProjectError
    from tracker.progress import project_progress

    try:
        with reading(engine) as session:
            records = project_progress(session, code)
    except UnknownProjectError as exc:
        fail(str(exc).strip("'\""), EXIT_FINDINGS, error=exc)
    data = [_record_data(r) for r in records]
    if fmt == "json":
        print_json(data)
        return
    _print_records(code, records)


def _record_data(r: ProgressRecord) -> dict[str, Any]:
    return {
        "month": r.month,
        "status": r.status,
        "invested": r.invested,
        "progress_text": r.progress_text,
        "problems": r.problems,
        "reporter": r.reporter,
        "recorded_at": r.recorded_at.isoformat(),
    }


def _print_records(code: str, records: list[ProgressRecord]) -> None:
    """A project's monthly records as a table; the texts reported are ``Text`` (never markup)."""
    from decimal import Decimal

    from rich.table import Table

    from tracker.money import fmt_wan_grouped
    from tracker.safe_text import plain_text

    table = Table(title=plain_text(f"{code}: {len(records)} monthly records"), title_justify="left")
    for column in ("month", "status", "invested 万元", "to date 万元", "形象进度", "存在问题", "reporter"):
        table.add_column(column, justify="right" if "万元" in column else "left", overflow="fold")
    running = Decimal(0)
    for r in records:
        running += r.invested
        cells = (
            r.month,
            _status_zh(r.status),
            fmt_wan_grouped(r.invested),
            fmt_wan_grouped(running),
            r.progress_text,
            r.problems,
            r.reporter,
        )
        table.add_row(*(plain_text(cell) for cell in cells))
    console().print(table)


def _status_zh(value: str) -> str:
    """``在建`` for ``in_progress``; a value that is no status (edited in the database) as it is."""
    from tracker.models import Status

    try:
        return Status(value).zh
    except ValueError:
        return value


@app.command("annual-plan")
def annual_plan(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Project code, e.g. 2-18.")],
    year: Annotated[int, typer.Argument(help="Calendar year, e.g. 2023.")],
    amount: Annotated[str | None, typer.Argument(help="年度计划投资 in 万元; leave out with --remove.")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the year's figure.")] = False,
    expect_version: Annotated[
        int | None, typer.Option("--expect-version", help="Refuse if the project is no longer at this version.")
    ] = None,
) -> None:
    """Set a project's annual plan investment (年度计划投资) for a year (used by `tracker report`)."""
    from tracker.concurrency import ConcurrentEditError
    from tracker.editing import UnknownProjectError
    from tracker.money import fmt_wan
    from tracker.progress import ProgressError, set_annual_plan

    if (amount is None) == (not remove):
        fail("give an AMOUNT, or --remove")
    check_option(expect_version, "--expect-version")
    st = state(ctx)
    try:
        result = set_annual_plan(st.engine(), code, year, amount, actor=st.actor(), expected_version=expect_version)
    except (ProgressError, UnknownProjectError, ConcurrentEditError) as exc:
        fail(str(exc).strip("'\""), EXIT_FINDINGS, error=exc)
    if result.operation_id is None:
        echo(f"{result.code} {year}: nothing to change")
        return
    shown = "removed" if result.planned is None else f"{fmt_wan(result.planned)} 万元"
    echo(f"{result.code} annual plan {year}: {shown} (operation {result.operation_id})")


# --------------------------------------------------------------------------------------------
# history and undo


@app.command("history")
def history_command(
    ctx: typer.Context,
    code: Annotated[str | None, typer.Argument(help="Only this project's changes.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many operations, newest first (0: all).")] = 20,
    fmt: TextOrJson = "text",
) -> None:
    """The audit log: who changed what and when, field by field (old → new), newest first."""
    from tracker.db import reading
    from tracker.history import iter_history

    _check_format(fmt, ("text", "json"))
    check_option(limit, "--limit", low=0)
    with reading(state(ctx).engine()) as session:
        items = iter_history(session, code, limit or None)
        if fmt == "json":
            from tracker.cli.output import stdout_text
            from tracker.export import write_json_list

            out = stdout_text()
            write_json_list(out, (item.as_dict() for item in items))
            out.write("\n")
            return
        _print_history(items)


ROWS_SHOWN = 12
"""Rows listed per operation in the text view (an import touches ~90); JSON has them all."""


def _print_history(items: Iterable[HistoryItem]) -> None:
    """Operations, newest first, each with its changed rows; who, what and the values are data and
    are printed as ``Text`` on one line each (controls and line breaks shown as escapes)."""
    from rich.text import Text

    from tracker.safe_text import plain_text

    out = console()
    shown_for: dict[int, int] = {}  # the operation being printed: rows shown so far
    for item in items:
        if item.operation_id not in shown_for:
            shown_for = {item.operation_id: 0}
            flags = ""
            if item.undone_by:
                flags += f" [undone by {item.undone_by}]"
            when = item.when.strftime("%Y-%m-%d %H:%M:%S")
            out.print(
                Text.assemble(
                    (f"#{item.operation_id}", "bold"),
                    " ",
                    plain_text(f"{when} {item.who} {item.kind}: {item.summary}{flags}", single_line=True),
                )
            )
            total = item.entries
            if total > ROWS_SHOWN:
                out.print(f"  ({total} rows; the first {ROWS_SHOWN} shown — --format json lists all)", highlight=False)
        if item.table is None:
            continue
        shown_for[item.operation_id] += 1
        if shown_for[item.operation_id] > ROWS_SHOWN:
            continue
        out.print(plain_text("  " + _entry_text(item), single_line=True))
    if not shown_for:
        echo("no changes recorded")


def _entry_text(item: HistoryItem) -> str:
    from tracker.history import TIMESTAMPS

    what = (
        f"{item.table} {item.code}"
        if item.table == "project" and item.code
        else (f"{item.table} #{item.row}" + (f" ({item.code})" if item.code else ""))
    )
    if item.action == "insert":
        return f"+ {what}"
    if item.action == "delete":
        return f"- {what}"
    changes = ", ".join(
        f"{c.field}: {_short(c.old)} → {_short(c.new)}" for c in item.changes if c.field not in TIMESTAMPS
    )
    return f"~ {what}: {changes}"


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _short(value: Any, width: int = 30) -> str:
    from decimal import Decimal

    from tracker.money import fmt_wan

    if value is None:
        return "∅"
    text = fmt_wan(value) if isinstance(value, Decimal) else str(value)
    text = text.replace("\n", " / ")
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("undo")
def undo_command(
    ctx: typer.Context,
    operation: Annotated[
        int | None, typer.Option("--operation", help="Undo this operation id (default: the latest that stands).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and show what would be undone; change nothing.")
    ] = False,
    fmt: TextOrJson = "text",
) -> None:
    """Reverse the latest operation as a whole (an import, a month's progress, an edit); audited.

    Run again to undo the one before; an undo itself is not undone (no redo).
    """
    from tracker.history import UndoError, undo

    _check_format(fmt, ("text", "json"))
    check_option(operation, "--operation")
    st = state(ctx)
    try:
        result = undo(st.engine(), operation, actor=st.actor(), dry_run=dry_run)
    except UndoError as exc:
        fail(str(exc), EXIT_FINDINGS, error=exc)
    if fmt == "json":
        print_json(
            {
                "undone": result.undone_id,
                "kind": result.kind,
                "summary": result.summary,
                "rows": result.rows,
                "codes": result.codes,
                "operation_id": result.operation_id,
                "dry_run": dry_run,
            }
        )
        return
    projects = (
        f"; projects {', '.join(result.codes[:10])}" + ("…" if len(result.codes) > 10 else "") if result.codes else ""
    )
    if dry_run:
        echo(
            f"would undo operation {result.undone_id} ({result.kind}: {result.summary}): {_rows(result.rows)}{projects}"
        )
    else:
        echo(
            f"undid operation {result.undone_id} ({result.kind}: {result.summary}): {_rows(result.rows)}{projects}; "
            f"recorded as operation {result.operation_id}"
        )


# --------------------------------------------------------------------------------------------
# report


@app.command("report", context_settings={"ignore_unknown_options": True})
def report_command(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(help="Filter, e.g. category:老年 status:在建 (see README).", show_default=False),
    ] = None,
    month: Annotated[str | None, typer.Option("--month", help="Report month, YYYY-MM (required).")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, xlsx or json (default: the --output file's extension, else csv).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write to FILE (.csv, .xlsx or .json; required for xlsx).")
    ] = None,
    headers: Annotated[
        str | None,
        typer.Option(
            "--language", "--headers", help="zh or en: headers, statuses, title, summary (default report.language)."
        ),
    ] = None,
    subtotals: Annotated[bool, typer.Option("--subtotals", help="A subtotal row after each category.")] = False,
    summary: Annotated[
        bool, typer.Option("--summary", help="Print the bulletin's opening paragraph instead of the table.")
    ] = False,
    by: Annotated[str | None, typer.Option("--by", help="With --summary: category (one paragraph each).")] = None,
    bom: Annotated[
        bool | None,
        typer.Option(
            "--bom/--no-bom", help="UTF-8 BOM in CSV (default: on for a file, per export.bom; off on stdout)."
        ),
    ] = None,
) -> None:
    """The monthly report (月报): one row per project, totals, optional category subtotals; exact figures."""
    from tracker.db import reading
    from tracker.progress import ProgressError, check_month
    from tracker.report import ReportSource
    from tracker.schedule import month_end

    st = state(ctx)
    if month is None:
        fail("--month YYYY-MM is required")
    from tracker.cli.output import format_for

    fmt = format_for(output, fmt, ("csv", "xlsx", "json"), "csv")
    language = headers or st.config.get("report.language")
    if language not in ("zh", "en"):
        fail(f"--language (--headers) must be zh or en, not {language!r}")
    if by is not None and (by != "category" or not summary):
        fail("--by category goes with --summary" if by == "category" else f"--by must be category, not {by!r}")
    try:
        month = check_month(month)
    except ProgressError as exc:
        fail(exc.message)
    year, number = int(month[:4]), int(month[5:])
    report_date = month_end(date(year, number, 1))
    as_of = st.as_of if st.as_of_option else report_date
    settings = _warning_settings(st)
    where = _report_filter(st, words, as_of, settings)
    with reading(st.engine()) as session:
        source = ReportSource(session, month, where, as_of=as_of, subtotals=subtotals, warning_settings=settings)
        if summary:
            _print_summary(source, fmt, language, by_category=by == "category")
            return
        heading = {"unit": st.config.get("report.unit"), "reporter": st.config.get("general.reporter")}
        write_report(source, fmt, output, language, _bom(st, bom, output), heading=heading)


def _print_summary(source: ReportSource, fmt: str, language: str, *, by_category: bool) -> None:
    """``report --summary``: the paragraph(s) on stdout, or their figures as JSON with ``--format json``."""
    from tracker.report import summary_text
    from tracker.safe_text import visible

    summaries = source.summaries(by_category=by_category)
    if fmt == "json":
        print_json(
            {"month": source.month, "as_of": source.as_of.isoformat(), "summaries": [s.as_dict() for s in summaries]}
        )
        return
    plans = "、".join(source.plan_names())
    for item in summaries:
        typer.echo(visible(summary_text(item, language, plans)))


def _warning_settings(st: Any) -> Any:
    from tracker.rules import WarningSettings

    return WarningSettings.from_config(st.config)


def _report_filter(st: Any, words: list[str] | None, as_of: date, settings: Any) -> Any:
    """FILTER words → WHERE, with ``+tags`` judged as of the report date (not today)."""
    from tracker.cli.query import filter_error, filter_text
    from tracker.filters import FilterError, where_clause

    text = filter_text(words)
    try:
        return where_clause(text, views=st.config.views, as_of=as_of, settings=settings)
    except FilterError as exc:
        filter_error(text, exc)


def _bom(st: Any, option: bool | None, output: Path | None) -> bool:
    if option is not None:
        return option
    return bool(st.config.get("export.bom")) if output is not None else False


def write_report(
    source: ReportSource,
    fmt: str,
    output: Path | None,
    language: str,
    bom: bool,
    *,
    heading: dict[str, str] | None = None,
) -> None:
    """The report streamed to ``output`` (a temporary file renamed when complete) or stdout: each line's
    display values built once, each line written as it is read."""
    from tracker.cli.output import output_file, stdout_text

    if output is None:
        _write_report_to(stdout_text(), source, fmt, language, bom=bom)
    elif fmt == "xlsx":
        with output_file(output, binary=True) as out:
            _write_report_to(out, source, fmt, language, bom=False, heading=heading)
    else:
        with output_file(output) as out:
            _write_report_to(out, source, fmt, language, bom=bom)
    if output is not None:
        echo(f"wrote the {source.month} report ({source.rows_written} projects) to {output}", err=True)


def _write_report_to(
    out: Any, source: ReportSource, fmt: str, language: str, *, bom: bool, heading: dict[str, str] | None = None
) -> None:
    from tracker.report import COLUMNS, display_values, header

    def cells(line: Any) -> list[Any]:
        values = display_values(line, language)
        return [values[c.key] for c in COLUMNS]

    if fmt == "json":
        from tracker.export import json_value, write_json_list

        columns = [{"key": c.key, "zh": c.zh, "kind": c.kind} for c in COLUMNS]
        out.write('{\n  "month": ' + json_value(source.month, 1) + ',\n  "as_of": ')
        out.write(json_value(source.as_of.isoformat(), 1) + ',\n  "columns": ' + json_value(columns, 1))
        out.write(',\n  "rows": ')
        write_json_list(out, (line.values for line in source.rows()), 1)
        out.write(',\n  "subtotals": ')
        write_json_list(out, (line.values | {"count": line.count} for line in source.subtotal_lines()), 1)
        totals = source.totals.values | {"count": source.totals.count}
        out.write(',\n  "totals": ' + json_value(totals, 1) + "\n}\n")
    elif fmt == "csv":
        from tracker.excel import write_csv_rows

        write_csv_rows(  # a BOM only in CSV (with --bom also on stdout), as before
            out, [header(c, language) for c in COLUMNS], (cells(line) for line in source.lines()), bom=bom
        )
    else:
        from tracker.excel import write_xlsx
        from tracker.report import report_sheet

        write_xlsx([report_sheet(source, language, **(heading or {}))], out)  # printable: title, summary, A3


# --------------------------------------------------------------------------------------------
# import-csv


@app.command("import-csv")
def import_csv_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A CSV in the shape of `tracker export --format csv` (UTF-8 or GBK).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and show what would change; write nothing.")
    ] = False,
    fmt: TextOrJson = "text",
    prune: Annotated[
        bool,
        typer.Option(
            "--prune",
            help="Remove projects of the plan(s) the file covers that it does not list (never those with records).",
        ),
    ] = False,
) -> None:
    """Update projects by code and add new ones from FILE: all rows checked first, one undoable operation.

    Nothing is removed unless --prune is given.
    """
    from tracker.importing.csv_import import CsvImportError, import_csv

    _check_format(fmt, ("text", "json"))
    st = state(ctx)
    try:
        result = import_csv(st.engine(), file, actor=st.actor(), dry_run=dry_run, prune=prune)
    except CsvImportError as exc:
        for error in exc.errors:
            echo(str(error), err=True)
        fail(f"{len(exc.errors)} error(s) in {file}; nothing was written", EXIT_FINDINGS)
    if fmt == "json":
        print_json(
            {
                "file": result.path,
                "encoding": result.encoding,
                "rows": result.rows,
                "created": result.created,
                "updated": {
                    code: {k: {"old": o, "new": n} for k, (o, n) in diff.items()}
                    for code, diff in result.updated.items()
                },
                "unchanged": result.unchanged,
                "operation_id": result.operation_id,
                "dry_run": result.dry_run,
                "removed": [p.__dict__ for p in result.removed],
                "kept": [k.__dict__ for k in result.kept],
            }
        )
        return
    prefix = "would change (dry run)" if dry_run else "imported"
    echo(
        f"{prefix} {file} ({result.encoding}, {result.rows} rows): created {len(result.created)}, "
        f"updated {len(result.updated)}, unchanged {result.unchanged}"
        + (f", removed {len(result.removed)}" if prune else "")
        + (f" (operation {result.operation_id})" if result.operation_id else "")
    )
    for code in result.created:
        echo(f"  + {code}")
    for code, diff in result.updated.items():
        echo(f"  ~ {code}: " + ", ".join(f"{k}: {_short(o)} → {_short(n)}" for k, (o, n) in diff.items()))
    _print_pruned(result)


def _print_pruned(result: CsvImportResult) -> None:
    """The projects ``--prune`` removed (or would remove) and those it kept; names are data, controls shown."""
    from tracker.safe_text import visible

    for ref in result.removed:
        typer.echo(visible(f"  - {ref.code} {ref.name}", single_line=True))
    for kept in result.kept:
        typer.echo(visible(f"  = {kept.code} {kept.name}: not in the file, kept: it {kept.reason}", single_line=True))
