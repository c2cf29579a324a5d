"""An indicator's status as of a date: met, on track, behind its path, at risk, or no data.

Why pure: the status is shown by ``tracker indicator list``, found by ``check`` and the warnings,
and tabulated by ``tracker evaluate``; all must agree, and the rules must be testable at hand-worked
dates without a database.

The rules (also in docs/indicators-status.md):

1. The *actual* is the latest recorded value whose year is at most ``as_of.year``. None → ``no_data``.
2. ``met`` when the actual satisfies the target:
   - ``number``: the direction is *down* when baseline and target are both numbers and the baseline is
     above the target (a figure to reduce), else *up*; up → actual ≥ target, down → actual ≤ target;
   - ``at_least`` → actual ≥ bound (> for a strict bound such as ``>42``); ``at_most`` → ≤ (<);
   - ``level`` → the actual is a level at least as high in :data:`~tracker.indicators.targets.LEVELS`;
   - ``text`` (no number, e.g. ``不低于居民上年度人均消费支出增速``) → the actual's text equals the
     target's (after full-width/space normalisation).
3. Otherwise the actual is compared with the *path* at the actual's year (:func:`expected_on_path`):
   numeric targets go linearly from the baseline (the value of the year before the period starts) to
   the target at the period's last year, through any intermediate targets; level targets step — the
   level expected in a year is that of the latest milestone (intermediate or final) due by then.
   On or ahead of the path (in the target's direction) → ``on_track``; below it → ``behind``.
4. Not met with no path to compare against (no baseline and no milestone due yet) → ``on_track`` while
   the period runs, ``behind`` once its last year is reached.
5. An actual that cannot be compared (text where a number or level is needed), or a ``text`` target
   whose actual differs, is ``behind``: a status never claims progress without evidence, so the
   officer is asked to look at it.
6. A binding (约束性) indicator that is ``behind`` is ``at_risk``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import pairwise

from tracker.indicators.targets import Target, read_target
from tracker.indicators.targets import satisfies as _satisfies

MET, ON_TRACK, BEHIND, AT_RISK, NO_DATA = "met", "on_track", "behind", "at_risk", "no_data"
STATUSES: tuple[str, ...] = (MET, ON_TRACK, BEHIND, AT_RISK, NO_DATA)

Milestones = Mapping[int, "str | Target"] | Sequence[tuple[int, "str | Target"]]
"""Intermediate targets by year: ``{2022: "基本建立"}`` (as the store keeps them) or ``[(2022, Target)]``."""

_NUMERIC = ("number", "at_least", "at_most")


def _is_number(target: Target | None) -> bool:
    return target is not None and target.kind in _NUMERIC and target.value is not None


def direction(target: Target, baseline: Target | None) -> str:
    """``"up"`` or ``"down"``: which way the indicator should move to reach its target."""
    if target.kind == "at_most":
        return "down"
    if target.kind == "number" and _is_number(baseline) and target.value is not None:
        assert baseline is not None and baseline.value is not None
        if baseline.value > target.value:
            return "down"
    return "up"


def rising(target: Target, baseline: Target | None) -> bool:
    """Whether the indicator should rise to its target (:func:`direction` is ``"up"``)."""
    return direction(target, baseline) == "up"


def satisfies(actual: Target, target: Target, baseline: Target | None) -> bool:
    """Whether ``actual`` meets ``target`` (rule 2); what cannot be compared does not."""
    return bool(_satisfies(actual, target, rising=rising(target, baseline)))


def milestones(intermediate: Milestones | None) -> list[tuple[int, Target]]:
    """Intermediate targets as (year, reading) pairs, whichever of the two shapes they came in."""
    if not intermediate:
        return []
    pairs = intermediate.items() if isinstance(intermediate, Mapping) else intermediate
    out = []
    for year, value in pairs:
        out.append((int(year), value if isinstance(value, Target) else read_target(str(value))))
    return out


def _milestones(
    target: Target, baseline: Target | None, period: tuple[int, int], intermediate: Milestones | None
) -> list[tuple[int, Target]]:
    start, end = period
    points: list[tuple[int, Target]] = []
    if baseline is not None:
        points.append((start - 1, baseline))
    points.extend(sorted(((y, t) for y, t in milestones(intermediate) if start - 1 < y < end), key=lambda p: p[0]))
    points.append((end, target))
    return points


def expected_on_path(
    target: Target,
    baseline: Target | None,
    year: int,
    period: tuple[int, int],
    intermediate: Milestones | None = None,
) -> Decimal | None:
    """The value the path expects in ``year`` (rule 3), or None when there is no path to compare with.

    Numeric: linear between the milestones (baseline at ``period[0] - 1``, intermediates, target at
    ``period[1]``), exact Decimal; before the baseline year it is the baseline, after the last year the
    target. Level: the index in LEVELS of the latest milestone due by ``year`` (as a Decimal).
    None when the target is ``text``, when a numeric path has no numeric start, or when no level
    milestone is due yet."""
    points = _milestones(target, baseline, period, intermediate)
    if target.kind == "level":
        due = [t.level for y, t in points if y <= year and t.kind == "level" and t.level is not None]
        return Decimal(due[-1]) if due else None
    if target.kind not in _NUMERIC or target.value is None:
        return None
    numeric = [(y, t.value) for y, t in points if _is_number(t) and t.value is not None]
    if len(numeric) < 2:
        return None
    if year <= numeric[0][0]:
        return numeric[0][1]
    for (y0, v0), (y1, v1) in pairwise(numeric):
        if year <= y1:
            return v0 + (v1 - v0) * Decimal(year - y0) / Decimal(y1 - y0)
    return numeric[-1][1]


def latest_actual(values: Sequence[tuple[int, str]], as_of: date) -> tuple[int, str] | None:
    """The latest (year, text) with year ≤ ``as_of.year``; of one year, the last given wins; a blank
    text is no value."""
    best: tuple[int, str] | None = None
    for year, text in values:
        if year <= as_of.year and str(text).strip() and (best is None or year >= best[0]):
            best = (year, text)
    return best


latest = latest_actual
"""The name the indicator store uses."""


def indicator_status(
    target: Target,
    baseline: Target | None,
    values: Sequence[tuple[int, str]],
    as_of: date,
    period: tuple[int, int],
    binding: bool,
    intermediate: Milestones | None = None,
) -> str:
    """The status (one of :data:`STATUSES`) of an indicator as of ``as_of`` by the module's rules."""
    found = latest_actual(values, as_of)
    if found is None:
        return NO_DATA
    year, text = found
    actual = read_target(text)
    if satisfies(actual, target, baseline):
        return "met"
    status = _against_path(actual, target, baseline, year, as_of, period, intermediate)
    if status == "behind" and binding:
        return "at_risk"
    return status


def _against_path(
    actual: Target,
    target: Target,
    baseline: Target | None,
    year: int,
    as_of: date,
    period: tuple[int, int],
    intermediate: Milestones | None,
) -> str:
    if target.kind == "text":
        return "behind"
    if target.kind == "level":
        if actual.kind != "level" or actual.level is None:
            return "behind"
        reading = Decimal(actual.level)
    else:
        if not _is_number(actual):
            return "behind"
        assert actual.value is not None
        reading = actual.value
    expected = expected_on_path(target, baseline, year, period, intermediate)
    if expected is None:
        return "behind" if as_of.year >= period[1] else "on_track"
    if as_of.year >= period[1] and year >= period[1]:
        return "behind"
    if direction(target, baseline) == "down":
        return "on_track" if reading <= expected else "behind"
    return "on_track" if reading >= expected else "behind"
