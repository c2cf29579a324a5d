"""``tracker show CODE``: every field of one project, and the source lines it was read from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import EXIT_FINDINGS, app, fail, state
from tracker.cli.options import FormatOption
from tracker.cli.output import console, print_json

if TYPE_CHECKING:
    from tracker.portfolio import ProjectRow


@app.command("show")
def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Project code, e.g. 2-18.")],
    fmt: FormatOption = "text",
) -> None:
    """Every field of one project, and the source lines it was read from."""
    from tracker.db import reading
    from tracker.export import record
    from tracker.portfolio import find

    engine = state(ctx).engine()
    with reading(engine) as session:
        row = find(session, code)
    if row is None:
        fail(f"no project with code {code!r}", EXIT_FINDINGS)
    data = record(row) | {"version": row.project.version, "source_lines": _lines(row)}
    if fmt == "json":
        print_json(data)
        return
    print_project(row, data)


def _lines(row: ProjectRow) -> str:
    p = row.project
    return f"{p.source_first_line}-{p.source_last_line}" if p.source_first_line else ""


def print_project(row: ProjectRow, data: dict[str, object]) -> None:
    """Every field as a two-column grid; values are ``Text`` (never markup, controls shown)."""
    from rich.table import Table

    from tracker.money import fmt_wan
    from tracker.safe_text import plain_text

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in data.items():
        shown = fmt_wan(value) if hasattr(value, "as_tuple") else ("" if value is None else str(value))  # type: ignore[arg-type]
        table.add_row(key, plain_text(shown))
    console().print(table)
