"""``tracker import-progress``: the districts' returns read back and recorded as one operation.

A return is a fill-in sheet of :mod:`tracker.sheets` filled in, or any table with the same kind of
columns — the monthly report's own CSV/xlsx included:

- files: xlsx (openpyxl, read-only, formulas not evaluated) or CSV (UTF-8 with or without a BOM,
  else GBK/GB18030: :func:`tracker.importing.csv_import.decode`);
- the header row is found by its cells in the first :data:`HEADER_SCAN_ROWS` rows (title rows
  above it are skipped): a 项目编码/``code`` column and at least one of the month's columns;
  headers are Chinese or English (:data:`HEADERS`), spaces and a ``(万元)`` unit ignored; other
  columns (序号, 类别, 总投资, 预警 …) are ignored; 小计/合计/总计 rows and blank rows are skipped;
- the month of a row: its 月份/``month`` cell, else a month named in the title rows
  (``2026年10月`` or ``2026-10``; dates such as ``2026-10-31`` are not months), else ``--month``.
  Sources that disagree are an error, and so is a second month in one import: one import records
  one month;
- rows are matched by code; a row whose 项目名称 does not match its project's name (whitespace
  ignored) is refused;
- a cell is checked as ``tracker progress`` checks the option (:mod:`tracker.progress`): amounts
  with at most two decimals within ±1,000,000 万元 (negative corrects an earlier month, the running
  total stays ≥ 0), one of the five statuses, bounded texts without control characters, no month
  after the as-of date. A formula (an xlsx formula cell, or CSV text starting with ``=``; ``'=…``
  is text), an error value, a boolean or a date where a number belongs, and a merged cell in a data
  row are refused. An empty cell keeps what the month already holds;
- a row whose 本月完成投资, 形象进度 and 存在问题 are empty and whose 状态 is empty (or the status the
  month would carry anyway) is not filled in: skipped and counted.

Everything is checked before anything is kept: every bad cell is reported as
``file:sheet:row:column: header: message`` (CSV has no sheets: ``-``; the row as a spreadsheet
numbers it, the column as a letter), and nothing is written. Then all rows of all files are recorded
in one transaction as ONE audited operation (``tracker undo`` removes them all); a row for a month
that already has a record corrects it (fields given replace, empty cells keep), and the result lists
each correction with its old and new values. ``dry_run`` does all of it and rolls back.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from tracker import audit
from tracker.bounds import BoundsError, check_text
from tracker.bounds import shown as cut
from tracker.db import transaction
from tracker.errors import RefusedError
from tracker.excel import unneutralise
from tracker.models import Project, Status
from tracker.progress import (
    Ledger,
    MonthInput,
    ProgressError,
    base_status,
    check_month,
    check_text_field,
    close_ledger,
    ledger_for,
    parse_amount,
    parse_status,
    plan_month,
    write_month,
)

HEADER_SCAN_ROWS = 30
MONTH_FIELDS = ("invested", "status", "progress_text", "problems")
"""The month's cells that make a row filled in (填报人 alone does not)."""
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("项目编码", "编码", "项目代码", "code"),
    "name": ("项目名称", "name"),
    "month": ("月份", "填报月份", "month"),
    "invested": ("本月完成投资", "invested_month", "invested"),
    "status": ("状态", "本月状态", "status"),
    "progress_text": ("形象进度", "progress_text"),
    "problems": ("存在问题", "problems"),
    "reporter": ("填报人", "reporter"),
}
"""Field → the headers that name it (compared without whitespace, a ``(万元)`` unit or case)."""
SUMMARY_WORDS = ("小计", "合计", "总计", "subtotal", "total")
_UNIT = re.compile(r"[（(]万元[)）]$")
_MONTH_ZH = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*日)")
_MONTH_DASH = re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})(?![\d-])")
_WHITESPACE = re.compile(r"\s+")
CHUNK = 500


def _header_key(text: str) -> str:
    return _UNIT.sub("", _WHITESPACE.sub("", text)).lower()


_FIELD_OF: dict[str, str] = {_header_key(alias): name for name, aliases in HEADERS.items() for alias in aliases}


def squeeze(text: str) -> str:
    """A name compared without any whitespace (an ideographic or no-break space, a line break)."""
    return _WHITESPACE.sub("", text)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --------------------------------------------------------------------------------------------
# errors and results


@dataclass(frozen=True)
class Where:
    """A cell: file, sheet (``-`` for CSV), row as a spreadsheet numbers it, column number."""

    file: str
    sheet: str
    row: int
    column: int
    order: tuple[int, int] = (0, 0)
    """(file index, sheet index): errors are listed in the order the files were given."""

    def __str__(self) -> str:
        return f"{self.file}:{self.sheet}:{self.row}:{column_letter(self.column)}"


@dataclass(frozen=True)
class ReturnError:
    where: Where | None
    message: str
    file: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where is not None else f"{self.file}: {self.message}"

    def key(self) -> tuple[Any, ...]:
        w = self.where
        return (0, 0, 0, 0) if w is None else (*w.order, w.row, w.column)


class ReturnsError(RefusedError, ValueError):
    """Bad cells or files; nothing was written. ``errors`` lists every one."""

    def __init__(self, errors: list[ReturnError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class FileRead:
    path: str
    kind: str
    """``xlsx`` or ``csv``."""
    encoding: str | None = None
    sheets: list[str] = field(default_factory=list)
    rows: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class Change:
    code: str
    month: str
    field: str
    old: Any
    new: Any


@dataclass
class ReturnsResult:
    files: list[FileRead]
    month: str | None
    rows: int = 0
    recorded: int = 0
    corrected: int = 0
    unchanged: int = 0
    skipped: int = 0
    changes: list[Change] = field(default_factory=list)
    corrected_codes: list[str] = field(default_factory=list)
    operation_id: int | None = None
    dry_run: bool = False


# --------------------------------------------------------------------------------------------
# reading cells


@dataclass(frozen=True)
class Cell:
    value: Any
    """str, int, float, bool, datetime or None, as the file holds it."""
    where: Where
    header: str
    kind: str = "v"
    """``v`` a value, ``f`` a formula, ``e`` an error value (#DIV/0!)."""


@dataclass
class Row:
    where: Where
    """The row's first cell."""
    cells: dict[str, Cell]


@dataclass
class Table:
    file: FileRead
    sheet: str
    columns: dict[str, tuple[int, str]]
    """Field → (column number, header text)."""
    header_row: int
    months: list[tuple[str, Where]]
    """Months named in the title rows above the header."""
    rows: list[Row]
    order: tuple[int, int]


class _Bad(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _find_header(
    raw_rows: Iterator[tuple[int, list[Cell]]], errors: list[ReturnError]
) -> tuple[dict[str, tuple[int, str]], int, list[tuple[str, Where]]] | None:
    """Scan the first rows for the header; collect months named above it."""
    months: list[tuple[str, Where]] = []
    for number, cells in raw_rows:
        if number > HEADER_SCAN_ROWS:
            return None
        found: dict[str, tuple[int, str]] = {}
        duplicate: list[ReturnError] = []
        for cell in cells:
            if not isinstance(cell.value, str):
                continue
            name = _FIELD_OF.get(_header_key(cell.value))
            if name is None:
                continue
            if name in found:
                duplicate.append(
                    ReturnError(
                        cell.where,
                        f"{cell.value.strip()}: a second column for {name} "
                        f"(first in column {column_letter(found[name][0])})",
                    )
                )
                continue
            found[name] = (cell.where.column, cell.value.strip())
        if "code" in found and any(f in found for f in MONTH_FIELDS):
            errors.extend(duplicate)
            return found, number, months
        for cell in cells:
            if isinstance(cell.value, str):
                months.extend((m, cell.where) for m in months_named(cell.value))
    return None


def months_named(text: str) -> list[str]:
    """The months a title names: ``2026年10月``, ``2026-10`` (not the dates ``2026-10-31``)."""
    found = []
    for pattern in (_MONTH_ZH, _MONTH_DASH):
        for match in pattern.finditer(text):
            year, number = int(match.group(1)), int(match.group(2))
            if 1 <= number <= 12:
                found.append(f"{year:04d}-{number:02d}")
    return found


def _table(
    file: FileRead,
    sheet: str,
    raw_rows: Iterator[tuple[int, list[Cell]]],
    order: tuple[int, int],
    errors: list[ReturnError],
) -> Table | None:
    header = _find_header(raw_rows, errors)
    if header is None:
        return None
    columns, header_row, months = header
    rows: list[Row] = []
    for number, cells in raw_rows:
        by_column = {c.where.column: c for c in cells}
        mapped: dict[str, Cell] = {}
        for name, (col, head) in columns.items():
            found = by_column.get(col)
            where = Where(file.path, sheet, number, col, order)
            mapped[name] = Cell(None, where, head) if found is None else Cell(found.value, where, head, found.kind)
        if not any(not _blank(c.value) for c in cells):
            continue
        code_text = mapped["code"].value
        if _is_summary(code_text) or (_blank(code_text) and any(_is_summary(c.value) for c in cells)):
            continue
        rows.append(Row(Where(file.path, sheet, number, 1, order), mapped))
    return Table(file, sheet, columns, header_row, months, rows, order)


def _is_summary(value: Any) -> bool:
    """A 小计/合计/总计 (subtotal, total) label: the report's summary rows are not projects."""
    return isinstance(value, str) and value.strip().lower().startswith(SUMMARY_WORDS)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_csv(path: Path, file: FileRead, index: int, errors: list[ReturnError]) -> list[Table]:
    from tracker.importing.csv_import import CsvImportError, decode

    try:
        data = path.read_bytes()
    except OSError as exc:
        errors.append(ReturnError(None, f"cannot read the file: {exc.strerror or exc}", file.path))
        return []
    try:
        text, encoding = decode(data, file.path)
    except CsvImportError:
        errors.append(ReturnError(None, "the file is neither UTF-8 nor GBK/GB18030 text", file.path))
        return []
    file.encoding = encoding
    file.sheets = ["-"]
    order = (index, 0)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)

    def raw_rows() -> Iterator[tuple[int, list[Cell]]]:
        number = 0
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                errors.append(ReturnError(Where(file.path, "-", number + 1, 1, order), f"not CSV: {exc}"))
                return
            number += 1
            yield number, [Cell(v, Where(file.path, "-", number, i, order), "") for i, v in enumerate(fields, 1)]

    rows = raw_rows()
    table = _table(file, "-", rows, order, errors)
    if table is None:
        errors.append(ReturnError(Where(file.path, "-", 1, 1, order), _no_header()))
        return []
    return [table]


def _no_header() -> str:
    return (
        f"no header row in the first {HEADER_SCAN_ROWS} rows: expected a 项目编码 (code) column and "
        "本月完成投资, 状态, 形象进度 or 存在问题"
    )


def _merged_ranges(ws: Any) -> list[tuple[int, int, int, int, str]]:
    """The merged ranges of a read-only worksheet (read from its XML; read-only mode does not keep them)."""
    import xml.etree.ElementTree as ET

    from openpyxl.utils.cell import range_boundaries

    found: list[tuple[int, int, int, int, str]] = []
    source = getattr(ws, "_get_source", None)
    if source is None:  # pragma: no cover - an openpyxl without it: merges go unchecked
        return found
    with source() as src:
        for _, element in ET.iterparse(src, events=("end",)):
            if element.tag.endswith("}mergeCell"):
                ref = element.get("ref") or ""
                try:
                    min_col, min_row, max_col, max_row = range_boundaries(ref)
                except (ValueError, TypeError):
                    continue
                found.append((min_row or 1, min_col or 1, max_row or 1, max_col or 1, ref))
            elif element.tag.endswith("}row"):
                element.clear()
    return found


def _read_xlsx(path: Path, file: FileRead, index: int, errors: list[ReturnError]) -> list[Table]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        errors.append(ReturnError(None, f"not an xlsx workbook ({exc.__class__.__name__})", file.path))
        return []
    tables: list[Table] = []
    try:
        for sheet_index, ws in enumerate(workbook.worksheets):
            name = ws.title
            order = (index, sheet_index)

            def raw_rows(
                ws: Any = ws, name: str = name, order: tuple[int, int] = order
            ) -> Iterator[tuple[int, list[Cell]]]:
                for number, row in enumerate(ws.iter_rows(min_row=1), start=1):
                    cells = []
                    for column, cell in enumerate(row, start=1):
                        value = getattr(cell, "value", None)
                        if value is None:
                            continue
                        kind = getattr(cell, "data_type", "n")
                        cells.append(
                            Cell(
                                value, Where(file.path, name, number, column, order), "", kind if kind in "fe" else "v"
                            )
                        )
                    yield number, cells

            table = _table(file, name, raw_rows(), order, errors)
            if table is None:
                continue
            file.sheets.append(name)
            for min_row, min_col, max_row, max_col, ref in _merged_ranges(ws):
                if max_row <= table.header_row:
                    continue
                errors.append(
                    ReturnError(
                        Where(file.path, name, max(min_row, table.header_row + 1), min_col, order),
                        f"merged cells {ref}: unmerge them; each project's row needs cells of its own",
                    )
                )
            tables.append(table)
    finally:
        workbook.close()
    if not tables:
        first = workbook.sheetnames[0] if workbook.sheetnames else "-"
        errors.append(ReturnError(Where(file.path, first, 1, 1, (index, 0)), _no_header()))
    return tables


def read_file(path: Path, index: int, errors: list[ReturnError]) -> tuple[FileRead, list[Table]]:
    """The tables of one file (xlsx by its extension or its zip signature, else CSV)."""
    shown = str(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        errors.append(ReturnError(None, "an old .xls workbook: save it as .xlsx or .csv", shown))
        return FileRead(shown, "xls"), []
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        errors.append(ReturnError(None, f"cannot read the file: {exc.strerror or exc}", shown))
        return FileRead(shown, "?"), []
    if suffix in (".xlsx", ".xlsm") or magic.startswith(b"PK\x03\x04"):
        file = FileRead(shown, "xlsx")
        return file, _read_xlsx(path, file, index, errors)
    file = FileRead(shown, "csv")
    return file, _read_csv(path, file, index, errors)


# --------------------------------------------------------------------------------------------
# checking cells


def _cell_text(cell: Cell, *, csv_text: bool) -> str:
    """A cell's text; :class:`_Bad` for a formula, an error value or a boolean."""
    value = cell.value
    if cell.kind == "f":
        raise _Bad(f"a formula ({cut(value, 30)}); type the value instead")
    if cell.kind == "e":
        raise _Bad(f"an error value ({cut(value, 20)})")
    if value is None:
        return ""
    if isinstance(value, bool):
        raise _Bad(f"a true/false value ({value}); expected text")
    if isinstance(value, datetime | date):
        return value.isoformat()[:10] if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float):
        return _float_text(value)
    text = str(value)
    if csv_text:
        if text.lstrip()[:1] in ("=", "\uff1d"):
            raise _Bad(
                f"looks like a formula ({cut(text, 30)}); to keep it as text write '{cut(text, 20, quote=False)}"
            )
        text = unneutralise(text)
    return text


def _float_text(value: float) -> str:
    """A number from an xlsx as the decimal text that shows it (repr: shortest round-trip), never a float sum."""
    if not math.isfinite(value):
        raise _Bad("not a number")
    text = repr(value)
    if "e" in text or "E" in text:
        return format(Decimal(text), "f")
    return text.removesuffix(".0")


def _amount(cell: Cell, *, csv_text: bool) -> Decimal | None:
    value = cell.value
    if cell.kind in "fe":
        _cell_text(cell, csv_text=csv_text)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | datetime | date):
        raise _Bad(f"{cut(value)} is not a number (万元)")
    try:
        if isinstance(value, int):
            return parse_amount(Decimal(value))
        if isinstance(value, float):
            return parse_amount(Decimal(_float_text(value)))
        return parse_amount(_cell_text(cell, csv_text=csv_text))
    except ProgressError as exc:
        raise _Bad(exc.message) from exc


def _month_of(cell: Cell, *, csv_text: bool) -> str | None:
    value = cell.value
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"  # Excel turns 2026-10 into 1 October 2026
    text = _cell_text(cell, csv_text=csv_text).strip()
    if not text:
        return None
    named = months_named(text)
    if len(named) == 1 and len(text) <= 12:
        return named[0]
    try:
        return check_month(text)
    except ProgressError as exc:
        raise _Bad(exc.message) from exc


@dataclass
class _Entry:
    row: Row
    code: str
    name: str | None
    month: str
    month_where: Where | None
    input: MonthInput
    filled: bool


def _check_row(
    row: Row, csv_text: bool, default_month: tuple[str, Where | None] | None, errors: list[ReturnError]
) -> _Entry | None:
    """One row's cells checked (no database yet); None (errors added) when a cell is bad."""
    before = len(errors)
    values: dict[str, Any] = {}

    def bad(name: str, message: str) -> None:
        cell = row.cells[name]
        errors.append(ReturnError(cell.where, f"{cell.header}: {message}"))

    for name, cell in row.cells.items():
        try:
            if name == "invested":
                values[name] = _amount(cell, csv_text=csv_text)
            elif name == "month":
                values[name] = _month_of(cell, csv_text=csv_text)
            elif name == "code" and isinstance(cell.value, datetime | date):
                raise _Bad(
                    f"{cell.value:%Y-%m-%d} is a date, not a project code: was it turned into a date by a spreadsheet?"
                )
            else:
                values[name] = _cell_text(cell, csv_text=csv_text)
        except _Bad as exc:
            bad(name, exc.message)
    if len(errors) > before:
        return None
    code = values["code"].strip()
    if not code:
        bad("code", "is empty; each row needs its project's code")
        return None
    try:
        check_text(code, "code", multiline=False)
        name = values.get("name")
        if name is not None:
            check_text(name.strip(), "name", multiline=False)
    except BoundsError as exc:
        bad("code" if str(exc).startswith("code") else "name", str(exc).split(": ", 1)[-1])
        return None
    status = progress_text = problems = None
    reporter = ""
    for key in ("status", "progress_text", "problems", "reporter"):
        text = values.get(key)
        if text is None or not text.strip():
            continue
        try:
            if key == "status":
                status = parse_status(text)
            elif key == "reporter":
                reporter = check_text_field("reporter", text, multiline=False)
            elif key == "progress_text":
                progress_text = check_text_field(key, text)
            else:
                problems = check_text_field(key, text)
        except ProgressError as exc:
            bad(key, exc.message)
    if len(errors) > before:
        return None
    month_where: Where | None
    month = values.get("month")
    if month is not None:
        month_where = row.cells["month"].where
        if default_month is not None and default_month[0] != month:
            source = f"the title ({default_month[1]})" if default_month[1] is not None else "--month"
            bad("month", f"{month} differs from {default_month[0]} given by {source}")
            return None
    elif default_month is not None:
        month, month_where = default_month
    else:
        bad("code", "no month for this row: no 月份 column, no month in the title rows; give --month YYYY-MM")
        return None
    entry = MonthInput(month, status, values.get("invested"), progress_text, problems, reporter)
    filled = any(getattr(entry, k) is not None for k in ("status", "invested", "progress_text", "problems"))
    return _Entry(row, code, values.get("name"), month, month_where, entry, filled)


def _table_month(table: Table, option: str | None, errors: list[ReturnError]) -> tuple[str, Where | None] | None:
    """The month the title rows name (one, agreeing with ``--month``), else ``--month``, else None."""
    named = {m for m, _ in table.months}
    if option is not None:
        for m, where in table.months:
            if m != option:
                errors.append(ReturnError(where, f"the title names {m}, not --month {option}"))
                return None
        return option, None
    if len(named) > 1:
        first, *_ = table.months
        other = next((m, w) for m, w in table.months if m != first[0])
        errors.append(
            ReturnError(other[1], f"the title rows name {first[0]} ({first[1]}) and {other[0]}; give --month YYYY-MM")
        )
        return None
    if named:
        month, where = table.months[0]
        return month, where
    return None


# --------------------------------------------------------------------------------------------
# the import


def _projects(session: Session, codes: Sequence[str]) -> dict[str, list[Project]]:
    found: dict[str, list[Project]] = {}
    unique = sorted(set(codes))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start : start + CHUNK]
        for project in session.exec(select(Project).where(Project.code.in_(chunk))):  # type: ignore[attr-defined]
            found.setdefault(project.code, []).append(project)
    return found


def import_returns(
    engine: Engine,
    paths: Sequence[Path],
    *,
    month: str | None = None,
    as_of: date | None = None,
    actor: str = "",
    dry_run: bool = False,
) -> ReturnsResult:
    """Read, check and record the returns in ``paths`` as one operation (nothing on any error or a dry run).

    ``month`` (``--month``) is the month of rows whose file names none; ``as_of`` refuses later months.
    Raises :class:`ReturnsError` listing every bad cell.
    """
    errors: list[ReturnError] = []
    if month is not None:
        month = check_month(month)
    files: list[FileRead] = []
    entries: list[_Entry] = []
    for index, path in enumerate(paths):
        file, tables = read_file(Path(path), index, errors)
        files.append(file)
        for table in tables:
            before = len(errors)
            default = _table_month(table, month, errors)
            if len(errors) > before:
                continue  # the title's month is wrong: reported once, not on every row
            for row in table.rows:
                file.rows += 1
                entry = _check_row(row, file.kind == "csv", default, errors)
                if entry is None:
                    continue
                if not entry.filled:
                    file.skipped += 1
                    continue
                entries.append(entry)

    # one month per import, not after the as-of date
    months = {e.month for e in entries}
    chosen = month or (min(months) if months else None)
    if len(months) > 1:
        first = next(e for e in entries if e.month == chosen)
        for e in entries:
            if e.month != chosen:
                where = e.month_where or e.row.cells["code"].where
                errors.append(
                    ReturnError(
                        where,
                        f"month {e.month} differs from {chosen} ({first.month_where or first.row.where}); "
                        "one import records one month",
                    )
                )
                break
    if chosen is not None and as_of is not None:
        try:
            check_month(chosen, as_of)
        except ProgressError as exc:
            where = next((e.month_where for e in entries if e.month_where is not None), None)
            if where is None:
                errors.append(ReturnError(None, exc.message, "--month"))
            else:
                errors.append(ReturnError(where, f"month: {exc.message}"))

    result = ReturnsResult(files, chosen, dry_run=dry_run)
    result.rows = sum(f.rows for f in files)
    result.skipped = sum(f.skipped for f in files)
    if errors:
        raise ReturnsError(sorted(errors, key=ReturnError.key))

    with transaction(engine, commit=not dry_run) as session:
        _record(session, entries, result, errors, actor)
        if errors:
            raise ReturnsError(sorted(errors, key=ReturnError.key))
    if dry_run:
        result.operation_id = None
    return result


def _record(
    session: Session, entries: list[_Entry], result: ReturnsResult, errors: list[ReturnError], actor: str
) -> None:
    projects = _projects(session, [e.code for e in entries])
    ledgers: dict[int, Ledger] = {}
    seen: dict[tuple[int, str], Where] = {}
    op = None
    actor = actor or audit.current_actor()
    for e in entries:
        code_cell = e.row.cells["code"]
        found = projects.get(e.code, [])
        if not found:
            errors.append(ReturnError(code_cell.where, f"{code_cell.header}: no project {cut(e.code)}"))
            continue
        if len(found) > 1:
            errors.append(ReturnError(code_cell.where, f"{code_cell.header}: {e.code} is a code in several plans"))
            continue
        project = found[0]
        if e.name is not None and e.name.strip() and squeeze(e.name) != squeeze(project.name):
            cell = e.row.cells["name"]
            errors.append(
                ReturnError(
                    cell.where,
                    f"{cell.header}: {cut(e.name.strip(), 60)} is not the name of project {project.code} "
                    f"({project.name}); check the code",
                )
            )
            continue
        assert project.id is not None
        key = (project.id, e.month)
        if key in seen:
            errors.append(
                ReturnError(
                    code_cell.where,
                    f"{code_cell.header}: {project.code} {e.month} appears twice (first at {seen[key]})",
                )
            )
            continue
        seen[key] = code_cell.where
        ledger = ledgers.get(project.id)
        if ledger is None:
            ledger = ledgers[project.id] = ledger_for(session, project)
        try:
            planned = plan_month(ledger, e.input)
        except ProgressError as exc:
            name = exc.field if exc.field in e.row.cells else "code"
            cell = e.row.cells.get(name, code_cell)
            errors.append(ReturnError(cell.where, f"{cell.header}: {exc.message}"))
            continue
        if planned.existing is None and _nothing_new(e.input, planned.values["status"], ledger, e.month):
            result.skipped += 1
            for f in result.files:
                if f.path == e.row.where.file:
                    f.skipped += 1
            continue
        if not planned.changed:
            result.unchanged += 1
            continue
        if planned.existing is None:
            result.recorded += 1
        else:
            result.corrected += 1
            result.corrected_codes.append(project.code)
        for name, (old, new) in planned.changed.items():
            result.changes.append(Change(project.code, e.month, name, old, new))
        if errors:
            continue  # nothing will be kept; go on checking the other rows
        if op is None:
            op = audit.begin(session, "import-progress", "import-progress", actor)
        write_month(session, op, planned, e.input.reporter or actor)
    if errors or op is None:
        return
    for ledger in ledgers.values():
        close_ledger(session, op, ledger)
    names = Path(result.files[0].path).name if len(result.files) == 1 else f"{len(result.files)} files"
    op.summary = (
        f"import-progress {result.month}: {result.recorded} recorded, {result.corrected} corrected from {names}"
    )[:500]
    session.flush()
    result.operation_id = op.id


def _nothing_new(entry: MonthInput, status: str, ledger: Ledger, month: str) -> bool:
    """A new month with no amount and no text whose status is the one it would carry anyway: not filled in."""
    if entry.invested is not None or entry.progress_text is not None or entry.problems is not None:
        return False
    earlier = [r for r in ledger.records if r.month < month]
    return status == base_status(ledger.project, ledger.records, earlier)


def status_label(value: Any) -> Any:
    try:
        return Status(value).zh
    except ValueError:
        return value
