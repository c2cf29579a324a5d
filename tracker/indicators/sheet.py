"""The monthly report's second sheet, 主要指标: every imported indicator with its target, latest actual
value and status as of the report's date — so the city receives the indicators with the projects.

Written only when indicators were imported (``tracker import-indicators``): a report of a database
without them has its one sheet, as before.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from tracker.indicators.store import iter_indicators

STATUS_WORDS = {
    "zh": {"met": "已达到", "on_track": "符合进度", "behind": "落后于进度", "at_risk": "约束性指标落后", "no_data": "无数据"},
    "en": {"met": "met", "on_track": "on track", "behind": "behind", "at_risk": "at risk", "no_data": "no data"},
}
ATTRIBUTE_WORDS = {"zh": {"binding": "约束性", "expected": "预期性"}, "en": {"binding": "binding", "expected": "expected"}}
HEADERS = {
    "zh": ("规划", "表", "序号", "指标名称", "单位", "属性", "2025年目标值", "最新实际值", "年份", "状态"),
    "en": ("Plan", "Table", "No.", "Indicator", "Unit", "Attribute", "2025 target", "Latest actual", "Year", "Status"),
}
WIDTHS = (24, 30, 6, 40, 8, 8, 16, 16, 6, 14)


def indicator_sheet(session: Session, source: Any, language: str = "zh") -> Any | None:
    """The 主要指标 sheet as of the report's date, or None when no indicator was imported."""
    from sqlalchemy import func, select

    from tracker.excel import Sheet, SheetColumn, TitleLine
    from tracker.models import Indicator

    if not session.execute(select(func.count()).select_from(Indicator)).scalar_one():
        return None
    lang = language if language in HEADERS else "zh"
    words, attributes = STATUS_WORDS[lang], ATTRIBUTE_WORDS[lang]
    kinds = ("text",) * 8 + ("int", "text")
    columns = [SheetColumn(h, kind, w) for h, kind, w in zip(HEADERS[lang], kinds, WIDTHS, strict=True)]  # type: ignore[arg-type]
    rows = (
        (
            line.plan, line.table, line.seq or str(line.position), line.name, line.unit,
            attributes.get(line.attribute or "", ""), line.target_text, line.latest_value or "", line.latest_year,
            words[line.status],
        )  # fmt: skip
        for line in iter_indicators(session, source.as_of)
    )
    as_of = source.as_of.isoformat()
    title = "主要指标完成情况" if lang == "zh" else "Main indicators"
    note = f"截至 {as_of}；状态按基期值到目标值的线性进度判断" if lang == "zh" else f"as of {as_of}; status against the linear path from baseline to target"
    return Sheet("主要指标" if lang == "zh" else "Indicators", columns, rows,
                 title=(TitleLine(title, "title"), TitleLine(note, "subtitle")))  # fmt: skip
