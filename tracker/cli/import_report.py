"""The report of a plan import, as ``init`` and ``import-plan`` print it: counts, normalised cells,
projects not placed, and what changed project by project (or all of it as JSON).

Everything in it is data from the file or the database: printed as plain ``Text``, controls shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.cli.output import console

if TYPE_CHECKING:
    from tracker.importing.load import ImportResult


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
