"""Fill-in sheets (填报表): what the officer sends each district for a month, and what comes back.

One row per project: the month (月份), the project's fixed fields — 项目编码, 项目名称, 建设单位, 总投资,
十四五计划投资, 年度计划投资 (the month's year), 开工以来累计完成投资 to the end of the previous month and
上月状态 (the status of the latest record up to the previous month) — locked, and the month's cells
open: 本月完成投资(万元), 状态 (a drop-down of the five statuses), 形象进度, 存在问题, 填报人.
``tracker import-progress`` (:mod:`tracker.importing.returns`) reads the sheets back.

xlsx (XlsxWriter, imported only when a workbook is written): a title row (plan, 填报表), a row with
the district, the month and the unit (万元), a 填报说明 row, the Chinese header, then the rows;
worksheet protection with the open cells unlocked (no password: it guards against slips, not
people); data validation on the open cells — 本月完成投资 is a number between −1,000,000 and
1,000,000 万元 with at most two decimals (negative corrects an earlier month; the import refuses a
running total below 0), 状态 one of 未开工/在建/已竣工/停缓建/取消, texts bounded — each with an input
message saying so; landscape A4, fit to the page width, the header row repeated on every printed
page, panes frozen below the header. CSV: the same columns, UTF-8 with a BOM, one header row and no
title rows (:func:`tracker.excel.write_csv_rows`, formula-like text neutralised).

Rows are streamed from SQL (correlated subqueries on the project's records, so a district's sheet
reads that district's records only). Names that come from data — the file name from the district,
the sheet name, the title — are cleaned: no control characters, no ``/`` or other characters a file
system or Excel refuses, Excel sheet names at most 31 characters without ``[]:*?/\\``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Literal

from sqlalchemy import ColumnElement, func, select
from sqlmodel import Session, col

from tracker.bounds import MAX_AMOUNT_WAN, MAX_LINE_LENGTH, MAX_TEXT_LENGTH
from tracker.models import AnnualPlan, Category, Plan, ProgressRecord, Project, Status, WanYuan
from tracker.schedule import parse_month

Kind = Literal["text", "money"]

UNPLACED = "未划分"
"""The district label (and file name part) of projects not placed in a district."""
SHEET_WORD = "填报表"


@dataclass(frozen=True)
class SheetColumn:
    key: str
    """English key (the import also accepts it as a header)."""
    zh: str
    """The Chinese header written."""
    kind: Kind
    open: bool = False
    """An open cell the district fills in (unlocked in the xlsx)."""
    width: int = 12


COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("month", "月份", "text", width=9),
    SheetColumn("code", "项目编码", "text", width=9),
    SheetColumn("name", "项目名称", "text", width=34),
    SheetColumn("owner", "建设单位", "text", width=22),
    SheetColumn("total_investment", "总投资", "money"),
    SheetColumn("planned_investment", "十四五计划投资", "money"),
    SheetColumn("annual_plan", "年度计划投资", "money"),
    SheetColumn("invested_to_last_month", "开工以来累计完成投资(截至上月末)", "money", width=16),
    SheetColumn("last_status", "上月状态", "text", width=8),
    SheetColumn("invested", "本月完成投资(万元)", "money", open=True, width=14),
    SheetColumn("status", "状态", "text", open=True, width=9),
    SheetColumn("progress_text", "形象进度", "text", open=True, width=26),
    SheetColumn("problems", "存在问题", "text", open=True, width=26),
    SheetColumn("reporter", "填报人", "text", open=True, width=10),
)
"""The sheet's columns, in order (xlsx and CSV alike)."""

KEYS = tuple(c.key for c in COLUMNS)
STATUS_CHOICES = tuple(s.zh for s in Status)
INSTRUCTIONS = (
    "填报说明：只填写浅黄色单元格（本月完成投资、状态、形象进度、存在问题、填报人），其余单元格已锁定，请勿修改项目编码和项目名称。"
    "本月完成投资单位为万元，最多两位小数，可填负数以更正以前月份，但开工以来累计完成投资不得小于0；本月无投资请填0。"
    "状态从下拉列表选择；不填则沿用上月状态。本月完成投资、状态、形象进度、存在问题均未填的行视为未填报，不导入。"
)
INVESTED_MESSAGE = (
    "单位万元，数字，最多两位小数，-1,000,000至1,000,000之间。可填负数以更正以前月份，"
    "但开工以来累计不得小于0。本月无投资请填0。"
)

_ILLEGAL_FILE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]')
_ILLEGAL_SHEET = re.compile(r"[\x00-\x1f\x7f-\x9f\[\]:*?/\\\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MAX_SHEET_NAME = 31
MAX_FILE_STEM = 120


def clean_file_part(text: str) -> str:
    """``text`` fit for a file name: control characters and ``/ \\ : * ? " < > |`` become ``_``,
    no leading dot or space, at most :data:`MAX_FILE_STEM` characters; ``_`` if nothing is left."""
    cleaned = _ILLEGAL_FILE.sub("_", text).strip().lstrip(".").strip()
    return cleaned[:MAX_FILE_STEM] or "_"


def clean_sheet_name(text: str) -> str:
    """``text`` as an Excel sheet name: no ``[]:*?/\\`` or control characters, not starting or ending
    with an apostrophe, at most 31 characters, never empty (``Sheet1``)."""
    cleaned = _ILLEGAL_SHEET.sub("_", text).strip().strip("'")
    cleaned = cleaned[:MAX_SHEET_NAME].strip().strip("'")
    if not cleaned or cleaned.lower() == "history":  # Excel reserves History
        return "Sheet1"
    return cleaned


def previous_month(month: str) -> str:
    year, number = parse_month(month)
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def month_zh(month: str) -> str:
    year, number = parse_month(month)
    return f"{year}年{number}月"


def file_name(month: str, district: str | None, extension: str) -> str:
    """``2026-10 雨湖区 填报表.xlsx`` (``未划分`` for projects not placed in a district)."""
    return f"{clean_file_part(f'{month} {district or UNPLACED} {SHEET_WORD}')}.{extension}"


# --------------------------------------------------------------------------------------------
# reading the rows


def _base(where: ColumnElement[bool] | None) -> Any:
    """FROM project JOIN category JOIN plan, with the filter (which may name all three)."""
    query = (
        select(col(Project.id))
        .select_from(Project)
        .join(Category, col(Category.id) == col(Project.category_id))
        .join(Plan, col(Plan.id) == col(Project.plan_id))
    )
    return query if where is None else query.where(where)


def _district_clause(district: str | None) -> ColumnElement[bool]:
    return col(Project.district).is_(None) if district is None else col(Project.district) == district


def districts(session: Session, where: ColumnElement[bool] | None = None) -> list[str | None]:
    """The districts of the matching projects: the gazetteer's order, others by name, unplaced (None) last."""
    from tracker.districts import load_gazetteer

    found = {value for (value,) in session.execute(_base(where).with_only_columns(col(Project.district)).distinct())}
    order = {name: i for i, name in enumerate(load_gazetteer().all_names)}
    named = sorted((d for d in found if d is not None), key=lambda d: (order.get(d, len(order)), d))
    return [*named, *([None] if None in found else [])]


def plan_names(session: Session, where: ColumnElement[bool] | None) -> list[str]:
    query = _base(where).with_only_columns(col(Plan.name), col(Plan.id)).distinct().order_by(col(Plan.id))
    return [name for name, _ in session.execute(query)]


def count(session: Session, where: ColumnElement[bool] | None) -> int:
    return int(session.execute(select(func.count()).select_from(_base(where).subquery())).scalar_one())


def rows(session: Session, month: str, where: ColumnElement[bool] | None = None) -> Iterator[dict[str, Any]]:
    """The sheet's rows for ``month`` over the matching projects, in published order, streamed.

    开工以来累计完成投资 sums the records up to the end of the previous month; 上月状态 is the status of
    the latest of those records (none: the project's own status if it has no record at all, else
    未开工 — it was reported only later, as :mod:`tracker.report` does)."""
    year, _ = parse_month(month)
    before = previous_month(month)
    pr = ProgressRecord
    mine = col(pr.project_id) == col(Project.id)
    cumulative = (
        select(func.coalesce(func.sum(col(pr.invested)), 0, type_=WanYuan()))
        .where(mine, col(pr.month) <= before)
        .correlate(Project)
        .scalar_subquery()
    )
    last_status = (
        select(col(pr.status))
        .where(mine, col(pr.month) <= before)
        .order_by(col(pr.month).desc())
        .limit(1)
        .correlate(Project)
        .scalar_subquery()
    )
    has_records = select(col(pr.id)).where(mine).correlate(Project).exists()
    annual = (
        select(col(AnnualPlan.planned))
        .where(col(AnnualPlan.project_id) == col(Project.id), col(AnnualPlan.year) == year)
        .correlate(Project)
        .scalar_subquery()
    )
    query = (
        _base(where)
        .with_only_columns(
            col(Project.code),
            col(Project.name),
            col(Project.owner),
            col(Project.total_investment),
            col(Project.planned_investment),
            annual.label("annual_plan"),
            cumulative.label("cumulative"),
            last_status.label("last_status"),
            has_records.label("has_records"),
            col(Project.status).label("project_status"),
        )
        .order_by(col(Plan.id), col(Category.ordinal), col(Project.seq))
    )
    for r in session.execute(query.execution_options(yield_per=500)):
        status = r.last_status or (Status.NOT_STARTED.value if r.has_records else r.project_status)
        try:
            status_label = Status(status).zh
        except ValueError:
            status_label = str(status)
        yield {
            "month": month,
            "code": r.code,
            "name": r.name,
            "owner": r.owner,
            "total_investment": r.total_investment,
            "planned_investment": r.planned_investment,
            "annual_plan": r.annual_plan,
            "invested_to_last_month": r.cumulative,
            "last_status": status_label,
            "invested": None,
            "status": None,
            "progress_text": None,
            "problems": None,
            "reporter": None,
        }


# --------------------------------------------------------------------------------------------
# writing


@dataclass(frozen=True)
class SheetTitle:
    plan: str
    district: str
    month: str
    filter_text: str = ""

    def title(self) -> str:
        return f"{self.plan} 重点项目月度进度{SHEET_WORD}"

    def subtitle(self) -> str:
        parts = [f"县市区：{self.district}", f"填报月份：{month_zh(self.month)}（{self.month}）", "单位：万元"]
        if self.filter_text:
            parts.append(f"筛选条件：{self.filter_text}")
        return "　　".join(parts)

    def sheet_name(self) -> str:
        return clean_sheet_name(f"{self.district} {self.month}")


def write_csv(out: IO[str], sheet_rows: Iterator[dict[str, Any]]) -> int:
    """The rows as CSV (BOM, one header row, no title); returns how many."""
    from tracker.excel import write_csv_rows

    written = 0

    def values() -> Iterator[list[Any]]:
        nonlocal written
        for row in sheet_rows:
            written += 1
            yield [row[k] for k in KEYS]

    write_csv_rows(out, [c.zh for c in COLUMNS], values(), bom=True)
    return written


HEADER_ROW = 3
"""0-based index of the header row in the xlsx (title, subtitle, 填报说明, header)."""


def write_xlsx(out: IO[bytes], title: SheetTitle, sheet_rows: Iterator[dict[str, Any]]) -> int:
    """The rows as a protected, validated, printable workbook of one worksheet; returns how many."""
    import xlsxwriter

    from tracker.excel import exact_number, is_formula_like
    from tracker.money import fmt_wan
    from tracker.safe_text import visible_cell

    workbook = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    try:
        ws = workbook.add_worksheet(title.sheet_name())
        border = {"border": 1, "valign": "top"}
        fmt_title = workbook.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
        fmt_sub = workbook.add_format({"align": "left", "valign": "vcenter"})
        fmt_note = workbook.add_format({"text_wrap": True, "valign": "top", "font_size": 9})
        fmt_header = workbook.add_format(
            border | {"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "bg_color": "#D9D9D9"}
        )
        fmt_open_header = workbook.add_format(
            border | {"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "bg_color": "#FFE699"}
        )
        locked = {
            "text": workbook.add_format(border | {"text_wrap": True}),
            "quoted": workbook.add_format(border | {"text_wrap": True, "quote_prefix": True}),
            "money": workbook.add_format(border | {"num_format": "#,##0.00"}),
        }
        opened = {
            "text": workbook.add_format(border | {"text_wrap": True, "locked": False, "bg_color": "#FFF2CC"}),
            "money": workbook.add_format(border | {"num_format": "#,##0.00", "locked": False, "bg_color": "#FFF2CC"}),
        }
        last_col = len(COLUMNS) - 1

        def text(value: Any) -> tuple[str, Any]:
            shown = visible_cell(value)
            return shown, locked["quoted"] if is_formula_like(shown) else locked["text"]

        shown, fmt = text(title.title())
        ws.merge_range(0, 0, 0, last_col, shown, fmt_title)
        ws.set_row(0, 28)
        ws.merge_range(1, 0, 1, last_col, visible_cell(title.subtitle()), fmt_sub)
        ws.merge_range(2, 0, 2, last_col, INSTRUCTIONS, fmt_note)
        ws.set_row(2, 40)
        for c, column in enumerate(COLUMNS):
            ws.write_string(HEADER_ROW, c, column.zh, fmt_open_header if column.open else fmt_header)
            ws.set_column(c, c, column.width)
        ws.set_row(HEADER_ROW, 32)

        written = 0
        r = HEADER_ROW
        for row in sheet_rows:
            r += 1
            written += 1
            for c, column in enumerate(COLUMNS):
                value = row[column.key]
                if column.open:
                    ws.write_blank(r, c, None, opened[column.kind])
                elif value is None:
                    ws.write_blank(r, c, None, locked[column.kind])
                elif isinstance(value, Decimal):
                    if exact_number(value):
                        ws.write_number(r, c, value, locked["money"])
                    else:
                        ws.write_string(r, c, fmt_wan(value), locked["text"])
                else:
                    shown, fmt = text(value)
                    ws.write_string(r, c, shown, fmt)

        first, last = HEADER_ROW + 1, max(r, HEADER_ROW + 1)
        index = {c.key: i for i, c in enumerate(COLUMNS)}
        _validate(ws, first, last, index)
        ws.freeze_panes(HEADER_ROW + 1, index["name"] + 1)
        ws.protect(
            "",
            {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True, "format_rows": True},
        )
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(HEADER_ROW)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_footer("&C第 &P 页，共 &N 页")
        ws.print_area(0, 0, last, last_col)
    finally:
        workbook.close()
    return written


def _validate(ws: Any, first: int, last: int, index: dict[str, int]) -> None:
    from xlsxwriter.utility import xl_rowcol_to_cell

    c = index["invested"]
    cell = xl_rowcol_to_cell(first, c, row_abs=False, col_abs=False)
    bound = MAX_AMOUNT_WAN
    ws.data_validation(
        first,
        c,
        last,
        c,
        {
            "validate": "custom",
            "value": f"=AND(ISNUMBER({cell}),{cell}>=-{bound},{cell}<={bound},ROUND({cell},2)={cell})",
            "ignore_blank": True,
            "input_title": "本月完成投资（万元）",
            "input_message": INVESTED_MESSAGE,
            "error_title": "本月完成投资",
            "error_message": "请填数字（万元），最多两位小数，在-1,000,000与1,000,000之间。",
        },
    )
    c = index["status"]
    ws.data_validation(
        first,
        c,
        last,
        c,
        {
            "validate": "list",
            "source": list(STATUS_CHOICES),
            "input_title": "状态",
            "input_message": "从下拉列表选择：" + "、".join(STATUS_CHOICES) + "。不填则沿用上月状态。",
            "error_title": "状态",
            "error_message": "请从下拉列表选择：" + "、".join(STATUS_CHOICES),
        },
    )
    for key, limit, label in (
        ("progress_text", MAX_TEXT_LENGTH, "形象进度"),
        ("problems", MAX_TEXT_LENGTH, "存在问题"),
        ("reporter", MAX_LINE_LENGTH, "填报人"),
    ):
        c = index[key]
        ws.data_validation(
            first,
            c,
            last,
            c,
            {
                "validate": "length",
                "criteria": "<=",
                "value": limit,
                "input_title": label,
                "input_message": f"文字，最多{limit}字。",
                "error_title": label,
                "error_message": f"最多{limit}字。",
            },
        )


# --------------------------------------------------------------------------------------------
# the command's work


@dataclass(frozen=True)
class WrittenSheet:
    path: Path
    district: str | None
    rows: int


def label_of(session: Session, where: ColumnElement[bool] | None) -> str:
    """The district a one-file sheet is for: the one district of its rows, else 多个县市区."""
    found = districts(session, where)
    if len(found) == 1:
        return found[0] or UNPLACED
    return "多个县市区" if found else "—"


def combine(where: ColumnElement[bool] | None, extra: ColumnElement[bool]) -> ColumnElement[bool]:
    from sqlalchemy import and_

    return extra if where is None else and_(where, extra)


def title_for(
    session: Session, where: ColumnElement[bool] | None, month: str, district: str, filter_text: str
) -> SheetTitle:
    names = plan_names(session, where)
    return SheetTitle("、".join(names) or "—", district, month, filter_text)


def district_where(where: ColumnElement[bool] | None, district: str | None) -> ColumnElement[bool]:
    return combine(where, _district_clause(district))
