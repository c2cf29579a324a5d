"""``tracker rollup``, ``tracker warnings``, ``tracker view save|list|delete``, ``tracker config get|set``.

Thin faces over :mod:`tracker.rollups`, :mod:`tracker.warnings`, :mod:`tracker.views` and
:mod:`tracker.config`: parse the options, call the domain, print.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.app import EXIT_FINDINGS, app, fail, state
from tracker.cli.output import console, echo, print_json, stdout_text
from tracker.cli.query import (
    FILTER_COMMAND,
    FilterWords,
    OutputOption,
    TableFormatOption,
    compile_filter,
    output_format,
    status_label,
)

if TYPE_CHECKING:
    from tracker.rollups import RollupRow

# --------------------------------------------------------------------------------------------
# rollup


@app.command("rollup", context_settings=FILTER_COMMAND)
def rollup_command(
    ctx: typer.Context,
    words: FilterWords = None,
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help="Dimension: category, district, year, nature, status or owner (give twice to nest)."),
    ] = None,
    spread: Annotated[
        str | None, typer.Option("--spread", help="Year spread: even, front or back (default rollup.year_spread).")
    ] = None,
    fmt: TableFormatOption = None,
    output: OutputOption = None,
) -> None:
    """Sum the projects matching FILTER by one or two dimensions, with subtotals and a grand total."""
    from tracker.db import reading
    from tracker.rollups import RollupError, rollup

    st = state(ctx)
    fmt = output_format(output, fmt, ("table", "csv", "json", "xlsx"), "csv")
    dims = by or ["category"]
    rule = spread or st.config.get("rollup.year_spread")
    where = compile_filter(st, words)
    engine = st.engine()
    try:
        with reading(engine) as session:
            rows = rollup(session, dims, where, spread=rule, as_of=st.as_of)
    except RollupError as exc:
        fail(str(exc), error=exc)
    if output is not None:
        write_rollup_file(output, fmt, rows, dims, bom=bool(st.config.get("export.bom")))
        echo(f"wrote {len(rows)} rollup rows to {output}", err=True)
    elif fmt == "json":
        from tracker.rollups import row_dict

        print_json([row_dict(r, dims) for r in rows])
    elif fmt == "csv":
        typer.echo(rollup_csv(rows, dims), nl=False)
    else:
        print_rollup(rows, dims, rule)


ROLLUP_FIGURES = ("count", "total", "planned", "social_capital", "invested", "invested_pct")
ROLLUP_KINDS = ("int", "money", "money", "money", "money", "percent")
"""The xlsx cell kind of each of :data:`ROLLUP_FIGURES`."""


def _rollup_cells(row: RollupRow, dims: list[str]) -> list[Any]:
    """One CSV/xlsx line: path (joined by " / "), one column per dimension, level, is_subtotal, figures."""
    from tracker.rollups import row_dict

    rec = row_dict(row, dims)
    return [" / ".join(row.path), *(rec[d] for d in dims), row.level, row.is_subtotal, *(rec[f] for f in ROLLUP_FIGURES)]


def write_rollup_file(output: Path, fmt: str, rows: list[RollupRow], dims: list[str], *, bom: bool) -> None:
    """The rollup to ``output`` as JSON, CSV (with a BOM per ``export.bom``) or xlsx (typed cells,
    subtotal and total rows bold), through a temporary file renamed when complete."""
    from tracker.cli.output import output_file

    header = ["path", *dims, "level", "is_subtotal", *ROLLUP_FIGURES]
    if fmt == "xlsx":
        from tracker.excel import Bold, Sheet, SheetColumn, write_xlsx

        kinds = ["text", *("text" for _ in dims), "int", "text", *ROLLUP_KINDS]
        columns = [SheetColumn(name, kind) for name, kind in zip(header, kinds, strict=True)]  # type: ignore[arg-type]
        lines = (Bold(_rollup_cells(r, dims)) if r.is_subtotal else _rollup_cells(r, dims) for r in rows)
        with output_file(output, binary=True) as out:
            write_xlsx([Sheet("rollup", columns, lines)], out)
        return
    with output_file(output) as out:
        if fmt == "json":
            from tracker.export import dumps_json
            from tracker.rollups import row_dict

            out.write(dumps_json([row_dict(r, dims) for r in rows]) + "\n")
        else:
            from tracker.excel import write_csv_rows

            write_csv_rows(out, header, (_rollup_cells(r, dims) for r in rows), bom=bom)


def rollup_csv(rows: list[RollupRow], dims: list[str]) -> str:
    """CSV keeping the hierarchy: path (joined by " / "), one column per dimension, level, is_subtotal, figures."""
    from tracker.excel import csv_text

    return csv_text(["path", *dims, "level", "is_subtotal", *ROLLUP_FIGURES], (_rollup_cells(r, dims) for r in rows))


def print_rollup(rows: list[RollupRow], dims: list[str], rule: str) -> None:
    """The rollup as a table; group labels are data (an owner, a district) and go in as ``Text``."""
    from rich.table import Table

    from tracker.money import fmt_wan_grouped
    from tracker.safe_text import plain_text

    with_progress = any(r.invested for r in rows)
    caption = "万元; social capital = total × share"
    if "year" in dims:
        caption += f"; year: each project's figures spread {rule} over its construction years, count = projects active"
    table = Table(caption=caption, caption_justify="left")
    table.add_column(" / ".join(dims))
    for name in ("projects", "total", "planned", "social capital", *(("invested", "% of total") if with_progress else ())):
        table.add_column(name, justify="right")
    for row in rows:
        label = "Total" if not row.path else row.path[-1]
        if row.path and dims[len(row.path) - 1] == "status":
            label = f"{status_label(label)} {label}"
        cells = [
            plain_text("  " * max(0, row.level - 1) + label),
            str(row.count),
            fmt_wan_grouped(row.total),
            fmt_wan_grouped(row.planned),
            fmt_wan_grouped(row.social_capital),
        ]
        if with_progress:
            cells += [fmt_wan_grouped(row.invested), "" if row.invested_pct is None else f"{row.invested_pct}%"]
        table.add_row(*cells, style="bold" if row.is_subtotal else None, end_section=row.level == 0)
    console().print(table)


# --------------------------------------------------------------------------------------------
# warnings


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
    """What is late as of --as-of (default today): overdue, late_start, due_soon, lagging, stale.

    Exit status 1 when there is at least one warning, 0 when there is none (also with --output).
    """
    from tracker.cli.output import format_for
    from tracker.db import reading
    from tracker.warnings import WarningSettings

    st = state(ctx)
    fmt = format_for(output, fmt, ("table", "json", "csv", "xlsx"), "table")
    where = compile_filter(st, words)
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


WARNING_KEYS = ("code", "name", "rule", "severity", "message", "message_zh")
"""The columns of the warnings as CSV or xlsx: the keys of a JSON item, one row per warning, in its order."""


def _warning_rows(session: Any, as_of: date, settings: Any, where: Any) -> Any:
    from tracker.warnings import iter_warnings

    for item in iter_warnings(session, as_of, settings, where):
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
    from tracker.warnings import count_warnings, iter_warnings

    table, _ = count_warnings(session, as_of, settings, where)
    out = out if out is not None else stdout_text()
    out.write('{\n  "as_of": ' + json_value(as_of.isoformat(), 1) + ',\n  "counts": ' + json_value(table, 1))
    out.write(',\n  "items": ')
    written = write_json_list(out, (item.as_dict() for item in iter_warnings(session, as_of, settings, where)), 1)
    out.write("\n}\n")
    return written


def print_warnings(session: Any, as_of: date, settings: Any, where: Any) -> int:
    """The warnings as a table, red ones first (each pass streams the warnings query and keeps one
    severity); code, name and reason are ``Text`` (never markup, controls shown). Returns the items.

    Up to :data:`~tracker.cli.query.TABLE_BATCH` rows make one table; more are printed a table at a time."""
    from rich.text import Text

    from tracker.cli.query import TABLE_BATCH
    from tracker.safe_text import plain_text
    from tracker.warnings import iter_warnings

    total = red = 0
    projects = 0
    last_project: Any = None
    batch: list[list[Any]] = []
    for severity in ("red", "yellow"):
        for item in iter_warnings(session, as_of, settings, where):
            if severity == "red" and item.project_id != last_project:
                projects += 1  # counted on the first pass, which sees every item
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


# --------------------------------------------------------------------------------------------
# view save | list | delete

view_app = typer.Typer(help="Saved views: named filters in tracker.toml [views], used as @name.", no_args_is_help=True)
app.add_typer(view_app, name="view")


@view_app.command("save", context_settings=FILTER_COMMAND)
def view_save(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The view's name, used as @NAME.")],
    words: FilterWords = None,
) -> None:
    """Save FILTER as view NAME (replacing one of that name); the filter is checked first."""
    from tracker.cli.query import filter_text
    from tracker.config import ConfigError
    from tracker.views import ViewError, save

    st = state(ctx)
    text = filter_text(words)
    try:
        config = save(st.config, name, text)
    except (ViewError, ConfigError) as exc:
        fail(str(exc), error=exc)
    echo(f"saved view @{name} = {config.views[name]!r} in {config.path}")


@view_app.command("list")
def view_list(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """The saved views and their filters."""
    views = state(ctx).config.views
    if fmt == "json":
        print_json(views)
    elif fmt == "text":
        for name, text in views.items():
            echo(f"@{name}\t{text}")
    else:
        fail(f"--format must be text or json, not {fmt!r}")


@view_app.command("delete")
def view_delete(
    ctx: typer.Context, name: Annotated[str, typer.Argument(metavar="NAME", help="The view to delete.")]
) -> None:
    """Delete view NAME (refused while another view uses it)."""
    from tracker.config import ConfigError
    from tracker.views import ViewError, delete

    st = state(ctx)
    try:
        config = delete(st.config, name.lstrip("@"))
    except (ViewError, ConfigError) as exc:
        fail(str(exc), error=exc)
    echo(f"deleted view @{name.lstrip('@')} from {config.path}")


# --------------------------------------------------------------------------------------------
# config get | set

config_app = typer.Typer(help="Read or change tracker.toml settings.", no_args_is_help=True)
app.add_typer(config_app, name="config")


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@config_app.command("get")
def config_get(
    ctx: typer.Context,
    key: Annotated[
        str | None, typer.Argument(metavar="[KEY]", help="SECTION.KEY (or SECTION), e.g. warnings.stale_days; none for all.")
    ] = None,
) -> None:
    """Print a setting in force (the file's value, else the default); every setting without KEY."""
    from tracker.config import ConfigError

    config = state(ctx).config
    if key is None:
        for section, values in config.data.items():
            for name, value in values.items():
                echo(f"{section}.{name} = {_show(value)}")
        return
    section, _, name = key.partition(".")
    if not name and section in config.data:
        for sub, value in config.data[section].items():
            echo(f"{section}.{sub} = {_show(value)}")
        return
    try:
        echo(_show(config.get(key)))
    except ConfigError as exc:
        fail(str(exc), error=exc)


@config_app.command("set", context_settings=FILTER_COMMAND)
def config_set(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help="SECTION.KEY, e.g. warnings.stale_days or views.mine.")],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The new value (a view's value is a filter).")],
) -> None:
    """Set one setting in tracker.toml, checked first; every other setting is kept as it was."""
    from tracker.config import ConfigError, coerce, update
    from tracker.views import ViewError, save

    st = state(ctx)
    section, _, name = key.partition(".")
    try:
        if section == "views":
            config = save(st.config, name, value)
        else:
            config = update(st.config, key, coerce(key, value))
    except (ConfigError, ViewError) as exc:
        fail(str(exc), error=exc)
    echo(f"{key} = {_show(config.get(key))} in {config.path}")
