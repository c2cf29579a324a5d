"""``tracker tui`` (and ``tracker`` with no command): open the terminal interface.

Textual is imported inside :func:`launch` only, so that a headless command (``check``, ``list``,
``export``) never pays for it — ``tests/test_import_hygiene.py`` holds that line.
"""

from __future__ import annotations

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.output import echo


def default_command(ctx: typer.Context) -> None:
    """``tracker`` alone: make sure the database exists (first run fills it), then open the TUI."""
    from tracker.bootstrap import init_database
    from tracker.db import DatabaseError

    st = state(ctx)
    try:
        result = init_database(st.url, actor=st.actor(), file_mode=st.file_mode)
    except DatabaseError as exc:
        fail(str(exc), error=exc)
    if result.created and result.import_result:
        echo(f"Created {st.url} from the bundled plan ({result.import_result.projects} projects).", err=True)
    launch(ctx)


def launch(ctx: typer.Context) -> None:
    """Run the TUI on the configured database, as of ``--as-of`` / ``general.as_of`` / today."""
    st = state(ctx)
    engine = st.engine()
    from tracker.tui.app import TrackerApp

    TrackerApp(engine=engine, config=st.config, as_of=st.as_of, actor=st.actor(), language=st.language).run()


@app.command("tui")
def tui(ctx: typer.Context) -> None:
    """Open the terminal interface (the same as running ``tracker`` alone)."""
    launch(ctx)
