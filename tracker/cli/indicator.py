"""``tracker indicator list [FILTER]`` and ``tracker indicator record ID --year Y VALUE``: the plans' main
indicators, their targets and the status of each as of ``--as-of``.

Thin: :mod:`tracker.indicators.store` reads and writes; the JSON keys are the contract (``id, plan,
table, seq, name, unit, attribute, target_text, target_value, baseline_text, latest_value, status``,
then extra keys, only ever added to).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.output import echo

indicator_app = typer.Typer(help="The plans' main indicators (主要指标): list them, record a year's value.",
                            no_args_is_help=True)  # fmt: skip
app.add_typer(indicator_app, name="indicator")

KEYS = ("id", "plan", "table", "seq", "name", "unit", "attribute", "target_text", "target_value",
        "baseline_text", "latest_value", "status")  # fmt: skip
"""The JSON/CSV contract of ``indicator list``: :data:`tracker.indicators.store.LIST_KEYS`, written out so
that start-up (every command module is imported) does not load the indicator store."""


@indicator_app.command("list", context_settings={"allow_interspersed_args": True, "ignore_unknown_options": True})
def list_command(
    ctx: typer.Context,
    words: Annotated[list[str] | None, typer.Argument(help="The filter language for indicators: plan:安岳 name:… attribute:约束性 +met +on_track +behind +at_risk +no_data, words (see README).")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="table, csv or json (default: the file's, else table).")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write to this file (.csv, .json, .xlsx).")] = None,
) -> None:
    """Every indicator with its target, latest actual value and status as of --as-of."""
    from tracker.cli.output import check_output_path, format_for
    from tracker.cli.query import filter_error, filter_text, write_records, write_records_to
    from tracker.db import reading
    from tracker.errors import TrackerError
    from tracker.filters import FilterError
    from tracker.indicators.filters import parse_indicator_filter
    from tracker.indicators.store import iter_indicators

    st = state(ctx)
    text = filter_text(words)
    try:
        selected = parse_indicator_filter(text, st.config.views)
    except FilterError as exc:
        filter_error(text, exc)
    try:
        if output is not None:
            check_output_path(output)
        chosen = format_for(output, fmt, ("table", "csv", "json", "xlsx"), "table")
    except TrackerError as exc:
        fail(str(exc), exc.exit_code, error=exc)
    engine = st.engine()
    with reading(engine) as session:
        lines = (line for line in iter_indicators(session, st.as_of, selected.where) if selected.keeps(line))
        records = (line.as_dict() for line in lines)
        if output is not None:
            n = write_records_to(output, chosen, records, KEYS, whole=True, bom=bool(st.config.get("export.bom")),
                                 sheet="indicators")
            echo(f"wrote {n} indicators to {output}", err=True)
        elif chosen == "table":
            _table(records, st.as_of.isoformat(), bool(text.strip()))
        else:
            import sys

            write_records(sys.stdout, chosen, records, KEYS, whole=True, bom=False)


def _table(records: Any, as_of: str, filtered: bool = False) -> None:
    """One Rich table per plan, titled with the plan's name (so the name column keeps the width on an
    80-column terminal); long names and targets wrap rather than being cut. Cells are ``Text``: data is
    never markup, and control characters are shown."""
    from rich.table import Table
    from rich.text import Text

    from tracker.cli.output import console
    from tracker.safe_text import plain_text

    def new_table(plan: str) -> Table:
        table = Table(title=plain_text(plan), title_justify="left", expand=False)
        table.add_column("id", justify="right", no_wrap=True)
        table.add_column("seq", no_wrap=True)
        table.add_column("name", overflow="fold", ratio=3, min_width=12)
        table.add_column("unit", overflow="fold", max_width=6)
        table.add_column("attribute", overflow="fold", max_width=9)
        table.add_column("target", overflow="fold", ratio=1, min_width=6)
        table.add_column("latest", overflow="fold", max_width=12)
        table.add_column("status", no_wrap=True)
        return table

    n = 0
    plan: str | None = None
    table: Table | None = None
    for r in records:
        n += 1
        if r["plan"] != plan:
            if table is not None:
                console().print(table)
            plan = r["plan"]
            table = new_table(r["plan"])
        assert table is not None
        latest = "" if r["latest_value"] is None else f"{r['latest_value']} ({r['latest_year']})"
        table.add_row(
            str(r["id"]), plain_text(r["seq"] or r["group"]), plain_text(r["name"]), plain_text(r["unit"]),
            r["attribute"] or "", plain_text(r["target_text"]), plain_text(latest), Text(r["status"]),
        )  # fmt: skip
    if table is None:
        echo("no indicator matches the filter" if filtered else "no indicators (tracker import-indicators FILE imports a plan's tables)")
        return
    console().print(table)
    echo(f"{n} indicator{'' if n == 1 else 's'}, status as of {as_of}")


@indicator_app.command("record")
def record_command(
    ctx: typer.Context,
    indicator_id: Annotated[int, typer.Argument(help="The indicator's id (tracker indicator list).")],
    value: Annotated[str, typer.Argument(help="The actual value as reported: 38.1, 100%, 基本建立 …")],
    year: Annotated[int, typer.Option("--year", help="The year the value is for.")],
    source: Annotated[str, typer.Option("--source", help="Where the value comes from.")] = "",
) -> None:
    """Record (or correct) an indicator's actual value for a year: one audited, undoable operation."""
    from tracker.bounds import MAX_INT_OPTION, check_int
    from tracker.errors import TrackerError, UsageError
    from tracker.indicators.store import record_value

    st = state(ctx)
    try:
        check_int(indicator_id, "ID", 1, MAX_INT_OPTION, error=UsageError)
        operation = record_value(st.engine(), indicator_id, year, value, source=source, actor=st.actor())
    except TrackerError as exc:
        fail(str(exc), exc.exit_code, error=exc)
    echo(f"indicator {indicator_id} {year}: {' '.join(value.split())} (operation {operation})")
