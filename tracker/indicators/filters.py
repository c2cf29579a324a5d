"""Indicator filters: the one filter language (:mod:`tracker.filters`) compiled for indicators.

The text is parsed by :func:`tracker.filters.parse` — the same parser, errors, caret, bounds and saved
``@views`` as the projects' filter — with subject ``indicator`` (``tracker indicator list``) or ``any``
(``tracker warnings``). What applies to an indicator:

- ``plan:安岳`` / ``plan=…`` the plan's name; ``name:…`` the indicator's name;
- ``attribute:约束性`` / ``attribute:binding`` (and 预期性 / expected);
- ``+met +on_track +behind +at_risk +no_data``: its status as of the date;
- a bare word: the name, or the group (一级指标) it sits under;
- ``-``/``not``, ``and``, ``or`` and parentheses as everywhere.

With subject ``any`` a project term (``total>1000``, ``+overdue``) matches no indicator, as an indicator
term matches no project.

Everything but the status is SQL: bound parameters through SQLAlchemy, never SQL text. The status is
computed per indicator in Python (:mod:`tracker.indicators.status`), so a filter with a status tag is
split: the operands of its top-level ``and`` that hold no status go to SQL, and the whole filter is also
checked against each listed indicator (:meth:`IndicatorFilter.keeps`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, false, not_, or_, true

from tracker.filters import (
    INDICATOR_TAGS,
    And,
    Compare,
    Everything,
    FilterError,
    Node,
    Not,
    Or,
    Range,
    Subject,
    Tag,
    Word,
    parse,
)
from tracker.models import Indicator, Plan

IndicatorFilterError = FilterError
"""The error of a filter that cannot be read (exit 2, with the caret picture)."""


class Listed(Protocol):
    """What :meth:`IndicatorFilter.keeps` reads of a listed indicator (an IndicatorLine)."""

    plan: str
    name: str
    group: str
    attribute: str | None
    status: str


@dataclass(frozen=True)
class IndicatorFilter:
    """A filter compiled for indicators: ``where`` for the query, ``keeps`` for the computed status."""

    node: Node = field(default_factory=Everything)
    where: Any = None
    status_dependent: bool = False

    def keeps(self, line: Listed) -> bool:
        """Whether the listed indicator passes the whole filter (only the status needs asking)."""
        return not self.status_dependent or matches(self.node, line)


def parse_indicator_filter(
    words: list[str] | str, views: Mapping[str, str] | None = None, subject: Subject = "indicator"
) -> IndicatorFilter:
    """The filter ``words`` for indicators; raise :class:`FilterError` (with its position) when it cannot be read."""
    text = words if isinstance(words, str) else " ".join(words)
    return compile_indicator_filter(parse(text, views, subject))


def compile_indicator_filter(node: Node) -> IndicatorFilter:
    if isinstance(node, Everything):
        return IndicatorFilter()
    if not _has_status(node):
        return IndicatorFilter(node, to_indicator_sql(node))
    operands = node.operands if isinstance(node, And) else (node,)
    sql = [to_indicator_sql(op) for op in operands if not _has_status(op)]
    return IndicatorFilter(node, and_(*sql) if sql else None, True)


def _has_status(node: Node) -> bool:
    if isinstance(node, Tag):
        return node.name in INDICATOR_TAGS
    if isinstance(node, Not):
        return _has_status(node.operand)
    if isinstance(node, And | Or):
        return any(_has_status(op) for op in node.operands)
    return False


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    return and_(column.is_not(None), column.icontains(text, autoescape=True))


def _equals(column: Any, text: str) -> ColumnElement[bool]:
    if text == "":
        return or_(column.is_(None), column == "")
    return and_(column.is_not(None), column == text)


TEXT_COLUMNS: dict[str, Any] = {"plan": Plan.name, "name": Indicator.name}


def to_indicator_sql(node: Node) -> ColumnElement[bool]:
    """The WHERE clause of a status-free filter over :class:`Indicator` joined to :class:`Plan`."""
    if isinstance(node, Everything):
        return true()
    if isinstance(node, And):
        return and_(*(to_indicator_sql(op) for op in node.operands))
    if isinstance(node, Or):
        return or_(*(to_indicator_sql(op) for op in node.operands))
    if isinstance(node, Not):
        return not_(to_indicator_sql(node.operand))
    if isinstance(node, Word):
        return or_(_contains(Indicator.name, node.text), _contains(Indicator.group, node.text))
    if isinstance(node, Compare):
        if node.op == "!=":
            return not_(to_indicator_sql(Compare(node.field, "=", node.value)))
        if node.field == "attribute":
            return and_(Indicator.attribute.is_not(None), Indicator.attribute == node.value)  # type: ignore[union-attr]
        column = TEXT_COLUMNS.get(node.field)
        if column is None:
            return false()  # a project's field: no indicator has it
        assert isinstance(node.value, str)
        return _contains(column, node.value) if node.op == ":" else _equals(column, node.value)
    if isinstance(node, Range | Tag):
        return false()  # a project's figure or warning rule (a status tag never reaches here)
    raise TypeError(f"not a filter node: {node!r}")  # pragma: no cover


def _text_matches(value: str, op: str, text: str) -> bool:
    if op == ":":
        return text.casefold() in (value or "").casefold()
    return (value or "") == text


def matches(node: Node, line: Listed) -> bool:
    """The whole filter judged for one listed indicator, in Python; agrees with :func:`to_indicator_sql`
    on every status-free filter (a test holds them to it)."""
    if isinstance(node, Everything):
        return True
    if isinstance(node, And):
        return all(matches(op, line) for op in node.operands)
    if isinstance(node, Or):
        return any(matches(op, line) for op in node.operands)
    if isinstance(node, Not):
        return not matches(node.operand, line)
    if isinstance(node, Word):
        return _text_matches(line.name, ":", node.text) or _text_matches(line.group, ":", node.text)
    if isinstance(node, Tag):
        return node.name == line.status
    if isinstance(node, Compare):
        if node.op == "!=":
            return not matches(Compare(node.field, "=", node.value), line)
        if node.field == "attribute":
            return line.attribute == node.value
        if node.field in TEXT_COLUMNS:
            return _text_matches(getattr(line, node.field), node.op, str(node.value))
        return False
    return False
