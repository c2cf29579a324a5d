"""``tracker init``: create the database and load the bundled plan (87 projects); safe to run again.

Thin: :func:`tracker.bootstrap.init_database` does the work; the import report is printed by
:mod:`tracker.cli.import_report`, as ``import-plan`` prints it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.import_report import print_import_report
from tracker.cli.output import echo


@app.command("init")
def init(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Drop every tracker table first (progress too).")] = False,
) -> None:
    """Create the database and load the bundled plan (87 projects). Safe to run again."""
    from tracker.bootstrap import init_database
    from tracker.db import DatabaseError

    st = state(ctx)
    try:
        result = init_database(st.url, force=force, actor=st.actor(), file_mode=st.file_mode)
    except DatabaseError as exc:
        fail(str(exc), error=exc)
    if not result.created:
        echo(f"{st.url} already holds a portfolio; nothing changed (use --force to start over).")
        return
    assert result.import_result is not None
    echo(f"Initialised {st.url}")
    print_import_report(result.import_result)
