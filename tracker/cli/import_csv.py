"""``tracker import-csv FILE``: update projects by code and add new ones from a CSV, as one undoable operation.

Thin: :func:`tracker.importing.csv_import.import_csv` checks every row first; bad rows are listed on
stderr and nothing is written (exit 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import EXIT_FINDINGS, app, fail, state
from tracker.cli.options import TextOrJson, check_format
from tracker.cli.output import echo, print_json
from tracker.cli.output import short_value as _short

if TYPE_CHECKING:
    from tracker.importing.csv_import import CsvImportResult


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

    check_format(fmt, ("text", "json"))
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
