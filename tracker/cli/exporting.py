"""``tracker export``: every project, one record each, as JSON or CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli.app import app, fail, state


@app.command("export")
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json or csv.")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")] = None,
) -> None:
    """Export every project with the full record (see README for the keys)."""
    from tracker.db import reading
    from tracker.export import record, to_csv, to_json
    from tracker.portfolio import rows

    if fmt not in ("json", "csv"):
        fail(f"--format must be json or csv, not {fmt!r}")
    engine = state(ctx).engine()
    with reading(engine) as session:
        records = [record(r) for r in rows(session)]
    text = to_json(records) if fmt == "json" else to_csv(records)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8", newline="")
        typer.echo(f"wrote {len(records)} projects to {output}", err=True)
