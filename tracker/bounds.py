"""The bounds every value is checked against where it enters (a plan cell, a CSV cell, an option,
a setting, a form field), in one place so the CLI, the importers and the TUI agree.

Money: an amount typed or published is 万元 with at most two decimals; it is stored as whole fen
(0.000001 万元) so derived figures (total × share) stay exact. The ceiling keeps every SQL sum exact
in a 64-bit integer: one figure is at most 1,000,000 万元 (100 亿元, 10¹² fen), so a sum over
9.2 million rows fits below 2⁶³ ≈ 9.22 × 10¹⁸ fen. A project's progress to date obeys the same ceiling.
"""

from __future__ import annotations

from decimal import Decimal

from tracker.errors import RefusedError

AMOUNT_PLACES = 2
"""Decimals of 万元 allowed in a typed or published amount."""

MAX_AMOUNT_WAN = Decimal(1_000_000)
"""The largest absolute amount of one figure, and of one project's progress to date, in 万元."""

MIN_YEAR = 1900
MAX_YEAR = 2100
"""Plan years, months (``--month``), dates (``--as-of``) and report months lie in this range."""

MAX_INT_OPTION = 1_000_000_000
"""A ceiling for integer options and settings (limits, ids, days, months) that SQL can always bind."""

MAX_TEXT_LENGTH = 20_000
"""The longest text a field may hold (a project's content is about 600 characters in the annex)."""


class BoundsError(RefusedError, ValueError):
    """A value outside its bounds; callers that know the file, line or field add them."""


def check_text(text: str, what: str, *, multiline: bool = True, max_length: int = MAX_TEXT_LENGTH) -> str:
    """``text`` if it may be stored: no control characters (TAB and LF allowed in a multi-line field)
    and at most ``max_length`` characters; else :class:`BoundsError` naming ``what``."""
    from tracker.safe_text import has_control, visible

    if len(text) > max_length:
        raise BoundsError(f"{what}: {len(text)} characters is more than {max_length}")
    if has_control(text) or (not multiline and has_control(text, layout=True)):
        raise BoundsError(f"{what}: control characters are not allowed ({visible(text, single_line=True)[:60]!r})")
    return text


def check_int(value: int, what: str, low: int = 0, high: int = MAX_INT_OPTION) -> int:
    """``value`` if ``low <= value <= high``; else :class:`BoundsError` naming ``what`` and the range."""
    if not low <= value <= high:
        raise BoundsError(f"{what}: {value} is out of range ({low}–{high})")
    return value


def check_year(year: int, what: str) -> int:
    """A calendar year of a plan, a month or a date: :data:`MIN_YEAR`–:data:`MAX_YEAR`."""
    return check_int(year, what, MIN_YEAR, MAX_YEAR)
