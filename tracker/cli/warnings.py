"""``tracker warnings [FILTER]``: what is late as of ``--as-of``; exit 1 when there is at least one warning.

Thin face over :mod:`tracker.warnings` (judged in SQL, streamed): a table (red first), JSON, CSV or
an xlsx file. The name shadows nothing: imports in tracker are absolute, so ``tracker.warnings`` (the
domain) and Python's ``warnings`` are what they always were.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from tracker.cli.app import EXIT_FINDINGS, app, state
from tracker.cli.output import console, echo, stdout_text
from tracker.cli.query import FILTER_COMMAND, FilterWords, compile_filters


@app.command("warnings", context_settings=FILTER_COMMAND)
def warnings_command(
    ctx: typer.Context,
    words: FilterWords = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="table, json, csv or xlsx (default: the --output file's extension, else table)."
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write to FILE (.json, .csv or .xlsx) instead of stdout.")
    ] = None,
) -> None:
    """What is late as of --as-of (default today): overdue, late_start, due_soon, lagging, stale; and the
    plans' main indicators behind their path (indicator_at_risk, indicator_behind).

    Exit status 1 when there is at least one warning, 0 when there is none (also with --output).
    """
    from tracker.cli.output import format_for
    from tracker.db import reading
    from tracker.warnings import WarningSettings

    st = state(ctx)
    fmt = format_for(output, fmt, ("table", "json", "csv", "xlsx"), "table")
    where = compile_filters(st, words)
    settings = WarningSettings.from_config(st.config)
    engine = st.engine()
    with reading(engine) as session:
        if output is not None:
            found = write_warnings_file(output, fmt, session, st.as_of, settings, where, bom=bool(st.config.get("export.bom")))
            echo(f"wrote {found} warning{'' if found == 1 else 's'} to {output}", err=True)
        elif fmt == "json":
            found = write_warnings_json(session, st.as_of, settings, where)
        elif fmt == "csv":
            found = write_warnings_csv(stdout_text(), session, st.as_of, settings, where, bom=False)
        else:
            found = print_warnings(session, st.as_of, settings, where)
    if found:
        raise typer.Exit(EXIT_FINDINGS)


WARNING_KEYS = ("code", "name", "rule", "severity", "message", "message_zh", "kind")
"""The columns of the warnings as CSV or xlsx: the keys of a JSON item, one row per warning, in its order
(``kind``, project or indicator, was added last so that scripts reading the first six are unchanged)."""


def iter_items(session: Any, as_of: date, settings: Any, where: Any) -> Any:
    """The projects' warnings in published order, then the indicators' (``where`` is the pair
    :func:`~tracker.cli.query.compile_filters` makes)."""
    from tracker.indicators.warnings import iter_indicator_warnings
    from tracker.warnings import iter_warnings

    projects, indicators = where
    yield from iter_warnings(session, as_of, settings, projects)
    yield from iter_indicator_warnings(session, as_of, indicators)


def _warning_rows(session: Any, as_of: date, settings: Any, where: Any) -> Any:
    for item in iter_items(session, as_of, settings, where):
        record = item.as_dict()
        yield [record[k] for k in WARNING_KEYS]


def write_warnings_csv(out: Any, session: Any, as_of: date, settings: Any, where: Any, *, bom: bool) -> int:
    """The warnings streamed as CSV (the JSON items' keys as columns, their order); returns the rows."""
    from tracker.excel import write_csv_rows

    return write_csv_rows(out, WARNING_KEYS, _warning_rows(session, as_of, settings, where), bom=bom)


def write_warnings_file(
    output: Path, fmt: str, session: Any, as_of: date, settings: Any, where: Any, *, bom: bool
) -> int:
    """The warnings to ``output`` as JSON, CSV or xlsx (one sheet ``warnings``), streamed through a temporary
    file renamed when complete; returns the warnings written."""
    from tracker.cli.output import output_file

    if fmt == "xlsx":
        from tracker.excel import Sheet, SheetColumn, write_xlsx

        columns = [SheetColumn(key) for key in WARNING_KEYS]
        with output_file(output, binary=True) as out:
            return write_xlsx([Sheet("warnings", columns, _warning_rows(session, as_of, settings, where))], out)
    with output_file(output) as out:
        if fmt == "json":
            return write_warnings_json(session, as_of, settings, where, out)
        return write_warnings_csv(out, session, as_of, settings, where, bom=bom)


def write_warnings_json(session: Any, as_of: date, settings: Any, where: Any, out: Any = None) -> int:
    """``{"as_of", "counts", "items"}`` exactly as ``dumps_json`` wrote it: the counts from one aggregate
    query first, then the items streamed from the warnings query as they are worded. Returns the items.
    Written to ``out`` (default stdout)."""
    from tracker.export import json_value, write_json_list
    from tracker.indicators.warnings import count_indicator_warnings
    from tracker.warnings import count_warnings

    table, _ = count_warnings(session, as_of, settings, where[0])
    table.update(count_indicator_warnings(session, as_of, where[1])[0])
    out = out if out is not None else stdout_text()
    out.write('{\n  "as_of": ' + json_value(as_of.isoformat(), 1) + ',\n  "counts": ' + json_value(table, 1))
    out.write(',\n  "items": ')
    written = write_json_list(out, (item.as_dict() for item in iter_items(session, as_of, settings, where)), 1)
    out.write("\n}\n")
    return written


def print_warnings(session: Any, as_of: date, settings: Any, where: Any) -> int:
    """The warnings as a table, red ones first (each pass streams the warnings query and keeps one
    severity); code, name and reason are ``Text`` (never markup, controls shown). Returns the items.

    Up to :data:`~tracker.cli.query.TABLE_BATCH` rows make one table; more are printed a table at a time."""
    from rich.text import Text

    from tracker.cli.query import TABLE_BATCH
    from tracker.safe_text import plain_text

    total = red = 0
    projects = indicators = 0
    last_project: Any = None
    batch: list[list[Any]] = []
    for severity in ("red", "yellow"):
        for item in iter_items(session, as_of, settings, where):
            if severity == "red" and item.kind == "indicator":
                indicators += 1  # counted on the first pass, which sees every item (one per indicator)
            elif severity == "red" and item.project_id != last_project:
                projects += 1
                last_project = item.project_id
            if item.severity != severity:
                continue
            total += 1
            red += severity == "red"
            if len(batch) == TABLE_BATCH:
                _print_warning_rows(batch, None)
                batch = []
            batch.append([
                Text(item.severity, style="bold red" if item.severity == "red" else "yellow"),
                *(plain_text(cell) for cell in (item.rule, item.code, item.name, item.message)),
            ])
    caption = (
        f"as of {as_of.isoformat()}: {total} warning{'' if total == 1 else 's'} ({red} red, {total - red} yellow) "
        f"on {projects} project{'' if projects == 1 else 's'}"
        + (f" and {indicators} indicator{'' if indicators == 1 else 's'}" if indicators else "")
    )
    _print_warning_rows(batch, caption)
    return total


def _print_warning_rows(rows: list[list[Any]], caption: str | None) -> None:
    from rich.table import Table

    table = Table(caption=caption, caption_justify="left")
    for name in ("severity", "rule", "code", "name", "why"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console().print(table)
