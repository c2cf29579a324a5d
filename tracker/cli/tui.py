"""``tracker tui``: the terminal UI. Until it exists, the summary of the portfolio."""

from __future__ import annotations

import typer

from tracker.cli.app import app, state
from tracker.cli.output import console


def launch(ctx: typer.Context) -> None:
    """Open the interface on the configured database (a summary for now)."""
    from rich.table import Table

    from tracker.db import reading
    from tracker.money import fmt_wan_grouped
    from tracker.summary import portfolio_summary

    engine = state(ctx).engine()
    with reading(engine) as session:
        summary = portfolio_summary(session)
    table = Table(title=summary.title, title_justify="left")
    for column in ("category", "projects", "total 万元", "planned 万元"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for line in summary.lines:
        table.add_row(line.name, str(line.count), fmt_wan_grouped(line.total), fmt_wan_grouped(line.planned))
    table.add_section()
    table.add_row("total", str(summary.count), fmt_wan_grouped(summary.total), fmt_wan_grouped(summary.planned))
    console().print(table)


@app.command("tui")
def tui(ctx: typer.Context) -> None:
    """Open the terminal interface."""
    launch(ctx)
