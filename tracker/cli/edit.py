"""``tracker edit CODE FIELD=VALUE…``: change a project's fields as one audited, undoable operation.

Thin: :func:`tracker.editing.edit_project` does the work. A bad field or value, an unknown project or a
stale ``--expect-version`` exits 1.
"""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.app import EXIT_FINDINGS, app, fail, state
from tracker.cli.options import check_option
from tracker.cli.output import echo


@app.command("edit")
def edit(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Project code, e.g. 4-11.")],
    assignments: Annotated[list[str], typer.Argument(help="FIELD=VALUE, e.g. district=湘潭县 total=1200.")],
    expect_version: Annotated[
        int | None, typer.Option("--expect-version", help="Refuse if the project is no longer at this version.")
    ] = None,
) -> None:
    """Change a project's fields (one audited, undoable operation). A district set here is kept on re-import."""
    from tracker.editing import ConcurrentEditError, EditError, UnknownProjectError, edit_project, parse_assignments

    check_option(expect_version, "--expect-version")
    st = state(ctx)
    engine = st.engine()
    try:
        result = edit_project(engine, code, parse_assignments(assignments), expected_version=expect_version, actor=st.actor())
    except (EditError, UnknownProjectError, ConcurrentEditError) as exc:
        fail(str(exc).strip("'\""), EXIT_FINDINGS, error=exc)
    if not result.changed:
        echo(f"{code}: nothing to change (version {result.version})")
        return
    for field, (old, new) in result.changed.items():
        echo(f"{code} {field}: {old} → {new}")
    echo(f"{code} is now at version {result.version}")
