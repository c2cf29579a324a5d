"""The plans' main indicators in the warning system: an indicator behind its path is a warning item.

Why here and not in :mod:`tracker.warnings`: the projects' rules are SQL predicates, while an indicator's
status is a pure function of its target, baseline and recorded values (:mod:`tracker.indicators.status`),
computed per indicator as :func:`~tracker.indicators.store.iter_indicators` streams them — a plan has
tens of indicators, not a million. The items are :class:`tracker.warnings.WarningItem` of ``kind``
``indicator``, so ``tracker warnings``, its JSON/CSV/xlsx and the TUI's warnings view list them with
the projects' items and count them in the same table:

- ``indicator_at_risk`` (red): a binding (约束性) indicator behind its path (status ``at_risk``);
- ``indicator_behind`` (yellow): any other indicator behind its path (status ``behind``).

Only tables of the plan's own targets warn: a past plan's completion table (十三五 完成情况) is history
and a 专栏 programme has no path. An indicator with no value recorded is ``no_data``: not a warning
(``tracker indicator list +no_data`` lists them).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlmodel import Session

from tracker.indicators.filters import IndicatorFilter
from tracker.indicators.status import AT_RISK, BEHIND
from tracker.indicators.store import IndicatorLine, iter_indicators
from tracker.warnings import INDICATOR_RULES, WarningItem

RULE_OF = {AT_RISK: ("indicator_at_risk", "red"), BEHIND: ("indicator_behind", "yellow")}


def warning_of(line: IndicatorLine) -> WarningItem | None:
    """The warning item of one listed indicator, or None when it is not behind its path."""
    if line.kind != "targets" or line.status not in RULE_OF:
        return None
    rule, severity = RULE_OF[line.status]
    binding = line.status == AT_RISK
    message = (
        f"{line.plan}: {line.latest_value} in {line.latest_year} is behind the path to its target "
        f"{line.target_text}{' (binding)' if binding else ''}"
    )
    message_zh = (
        f"{line.plan}：{line.latest_year}年实际值 {line.latest_value}，落后于实现目标 {line.target_text} "
        f"的进度{'（约束性指标）' if binding else ''}"
    )
    return WarningItem(
        f"I{line.id}", line.name, rule, severity, message, message_zh,  # type: ignore[arg-type]
        kind="indicator", indicator_id=line.id,
    )  # fmt: skip


def iter_indicator_warnings(
    session: Session, as_of: date, selected: IndicatorFilter | None = None
) -> Iterator[WarningItem]:
    """The indicators behind their path as of ``as_of`` among those ``selected`` keeps, in plan, table and
    position order."""
    selected = selected or IndicatorFilter()
    for line in iter_indicators(session, as_of, selected.where):
        item = warning_of(line)
        if item is not None and selected.keeps(line):
            yield item


def count_indicator_warnings(
    session: Session, as_of: date, selected: IndicatorFilter | None = None
) -> tuple[dict[str, dict[str, int]], int]:
    """Per indicator rule, how many red and yellow items, and how many indicators (one per item)."""
    table = {rule: {"red": 0, "yellow": 0} for rule in INDICATOR_RULES}
    n = 0
    for item in iter_indicator_warnings(session, as_of, selected):
        table[item.rule][item.severity] += 1
        n += 1
    return table, n


__all__ = ["count_indicator_warnings", "iter_indicator_warnings", "warning_of"]
