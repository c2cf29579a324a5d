"""``tracker report --month YYYY-MM [FILTER]``: the monthly report (月报) as CSV, xlsx or JSON, or its summary.

Thin: the rows, totals and subtotals come from :class:`tracker.report.ReportSource` (computed in SQL
and streamed); this module picks the format, the language and the filter, and writes the document
line by line (to a temporary file renamed when complete, with ``--output``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.output import echo, print_json

if TYPE_CHECKING:
    from tracker.report import ReportSource


@app.command("report", context_settings={"ignore_unknown_options": True})
def report_command(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(help="Filter, e.g. category:老年 status:在建 (see README).", show_default=False),
    ] = None,
    month: Annotated[str | None, typer.Option("--month", help="Report month, YYYY-MM (required).")] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, xlsx or json (default: the --output file's extension, else csv).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write to FILE (.csv, .xlsx or .json; required for xlsx).")
    ] = None,
    headers: Annotated[
        str | None,
        typer.Option(
            "--language", "--headers", help="zh or en: headers, statuses, title, summary (default report.language)."
        ),
    ] = None,
    subtotals: Annotated[bool, typer.Option("--subtotals", help="A subtotal row after each category.")] = False,
    summary: Annotated[
        bool, typer.Option("--summary", help="Print the bulletin's opening paragraph instead of the table.")
    ] = False,
    by: Annotated[str | None, typer.Option("--by", help="With --summary: category (one paragraph each).")] = None,
    bom: Annotated[
        bool | None,
        typer.Option(
            "--bom/--no-bom", help="UTF-8 BOM in CSV (default: on for a file, per export.bom; off on stdout)."
        ),
    ] = None,
) -> None:
    """The monthly report (月报): one row per project, totals, optional category subtotals; exact figures."""
    from tracker.db import reading
    from tracker.progress import ProgressError, check_month
    from tracker.report import ReportSource
    from tracker.schedule import month_end

    st = state(ctx)
    if month is None:
        fail("--month YYYY-MM is required")
    from tracker.cli.output import format_for

    fmt = format_for(output, fmt, ("csv", "xlsx", "json"), "csv")
    language = headers or st.config.get("report.language")
    if language not in ("zh", "en"):
        fail(f"--language (--headers) must be zh or en, not {language!r}")
    if by is not None and (by != "category" or not summary):
        fail("--by category goes with --summary" if by == "category" else f"--by must be category, not {by!r}")
    try:
        month = check_month(month)
    except ProgressError as exc:
        fail(exc.message)
    year, number = int(month[:4]), int(month[5:])
    report_date = month_end(date(year, number, 1))
    as_of = st.as_of if st.as_of_option else report_date
    settings = _warning_settings(st)
    where = _report_filter(st, words, as_of, settings)
    with reading(st.engine()) as session:
        source = ReportSource(session, month, where, as_of=as_of, subtotals=subtotals, warning_settings=settings)
        if summary:
            _print_summary(source, fmt, language, by_category=by == "category")
            return
        heading = {"unit": st.config.get("report.unit"), "reporter": st.config.get("general.reporter")}
        write_report(source, fmt, output, language, _bom(st, bom, output), heading=heading)


def _print_summary(source: ReportSource, fmt: str, language: str, *, by_category: bool) -> None:
    """``report --summary``: the paragraph(s) on stdout, or their figures as JSON with ``--format json``."""
    from tracker.report import summary_text
    from tracker.safe_text import visible

    summaries = source.summaries(by_category=by_category)
    if fmt == "json":
        print_json(
            {"month": source.month, "as_of": source.as_of.isoformat(), "summaries": [s.as_dict() for s in summaries]}
        )
        return
    plans = "、".join(source.plan_names())
    for item in summaries:
        typer.echo(visible(summary_text(item, language, plans)))


def _warning_settings(st: Any) -> Any:
    from tracker.rules import WarningSettings

    return WarningSettings.from_config(st.config)


def _report_filter(st: Any, words: list[str] | None, as_of: date, settings: Any) -> Any:
    """FILTER words → WHERE, with ``+tags`` judged as of the report date (not today)."""
    from tracker.cli.query import filter_error, filter_text
    from tracker.filters import FilterError, where_clause

    text = filter_text(words)
    try:
        return where_clause(text, views=st.config.views, as_of=as_of, settings=settings)
    except FilterError as exc:
        filter_error(text, exc)


def _bom(st: Any, option: bool | None, output: Path | None) -> bool:
    if option is not None:
        return option
    return bool(st.config.get("export.bom")) if output is not None else False


def write_report(
    source: ReportSource,
    fmt: str,
    output: Path | None,
    language: str,
    bom: bool,
    *,
    heading: dict[str, str] | None = None,
) -> None:
    """The report streamed to ``output`` (a temporary file renamed when complete) or stdout: each line's
    display values built once, each line written as it is read."""
    from tracker.cli.output import output_file, stdout_text

    if output is None:
        _write_report_to(stdout_text(), source, fmt, language, bom=bom)
    elif fmt == "xlsx":
        with output_file(output, binary=True) as out:
            _write_report_to(out, source, fmt, language, bom=False, heading=heading)
    else:
        with output_file(output) as out:
            _write_report_to(out, source, fmt, language, bom=bom)
    if output is not None:
        echo(f"wrote the {source.month} report ({source.rows_written} projects) to {output}", err=True)


def _write_report_to(
    out: Any, source: ReportSource, fmt: str, language: str, *, bom: bool, heading: dict[str, str] | None = None
) -> None:
    from tracker.report import COLUMNS, display_values, header

    def cells(line: Any) -> list[Any]:
        values = display_values(line, language)
        return [values[c.key] for c in COLUMNS]

    if fmt == "json":
        from tracker.export import json_value, write_json_list

        columns = [{"key": c.key, "zh": c.zh, "kind": c.kind} for c in COLUMNS]
        out.write('{\n  "month": ' + json_value(source.month, 1) + ',\n  "as_of": ')
        out.write(json_value(source.as_of.isoformat(), 1) + ',\n  "columns": ' + json_value(columns, 1))
        out.write(',\n  "rows": ')
        write_json_list(out, (line.values for line in source.rows()), 1)
        out.write(',\n  "subtotals": ')
        write_json_list(out, (line.values | {"count": line.count} for line in source.subtotal_lines()), 1)
        totals = source.totals.values | {"count": source.totals.count}
        out.write(',\n  "totals": ' + json_value(totals, 1) + "\n}\n")
    elif fmt == "csv":
        from tracker.excel import write_csv_rows

        write_csv_rows(  # a BOM only in CSV (with --bom also on stdout), as before
            out, [header(c, language) for c in COLUMNS], (cells(line) for line in source.lines()), bom=bom
        )
    else:
        from tracker.excel import write_xlsx
        from tracker.report import report_sheet

        from tracker.indicators.sheet import indicator_sheet

        sheets = [report_sheet(source, language, **(heading or {}))]  # printable: title, summary, A3
        indicators = indicator_sheet(source.session, source, language)  # 主要指标, when any were imported
        write_xlsx(sheets + ([indicators] if indicators is not None else []), out)
