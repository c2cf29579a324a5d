"""What the commands that query projects share: FILTER words, columns, ``--format``/``--output``, the writers.

The CLI's one way of turning FILTER words into a WHERE clause (:func:`compile_filter`), which ``list``,
``export``, ``rollup``, ``warnings``, ``sheet`` and ``view save`` use: the words are joined with spaces
and parsed by :mod:`tracker.filters`; a bad filter prints the caret message on stderr and exits 2.
Also the project records streamed as CSV/JSON/xlsx (:func:`write_records`, :func:`write_records_to`)
and as a terminal table (:func:`print_table`), shared by ``list`` and ``export``.

Commands taking a FILTER accept words starting with ``-`` (``-status:completed``) as filter words,
so they have no one-letter options (``-f`` would swallow ``-finish<=2022``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.app import EXIT_ERROR, fail
from tracker.cli.output import console, echo, stdout_is_terminal

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from tracker.cli.app import State
    from tracker.filters import FilterContext
    from tracker.indicators.filters import IndicatorFilter

FILTER_COMMAND = {"ignore_unknown_options": True}
"""Context settings of a command taking FILTER words: ``-word`` is a filter word, not an option."""

FilterWords = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="FILTER",
        help="Filter, e.g. category:老年 status:在建 total>=1000 -district:韶山 +overdue @view (see README).",
        show_default=False,
    ),
]

LIST_COLUMNS = ("code", "name", "category", "district", "start_text", "finish_text", "total_investment",
                "planned_investment", "social_share_pct", "status")
"""Columns of the terminal table by default."""

COLUMN_ALIASES = {
    "total": "total_investment",
    "planned": "planned_investment",
    "share": "social_share_pct",
    "start": "start_text",
    "finish": "finish_text",
}
MONEY_KEYS = ("total_investment", "planned_investment", "social_capital")


def filter_text(words: list[str] | None) -> str:
    """The FILTER words as one filter; a word like ``--fromat`` is a mistyped option, not a filter."""
    words = words or []
    for word in words:
        if word.startswith("--") and len(word) > 2 and word[2].isalpha():
            fail(f"no such option: {word.split('=', 1)[0]}")
    return " ".join(words)


def filter_context(st: State) -> FilterContext:
    from tracker.filters import FilterContext
    from tracker.warnings import WarningSettings

    return FilterContext(st.as_of, WarningSettings.from_config(st.config))


def filter_error(text: str, exc: Any, what: str = "filter") -> None:
    """``tracker: bad filter: …`` and the caret picture, on stderr; exit 2."""
    from tracker.messages import cli_language, translate

    language = cli_language()
    if language != "en" and what == "filter" and getattr(exc, "message_id", None) is not None:
        echo(f"tracker: {translate(language, 'filter.error')}{exc.user_message(language)}", err=True)
    else:
        echo(f"tracker: bad {what}: {exc.message}", err=True)
    for line in exc.caret(text).splitlines():
        echo(f"  {line}", err=True)
    raise typer.Exit(EXIT_ERROR)


def compile_filter(st: State, words: list[str] | None) -> ColumnElement[bool] | None:
    """FILTER words → WHERE clause (None when empty), with saved views and the as-of date of ``st``."""
    from tracker.filters import FilterError, parse, to_sql

    text = filter_text(words)
    try:
        node = parse(text, st.config.views)
    except FilterError as exc:
        filter_error(text, exc)
    from tracker.filters import Everything

    return None if isinstance(node, Everything) else to_sql(node, filter_context(st))


def compile_filters(st: State, words: list[str] | None) -> tuple[ColumnElement[bool] | None, IndicatorFilter]:
    """FILTER words of a command that lists projects and indicators both (``tracker warnings``): the
    projects' WHERE (None when empty) and the indicators' filter, from one parse with subject ``any``."""
    from tracker.filters import Everything, FilterError, parse, to_sql
    from tracker.indicators.filters import compile_indicator_filter

    text = filter_text(words)
    try:
        node = parse(text, st.config.views, "any")
    except FilterError as exc:
        filter_error(text, exc)
    where = None if isinstance(node, Everything) else to_sql(node, filter_context(st))
    return where, compile_indicator_filter(node)


def parse_columns(text: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    from tracker.export import EXPORT_KEYS

    if not text:
        return default
    columns = []
    for raw in text.split(","):
        name = COLUMN_ALIASES.get(raw.strip(), raw.strip())
        if name not in EXPORT_KEYS:
            fail(f"unknown column {raw.strip()!r}; columns: {', '.join(EXPORT_KEYS)} (or total, planned, share, start, finish)")
        columns.append(name)
    return tuple(columns)


TableFormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="table, csv, json or xlsx (default: the --output file's extension; else table on a terminal, csv on a pipe).",
    ),
]
"""``--format`` of the commands that print a table on a terminal (``list``, ``rollup``)."""
OutputOption = Annotated[
    Path | None, typer.Option("--output", help="Write to FILE (.csv, .json or .xlsx) instead of stdout.")
]


def output_format(output: Path | None, fmt: str | None, allowed: tuple[str, ...], pipe_default: str) -> str:
    """:func:`~tracker.cli.output.format_for` for a command with a terminal table: the table on a terminal
    by default, ``pipe_default`` on a pipe, the file's extension with ``--output``."""
    from tracker.cli.output import format_for

    return format_for(output, fmt, allowed, "table" if stdout_is_terminal() else pipe_default)


def write_records(out: Any, fmt: str, records: Iterable[dict[str, Any]], keys: tuple[str, ...], *, whole: bool,
                  bom: bool) -> int:
    """Project records streamed to ``out`` as JSON (each record whole when ``whole``) or CSV of ``keys``."""
    if fmt == "json":
        from tracker.export import write_json_list

        count = write_json_list(out, records if whole else ({k: rec[k] for k in keys} for rec in records))
        out.write("\n")
        return count
    from tracker.excel import write_csv_rows

    return write_csv_rows(out, keys, ([rec.get(k) for k in keys] for rec in records), bom=bom)


def write_records_to(output: Path, fmt: str, records: Iterable[dict[str, Any]], keys: tuple[str, ...], *,
                     whole: bool, bom: bool, sheet: str = "projects") -> int:
    """The records to the file ``output`` (through a temporary file renamed when complete); an xlsx
    workbook has one sheet named ``sheet``."""
    from tracker.cli.output import output_file

    if fmt == "xlsx":
        from tracker.cli.export import write_records_xlsx

        return write_records_xlsx(records, keys, output, sheet)
    with output_file(output) as out:
        return write_records(out, fmt, records, keys, whole=whole, bom=bom)


TABLE_BATCH = 1000
"""Rows per Rich table when a list is printed on a terminal: a longer list is printed a table at a time
(each sized to its own rows), so a million projects never sit in memory; up to this many, one table."""


def print_table(records: Iterable[dict[str, Any]], columns: tuple[str, ...] = LIST_COLUMNS) -> None:
    """The records as a Rich table; every cell a ``Text`` (data never read as markup, controls shown).

    Streamed: up to :data:`TABLE_BATCH` rows make one table, as they always did; a longer list is printed
    in tables of that many rows as they come, the last one captioned with the count."""
    from tracker.numbers import fmt_money, fmt_percent, fmt_share
    from tracker.safe_text import plain_text

    def cells(rec: dict[str, Any]) -> list[Any]:
        out = []
        for column in columns:
            value = rec[column]
            if value is None:
                cell = ""
            elif column in MONEY_KEYS:
                cell = fmt_money(value)
            elif column == "social_share_pct":
                cell = fmt_share(value)
            elif column == "progress_pct":
                cell = fmt_percent(value)
            elif column == "status":
                cell = status_label(value)
            else:
                cell = str(value)
            out.append(plain_text(cell))
        return out

    batch: list[list[Any]] = []
    total = 0
    for rec in records:
        if len(batch) == TABLE_BATCH:
            _print_table_batch(batch, columns, None)
            batch = []
        batch.append(cells(rec))
        total += 1
    _print_table_batch(batch, columns, f"{total} projects")


def _print_table_batch(rows: list[list[Any]], columns: tuple[str, ...], caption: str | None) -> None:
    from rich.table import Table

    table = Table(caption=caption, caption_justify="left")
    for column in columns:
        numeric = column in (*MONEY_KEYS, "social_share_pct", "progress_pct", "seq", "start_year", "finish_year")
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*row)
    console().print(table)


def status_label(value: str) -> str:
    """``在建`` for ``in_progress``: the label an officer reads; unknown values as they are."""
    from tracker.models import Status

    try:
        return Status(value).zh
    except ValueError:
        return value
