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
        result = init_database(st.url, actor=st.actor(), file_mode=_file_mode(ctx))
    except DatabaseError as exc:
        fail(str(exc), error=exc)
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
        result = init_database(st.url, force=force, actor=st.actor(), file_mode=_file_mode(ctx))
    except DatabaseError as exc:
        fail(str(exc), error=exc)
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
            file_mode=_file_mode(ctx),
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


def _file_mode(ctx: typer.Context) -> int:
    """``database.file_mode`` from tracker.toml as a number (validated when the file was read)."""
    from tracker.config import parse_file_mode

    return parse_file_mode(state(ctx).config.get("database.file_mode"))


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
        "dry_run": result.dry_run,
        "changes": {code: _changes_data(diff) for code, diff in result.changes.items()},
        "plan_changes": _changes_data(result.plan_changes),
        "category_changes": {str(ordinal): _changes_data(diff) for ordinal, diff in result.category_changes.items()},
        "would_remove": [p.__dict__ for p in result.would_remove],
        "kept": [k.__dict__ for k in result.kept],
    }


def _changes_data(diff: dict[str, tuple[object, object]]) -> dict[str, dict[str, object]]:
    return {field: {"old": old, "new": new} for field, (old, new) in diff.items()}


def _changes_text(diff: dict[str, tuple[object, object]]) -> str:
    return ", ".join(f"{k}: {_short(str(o))} → {_short(str(n))}" for k, (o, n) in diff.items())


def print_import_changes(result: ImportResult) -> None:
    """What the import changed, project by project: created, updated (field: old → new), removed, kept.

    Every value is data from the file or the database: printed as plain ``Text``, controls shown.
    """
    from rich.text import Text

    from tracker.safe_text import visible

    def line(text: str) -> None:
        out.print(Text(visible(text, single_line=True)))

    out = console()
    if result.dry_run:
        line("dry run: nothing was written")
    for field, (old, new) in result.plan_changes.items():
        line(f"  plan {field}: {_short(str(old))} → {_short(str(new))}")
    for ordinal, diff in result.category_changes.items():
        line(f"  category {ordinal}: " + _changes_text(diff))
    if not result.plan_created or result.dry_run:
        for code in result.created:
            line(f"  + {code} {result.names.get(code, '')}")
    for code, diff in result.changes.items():
        line(f"  ~ {code}: " + _changes_text(diff))
    for code in result.removed:
        line(f"  - {code} {result.names.get(code, '')}" + (" (would be removed)" if result.dry_run else " (removed)"))
    for ref in result.would_remove:
        line(f"  - {ref.code} {ref.name} (not in the file; removed only with --prune)")
    for kept in result.kept:
        line(f"  = {kept.code} {kept.name}: not in the file, kept: it {kept.reason}")


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
    from tracker.cli.progress import check_option
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
