"""Where an indicator stands as of a date: met, on track, behind its path, at risk, or no data.

The mid-term and final evaluations ask of every indicator where it stands against the straight path
from its baseline to its target. The rules, in order:

1. **no_data** — no actual value recorded for a year up to the as-of year.
2. **met** — the latest actual satisfies the target: a number at least the target (or at most, when
   the target falls from its baseline, or says ``≤`` / ``不高于``); a level at or above the target's
   level (全面建立 meets 基本建立); a text target only by the same text.
3. **on_track / behind** — otherwise, against the linear path: the value expected in the actual's
   year is the baseline plus (year − base year) / (last year − base year) of the way to the target,
   the base year being the year before the plan's period (2020 for 2021–2025). An actual at or past
   the path is on track. A level is on the path when it has reached the intermediate target due by
   then (基本建立 by 2022), else the target's level by the last year. Without a readable baseline the
   path starts at the actual itself in the base year, so only the target year's value decides.
4. **at_risk** — a binding (约束性) indicator behind its path: the evaluation must explain it.

Pure function over ``Decimal``; the same inputs give the same status whatever the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from tracker.indicators.targets import AT_LEAST, AT_MOST, LEVEL, Target, read_target, satisfies

MET, ON_TRACK, BEHIND, AT_RISK, NO_DATA = "met", "on_track", "behind", "at_risk", "no_data"
STATUSES: tuple[str, ...] = (MET, ON_TRACK, BEHIND, AT_RISK, NO_DATA)


def latest(values: Sequence[tuple[int, str]], as_of: date) -> tuple[int, str] | None:
    """The latest (year, value text) recorded for a year up to ``as_of``'s year."""
    known = [(year, text) for year, text in values if year <= as_of.year and str(text).strip()]
    return max(known, key=lambda v: v[0]) if known else None


def rising(target: Target, baseline: Target | None) -> bool:
    """Whether the indicator should rise: as its bound says, else from its baseline to its target."""
    if target.kind == AT_MOST:
        return False
    if target.kind == AT_LEAST or baseline is None or baseline.value is None or target.value is None:
        return True
    return target.value >= baseline.value


def expected_on_path(
    target: Target, baseline: Target | None, year: int, period: tuple[int, int]
) -> Decimal | None:
    """The value the straight path from the baseline (the year before the period) to the target (the
    period's last year) expects in ``year``; None without two numbers."""
    if target.value is None or baseline is None or baseline.value is None:
        return None
    base_year, last_year = period[0] - 1, period[1]
    if year >= last_year:
        return target.value
    if year <= base_year:
        return baseline.value
    share = Decimal(year - base_year) / Decimal(last_year - base_year)
    return baseline.value + (target.value - baseline.value) * share


def indicator_status(
    target: Target,
    baseline: Target | None,
    values: Sequence[tuple[int, str]],
    as_of: date,
    period: tuple[int, int],
    binding: bool,
    intermediate: Mapping[int, str] | None = None,
) -> str:
    """The status of one indicator as of ``as_of`` (see the module's rules)."""
    found = latest(values, as_of)
    if found is None:
        return NO_DATA
    year, text = found
    actual = read_target(text)
    up = rising(target, baseline)
    met = satisfies(actual, target, rising=up)
    if met:
        return MET
    on_path = _on_path(actual, target, baseline, year, period, up, intermediate or {})
    if on_path:
        return ON_TRACK
    return AT_RISK if binding else BEHIND


def _on_path(
    actual: Target,
    target: Target,
    baseline: Target | None,
    year: int,
    period: tuple[int, int],
    up: bool,
    intermediate: Mapping[int, str],
) -> bool:
    if target.kind == LEVEL:
        due = [read_target(text) for y, text in sorted(intermediate.items()) if y <= year]
        needed = due[-1] if due else None
        if actual.level is None:
            return False
        if needed is None or needed.level is None:
            return year < period[1]  # nothing due yet: on track until the target year
        return actual.level >= needed.level
    expected = expected_on_path(target, baseline, year, period)
    if actual.value is None:
        return False
    if expected is None:
        return year < period[1]  # no path to hold it to before the target year
    return actual.value >= expected if up else actual.value <= expected
