"""``tracker import-indicators FILE``: every main-indicator table (主要指标) of a published plan text.

Thin: :func:`tracker.indicators.store.import_indicators` finds the tables by their header cells,
reads them and stores them as one undoable operation (idempotent: a second import of the same text
changes nothing). A table that cannot be read is an error at its line (exit 1) and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.output import echo, print_json


@app.command("import-indicators")
def import_indicators_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A published plan's text (data/plans/anyue.txt …).")],
    plan: Annotated[
        str | None, typer.Option("--plan", help="The plan's name (default: the title line of the text).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be imported; write nothing.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Import every main-indicator table of a plan text (found by its header cells, not by line numbers)."""
    from tracker.errors import TrackerError
    from tracker.indicators.store import import_indicators

    if fmt not in ("text", "json"):
        fail(f"--format must be text or json, not {fmt!r}")
    if not file.is_file():
        fail(f"{file}: no such file")
    st = state(ctx)
    try:
        result = import_indicators(st.engine(), file, plan_name=plan, dry_run=dry_run, actor=st.actor())
    except TrackerError as exc:
        fail(str(exc), exc.exit_code, error=exc)
    if fmt == "json":
        print_json(result.as_dict())
        return
    verb = "would import" if dry_run else "imported"
    total = sum(n for _, n in result.tables)
    if not result.tables:
        echo(f"{file}: no indicator table found ({result.plan})")
    for title, n in result.tables:
        echo(f"{result.plan}: {title or '(untitled table)'}: {n} indicators")
    for skipped in result.skipped:
        echo(f"  skipped {skipped}")
    for note in result.notes:
        echo(f"  note: {note}")
    plan_note = " (plan created)" if result.plan_created else ""
    op = f" (operation {result.operation_id})" if result.operation_id and not dry_run else ""
    echo(
        f"{verb} {total} indicators{plan_note}: {result.created} new, {result.updated} changed, "
        f"{result.unchanged} unchanged{op}"
    )
