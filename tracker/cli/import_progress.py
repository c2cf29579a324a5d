"""``tracker import-progress FILE…``: the districts' returns recorded as one undoable operation.

Thin: :func:`tracker.importing.returns.import_returns` reads and checks every file, then records
every row in one transaction. Every bad cell is printed on stderr as ``file:sheet:row:column:
header: message`` and nothing is written (exit 1); a bad option is exit 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.app import EXIT_FINDINGS, app, fail, state
from tracker.cli.output import echo, print_json

if TYPE_CHECKING:
    from tracker.importing.returns import ReturnsResult


@app.command("import-progress")
def import_progress_command(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="Returns: fill-in sheets (xlsx or CSV) or the monthly report's CSV/xlsx.")
    ],
    month: Annotated[
        str | None,
        typer.Option("--month", help="YYYY-MM, for files that name no month (no 月份 column, no month in the title)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every cell and show what would change; write nothing.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Record the month's returns from FILE…: all cells checked first, then one undoable operation."""
    from tracker.importing.returns import ReturnsError, import_returns
    from tracker.progress import ProgressError, check_month

    if fmt not in ("text", "json"):
        fail(f"--format must be text or json, not {fmt!r}")
    if month is not None:
        try:
            check_month(month)
        except ProgressError as exc:
            fail(f"--month: {exc.message}")
    st = state(ctx)
    engine = st.engine()
    try:
        result = import_returns(engine, files, month=month, as_of=st.as_of, actor=st.actor(), dry_run=dry_run)
    except ReturnsError as exc:
        for error in exc.errors:
            echo(str(error), err=True)
        fail(f"{len(exc.errors)} error(s) in the returns; nothing was written", EXIT_FINDINGS)
    if fmt == "json":
        print_json(to_data(result))
        return
    _print(result)


def to_data(result: ReturnsResult) -> dict[str, Any]:
    return {
        "files": [
            {
                "file": f.path,
                "kind": f.kind,
                "encoding": f.encoding,
                "sheets": f.sheets,
                "rows": f.rows,
                "skipped": f.skipped,
            }
            for f in result.files
        ],
        "month": result.month,
        "rows": result.rows,
        "recorded": result.recorded,
        "corrected": result.corrected,
        "unchanged": result.unchanged,
        "skipped": result.skipped,
        "changes": [
            {"code": c.code, "month": c.month, "field": c.field, "old": c.old, "new": c.new} for c in result.changes
        ],
        "operation_id": result.operation_id,
        "dry_run": result.dry_run,
    }


def _value(field: str, value: Any) -> str:
    from decimal import Decimal

    from tracker.importing.returns import status_label
    from tracker.money import fmt_wan

    if value is None:
        return "∅"
    if isinstance(value, Decimal):
        return fmt_wan(value)
    if field == "status":
        return str(status_label(value))
    text = str(value).replace("\n", " / ")
    return text if len(text) <= 40 else text[:39] + "…"


def _print(result: ReturnsResult) -> None:
    from tracker.safe_text import visible

    where = result.files[0].path if len(result.files) == 1 else f"{len(result.files)} files"
    prefix = "would import (dry run)" if result.dry_run else "imported"
    operation = f" (operation {result.operation_id})" if result.operation_id else ""
    echo(
        f"{prefix} {result.month or '(no month)'} from {where}: {result.rows} rows: {result.recorded} recorded, "
        f"{result.corrected} corrected, {result.unchanged} unchanged, {result.skipped} skipped (not filled in)"
        + operation
    )
    by_record: dict[tuple[str, str], list[Any]] = {}
    for change in result.changes:
        by_record.setdefault((change.code, change.month), []).append(change)
    for (code, month), changes in by_record.items():
        if all(c.old is None for c in changes):
            shown = ", ".join(f"{c.field} {_value(c.field, c.new)}" for c in changes if c.new != "")
            typer.echo(visible(f"  + {code} {month}: {shown}", single_line=True))
        else:
            shown = ", ".join(f"{c.field} {_value(c.field, c.old)} → {_value(c.field, c.new)}" for c in changes)
            typer.echo(visible(f"  corrected: {code} {month} {shown}", single_line=True))
    if not result.changes and not result.dry_run:
        echo("nothing to change")
