"""Calendar rules of a project's construction period, in one place for warnings, reports and the TUI.

- The start period begins on the first day of the start month (January when only a year is known).
- The finish period ends on the last day of the finish month (December when only a year is known).
- 序时进度 (time pace) is the share of the construction period's months that are complete by the
  as-of date: a month counts once its last day is on or before the as-of date. So a monthly report
  for 2023-06 (as of 2023-06-30) counts June, and a project running 2021–2022 is at 50% on
  2021-12-31. Months, not days, because that is how the monthly report reads progress.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from tracker.bounds import MAX_YEAR, MIN_YEAR, BoundsError, shown


def month_index(year: int, month: int) -> int:
    """Months since year 0, so month arithmetic is subtraction."""
    return year * 12 + (month - 1)


def start_date(year: int, month: int | None) -> date:
    """First day of the start period."""
    return date(year, month or 1, 1)


def finish_date(year: int, month: int | None) -> date:
    """Last day of the finish period."""
    m = month or 12
    return date(year, m, calendar.monthrange(year, m)[1])


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def last_complete_month(as_of: date) -> int:
    """Month index of the last month complete on ``as_of`` (its own month only on its last day)."""
    return month_index(as_of.year, as_of.month) - (0 if as_of == month_end(as_of) else 1)


def complete_months(first_year: int, first_month: int, as_of: date) -> int:
    """How many months from ``first_year-first_month`` are complete on ``as_of`` (≥ 0)."""
    return max(0, last_complete_month(as_of) - month_index(first_year, first_month) + 1)


def period_months(start_year: int, start_month: int | None, finish_year: int, finish_month: int | None) -> int:
    """Length of the construction period in months (at least 1)."""
    return max(1, month_index(finish_year, finish_month or 12) - month_index(start_year, start_month or 1) + 1)


def time_pace(
    start_year: int, start_month: int | None, finish_year: int, finish_month: int | None, as_of: date
) -> Decimal:
    """序时进度 in percent (0–100, two decimals, half-even) at ``as_of``."""
    total = period_months(start_year, start_month, finish_year, finish_month)
    done = min(total, complete_months(start_year, start_month or 1, as_of))
    return (Decimal(done) * 100 / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
"""ASCII digits only: ``int()`` would read ``２０２３-０６`` and the text would be stored as typed."""


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` → (year, month), with a message a person can act on; the year within
    :data:`~tracker.bounds.MIN_YEAR`–:data:`~tracker.bounds.MAX_YEAR` (so every date of it exists)."""
    match = _MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise BoundsError.of("error.month.format", value=shown(text))  # a ValueError too
    year, month = int(match.group(1)), int(match.group(2))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BoundsError.of("error.month.year_range", value=shown(text), year=year, low=MIN_YEAR, high=MAX_YEAR)
    return year, month
