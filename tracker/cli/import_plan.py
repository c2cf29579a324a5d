"""``tracker import-plan FILE``: import (or re-import) a published plan's key-project table, in one transaction.

Thin: :func:`tracker.bootstrap.import_plan_into` does the work; what changed is printed by
:mod:`tracker.cli.import_report`. A file that cannot be read as a plan, or an import that would
remove projects without ``--prune``, exits 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli.app import EXIT_FINDINGS, app, fail, state
from tracker.cli.import_report import import_report_data, print_import_changes, print_import_report
from tracker.cli.options import FormatOption
from tracker.cli.output import print_json


@app.command("import-plan")
def import_plan(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A published plan as text, holding a 重点项目表 annex.")],
    fmt: FormatOption = "text",
    name: Annotated[
        str | None, typer.Option("--name", help="Name the plan (required when the table has no title above it).")
    ] = None,
    prune: Annotated[
        bool,
        typer.Option("--prune", help="Remove projects the file no longer lists (never those with progress records)."),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
) -> None:
    """Import (or re-import) a plan's key-project table from FILE, in one transaction.

    A re-import never removes projects unless --prune is given; without it, an import that would
    remove some is refused (exit 1) and lists them.
    """
    from tracker.bootstrap import import_plan_into
    from tracker.db import DatabaseError
    from tracker.importing.plan_text import PlanFormatError

    if fmt not in ("text", "json"):
        fail(f"--format must be text or json, not {fmt!r}")
    st = state(ctx)
    try:
        result = import_plan_into(
            st.url,
            file,
            actor=st.actor(),
            name=_plan_name(name),
            prune=prune,
            dry_run=dry_run,
            file_mode=st.file_mode,
        )
    except PlanFormatError as exc:
        fail(str(exc), EXIT_FINDINGS, error=exc)
    except DatabaseError as exc:
        fail(str(exc), error=exc)
    if fmt == "json":
        print_json(import_report_data(result))
    else:
        print_import_report(result)
        print_import_changes(result)
    if result.would_remove:
        fail(
            f"a real import would refuse: it would remove {len(result.would_remove)} project(s) that {file} does "
            "not list; pass --prune to remove them",
            EXIT_FINDINGS,
        )


def _plan_name(name: str | None) -> str | None:
    """``--name`` as given, if it can name a plan (one line of text, no control characters)."""
    from tracker.bounds import BoundsError, check_text
    from tracker.errors import UsageError

    if name is None:
        return None
    try:
        check_text(name, "--name", multiline=False, max_length=200)
    except BoundsError as exc:
        raise UsageError(str(exc)) from exc
    if not name.strip():
        raise UsageError("--name must not be empty")
    return name.strip()
