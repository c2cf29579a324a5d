"""Commands that set up and inspect the portfolio: init, import-plan, show, edit, and the default.

Thin: each parses its options, calls one domain function, and prints the result.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import EXIT_FINDINGS, app, fail, state
from tracker.cli.output import console, echo, print_json

if TYPE_CHECKING:
    from tracker.importing.load import ImportResult
    from tracker.portfolio import ProjectRow

FormatOption = Annotated[str, typer.Option("--format", "-f", help="text or json.")]


def default_command(ctx: typer.Context) -> None:
    """``tracker`` alone: make sure the database exists (first run fills it), then open the TUI."""
    from tracker.bootstrap import init_database
    from tracker.db import DatabaseError

    st = state(ctx)
    try:
        result = init_database(st.url, actor=st.actor())
    except DatabaseError as exc:
        fail(str(exc))
    if result.created and result.import_result:
        echo(f"Created {st.url} from the bundled plan ({result.import_result.projects} projects).", err=True)
    from tracker.cli import tui as tui_command

    tui_command.launch(ctx)


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
        result = init_database(st.url, force=force, actor=st.actor())
    except DatabaseError as exc:
        fail(str(exc))
    if not result.created:
        echo(f"{st.url} already holds a portfolio; nothing changed (use --force to start over).")
        return
    assert result.import_result is not None
    echo(f"Initialised {st.url}")
    print_import_report(result.import_result)


@app.command("import-plan")
def import_plan(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A published plan as text, holding a 重点项目表 annex.")],
    fmt: FormatOption = "text",
) -> None:
    """Import (or re-import) a plan's key-project table from FILE, in one transaction."""
    from tracker.db import DatabaseError, create_schema, make_engine
    from tracker.importing.load import import_plan_file
    from tracker.importing.plan_text import PlanFormatError

    st = state(ctx)
    try:
        engine = make_engine(st.url)
        create_schema(engine)
        result = import_plan_file(engine, file, st.actor())
    except PlanFormatError as exc:
        fail(str(exc), EXIT_FINDINGS)
    except DatabaseError as exc:
        fail(str(exc))
    if fmt == "json":
        print_json(import_report_data(result))
    else:
        print_import_report(result)


def import_report_data(result: ImportResult) -> dict[str, object]:
    return {
        "file": result.path,
        "plan": result.plan_name,
        "categories": result.categories,
        "projects": result.projects,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "removed": result.removed,
        "operation_id": result.operation_id,
        "unplaced": [u.__dict__ for u in result.unplaced],
        "normalised": [n.__dict__ for n in result.normalisations],
    }


def print_import_report(result: ImportResult) -> None:
    """The import report: counts, the cells that were normalised, the projects not placed.

    Everything read from the file (plan name, codes, cells, names) is put in ``Text`` objects:
    a ``[/]`` in a cell is shown, not parsed — the import is already committed when this prints.
    """
    from rich.table import Table
    from rich.text import Text

    from tracker.safe_text import plain_text

    out = console()
    out.print(
        Text.assemble(
            plain_text(result.plan_name, "bold"),
            plain_text(f": {result.projects} projects in {result.categories} categories from {result.path}"),
        )
    )
    out.print(
        Text(
            f"created {len(result.created)}, updated {len(result.updated)}, unchanged {result.unchanged}, "
            f"removed {len(result.removed)}"
        )
    )
    if result.normalisations:
        table = Table(title=f"{len(result.normalisations)} cells normalised", title_justify="left")
        for column in ("line", "code", "field", "kind", "published", "read as"):
            table.add_column(column, overflow="fold")
        for n in result.normalisations:
            cells = (str(n.line), n.code, n.field, n.kind, _short(n.raw), _short(n.value))
            table.add_row(*(plain_text(cell) for cell in cells))
        out.print(table)
    if result.unplaced:
        out.print(
            Text.assemble(
                (f"{len(result.unplaced)} project(s) not placed in a district", "yellow"),
                " (set with `tracker edit CODE district=…`):",
            )
        )
        for u in result.unplaced:
            out.print(plain_text(f"  {u.code} {u.name} — owner {u.owner}: {u.reason}"))


def _short(text: str, width: int = 40) -> str:
    flat = text.replace("\n", " / ").replace("\u00a0", "·")
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@app.command("show")
def show(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Project code, e.g. 2-18.")],
    fmt: FormatOption = "text",
) -> None:
    """Every field of one project, and the source lines it was read from."""
    from tracker.db import reading
    from tracker.export import record
    from tracker.portfolio import find

    engine = state(ctx).engine()
    with reading(engine) as session:
        row = find(session, code)
    if row is None:
        fail(f"no project with code {code!r}", EXIT_FINDINGS)
    data = record(row) | {"version": row.project.version, "source_lines": _lines(row)}
    if fmt == "json":
        print_json(data)
        return
    print_project(row, data)


def _lines(row: ProjectRow) -> str:
    p = row.project
    return f"{p.source_first_line}-{p.source_last_line}" if p.source_first_line else ""


def print_project(row: ProjectRow, data: dict[str, object]) -> None:
    """Every field as a two-column grid; values are ``Text`` (never markup, controls shown)."""
    from rich.table import Table

    from tracker.money import fmt_wan
    from tracker.safe_text import plain_text

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in data.items():
        shown = fmt_wan(value) if hasattr(value, "as_tuple") else ("" if value is None else str(value))  # type: ignore[arg-type]
        table.add_row(key, plain_text(shown))
    console().print(table)


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

    st = state(ctx)
    engine = st.engine()
    try:
        result = edit_project(engine, code, parse_assignments(assignments), expected_version=expect_version, actor=st.actor())
    except (EditError, UnknownProjectError, ConcurrentEditError) as exc:
        fail(str(exc).strip("'\""), EXIT_FINDINGS)
    if not result.changed:
        echo(f"{code}: nothing to change (version {result.version})")
        return
    for field, (old, new) in result.changed.items():
        echo(f"{code} {field}: {old} → {new}")
    echo(f"{code} is now at version {result.version}")
