"""Figures as an officer reads them: money to two decimals of 万元 with thousands separators,
percentages to one decimal with a ``%``, and whether a displayed total needs a rounding note.

Why a module of its own: the TUI (:mod:`tracker.tui.render`) and the CLI tables (``tracker list``,
``tracker rollup``) must show a figure the same way, and neither may import the other. These are pure
functions of :class:`~decimal.Decimal` (never a float). They are for *display only*: the database keeps
whole fen, and JSON and CSV — data for scripts — keep the exact value (:func:`tracker.money.fmt_wan`).

Rounding is half to even, the project's rule for derived money (:func:`tracker.money.round_fen`), so
a figure never rounds one way on screen and the other way in the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Protocol

MONEY_DISPLAY_PLACES = 2
"""Decimals of 万元 shown: what the plan publishes (100 元)."""

PERCENT_DISPLAY_PLACES = 1
"""Decimals of a percentage shown (progress, share of a total)."""

SHARE_DISPLAY_PLACES = 2
"""Decimals of a social-capital share shown: the plan publishes shares to 0.01%, so all are shown,
always two, so that a column of shares lines up on the decimal point."""


def rounded(amount: Decimal, places: int = MONEY_DISPLAY_PLACES) -> Decimal:
    """``amount`` rounded half to even to ``places`` decimals (what is shown)."""
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def fmt_money(amount: Decimal | None) -> str:
    """An amount in 万元 for a table: ``1,234.50`` (two decimals, grouped); blank for None.

    ``27523.222912`` shows as ``27,523.22``; ``-0.001`` as ``0.00`` (never ``-0.00``)."""
    if amount is None:
        return ""
    value = rounded(amount)
    if value == 0:
        value = abs(value)
    return f"{value:,.{MONEY_DISPLAY_PLACES}f}"


def parse_money(text: str) -> Decimal:
    """The inverse of :func:`fmt_money` (for tests and for reading a table back): ``"1,234.50"`` → 1234.50."""
    return Decimal(text.replace(",", ""))


def fmt_percent(pct: Decimal | None, places: int = PERCENT_DISPLAY_PLACES) -> str:
    """A percentage for a table: ``48.0%``, ``0.0%``, ``100.0%``; blank for None (no base to divide by)."""
    if pct is None:
        return ""
    value = rounded(pct, places)
    if value == 0:
        value = abs(value)
    return f"{value:.{places}f}%"


def fmt_share(pct: Decimal | None) -> str:
    """A social-capital share in percent, as published, always two decimals: ``9.24``, ``30.00``;
    blank when the plan gave none. Exact: a share has at most two decimals (:func:`tracker.money.check_share`)."""
    if pct is None:
        return ""
    return f"{rounded(pct, SHARE_DISPLAY_PLACES):.{SHARE_DISPLAY_PLACES}f}"


def rounding_gap(total: Decimal, parts: Iterable[Decimal]) -> Decimal:
    """How far the shown ``total`` is from the sum of the shown ``parts`` (0 when they agree).

    A total is computed from exact values (whole fen); each figure shown is rounded to two decimals,
    so the rounded parts may not add up to the rounded total — e.g. 0.004 + 0.004 + 0.004 shows
    ``0.00`` three times and a total of ``0.01``."""
    return rounded(total) - sum((rounded(p) for p in parts), Decimal(0))


def largest_gap(groups: Iterable[tuple[Decimal, Sequence[Decimal]]]) -> Decimal:
    """The largest absolute :func:`rounding_gap` over (total, parts) pairs; 0 when all agree."""
    return max((abs(rounding_gap(total, parts)) for total, parts in groups), default=Decimal(0))



class RollupLine(Protocol):
    """What :func:`rollup_gap` reads of a rollup row (:class:`tracker.rollups.RollupRow`)."""

    path: tuple[str, ...]
    is_subtotal: bool
    total: Decimal
    planned: Decimal
    social_capital: Decimal
    invested: Decimal


ROLLUP_MONEY = ("total", "planned", "social_capital", "invested")
"""The money columns of a rollup row."""


def rollup_gap(rows: Sequence[RollupLine]) -> Decimal:
    """The largest gap, over every subtotal (the grand total included) and money column of a rollup,
    between the subtotal as shown and the sum of its rows as shown; 0 when every column adds up.

    A subtotal's rows are those one level deeper whose path starts with its path. (Counts are not
    checked: a year rollup counts the projects active in each year, which need not add up.)"""
    children: dict[tuple[str, ...], list[RollupLine]] = {}
    for row in rows:
        if row.path:
            children.setdefault(row.path[:-1], []).append(row)
    groups: list[tuple[Decimal, list[Decimal]]] = []
    for row in rows:
        kids = children.get(row.path)
        if not row.is_subtotal or not kids:
            continue
        for name in ROLLUP_MONEY:
            groups.append((getattr(row, name), [getattr(kid, name) for kid in kids]))
    return largest_gap(groups)
