"""``tracker undo`` and ``tracker redo``: reverse an operation as a whole, or put an undone one back.

Thin: each parses its options, calls :func:`tracker.history.undo` / :func:`tracker.history.redo` and
prints what happened. Exit 0 done, 1 refused (nothing to undo or redo, a dependent later operation,
a row changed outside the log), 2 bad usage.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from tracker.cli.app import EXIT_FINDINGS, app, fail, state
from tracker.cli.output import echo, print_json


def _check_options(fmt: str, operation: int | None) -> None:
    from tracker.bounds import MAX_INT_OPTION, check_int
    from tracker.errors import UsageError

    if fmt not in ("text", "json"):
        fail(f"--format must be text or json, not {fmt!r}")
    if operation is not None:
        check_int(operation, "--operation", 1, MAX_INT_OPTION, error=UsageError)


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _projects(codes: list[str]) -> str:
    return f"; projects {', '.join(codes[:10])}" + ("…" if len(codes) > 10 else "") if codes else ""


def _print_result(fmt: str, dry_run: bool, verb: str, target: int, keys: dict[str, Any], result: Any) -> None:
    """What an undo or a redo did (or would do): the JSON record (its own keys first) or one line."""
    if fmt == "json":
        print_json(
            keys
            | {
                "kind": result.kind,
                "summary": result.summary,
                "rows": result.rows,
                "codes": result.codes,
                "operation_id": result.operation_id,
                "dry_run": dry_run,
            }
        )
        return
    what = f"operation {target} ({result.kind}: {result.summary}): {_rows(result.rows)}{_projects(result.codes)}"
    done = {"undo": "undid", "redo": "redid"}[verb]
    echo(f"would {verb} {what}" if dry_run else f"{done} {what}; recorded as operation {result.operation_id}")


@app.command("undo")
def undo_command(
    ctx: typer.Context,
    operation: Annotated[
        int | None, typer.Option("--operation", help="Undo this operation id (default: the latest in effect).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and show what would be undone; change nothing.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Reverse the latest operation as a whole (an import, a month's progress, an edit); audited.

    Run again to undo the one before; `tracker redo` puts an undone operation back. An older operation
    can be undone while later ones changed other fields, months or years; one that changed the same
    is named, to be undone first.
    """
    from tracker.history import UndoError, undo

    _check_options(fmt, operation)
    st = state(ctx)
    try:
        result = undo(st.engine(), operation, actor=st.actor(), dry_run=dry_run)
    except UndoError as exc:
        fail(str(exc), EXIT_FINDINGS, error=exc)
    _print_result(fmt, dry_run, "undo", result.undone_id, {"undone": result.undone_id}, result)


@app.command("redo")
def redo_command(
    ctx: typer.Context,
    operation: Annotated[
        int | None,
        typer.Option("--operation", help="Redo this undone operation id (default: the most recently undone)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and show what would be redone; change nothing.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Put back an undone operation (the most recently undone by default); audited, and undoable.

    Refused when a change made since the undo touched the same fields, months or years.
    """
    from tracker.history import UndoError, redo

    _check_options(fmt, operation)
    st = state(ctx)
    try:
        result = redo(st.engine(), operation, actor=st.actor(), dry_run=dry_run)
    except UndoError as exc:
        fail(str(exc), EXIT_FINDINGS, error=exc)
    _print_result(fmt, dry_run, "redo", result.redone_id, {"redone": result.redone_id, "undo": result.undo_id}, result)
