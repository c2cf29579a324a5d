"""``tracker export``: every project, one record each, as JSON, CSV or xlsx.

CSV is the Excel profile of :mod:`tracker.excel` (RFC 4180, fixed column order, formula injection
neutralised), with a UTF-8 BOM by default when written to a file (``export.bom`` in tracker.toml;
``--no-bom`` for scripts) and none on stdout. xlsx needs ``--output``.
"""

from __future__ import annotations

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
    from tracker.cli.output import check_output_path, output_file
    from tracker.db import reading
    from tracker.export import record, to_csv, to_json
    from tracker.portfolio import rows

    if fmt not in ("json", "csv", "xlsx"):
        fail(f"--format must be json, csv or xlsx, not {fmt!r}")
    if fmt == "xlsx" and output is None:
        fail("--format xlsx needs --output FILE")
    if output is not None:
        check_output_path(output)
    st = state(ctx)
    engine = st.engine()
    with reading(engine) as session:
        records = [record(r) for r in rows(session)]
    if fmt == "xlsx":
        assert output is not None
        _write_xlsx(records, output)
    else:
        if fmt == "json":
            text = to_json(records)
        else:
            use_bom = bom if bom is not None else (output is not None and bool(st.config.get("export.bom")))
            text = to_csv(records, bom=use_bom)
        if output is None:
            typer.echo(text, nl=False)
            return
        with output_file(output) as out:
            out.write(text)
    echo(f"wrote {len(records)} projects to {output}", err=True)


def _kind(key: str) -> Any:
    if key in MONEY_KEYS:
        return "money"
    if key in PERCENT_KEYS:
        return "percent"
    if key in INT_KEYS:
        return "int"
    return "text"


def _write_xlsx(records: list[dict[str, Any]], output: Path) -> None:
    from tracker.excel import Sheet, SheetColumn, write_xlsx
    from tracker.export import EXPORT_KEYS

    columns = [SheetColumn(key, _kind(key)) for key in EXPORT_KEYS]
    from tracker.cli.output import output_file

    with output_file(output, binary=True) as out:
        write_xlsx([Sheet("projects", columns, [[rec.get(k) for k in EXPORT_KEYS] for rec in records])], out)
