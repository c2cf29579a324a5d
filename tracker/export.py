"""Exports of the project list: one record per project with a fixed key order (JSON and CSV).

The record is the contract scripts rely on (``tracker export``, ``tracker list --format json``):
keys are only ever added, never renamed. Money is written exactly as published — ``3460.44``,
``9.24`` — as JSON numbers, never through a float.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import lru_cache
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any, TextIO

from tracker.money import fmt_wan, percent_of, social_capital
from tracker.portfolio import ProjectRow
from tracker.safe_text import json_escaped

EXPORT_KEYS: tuple[str, ...] = (
    "code", "plan", "category", "seq", "name", "nature", "owner", "district", "content", "note",
    "start_text", "finish_text", "start_year", "start_month", "finish_year", "finish_month",
    "total_investment", "planned_investment", "social_share_pct", "social_capital", "status",
    "invested_to_date", "progress_pct", "last_report_month",
)
"""The record keys, in order. New keys go at the end."""


def record(row: ProjectRow) -> dict[str, Any]:
    """One project as an export record (Decimals stay Decimals until written)."""
    return _record(row.project, row.plan, row.category, row.invested_to_date, row.last_report_month)


def row_record(row: Any) -> dict[str, Any]:
    """A streamed row of :func:`tracker.portfolio.iter_rows` as an export record (the same as :func:`record`)."""
    return _record(row, row.plan, row.category, row.invested_to_date, row.last_report_month)


def _record(p: Any, plan: str, category: str, invested: Decimal, last_month: str | None) -> dict[str, Any]:
    return {
        "code": p.code,
        "plan": plan,
        "category": category,
        "seq": p.seq,
        "name": p.name,
        "nature": p.nature,
        "owner": p.owner,
        "district": p.district,
        "content": p.content,
        "note": p.note,
        "start_text": p.start_text,
        "finish_text": p.finish_text,
        "start_year": p.start_year,
        "start_month": p.start_month,
        "finish_year": p.finish_year,
        "finish_month": p.finish_month,
        "total_investment": p.total_investment,
        "planned_investment": p.planned_investment,
        "social_share_pct": p.social_share_pct,
        "social_capital": social_capital(p.total_investment, p.social_share_pct),
        "status": p.status,
        "invested_to_date": invested,
        "progress_pct": percent_of(invested, p.total_investment),
        "last_report_month": last_month,
    }


def dumps_json(data: Any, indent: int | None = 2) -> str:
    """JSON text with Decimals as exact numbers (``3460.44``, never via float) and Chinese as is.

    The standard encoder can only write floats, so each Decimal is first replaced by a string
    token carrying a per-call nonce, and the quoted tokens are then swapped for the digits.

    Control characters never appear raw: the encoder escapes C0 (``\\u001b``) and
    :func:`tracker.safe_text.json_escaped` does the same for DEL, C1 and the bidi controls it leaves,
    so ``tracker list --format json`` on a terminal cannot drive it, and a reader gets every
    character back unchanged.
    """
    nonce = uuid.uuid4().hex

    def mark(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{nonce}{fmt_wan(value)}"
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [mark(v) for v in value]
        return value

    text = json_escaped(json.dumps(mark(data), ensure_ascii=False, indent=indent))
    return re.sub(f'"{nonce}(-?[0-9.]+)"', r"\1", text)


def json_value(value: Any, level: int = 0) -> str:
    """``value`` as the text :func:`dumps_json` (``indent=2``) writes for it when it sits ``level`` levels
    deep: the same indentation, separators, exact Decimals and escapes, built directly, so a writer can
    emit a document one element at a time (:func:`write_json_list`) instead of building it whole.

    The DEL/C1/bidi escapes (:func:`~tracker.safe_text.json_escaped`) are applied once to the element's
    whole text rather than to each string in it: the same result (they can only occur inside strings, and
    an escape is ASCII), one regular-expression pass per element instead of one per value."""
    return json_escaped(_json_text(value, level))


@lru_cache(maxsize=4096)
def _json_key(key: str) -> str:
    """A dict key as JSON (the same few keys repeat in every element of a list)."""
    return encode_basestring(key)


def _json_text(value: Any, level: int) -> str:
    """:func:`json_value` before its escapes."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, Decimal):
        return fmt_wan(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        if not all(isinstance(key, str) for key in value):
            return _indented(dumps_json(value), level)
        inner = "\n" + "  " * (level + 1)
        items = [inner + _json_key(k) + ": " + _json_text(v, level + 1) for k, v in value.items()]
        return "{" + ",".join(items) + "\n" + "  " * level + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = "\n" + "  " * (level + 1)
        return "[" + ",".join(inner + _json_text(v, level + 1) for v in value) + "\n" + "  " * level + "]"
    return _indented(dumps_json(value), level)  # anything else (a float, a date): the general encoder


def _indented(text: str, level: int) -> str:
    return text.replace("\n", "\n" + "  " * level) if level else text


def write_json_list(out: TextIO, items: Iterable[Any], level: int = 0) -> int:
    """A JSON list written element by element, exactly as :func:`dumps_json` would write the whole list
    ``level`` levels deep (without a final newline); returns how many elements were written."""
    inner = "\n" + "  " * (level + 1)
    count = 0
    for item in items:
        out.write(("," if count else "[") + inner + json_value(item, level + 1))
        count += 1
    out.write("\n" + "  " * level + "]" if count else "[]")
    return count


def to_json(records: Iterable[dict[str, Any]]) -> str:
    return dumps_json(list(records)) + "\n"


def to_csv(records: Iterable[dict[str, Any]], keys: Sequence[str] = EXPORT_KEYS, *, bom: bool = False) -> str:
    """Records as CSV through the one CSV writer, :func:`tracker.excel.csv_text` (exact money, RFC 4180,
    text neutralised against formula injection), so ``list`` and ``export`` write the same file."""
    from tracker.excel import csv_text

    return csv_text(keys, ([rec.get(key) for key in keys] for rec in records), bom=bom)
