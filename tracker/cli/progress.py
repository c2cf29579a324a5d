"""``tracker progress`` (issue 5), and for now ``history`` and ``undo`` (moving to cli/history.py and cli/undo.py).

Thin: each command parses its options, calls one domain function (:mod:`tracker.progress`,
:mod:`tracker.history`) and prints the result. A refused change (bad value, unknown project, stale
version, nothing to undo) exits 1; a usage error exits 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.app import EXIT_FINDINGS, app, fail, state
from tracker.cli.options import TextOrJson, check_option
from tracker.cli.options import check_format as _check_format
from tracker.cli.output import console, echo, print_json
from tracker.cli.output import short_value as _short

if TYPE_CHECKING:
    from tracker.history import HistoryItem
    from tracker.models import ProgressRecord

__all__ = ["TextOrJson", "check_option", "history_command", "progress", "undo_command"]


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
        fail(str(exc).strip("'\""), EXIT_FINDINGS)
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
        fail(str(exc).strip("'\""), EXIT_FINDINGS)
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
        fail(str(exc), EXIT_FINDINGS)
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
