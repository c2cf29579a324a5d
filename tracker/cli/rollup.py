"""``tracker rollup [FILTER] --by DIM``: sum the projects by one or two dimensions, with subtotals and a total.

Thin face over :mod:`tracker.rollups` (sums in SQL): a table on a terminal, CSV keeping the hierarchy
on a pipe, JSON, or a file (CSV, JSON or xlsx with bold subtotals) with ``--output``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.output import console, echo, print_json
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

    from tracker.numbers import fmt_money, fmt_percent, rollup_gap
    from tracker.safe_text import plain_text

    with_progress = any(r.invested for r in rows)
    caption = "万元; social capital = total × share"
    if "year" in dims:
        caption += f"; year: each project's figures spread {rule} over its construction years, count = projects active"
    gap = rollup_gap(rows)
    if gap:
        caption += (
            f"\nTotals are computed from exact values; they differ from the sum of the rounded rows by {fmt_money(gap)}"
        )
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
            fmt_money(row.total),
            fmt_money(row.planned),
            fmt_money(row.social_capital),
        ]
        if with_progress:
            cells += [fmt_money(row.invested), fmt_percent(row.invested_pct)]
        table.add_row(*cells, style="bold" if row.is_subtotal else None, end_section=row.level == 0)
    console().print(table)
