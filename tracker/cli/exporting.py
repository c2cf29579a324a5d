"""``tracker export``: every project, one record each, as JSON, CSV or xlsx.

CSV is the Excel profile of :mod:`tracker.excel` (RFC 4180, fixed column order, formula injection
neutralised), with a UTF-8 BOM by default when written to a file (``export.bom`` in tracker.toml;
``--no-bom`` for scripts) and none on stdout. xlsx needs ``--output``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.output import echo

MONEY_KEYS = frozenset({"total_investment", "planned_investment", "social_capital", "invested_to_date"})
INT_KEYS = frozenset({"seq", "start_year", "start_month", "finish_year", "finish_month"})
PERCENT_KEYS = frozenset({"social_share_pct", "progress_pct"})


@app.command("export")
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, csv or xlsx.")] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout (required for xlsx).")
    ] = None,
    bom: Annotated[
        bool | None,
        typer.Option(
            "--bom/--no-bom", help="UTF-8 BOM in CSV (default: on for a file, per export.bom; off on stdout)."
        ),
    ] = None,
) -> None:
    """Export every project with the full record (see README for the keys)."""
    from tracker.cli.output import collector_paused

    with collector_paused() as resume:
        _export(ctx, fmt, output, bom, resume)


def _export(ctx: Any, fmt: str, output: Path | None, bom: bool | None, resume: Any) -> None:
    from tracker.cli.output import check_output_path, output_file, stdout_text
    from tracker.db import reading
    from tracker.export import EXPORT_KEYS, row_record, write_json_list
    from tracker.portfolio import iter_rows

    if fmt not in ("json", "csv", "xlsx"):
        fail(f"--format must be json, csv or xlsx, not {fmt!r}")
    if fmt == "xlsx" and output is None:
        fail("--format xlsx needs --output FILE")
    if output is not None:
        check_output_path(output)
    st = state(ctx)
    engine = st.engine()
    use_bom = bom if bom is not None else (output is not None and bool(st.config.get("export.bom")))

    def write(out: Any, records: Any) -> int:
        """Every record to ``out`` as it is read: nothing is built whole."""
        if fmt == "json":
            count = write_json_list(out, records)
            out.write("\n")
            return count
        from tracker.excel import write_csv_rows

        return write_csv_rows(out, EXPORT_KEYS, ([rec.get(k) for k in EXPORT_KEYS] for rec in records), bom=use_bom)

    resume()
    with reading(engine) as session:
        records = (row_record(r) for r in iter_rows(session))
        if fmt == "xlsx":
            assert output is not None
            count = _write_xlsx(records, output)
        elif output is None:
            write(stdout_text(), records)
            return
        else:
            with output_file(output) as out:
                count = write(out, records)
    echo(f"wrote {count} projects to {output}", err=True)


def _kind(key: str) -> Any:
    if key in MONEY_KEYS:
        return "money"
    if key in PERCENT_KEYS:
        return "percent"
    if key in INT_KEYS:
        return "int"
    return "text"


def _write_xlsx(records: Iterable[dict[str, Any]], output: Path) -> int:
    from tracker.excel import Sheet, SheetColumn, write_xlsx
    from tracker.export import EXPORT_KEYS

    columns = [SheetColumn(key, _kind(key)) for key in EXPORT_KEYS]
    from tracker.cli.output import output_file

    with output_file(output, binary=True) as out:
        return write_xlsx([Sheet("projects", columns, ([rec.get(k) for k in EXPORT_KEYS] for rec in records))], out)
