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
from typing import Any

from tracker.money import fmt_wan, percent_of, social_capital
from tracker.portfolio import ProjectRow

EXPORT_KEYS: tuple[str, ...] = (
    "code", "plan", "category", "seq", "name", "nature", "owner", "district", "content", "note",
    "start_text", "finish_text", "start_year", "start_month", "finish_year", "finish_month",
    "total_investment", "planned_investment", "social_share_pct", "social_capital", "status",
    "invested_to_date", "progress_pct", "last_report_month",
)
"""The record keys, in order. New keys go at the end."""


def record(row: ProjectRow) -> dict[str, Any]:
    """One project as an export record (Decimals stay Decimals until written)."""
    p = row.project
    return {
        "code": p.code,
        "plan": row.plan,
        "category": row.category,
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
        "invested_to_date": row.invested_to_date,
        "progress_pct": percent_of(row.invested_to_date, p.total_investment),
        "last_report_month": row.last_report_month,
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
    from tracker.safe_text import json_escaped

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


def to_json(records: Iterable[dict[str, Any]]) -> str:
    return dumps_json(list(records)) + "\n"


def to_csv(records: Iterable[dict[str, Any]], keys: Sequence[str] = EXPORT_KEYS, *, bom: bool = False) -> str:
    """Records as CSV through the one CSV writer, :func:`tracker.excel.csv_text` (exact money, RFC 4180,
    text neutralised against formula injection), so ``list`` and ``export`` write the same file."""
    from tracker.excel import csv_text

    return csv_text(keys, ([rec.get(key) for key in keys] for rec in records), bom=bom)
