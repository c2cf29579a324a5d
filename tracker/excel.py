"""Files that Excel (and LibreOffice) open cleanly: the CSV "Excel profile" and typed xlsx.

CSV, Excel profile:

- UTF-8 with a byte-order mark when ``bom`` is on (Excel reads BOM-less UTF-8 as the ANSI code
  page and garbles Chinese); ``bom=False`` for scripts;
- RFC 4180: comma separated, CRLF line ends, a field quoted only when it holds a comma, a quote or a
  line break, quotes doubled; a fixed column order (the caller's keys);
- formula injection neutralised: a *text* cell starting with a character in :data:`TRIGGERS` — the
  OWASP list ``=``, ``+``, ``-``, ``@``, TAB, CR, and also LF, the full-width ``＝＋－＠`` (which a
  spreadsheet under an East Asian input method may fold to their ASCII twins) and ``|`` (DDE,
  ``|cmd…``) — gets a leading apostrophe (``'=1+1``) so a spreadsheet shows it as text instead of
  running it. Numbers (Decimal, int) are never touched, so ``-5`` stays a number. A text that already starts
  with an apostrophe followed by one of those characters (or another apostrophe) gets one more, so
  :func:`unneutralise` can always give back the original — the import is lossless;
- control characters other than TAB, LF and CR (which are data inside a quoted cell) are written as
  visible escapes (``\\x1b``, :func:`tracker.safe_text.visible_cell`): a CSV is also read in
  terminals (``tracker list | less``), and a spreadsheet has no use for them.

xlsx: typed cells (money and percentages as numbers with number formats, counts as integers, text
as strings that are never evaluated; a text starting with a trigger also carries Excel's "quote
prefix" style — what typing ``'=1+1`` gives — so it stays text even when the cell is edited, and
shows as published, without an apostrophe; controls shown as in CSV), a bold frozen header row, and
column widths that fit Chinese (an East Asian wide character counts as two). xlsx numbers are IEEE
doubles: an amount is written as a number only when its decimal digits survive the trip (≤ 15
significant digits, which every 万元 amount below 10⁹ with ≤ 6 decimals satisfies); otherwise it is
written as exact text. Numbers are handed to XlsxWriter as :class:`~decimal.Decimal` (it prints them
with ``%.16G``), never through a Python float.

Headless commands import this module only when they write a spreadsheet; XlsxWriter itself is
imported inside :func:`write_xlsx`.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Literal, TextIO

from tracker.money import fmt_wan, normalise
from tracker.safe_text import visible_cell

BOM = "\ufeff"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20", "|")
"""Leading characters that make a spreadsheet treat a cell as a formula: the OWASP CSV-injection list
(``= + - @`` TAB CR), a line feed (like CR, skipped before a formula), the full-width
``＝ ＋ － ＠`` (U+FF1D, U+FF0B, U+FF0D, U+FF20, which an East Asian input setup may fold to ASCII)
and ``|`` (a DDE call such as ``|cmd…``)."""

CellKind = Literal["text", "int", "money", "percent", "ratio"]

MONEY_FORMAT = "#,##0.00####"
"""At least two decimals, up to six (the fen), so 1500 shows 1,500.00 and 499.872912 shows in full."""
PERCENT_FORMAT = "0.00"
RATIO_FORMAT = "0.00%"
"""A ``ratio`` cell holds the fraction (0.7508) and shows as a percentage (75.08%)."""
PRINT_MONEY_FORMAT = "#,##0.00"
"""Money on a printed page: thousands separators and two decimals (the cell keeps the exact value)."""
INT_FORMAT = "0"
MAX_WIDTH = 60
MIN_WIDTH = 4
MAX_SIGNIFICANT_DIGITS = 15
LINE_HEIGHT = 14.5
"""Points per line of wrapped 11-point text, for rows sized by the writer."""


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula (it starts with a trigger)."""
    return bool(text) and text[0] in TRIGGERS


def neutralise(value: Any) -> Any:
    """A text cell made safe for a spreadsheet (leading apostrophe); anything else unchanged."""
    if not isinstance(value, str) or not value:
        return value
    if is_formula_like(value) or (value[0] == "'" and len(value) > 1 and value[1] in (*TRIGGERS, "'")):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """The inverse of :func:`neutralise`, for reading back a CSV we (or Excel) wrote."""
    if len(text) > 1 and text[0] == "'" and text[1] in (*TRIGGERS, "'"):
        return text[1:]
    return text


def cell_text(value: Any) -> str:
    """A value as CSV text: money exact (no exponent, no float), None empty, text with its controls
    shown (TAB, LF, CR kept) and then neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return fmt_wan(value)
    if isinstance(value, int):
        return str(value)
    return str(neutralise(visible_cell(value)))


CSV_CHUNK_ROWS = 256
"""Rows a CSV writer formats before handing them to the output stream in one write."""


def write_csv_rows(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> int:
    """RFC 4180 CSV of ``header`` then ``rows`` to a text stream opened with ``newline=""``.

    Streams: ``rows`` is consumed one row at a time and written in chunks of :data:`CSV_CHUNK_ROWS`, so a
    million rows never sit in memory and the first rows reach a pipe at once. Returns the rows written.
    """
    if bom:
        out.write(BOM)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([cell_text(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
        count += 1
        if count % CSV_CHUNK_ROWS == 0:
            out.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue())
    return count


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = False) -> str:
    buffer = io.StringIO(newline="")
    write_csv_rows(buffer, header, rows, bom=bom)
    return buffer.getvalue()


def write_csv_excel(
    records: Iterable[Mapping[str, Any]],
    path: Path | str,
    keys: Sequence[str],
    *,
    headers: Sequence[str] | None = None,
    bom: bool = True,
) -> int:
    """Write dict records as CSV in the Excel profile to ``path``; return the number of records.

    ``keys`` fixes the column order; ``headers`` (default: the keys) labels them.
    """
    count = 0

    def rows() -> Iterable[list[Any]]:
        nonlocal count
        for rec in records:
            count += 1
            yield [rec.get(k) for k in keys]

    with open(path, "w", encoding="utf-8", newline="") as out:
        write_csv_rows(out, list(headers or keys), rows(), bom=bom)
    return count


# --------------------------------------------------------------------------------------------
# xlsx


@dataclass(frozen=True)
class SheetColumn:
    header: str
    kind: CellKind = "text"
    width: int | None = None
    """A fixed width (character units) for a printable sheet: its text wraps, and each row is made as
    tall as its longest wrapped cell (a spreadsheet does not grow streamed rows by itself)."""


class Bold(tuple):  # type: ignore[type-arg]
    """A row of a :class:`Sheet` written bold (a subtotal, a total), for rows that are streamed."""

    __slots__ = ()


@dataclass(frozen=True)
class TitleLine:
    """A line above a sheet's header, merged across its columns: ``title`` (large, bold, centred),
    ``subtitle`` (one plain line) or ``paragraph`` (wrapped; ``height`` in points, or estimated)."""

    text: str
    style: Literal["title", "subtitle", "paragraph"] = "subtitle"
    height: float | None = None


@dataclass(frozen=True)
class PrintSetup:
    """A sheet meant to be printed: landscape on ``paper`` (XlsxWriter's code: 9 A4, 8 A3), as wide as
    one page, the title and header rows repeated on every page, page numbers in the footer; cells
    bordered, the header shaded, bold rows (subtotals, totals) shaded, money with ``money_format``."""

    paper: int = 9
    landscape: bool = True
    money_format: str = PRINT_MONEY_FORMAT
    footer: str = "&C&P / &N"
    max_width: int = 24
    """Columns are capped narrower than on screen and their text wraps, so the page keeps a legible scale."""


@dataclass
class Sheet:
    """One worksheet: typed columns and rows of values (Decimal, int, str or None).

    ``rows`` may be any iterable, a generator included: it is written one row at a time (XlsxWriter's
    constant-memory mode) and never held whole.
    """

    name: str
    columns: Sequence[SheetColumn]
    rows: Iterable[Sequence[Any]]
    bold_rows: set[int] = field(default_factory=set)
    """Indexes into ``rows`` written bold (subtotals, totals); a row that is a :class:`Bold` is bold too."""
    title: Sequence[TitleLine] = ()
    """Lines above the header row (the header is frozen under them)."""
    printable: PrintSetup | None = None
    """Page setup and print styling; None for a plain data sheet."""
    filter_plain_rows: bool = False
    """The autofilter covers the header and the rows up to the last plain (not bold) row only, so a
    filter never hides the totals row that ends the sheet."""


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet cell: East Asian wide/full-width characters count two."""
    widest = 0
    for line in str(text).split("\n"):
        widest = max(widest, sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line))
    return widest


def exact_number(value: Decimal) -> bool:
    """Whether an IEEE double shows ``value`` exactly (≤ 15 significant digits, finite)."""
    if not value.is_finite():
        return False
    digits = normalise(value).as_tuple().digits
    return len(digits) <= MAX_SIGNIFICANT_DIGITS


class _Widths:
    """Column widths grown one row at a time (so a streamed sheet gets the same widths as a list)."""

    def __init__(self, headers: Sequence[str]) -> None:
        self.widths = [display_width(h) for h in headers]

    def add(self, row: Sequence[Any]) -> None:
        widths = self.widths
        for i, value in enumerate(row):
            if value is None:
                continue
            current = widths[i]
            if current + 2 >= MAX_WIDTH:
                continue  # already as wide as a column gets
            shown = f"{normalise(value):,.2f}" if isinstance(value, Decimal) else str(value)
            if 2 * len(shown) <= current:
                continue  # cannot be wider: a character takes at most two columns
            widths[i] = max(current, display_width(shown))

    def result(self) -> list[int]:
        return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in self.widths]


def column_widths(sheet: Sheet) -> list[int]:
    """Widths (in character units) that fit the header and the cells, capped at :data:`MAX_WIDTH`."""
    widths = _Widths([c.header for c in sheet.columns])
    for row in sheet.rows:
        widths.add(row)
    return widths.result()


def write_xlsx(sheets: Sequence[Sheet], target: Path | str | BinaryIO) -> int:
    """Write ``sheets`` to an xlsx file (a path or a binary stream); return the rows written (all sheets).

    XlsxWriter's constant-memory mode: each row goes to a temporary file as soon as it is complete,
    so memory does not grow with the sheet (text cells are then inline strings, which every reader takes).
    """
    import xlsxwriter

    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    workbook = xlsxwriter.Workbook(target, options)
    try:
        plain = _Formats(workbook)
        printing: dict[PrintSetup, _Formats] = {}
        written = 0
        for sheet in sheets:
            fmt = plain
            if sheet.printable is not None:
                fmt = printing.setdefault(sheet.printable, _Formats(workbook, sheet.printable))
            written += _write_sheet(workbook, fmt, sheet)
    finally:
        workbook.close()
    return written


class _Formats:
    """The cell formats of a workbook: (kind, bold) → Format; bordered and shaded for a printable sheet."""

    def __init__(self, workbook: Any, printable: PrintSetup | None = None) -> None:
        header = {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1}
        money = MONEY_FORMAT
        if printable is not None:
            header = {"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center", "border": 1}
            header |= {"bg_color": "#D9D9D9"}
            money = printable.money_format
        self.header = workbook.add_format(header)
        self._cells: dict[tuple[str, bool], Any] = {}
        for bold in (False, True):
            base: dict[str, Any] = {"bold": bold, "valign": "top"}
            if printable is not None:
                base |= {"border": 1, "text_wrap": True} | ({"bg_color": "#F2F2F2"} if bold else {})
            self._cells[("text", bold)] = workbook.add_format(base)
            self._cells[("quoted", bold)] = workbook.add_format(base | {"quote_prefix": True})
            self._cells[("int", bold)] = workbook.add_format(base | {"num_format": INT_FORMAT})
            self._cells[("money", bold)] = workbook.add_format(base | {"num_format": money})
            self._cells[("percent", bold)] = workbook.add_format(base | {"num_format": PERCENT_FORMAT})
            self._cells[("ratio", bold)] = workbook.add_format(base | {"num_format": RATIO_FORMAT})

    def cell(self, kind: str, bold: bool) -> Any:
        return self._cells[(kind, bold)]


def _write_sheet(workbook: Any, fmt: _Formats, sheet: Sheet) -> int:
    """Write one sheet row by row (constant memory: a row once written is flushed); return its rows.

    The column widths are grown as the rows pass and set at the end (XlsxWriter writes them when the
    sheet is assembled), so they fit every row, as when the whole sheet was in memory."""
    ws = workbook.add_worksheet(sheet.name[:31])
    top = _write_title(workbook, ws, sheet)
    for col, column in enumerate(sheet.columns):
        ws.write_string(top, col, column.header, fmt.header)
    ws.freeze_panes(top + 1, 0)
    widths = _Widths([c.header for c in sheet.columns])
    plain = [(fmt.cell(c.kind, False), fmt.cell("text", False), fmt.cell("quoted", False)) for c in sheet.columns]
    bolded = [(fmt.cell(c.kind, True), fmt.cell("text", True), fmt.cell("quoted", True)) for c in sheet.columns]
    fixed: list[int] | None = None
    if sheet.printable is not None and all(c.width for c in sheet.columns):
        fixed = [int(c.width or 0) for c in sheet.columns]
    count = 0
    last_plain = 0
    for i, row in enumerate(sheet.rows):
        r = top + 1 + i
        if len(row) != len(sheet.columns):
            raise ValueError(f"row {i} has {len(row)} cells for {len(sheet.columns)} columns")
        bold = i in sheet.bold_rows or isinstance(row, Bold)
        if not bold:
            last_plain = 1 + i
        formats = bolded if bold else plain
        if fixed is not None:
            lines = max(
                (
                    -(-display_width(visible_cell(v)) * 4 // (5 * max(1, fixed[col])))  # CJK prints ~1.6 wide
                    for col, v in enumerate(row)
                    if isinstance(v, str) and v
                ),
                default=1,
            )
            if lines > 1:
                ws.set_row(r, LINE_HEIGHT * lines + 3)
        for col, value in enumerate(row):
            typed, text, quoted = formats[col]
            _write_cell(ws, r, col, value, typed, text, quoted)
        widths.add(row)
        count += 1
    cap = sheet.printable.max_width if sheet.printable is not None else MAX_WIDTH
    for col, width in enumerate(fixed or widths.result()):
        ws.set_column(col, col, min(width, cap))
    if sheet.printable is not None:
        ws.set_row(top, LINE_HEIGHT * 3 + 3)  # the header wraps in narrow columns
    filtered = last_plain if sheet.filter_plain_rows else count
    if filtered:
        ws.autofilter(top, 0, top + filtered, len(sheet.columns) - 1)
    if sheet.printable is not None:
        setup = sheet.printable
        if setup.landscape:
            ws.set_landscape()
        ws.set_paper(setup.paper)
        ws.fit_to_pages(1, 0)  # as wide as one page, as many pages tall as it takes
        ws.repeat_rows(top)  # the header row on every printed page
        ws.set_margins(left=0.3, right=0.3, top=0.5, bottom=0.5)
        if setup.footer:
            ws.set_footer(setup.footer)
        ws.print_area(0, 0, top + count, len(sheet.columns) - 1)
    return count


def _write_title(workbook: Any, ws: Any, sheet: Sheet) -> int:
    """The sheet's title lines, each merged across its columns; returns the header's row index."""
    if not sheet.title:
        return 0
    last_col = len(sheet.columns) - 1
    border = {"border": 1} if sheet.printable is not None else {}
    styles = {
        "title": workbook.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "subtitle": workbook.add_format({"align": "left", "valign": "vcenter"}),
        "paragraph": workbook.add_format({"text_wrap": True, "align": "left", "valign": "top"} | border),
    }
    heights = {"title": 30.0, "subtitle": 18.0}
    for row, line in enumerate(sheet.title):
        shown = visible_cell(line.text)
        if last_col > 0:
            ws.merge_range(row, 0, row, last_col, shown, styles[line.style])
        else:
            ws.write_string(row, 0, shown, styles[line.style])
        height = line.height or heights.get(line.style)
        if height is None:  # a wrapped paragraph over the merged width of the columns
            across = sum(c.width or 12 for c in sheet.columns)
            lines = sum(max(1, -(-display_width(part) // max(1, across - 4))) for part in shown.split("\n"))
            height = LINE_HEIGHT * lines + 4
        ws.set_row(row, height)
    return len(sheet.title)


def _write_cell(ws: Any, row: int, col: int, value: Any, typed: Any, text: Any, quoted: Any) -> None:
    """One cell: numbers typed, text as a string (controls shown; quote-prefixed when formula-like)."""
    if value is None:
        ws.write_blank(row, col, None, typed)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, text)
    elif isinstance(value, Decimal):
        if exact_number(value):
            ws.write_number(row, col, normalise(value), typed)
        else:
            shown = fmt_wan(value)
            ws.write_string(row, col, shown, quoted if is_formula_like(shown) else text)
    elif isinstance(value, int):
        ws.write_number(row, col, Decimal(value), typed)
    else:
        shown = visible_cell(value)
        ws.write_string(row, col, shown, quoted if is_formula_like(shown) else text)
