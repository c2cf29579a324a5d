"""Exact amounts in 万元 and shares in percent.

Money is never a float here. In Python an amount is a :class:`~decimal.Decimal` of 万元; in the
database it is a whole number of *fen* (分, 0.01 yuan = 0.000001 万元), so that every sum the
database computes is an exact integer sum. A social-capital share is a whole number of hundredths
of a percent (9.24% is stored as 924).

Why fen: the plan publishes 万元 to two decimals, a share to two decimals, and total × share then has
six decimals of 万元 — exactly one fen. So an amount typed or published (a plan cell, a CSV cell,
``edit``, ``progress --invested``, ``annual-plan``, a form) has at most two decimals of 万元 and lies
within ±1,000,000 万元 (:mod:`tracker.bounds`); only derived figures use the six decimals.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from tracker.bounds import AMOUNT_PLACES, MAX_SHARE_PCT, SHARE_PLACES, BoundsError, check_amount, shown

FEN_PER_WAN = 1_000_000
"""How many fen (0.01 yuan) make one 万元."""

BP_PER_PERCENT = 100
"""A share is stored in hundredths of a percent."""

MONEY_PLACES = 6
"""Decimals of 万元 a stored figure may have (one fen); typed figures have :data:`AMOUNT_PLACES`."""

_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
"""ASCII digits only: ``\\d`` would take ``２３`` or ``٣`` and Decimal() would read them."""


class MoneyError(BoundsError):
    """A text that should be an amount or a share is not one, or is out of bounds."""


def parse_decimal(text: str, *, places: int, what: str = "amount") -> Decimal:
    """Parse a plain decimal number (thousands separators allowed) with at most ``places`` decimals.

    Rejects exponents, NaN and infinity: a figure typed by a person is digits and a point.
    """
    cleaned = text.strip().replace(",", "").replace("，", "")
    if not _NUMBER.match(cleaned):
        raise MoneyError.of("error.amount.not_a_number", what=what, value=shown(text))
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise MoneyError.of("error.amount.not_a_number", what=what, value=repr(text)) from exc
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise MoneyError.of("error.amount.places", what=what, value=shown(text), places=places)
    return value


def parse_wan(text: str) -> Decimal:
    """Parse an amount in 万元, e.g. ``"3460.44"``: at most two decimals, within ±1,000,000 万元."""
    return check_amount(parse_decimal(text, places=AMOUNT_PLACES, what="amount"), "amount", error=MoneyError)


def parse_share(text: str) -> Decimal:
    """Parse a share in percent, with or without the sign: ``"9.24%"`` → ``Decimal("9.24")``; 0–100."""
    raw = text.strip()
    if raw.endswith(("%", "％")):
        raw = raw[:-1]
    return check_share(parse_decimal(raw, places=SHARE_PLACES, what="share"))


def check_share(share: Decimal) -> Decimal:
    """A share in percent if it lies in 0–100 with at most two decimals; else :class:`MoneyError`."""
    if not share.is_finite() or not 0 <= share <= MAX_SHARE_PCT:
        raise MoneyError.of("error.share.out_of_range", value=shown(share, quote=False), limit=MAX_SHARE_PCT)
    if share != share.quantize(Decimal(1).scaleb(-SHARE_PLACES)):
        raise MoneyError.of("error.share.places", value=share, places=SHARE_PLACES)
    return share


def wan_to_fen(amount: Decimal) -> int:
    """万元 → integer fen; refuses an amount finer than a fen rather than rounding silently."""
    fen = amount * FEN_PER_WAN
    if fen != fen.to_integral_value():
        raise MoneyError.of("error.amount.finer", value=amount)
    return int(fen)


def fen_to_wan(fen: int) -> Decimal:
    """Integer fen → :class:`Decimal` 万元, without trailing zeros (1500, 3460.44, 499.872912)."""
    return normalise(Decimal(fen) / FEN_PER_WAN)


def share_to_bp(share: Decimal) -> int:
    """Percent → hundredths of a percent."""
    bp = share * BP_PER_PERCENT
    if bp != bp.to_integral_value():
        raise MoneyError.of("error.share.finer", value=share)
    return int(bp)


def bp_to_share(bp: int) -> Decimal:
    """Hundredths of a percent → percent as :class:`Decimal` (924 → 9.24)."""
    return normalise(Decimal(bp) / BP_PER_PERCENT)


def normalise(value: Decimal) -> Decimal:
    """Drop trailing zeros but never switch to exponent notation (``1500``, not ``1.5E+3``)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def round_fen(amount: Decimal) -> Decimal:
    """Round an amount in 万元 to the fen (banker's rounding), for derived figures only."""
    return normalise(amount.quantize(Decimal(1).scaleb(-MONEY_PLACES), rounding=ROUND_HALF_EVEN))


def social_capital(total: Decimal | None, share: Decimal | None) -> Decimal | None:
    """The social-capital part of a project: total × share / 100, exact to the fen."""
    if total is None or share is None:
        return None
    return round_fen(total * share / 100)


def fmt_wan(amount: Decimal | None) -> str:
    """Plain text of an amount for people and CSV: exact, no exponent, no trailing zeros."""
    if amount is None:
        return ""
    return format(normalise(amount), "f")


def fmt_wan_grouped(amount: Decimal | None, places: int = 2) -> str:
    """An amount for a terminal table: thousands separators, at least ``places`` decimals, exact.

    Figures finer than ``places`` keep their extra digits rather than being rounded away.
    """
    if amount is None:
        return ""
    value = normalise(amount)
    exponent = value.as_tuple().exponent
    shown = max(places, -exponent if isinstance(exponent, int) else 0)
    return f"{value:,.{shown}f}"


def percent_of(part: Decimal, whole: Decimal, places: int = 2) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded half-even to ``places``; None when whole is 0."""
    if not whole:
        return None
    return normalise((part * 100 / whole).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN))
