"""How one value looks in a table cell: exact money, shares, statuses, the warning light, the
construction years and the timeline bar. Pure functions returning Rich ``Text``.

Data is text: a name, a code or a reporter from the database goes in a cell through :func:`clipped`
(a ``Text``, never parsed as markup, its control characters shown as ``\\x1b``), never as a plain
``str`` — Textual's DataTable reads a ``str`` cell as markup, so ``[/]`` would break the table.

Kept apart from the widgets so that every view formats a figure the same way, and so the
formatting is testable without running an app. Figures are formatted from ``Decimal`` by
:mod:`tracker.numbers` (two decimals of 万元, one of a percentage; rounded for display only, no float
anywhere), the same formatter as the CLI tables; the timeline's geometry is integer month arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rich.text import Text

from tracker.numbers import fmt_money, fmt_percent, fmt_share
from tracker.safe_text import visible
from tracker.schedule import month_index

LIGHT_STYLES: dict[str, str] = {"red": "bold red", "yellow": "bold yellow", "green": "green"}
LIGHT_GLYPH = "●"


def money(amount: Decimal | None) -> Text:
    """An amount in 万元, grouped, two decimals, right-aligned (``3,460.44``; ``27,523.22`` for the
    exact ``27523.222912``)."""
    return Text(fmt_money(amount), justify="right", no_wrap=True)


def share(pct: Decimal | None) -> Text:
    """A share in percent as published, always two decimals so a column lines up on the point
    (``9.24``, ``30.00``); blank when the plan gave none."""
    return Text(fmt_share(pct), justify="right", no_wrap=True)


def percent(pct: Decimal | None) -> Text:
    """A percentage with one decimal and its sign (``48.0%``), right-aligned; blank for None."""
    return Text(fmt_percent(pct), justify="right", no_wrap=True)


def count(n: int) -> Text:
    return Text(f"{n:,}", justify="right", no_wrap=True)


def light(severity: str | None) -> Text:
    """The red/yellow/green light; ``None`` (no warning) is green."""
    level = severity or "green"
    return Text(LIGHT_GLYPH, style=LIGHT_STYLES.get(level, ""), justify="center", no_wrap=True)


def point(year: int | None, month: int | None) -> str:
    """``2021`` or ``2021.8`` (the plan's own way of writing a month)."""
    if year is None:
        return ""
    return f"{year}.{month}" if month else str(year)


def years(start_year: int | None, start_month: int | None, finish_year: int | None, finish_month: int | None) -> str:
    """The construction period as read from the plan: ``2021–2023``, ``2021.1–2021.8``."""
    start, finish = point(start_year, start_month), point(finish_year, finish_month)
    if start == finish:
        return start
    return f"{start}–{finish}"


def clipped(text: object, style: str = "") -> Text:
    """A data cell that never wraps (the column width crops it with an ellipsis); shown as typed,
    never as markup, with control characters and line breaks as visible escapes."""
    return Text(visible(text, single_line=True), style=style, no_wrap=True, overflow="ellipsis")


YEAR_LABEL_WIDTH = 4
"""A year label such as ``2021`` is four cells."""


@dataclass(frozen=True)
class Axis:
    """The months a timeline spans, drawn ``width`` cells wide.

    Cell ``i`` covers months ``[i*months//width, (i+1)*months//width)`` of the span, so the
    geometry is exact integer arithmetic and every month belongs to exactly one cell when the
    timeline is at least as wide as the span is long.
    """

    first_year: int
    last_year: int
    width: int

    @property
    def months(self) -> int:
        return (self.last_year - self.first_year + 1) * 12

    def cell_of(self, year: int, month: int) -> int:
        """The cell holding a month (clamped to the axis)."""
        offset = month_index(year, month) - month_index(self.first_year, 1)
        offset = min(max(offset, 0), self.months - 1)
        return offset * self.width // self.months

    def label_step(self) -> int:
        """Label every n-th year so that labels never touch: at 80×24 a year is 4 cells wide and
        ``20202021`` would read as one number. Each label needs its 4 digits and one blank cell."""
        years = self.last_year - self.first_year + 1
        if self.width <= 0:
            return years
        # the narrowest year on the axis is width*12 // months cells (integer cell boundaries)
        narrowest = self.width // years
        needed = YEAR_LABEL_WIDTH + 1
        return max(1, -(-needed // narrowest)) if narrowest > 0 else years

    def header(self) -> Text:
        """Year labels at the cell where each year's January falls, every :meth:`label_step`-th year,
        each followed by at least one blank cell."""
        cells = [" "] * self.width
        step = self.label_step()
        free_from = 0
        for year in range(self.first_year, self.last_year + 1, step):
            at = self.cell_of(year, 1)
            label = str(year)
            if at >= free_from and at + len(label) <= self.width:
                cells[at : at + len(label)] = list(label)
                free_from = at + len(label) + 1
        return Text("".join(cells), no_wrap=True)


def timeline_bar(
    axis: Axis,
    start: tuple[int, int | None],
    finish: tuple[int, int | None],
    as_of: date,
    severity: str | None,
) -> Text:
    """One project's construction period on ``axis``: ``█`` up to the as-of month, ``▒`` after it,
    and ``│`` in the as-of cell. Coloured like the project's warning light."""
    first = axis.cell_of(start[0], start[1] or 1)
    last = axis.cell_of(finish[0], finish[1] or 12)
    now = axis.cell_of(as_of.year, as_of.month)
    in_axis = axis.first_year <= as_of.year <= axis.last_year
    colour = LIGHT_STYLES.get(severity or "green", "")
    bar = Text(no_wrap=True)
    for cell in range(axis.width):
        elapsed = cell < now if in_axis else as_of.year > axis.last_year
        if in_axis and cell == now:
            bar.append("│", style="bold magenta")
        elif first <= cell <= last:
            bar.append("█" if elapsed else "▒", style=colour)
        else:
            bar.append("·", style="dim")
    return bar
