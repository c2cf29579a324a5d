"""``tracker export [FILTER]``: every project (or those matching FILTER), one record each, as JSON, CSV or xlsx.

The format is ``--format``, else the ``--output`` file's extension, else JSON
(:func:`tracker.cli.output.format_for`). FILTER words are those of ``tracker list``; as ``export`` has
the one-letter options ``-f`` and ``-o``, a filter word starting with ``-f`` or ``-o`` (``-finish<=2022``)
goes after ``--``.

CSV is the Excel profile of :mod:`tracker.excel` (RFC 4180, fixed column order, formula injection
neutralised), with a UTF-8 BOM by default when written to a file (``export.bom`` in tracker.toml;
``--no-bom`` for scripts) and none on stdout. xlsx needs ``--output``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.output import echo
from tracker.cli.query import FILTER_COMMAND, FilterWords

MONEY_KEYS = frozenset({"total_investment", "planned_investment", "social_capital", "invested_to_date"})
INT_KEYS = frozenset({"seq", "start_year", "start_month", "finish_year", "finish_month"})
PERCENT_KEYS = frozenset({"social_share_pct", "progress_pct"})


EXPORT_FORMATS = ("json", "csv", "xlsx")


@app.command("export", context_settings=FILTER_COMMAND)
def export(
    ctx: typer.Context,
    words: FilterWords = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="json, csv or xlsx (default: the --output file's extension, else json)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to FILE (.json, .csv or .xlsx) instead of stdout (required for xlsx)."),
    ] = None,
    bom: Annotated[
        bool | None,
        typer.Option(
            "--bom/--no-bom", help="UTF-8 BOM in CSV (default: on for a file, per export.bom; off on stdout)."
        ),
    ] = None,
    of: Annotated[
        str,
        typer.Option("--of", help="projects (default) or indicators: the plans' main indicators with their status as of --as-of."),
    ] = "projects",
) -> None:
    """Export every project (those matching FILTER) with the full record (see README for the keys);
    --of indicators exports the plans' main indicators instead."""
    from tracker.cli.output import collector_paused

    if of not in ("projects", "indicators"):
        fail(f"--of is projects or indicators, not {of!r}")
    with collector_paused() as resume:
        if of == "indicators":
            _export_indicators(ctx, words, fmt, output, bom, resume)
        else:
            _export(ctx, words, fmt, output, bom, resume)


def _export_format(fmt: str | None, output: Path | None) -> str:
    """:func:`format_for`, with a hint when ``-f``/``-o`` took what was meant as a filter word."""
    from tracker.cli.output import FormatError, format_for

    try:
        return format_for(output, fmt, EXPORT_FORMATS, "json")
    except FormatError as exc:
        clipped = fmt is not None and fmt not in EXPORT_FORMATS
        if clipped or (output is not None and not output.suffix and len(output.parts) == 1 and not output.exists()):
            letter = "f" if clipped else "o"
            fail(f"{exc.user_message()} (a filter word starting with -{letter} goes after --: tracker export -- -{letter}…)")
        raise


def _export(ctx: Any, words: Any, fmt: str | None, output: Path | None, bom: bool | None, resume: Any) -> None:
    from tracker.cli.output import stdout_text
    from tracker.cli.query import compile_filter, write_records, write_records_to
    from tracker.db import reading
    from tracker.export import EXPORT_KEYS, row_record
    from tracker.portfolio import iter_rows

    fmt = _export_format(fmt, output)
    st = state(ctx)
    where = compile_filter(st, words)
    engine = st.engine()
    use_bom = bom if bom is not None else (output is not None and bool(st.config.get("export.bom")))
    resume()
    with reading(engine) as session:
        records = (row_record(r) for r in iter_rows(session, where))
        if output is None:
            write_records(stdout_text(), fmt, records, EXPORT_KEYS, whole=True, bom=use_bom)
            return
        count = write_records_to(output, fmt, records, EXPORT_KEYS, whole=True, bom=use_bom)
    echo(f"wrote {count} projects to {output}", err=True)


def _export_indicators(ctx: Any, words: Any, fmt: str | None, output: Path | None, bom: bool | None, resume: Any) -> None:
    """``export --of indicators``: every indicator the filter (the indicators' part of the one language)
    selects, with its status as of --as-of; JSON records whole, CSV/xlsx the columns
    :data:`~tracker.indicators.store.EXPORT_KEYS`."""
    from tracker.cli.output import stdout_text
    from tracker.cli.query import filter_error, filter_text, write_records, write_records_to
    from tracker.db import reading
    from tracker.filters import FilterError
    from tracker.indicators.filters import parse_indicator_filter
    from tracker.indicators.store import EXPORT_KEYS, iter_indicators

    fmt = _export_format(fmt, output)
    st = state(ctx)
    text = filter_text(words)
    try:
        selected = parse_indicator_filter(text, st.config.views)
    except FilterError as exc:
        filter_error(text, exc)
    engine = st.engine()
    use_bom = bom if bom is not None else (output is not None and bool(st.config.get("export.bom")))
    resume()
    with reading(engine) as session:
        records = (line.as_dict() for line in iter_indicators(session, st.as_of, selected.where) if selected.keeps(line))
        if output is None:
            write_records(stdout_text(), fmt, records, EXPORT_KEYS, whole=True, bom=use_bom)
            return
        count = write_records_to(output, fmt, records, EXPORT_KEYS, whole=True, bom=use_bom, sheet="indicators")
    echo(f"wrote {count} indicator{'' if count == 1 else 's'} to {output}", err=True)


def _kind(key: str) -> Any:
    if key in MONEY_KEYS:
        return "money"
    if key in PERCENT_KEYS:
        return "percent"
    if key in INT_KEYS:
        return "int"
    return "text"


def write_records_xlsx(records: Iterable[dict[str, Any]], keys: Sequence[str], output: Path, sheet: str = "projects") -> int:
    """Records (a project's ``row_record``, an indicator's ``as_dict``) as one typed sheet with the columns
    ``keys``, streamed through :func:`~tracker.cli.output.output_file`; ``export``, ``list --output
    FILE.xlsx`` and ``indicator list --output FILE.xlsx`` write it."""
    from tracker.cli.output import output_file
    from tracker.excel import Sheet, SheetColumn, write_xlsx

    columns = [SheetColumn(key, _kind(key)) for key in keys]
    with output_file(output, binary=True) as out:
        return write_xlsx([Sheet(sheet, columns, ([rec.get(k) for k in keys] for rec in records))], out)
