"""``tracker list``: the projects, as a table on a terminal or CSV/JSON for scripts."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.output import console, print_json, stdout_is_terminal

LIST_COLUMNS = ("code", "name", "category", "district", "start_text", "finish_text", "total_investment",
                "planned_investment", "social_share_pct", "status")


@app.command("list")
def list_projects(
    ctx: typer.Context,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="table, csv or json (default: table on a terminal, csv on a pipe).")] = None,
) -> None:
    """List the projects in published order."""
    from tracker.db import reading
    from tracker.export import record, to_csv
    from tracker.portfolio import rows

    fmt = fmt or ("table" if stdout_is_terminal() else "csv")
    if fmt not in ("table", "csv", "json"):
        fail(f"--format must be table, csv or json, not {fmt!r}")
    engine = state(ctx).engine()
    with reading(engine) as session:
        records = [record(r) for r in rows(session)]
    if fmt == "json":
        print_json(records)
    elif fmt == "csv":
        typer.echo(to_csv(records), nl=False)
    else:
        print_table(records)


def print_table(records: list[dict[str, object]]) -> None:
    from rich.table import Table

    from tracker.money import fmt_wan_grouped

    table = Table(caption=f"{len(records)} projects", caption_justify="left")
    for column in LIST_COLUMNS:
        numeric = column in ("total_investment", "planned_investment", "social_share_pct")
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for rec in records:
        table.add_row(*[
            fmt_wan_grouped(rec[c]) if c in ("total_investment", "planned_investment") and rec[c] is not None  # type: ignore[arg-type]
            else ("" if rec[c] is None else str(rec[c]))
            for c in LIST_COLUMNS
        ])
    console().print(table)
