"""The bounds every value is checked against where it enters (a plan cell, a CSV cell, an option,
a setting, a form field, a filter), in one place so the CLI, the importers and the TUI agree.

Money: an amount typed or published is 万元 with at most two decimals; it is stored as whole fen
(0.000001 万元) so derived figures (total × share) stay exact. The ceiling keeps every SQL sum exact
in a 64-bit integer: one figure is at most 1,000,000 万元 (100 亿元, 10¹² fen), so a sum over
9.2 million rows fits below 2⁶³ ≈ 9.22 × 10¹⁸ fen. A project's progress to date obeys the same ceiling.

Numbers are read from ASCII digits only (``[0-9]``, never ``\\d`` or a bare ``int()``, which accept
``２０２３`` and ``²``), so what is stored is what every other reader of the data understands.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TypeVar

from tracker.errors import RefusedError, TrackerError

E = TypeVar("E", bound=TrackerError)

AMOUNT_PLACES = 2
"""Decimals of 万元 allowed in a typed or published amount."""

MAX_AMOUNT_WAN = Decimal(1_000_000)
"""The largest absolute amount of one figure, and of one project's progress to date, in 万元."""

SHARE_PLACES = 2
"""Decimals of a percent allowed in a social-investment share (9.24%)."""

MAX_SHARE_PCT = Decimal(100)
"""A share lies between 0 and 100 percent."""

MIN_YEAR = 1900
MAX_YEAR = 2100
"""Plan years, months (``--month``), dates (``--as-of``) and report months lie in this range."""

MAX_INT_OPTION = 1_000_000_000
"""A ceiling for integer options and settings (limits, ids, days, months) that SQL can always bind."""

MAX_TEXT_LENGTH = 20_000
"""The longest text a field may hold (a project's content is about 600 characters in the annex)."""

MAX_LINE_LENGTH = 500
"""The longest one-line field (name, owner, reporter …; the longest name in the annex has 30 characters)."""

MAX_FILTER_LENGTH = 2_000
"""The longest filter text: far above any filter a person types, far below SQLite's LIKE limit."""

MAX_FILTER_DEPTH = 16
"""How deeply parentheses, ``-``/``not`` and ``@view`` references may nest in a filter."""

MAX_FILTER_TERMS = 64
"""How many terms (words, comparisons, tags) a filter may hold, ``@views`` expanded."""

MAX_CATEGORY_ORDINAL = 99
"""``category:N`` takes a category number 1–99 (the annex has 5)."""

SETTING_RANGES: dict[str, tuple[int, int]] = {
    "warnings.due_soon_months": (0, 120),
    "warnings.late_start_red_months": (0, 240),
    "warnings.lagging_yellow_points": (0, 100),
    "warnings.lagging_red_points": (0, 100),
    "warnings.stale_days": (0, 3660),
}
"""The range of each whole-number setting of tracker.toml; any other whole-number key: 0–MAX_INT_OPTION.
Months and days stay within a decade or two of the as-of date; lag is in percentage points (0–100)."""

_ASCII_INT = re.compile(r"[+-]?[0-9]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


class BoundsError(RefusedError, ValueError):
    """A value outside its bounds; callers that know the file, line or field add them."""


def shown(value: object, width: int = 40, *, quote: bool = True) -> str:
    """A value for a message (quoted with ``quote``), cut to ``width`` characters: a 50,000-digit
    number is named by its length, not echoed."""
    text = str(value)
    cut = text if len(text) <= width else text[: width - 1] + "…"
    out = repr(cut) if quote else cut
    return out if cut == text else f"{out} ({len(text)} characters)"


def check_text(text: str, what: str, *, multiline: bool = True, max_length: int | None = None) -> str:
    """``text`` if it may be stored: no control characters (TAB and LF allowed in a multi-line field),
    no undecodable bytes, and at most ``max_length`` characters (default :data:`MAX_TEXT_LENGTH` for a
    multi-line field, :data:`MAX_LINE_LENGTH` for a one-line one); else :class:`BoundsError` naming ``what``."""
    from tracker.safe_text import has_control, visible

    limit = max_length if max_length is not None else (MAX_TEXT_LENGTH if multiline else MAX_LINE_LENGTH)
    if len(text) > limit:
        raise _field(BoundsError, what, "error.text.too_long", length=len(text), limit=limit)
    if has_control(text) or (not multiline and has_control(text, layout=True)):
        shown_text = shown(visible(text, single_line=True), 60, quote=False)
        raise _field(BoundsError, what, "error.text.control", text=shown_text)
    if _SURROGATE.search(text):
        raise _field(BoundsError, what, "error.text.undecodable")
    return text


def _field(error: type[E], what: str, message_id: str, **values: object) -> E:
    """``error`` reading ``<what>: <message>``, the message a catalogue entry of its own (so a form can
    show it under the field, without the name, in the interface's language: ``TrackerError.detail``)."""
    return error.of("error.field", field=what, message=error.of(message_id, **values))


def one_newline(text: str) -> str:
    """Line breaks as LF: a cell Excel saved with CR LF, or a form pasted from Windows, means the same text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_int(
    value: int, what: str, low: int = 0, high: int = MAX_INT_OPTION, *, error: type[TrackerError] = BoundsError
) -> int:
    """``value`` if ``low <= value <= high``; else ``error`` (default :class:`BoundsError`, exit 1; an
    option passes :class:`~tracker.errors.UsageError`, exit 2) naming ``what`` and the range."""
    if not low <= value <= high:
        raise _field(error, what, "error.int.out_of_range", value=shown(value, quote=False), low=low, high=high)
    return value


def parse_int(
    text: str, what: str, low: int = 0, high: int = MAX_INT_OPTION, *, error: type[TrackerError] = BoundsError
) -> int:
    """A whole number written in ASCII digits (``２０`` and ``²`` are refused), within ``low``–``high``."""
    raw = text.strip()
    if not _ASCII_INT.fullmatch(raw):
        raise _field(error, what, "error.int.not_whole", value=shown(text))
    digits = raw.lstrip("+-").lstrip("0")
    if len(digits) > len(str(max(abs(low), abs(high)))):  # too long to be in range: never int() 50,000 digits
        raise _field(error, what, "error.int.out_of_range", value=shown(raw, quote=False), low=low, high=high)
    return check_int(int(raw), what, low, high, error=error)


def check_year(year: int, what: str, *, error: type[TrackerError] = BoundsError) -> int:
    """A calendar year of a plan, a month or a date: :data:`MIN_YEAR`–:data:`MAX_YEAR`."""
    return check_int(year, what, MIN_YEAR, MAX_YEAR, error=error)


def check_amount(amount: Decimal, what: str, *, error: type[TrackerError] = BoundsError) -> Decimal:
    """``amount`` (万元) if at most two decimals and within ±:data:`MAX_AMOUNT_WAN`; else ``error``
    (its message reads ``<what> <amount> is …``, like the money parser's)."""
    if not amount.is_finite():
        raise error.of("error.amount.not_a_number", what=what, value=amount)
    if abs(amount) > MAX_AMOUNT_WAN:
        raise error.of(
            "error.amount.out_of_range", what=what, value=shown(amount, quote=False), limit=f"{MAX_AMOUNT_WAN:,}"
        )
    if amount != amount.quantize(Decimal(1).scaleb(-AMOUNT_PLACES)):
        raise error.of("error.amount.places", what=what, value=shown(amount, quote=False), places=AMOUNT_PLACES)
    return amount


def setting_range(dotted: str) -> tuple[int, int]:
    """The range of a whole-number setting: :data:`SETTING_RANGES`, else 0–:data:`MAX_INT_OPTION`."""
    return SETTING_RANGES.get(dotted, (0, MAX_INT_OPTION))


def check_setting(dotted: str, value: int, *, error: type[TrackerError] = BoundsError) -> int:
    """A whole-number setting within its :func:`setting_range`."""
    return check_int(value, dotted, *setting_range(dotted), error=error)
