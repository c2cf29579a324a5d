"""``tracker evaluate --plan NAME --as-of DATE [--output FILE.xlsx|FILE.md]``: the tables a mid-term
evaluation (中期评估) starts from — the projects' completion and every indicator's status.

Thin face over :mod:`tracker.evaluate`; without ``--output`` the Markdown goes to stdout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli.app import app, state

FORMATS = {".md": "md", ".markdown": "md", ".xlsx": "xlsx"}


@app.command("evaluate")
def evaluate_command(
    ctx: typer.Context,
    plan: Annotated[str, typer.Option("--plan", help="The plan: its name, or a part of it naming one plan.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write FILE.md (Markdown) or FILE.xlsx; default: Markdown to stdout."),
    ] = None,
) -> None:
    """Tables for a plan's evaluation as of --as-of: projects by status, money, overdue, indicators' status."""
    from tracker.db import reading
    from tracker.evaluate import EvaluationError, evaluation, markdown, sheets
    from tracker.messages import cli_language

    st = state(ctx)
    fmt = "md"
    if output is not None:
        fmt = FORMATS.get(output.suffix.lower(), "")
        if not fmt:
            raise EvaluationError(
                f"{output}: the report is written as .md or .xlsx, not {output.suffix or 'no suffix'}"
            )
    language = st.language or cli_language()
    with reading(st.engine()) as session:
        ev = evaluation(session, plan, st.as_of)
    if output is None:
        typer.echo(markdown(ev, language), nl=False)
        return
    from tracker.cli.output import echo, output_file

    if fmt == "xlsx":
        from tracker.excel import write_xlsx

        with output_file(output, binary=True) as out:
            write_xlsx(sheets(ev, language), out)
    else:
        with output_file(output) as out:
            out.write(markdown(ev, language))
    echo(f"wrote the evaluation of {ev.plan} as of {ev.as_of.isoformat()} to {output}", err=True)
