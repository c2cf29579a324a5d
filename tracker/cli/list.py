"""``tracker list [FILTER]``: the projects matching a filter, as a table on a terminal or CSV/JSON for scripts.

Thin: the filter words, the columns and the writers are :mod:`tracker.cli.query`'s, shared with
``export``, ``rollup`` and ``warnings``; the rows are streamed from :func:`tracker.portfolio.iter_rows`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.app import app, state
from tracker.cli.output import echo, stdout_text
from tracker.cli.query import (
    FILTER_COMMAND,
    LIST_COLUMNS,
    FilterWords,
    OutputOption,
    TableFormatOption,
    compile_filter,
    filter_error,
    output_format,
    parse_columns,
    print_table,
    write_records,
    write_records_to,
)

if TYPE_CHECKING:
    from tracker.cli.app import State


@app.command("list", context_settings=FILTER_COMMAND)
def list_projects(
    ctx: typer.Context,
    words: FilterWords = None,
    sort: Annotated[str | None, typer.Option("--sort", help="Sort keys, e.g. total,-finish (- for descending).")] = None,
    columns: Annotated[str | None, typer.Option("--columns", help="Comma-separated record keys to show.")] = None,
    fmt: TableFormatOption = None,
    output: OutputOption = None,
) -> None:
    """List the projects matching FILTER (all of them without one), in published order unless --sort."""
    from tracker.cli.output import collector_paused

    with collector_paused() as resume:
        _list(ctx, words, sort, columns, fmt, output, resume)


def _list(
    ctx: Any, words: Any, sort: str | None, columns: str | None, fmt: str | None, output: Path | None, resume: Any
) -> None:
    from tracker.db import reading
    from tracker.export import EXPORT_KEYS, row_record
    from tracker.filters import FilterError, parse_sort
    from tracker.portfolio import iter_rows

    st = state(ctx)
    fmt = output_format(output, fmt, ("table", "csv", "json", "xlsx"), "csv")
    keys = parse_columns(columns, LIST_COLUMNS if fmt == "table" else EXPORT_KEYS)
    order: list[Any] = []
    if sort:
        try:
            order = parse_sort(sort)
        except FilterError as exc:
            filter_error(sort, exc, "sort")
    where = compile_filter(st, words)
    engine = st.engine()
    resume()
    with reading(engine) as session:
        records = (row_record(r) for r in iter_rows(session, where, order))
        if fmt == "table":
            print_table(records, keys)
        elif output is None:
            write_records(stdout_text(), fmt, records, keys, whole=columns is None, bom=False)
        else:
            count = write_records_to(output, fmt, records, keys, whole=columns is None, bom=_file_bom(st))
            echo(f"wrote {count} projects to {output}", err=True)


def _file_bom(st: State) -> bool:
    """A BOM in a CSV file, per ``export.bom`` (as ``export`` and ``report`` write files)."""
    return bool(st.config.get("export.bom"))
