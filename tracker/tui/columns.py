"""Which columns of the project table fit the terminal, and how wide the name gets.

At 80×24 (a laptop, an SSH session) the officer must still see what matters: the light, the code,
the name, the total and the status. Those are always shown; every other column the user chose (the
column chooser, saved in tracker.preferences) is added in :data:`PRIORITY` order while the name keeps
at least :data:`NAME_MIN` cells; the name then takes whatever width is left. Columns keep the user's
order on screen. Pure functions: the screen calls :func:`fit` on mount and on every resize.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CELL_PADDING = 2
"""A DataTable column is its width plus one cell of padding each side."""

SCROLLBAR = 2
"""The vertical scrollbar's cells (a list of projects is taller than any screen)."""

NAME_MIN = 30
"""The name's narrowest width in cells: 15 Chinese characters, enough to tell projects apart (at 80×24 the name gets 40)."""

NAME_MAX = 60
"""Beyond this a name column only adds blank space; the rest goes to other columns."""


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    width: int
    """Cells (a Chinese character is two); the name's is computed."""
    numeric: bool = False


COLUMNS: dict[str, ColumnSpec] = {
    spec.key: spec
    for spec in (
        ColumnSpec("light", 5),
        ColumnSpec("code", 5),
        ColumnSpec("name", NAME_MIN),
        ColumnSpec("category", 16),
        ColumnSpec("district", 10),
        ColumnSpec("years", 13),
        ColumnSpec("total", 12, numeric=True),
        ColumnSpec("planned", 14, numeric=True),
        ColumnSpec("invested", 12, numeric=True),
        ColumnSpec("invested_pct", 7, numeric=True),
        ColumnSpec("last_month", 10),
        ColumnSpec("share", 9, numeric=True),
        ColumnSpec("social_capital", 12, numeric=True),
        ColumnSpec("status", 11),
    )
}
"""Every column the project table can show, in its default order on screen."""

ALWAYS: tuple[str, ...] = ("light", "code", "name", "total", "status")
"""Shown at any width, whatever was chosen."""

PRIORITY: tuple[str, ...] = (
    "district",
    "invested_pct",
    "invested",
    "years",
    "category",
    "planned",
    "last_month",
    "share",
    "social_capital",
)
"""The other columns, most wanted first: the order in which a wider terminal adds them."""

DEFAULT_CHOICE: tuple[str, ...] = (
    "light", "code", "name", "category", "district", "years", "total", "planned", "invested", "invested_pct",
    "share", "status",
)
"""The columns chosen until the user chooses: every column of version 1, and the progress figures."""


def chosen_order(choice: Sequence[str] | None) -> list[str]:
    """The user's choice (None: the default) with the columns that are always shown put back in, each
    where the default order has it relative to its neighbours, and unknown names dropped."""
    picked = [key for key in (choice if choice is not None else DEFAULT_CHOICE) if key in COLUMNS]
    for key in ALWAYS:
        if key not in picked:
            default = list(COLUMNS)
            before = [picked.index(k) for k in default[: default.index(key)] if k in picked]
            picked.insert(max(before) + 1 if before else 0, key)
    return list(dict.fromkeys(picked))


def fit(choice: Sequence[str] | None, width: int, status_width: int) -> tuple[list[str], int]:
    """The columns to show in a table ``width`` cells wide (in the chosen order) and the name's width.

    ``status_width`` is the widest status label in the interface language (未开工 is 6 cells, "not
    started" 11)."""
    order = chosen_order(choice)
    widths = {key: COLUMNS[key].width for key in order}
    if "status" in widths:
        widths["status"] = status_width
    free = width - SCROLLBAR - sum(widths[key] + CELL_PADDING for key in ALWAYS if key != "name") - CELL_PADDING
    shown = set(ALWAYS)
    for key in PRIORITY:
        if key not in widths:
            continue
        if free - (widths[key] + CELL_PADDING) < NAME_MIN:
            break  # strictly by priority: a narrower, less wanted column never takes a wanted one's place
        free -= widths[key] + CELL_PADDING
        shown.add(key)
    name_width = max(min(free, NAME_MAX), 8)
    return [key for key in order if key in shown], name_width
