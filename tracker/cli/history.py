"""``tracker history``: the audit log, newest first — who changed what and when, field by field.

Two forms: the compact one (one line per changed row, long values cut to 30 characters, at most
:data:`ROWS_SHOWN` rows per operation) and the full one (``--full``, and the default with
``--operation N``): every value whole, a multi-line text as a unified diff of its before and after.
Every value is data: printed as ``Text`` line by line, control characters shown as escapes.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.output import console, echo

if TYPE_CHECKING:
    from tracker.history import FieldChange, HistoryItem

ROWS_SHOWN = 12
"""Rows listed per operation in the compact view (an import touches ~90); --full and JSON have them all."""

SHORT = 30
"""Characters of a value in the compact view."""


def _check_int(value: int | None, option: str, low: int) -> None:
    from tracker.bounds import MAX_INT_OPTION, check_int
    from tracker.errors import UsageError

    if value is not None:
        check_int(value, option, low, MAX_INT_OPTION, error=UsageError)


@app.command("history")
def history_command(
    ctx: typer.Context,
    code: Annotated[str | None, typer.Argument(help="Only this project's changes.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many operations, newest first (0: all).")] = 20,
    operation: Annotated[
        int | None, typer.Option("--operation", help="Only this operation, shown in full (every value whole).")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Every value whole, multi-line texts as a diff, every row listed.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """The audit log: who changed what and when, field by field (old → new), newest first."""
    from tracker.db import reading
    from tracker.history import iter_history

    if fmt not in ("text", "json"):
        fail(f"--format must be text or json, not {fmt!r}")
    _check_int(limit, "--limit", 0)
    _check_int(operation, "--operation", 1)
    with reading(state(ctx).engine()) as session:
        items = iter_history(session, code, limit or None, operation)
        if fmt == "json":
            from tracker.cli.output import stdout_text
            from tracker.export import write_json_list

            out = stdout_text()
            write_json_list(out, (item.as_dict() for item in items))
            out.write("\n")
            return
        shown = _print_history(items, full=full or operation is not None)
    if not shown:
        echo(f"there is no operation {operation}" if operation is not None else "no changes recorded")


def _print_history(items: Iterable[HistoryItem], *, full: bool) -> bool:
    """Operations, newest first, each with its changed rows; False when there was none."""
    from rich.text import Text

    from tracker.safe_text import plain_text

    out = console()
    shown_for: dict[int, int] = {}  # the operation being printed: rows shown so far
    for item in items:
        if item.operation_id not in shown_for:
            shown_for = {item.operation_id: 0}
            when = item.when.strftime("%Y-%m-%d %H:%M:%S")
            out.print(
                Text.assemble(
                    (f"#{item.operation_id}", "bold"),
                    " ",
                    plain_text(f"{when} {item.who} {item.kind}: {item.summary}{_flags(item)}", single_line=True),
                )
            )
            if not full and item.entries > ROWS_SHOWN:
                out.print(
                    f"  ({item.entries} rows; the first {ROWS_SHOWN} shown — --full or --format json lists all)",
                    highlight=False,
                )
        if item.table is None:
            continue
        shown_for[item.operation_id] += 1
        if full:
            for line in full_lines(item):
                out.print(plain_text(line, single_line=True))
        elif shown_for[item.operation_id] <= ROWS_SHOWN:
            out.print(plain_text("  " + entry_text(item), single_line=True))
    return bool(shown_for)


def _flags(item: HistoryItem) -> str:
    """``[undone by 7]``; an undo taken back is ``[redone by 9]``."""
    if not item.undone_by:
        return ""
    return f" [redone by {item.undone_by}]" if item.kind == "undo" else f" [undone by {item.undone_by}]"


def _what(item: HistoryItem) -> str:
    return (
        f"{item.table} {item.code}"
        if item.table == "project" and item.code
        else (f"{item.table} #{item.row}" + (f" ({item.code})" if item.code else ""))
    )


def _shown_changes(item: HistoryItem) -> list[FieldChange]:
    from tracker.history import TIMESTAMPS

    return [c for c in item.changes if c.field not in TIMESTAMPS]


def entry_text(item: HistoryItem) -> str:
    """One changed row on one line, values cut to :data:`SHORT` characters (the compact view)."""
    if item.action == "insert":
        return f"+ {_what(item)}"
    if item.action == "delete":
        return f"- {_what(item)}"
    changes = ", ".join(_short_change(c, item.operation_id) for c in _shown_changes(item))
    return f"~ {_what(item)}: {changes}"


def _short_change(change: FieldChange, operation_id: int) -> str:
    """``field: old → new`` cut short; when the cut hides the difference, where to see it."""
    old, new = short(change.old), short(change.new)
    hint = (
        f" (differs further on: history --operation {operation_id})" if old == new and change.old != change.new else ""
    )
    return f"{change.field}: {old} → {new}{hint}"


def value_text(value: Any) -> str:
    """A value as the user reads it: money exact in 万元, nothing as ``∅``."""
    from decimal import Decimal

    from tracker.money import fmt_wan

    if value is None:
        return "∅"
    return fmt_wan(value) if isinstance(value, Decimal) else str(value)


def short(value: Any, width: int = SHORT) -> str:
    text = value_text(value).replace("\n", " / ")
    return text if len(text) <= width else text[: width - 1] + "…"


def full_lines(item: HistoryItem) -> Iterator[str]:
    """A changed row with every value whole (each yielded line is printed on its own, escaped):
    an inserted or deleted row lists its fields; an update shows ``old → new``, a long value before
    and after on lines of their own, a multi-line text as a unified diff."""
    sign = {"insert": "+", "delete": "-"}.get(item.action or "", "~")
    yield f"  {sign} {_what(item)}"
    for change in _shown_changes(item):
        if item.action == "insert":
            yield from _block(change.field, change.new)
        elif item.action == "delete":
            yield from _block(change.field, change.old)
        else:
            yield from change_lines(change)


def _block(name: str, value: Any) -> Iterator[str]:
    text = value_text(value)
    if "\n" not in text:
        yield f"      {name}: {text}"
        return
    yield f"      {name}:"
    for line in text.split("\n"):
        yield f"        | {line}"


def change_lines(change: FieldChange) -> Iterator[str]:
    """One field's change in full: short values on one line, long ones before and after, multi-line a diff."""
    old, new = value_text(change.old), value_text(change.new)
    if "\n" in old or "\n" in new:
        yield f"      {change.field}:"
        before = [] if change.old in (None, "") else old.split("\n")
        after = [] if change.new in (None, "") else new.split("\n")
        for line in difflib.unified_diff(before, after, "before", "after", lineterm="", n=1):
            yield f"        {line}"
    elif max(len(old), len(new)) > SHORT:
        yield f"      {change.field}:"
        yield f"        - {old}"
        yield f"        + {new}"
    else:
        yield f"      {change.field}: {old} → {new}"
