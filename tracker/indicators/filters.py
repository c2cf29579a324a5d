"""The filter of ``tracker indicator list``: the words of the projects' filter language that make sense
for indicators.

``plan:安岳`` (the plan's name contains it), ``attribute:约束性`` / ``attribute:binding`` (and 预期性 /
expected), ``+met`` ``+on_track`` ``+behind`` ``+at_risk`` ``+no_data`` (the status as of the date;
several are or-ed), ``-word`` (the name does not contain it), and free words the name must contain. Text
terms become bound parameters (``LIKE`` through SQLAlchemy's ``contains``), never SQL text; the status is
computed, so it filters the listed rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, not_

from tracker.bounds import MAX_FILTER_LENGTH
from tracker.errors import UsageError
from tracker.indicators.status import STATUSES
from tracker.models import Indicator, Plan

ATTRIBUTES = {"约束性": "binding", "约束": "binding", "binding": "binding",
              "预期性": "expected", "预期": "expected", "expected": "expected"}  # fmt: skip


class IndicatorFilterError(UsageError):
    """A filter word that is not understood (exit 2)."""


@dataclass(frozen=True)
class IndicatorFilter:
    where: Any = None
    statuses: frozenset[str] = field(default_factory=frozenset)

    def keeps(self, status: str) -> bool:
        return not self.statuses or status in self.statuses


def parse_indicator_filter(words: list[str]) -> IndicatorFilter:
    text = " ".join(words)
    if len(text) > MAX_FILTER_LENGTH:
        raise IndicatorFilterError(f"the filter is longer than {MAX_FILTER_LENGTH} characters")
    clauses: list[Any] = []
    statuses: set[str] = set()
    for word in text.split():
        if word.startswith("+"):
            status = word[1:].replace("-", "_")
            if status not in STATUSES:
                raise IndicatorFilterError(f"{word!r}: a status is one of {', '.join('+' + s for s in STATUSES)}")
            statuses.add(status)
        elif word.startswith("plan:"):
            clauses.append(Plan.name.contains(word[5:], autoescape=True))  # type: ignore[attr-defined]
        elif word.startswith("attribute:"):
            value = ATTRIBUTES.get(word[10:])
            if value is None:
                raise IndicatorFilterError(f"{word!r}: attribute is 约束性/binding or 预期性/expected")
            clauses.append(Indicator.attribute == value)
        elif word.startswith("-") and len(word) > 1:
            clauses.append(not_(Indicator.name.contains(word[1:], autoescape=True)))  # type: ignore[attr-defined]
        elif ":" in word and word.split(":", 1)[0].isascii():
            raise IndicatorFilterError(f"{word!r}: the fields are plan: and attribute:")
        else:
            clauses.append(Indicator.name.contains(word, autoescape=True))  # type: ignore[attr-defined]
    return IndicatorFilter(and_(*clauses) if clauses else None, frozenset(statuses))
