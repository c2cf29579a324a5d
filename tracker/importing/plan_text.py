"""Read a published key-project annex (附件 … 重点项目表) from plain text into plain data.

The published table was flattened to one cell a line, cells separated by blank lines, empty cells
written as a no-break space. Rows are found by recognising cells — the header, the 总计 row, the
category rows ``一、…(8个)``, and project rows that begin with their sequence number and carry a
start/finish year pair followed by two amounts — never by line numbers, so that another plan
published in the same shape imports too. Multi-line cells (several owners, a nature of ``新建`` /
``改建``, content over many lines) are recovered from their shape and reported.

This module only parses; :mod:`tracker.importing.load` writes the result to the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from tracker.errors import RefusedError
from tracker.money import MoneyError, parse_share, parse_wan

WHITESPACE = "\u00a0\u3000\u2002\u2003\u2009\t "
CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

HEADER_KEYS: tuple[tuple[str, str], ...] = (
    ("seq", "序号"),
    ("name", "项目名称"),
    ("nature", "建设性质"),
    ("owner", "建设主体"),
    ("content", "建设内容"),
    ("start", "开工"),
    ("finish", "竣工"),
    ("total", "总投资"),
    ("planned", "计划投资"),
    ("share", "占比"),
    ("note", "备注"),
)
"""The annex columns in published order, each recognised by a word its header cell contains."""

FIELD_LABELS = {key: word for key, word in HEADER_KEYS} | {
    "total": "总投资(万元)",
    "planned": "计划投资(万元)",
    "share": "社会投资占比(%)",
    "start": "开工年份",
    "finish": "竣工年份",
}

TITLE_RE = re.compile(r"^(?P<name>(?P<region>.*?)[“\"]?(?P<plan>十[一二三四五六七八九]五)[”\"]?.*?)重点项目表$")
TOTAL_RE = re.compile(r"^总计(?:项目)?\s*[(（]\s*(?P<count>\d+)\s*(?:个)?[)）]$")
CATEGORY_RE = re.compile(r"^(?P<ordinal>[一二三四五六七八九十]+)[、.．]\s*(?P<name>.+?)\s*[(（]\s*(?P<count>\d+)\s*个?\s*[)）]$")
SEQ_RE = re.compile(r"^[0-9]{1,4}$")
POINT_RE = r"[0-9]{4}(?:[.．年][0-9]{1,2}月?)?"
YEARS_RE = re.compile(rf"^(?P<first>{POINT_RE})(?:\s*[-–—~～至]\s*(?P<last>{POINT_RE}))?$")
NATURE_RE = re.compile(r"^(新建|改建|扩建|改扩建|续建|迁建)(或(新建|改建|扩建|改扩建|续建|迁建))?$")
LIST_MARKER_RE = re.compile(r"^(\d+[、.．)）]|[⑴-⒇①-⑳]|[(（]\d+[)）]|[一二三四五六七八九十]+、)")
SUMMARY_FIELDS = ("开工年份", "竣工年份", "总投资(万元)", "计划投资(万元)", "社会投资占比(%)", "备注")
NOT_OWNER_CHARS = set(",，。;；:：")
OWNER_MAX_LEN = 40


class PlanFormatError(RefusedError, ValueError):
    """The file is not a key-project annex, or a cell cannot be read. Names file, line and field."""

    def __init__(self, path: str, line: int | None, field_name: str | None, message: str) -> None:
        self.path, self.line, self.field_name, self.message = path, line, field_name, message
        where = f"{path}:{line}" if line else path
        what = f" {field_name}:" if field_name else ""
        super().__init__(f"{where}:{what} {message}")


@dataclass(frozen=True)
class Cell:
    """One table cell: the line it is on and its text, stripped (empty when the cell was blank)."""

    line: int
    raw: str

    @property
    def text(self) -> str:
        return self.raw.strip(WHITESPACE)

    @property
    def empty(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class Normalisation:
    """A cell the importer had to interpret; listed in the import report."""

    line: int
    code: str
    field: str
    kind: str
    """``range``, ``month``, ``multi-line``, ``percent``, ``spaces``."""
    raw: str
    value: str


@dataclass
class ParsedProject:
    category_ordinal: int
    seq: int
    name: str
    nature: str
    owner: str
    content: str
    note: str
    start_text: str
    finish_text: str
    start_year: int
    start_month: int | None
    finish_year: int
    finish_month: int | None
    total_investment: Decimal
    planned_investment: Decimal
    social_share_pct: Decimal | None
    first_line: int
    last_line: int

    @property
    def code(self) -> str:
        return f"{self.category_ordinal}-{self.seq}"


@dataclass
class ParsedCategory:
    ordinal: int
    name: str
    published_count: int
    published_total: Decimal | None
    published_planned: Decimal | None
    line: int


@dataclass
class ParsedPlan:
    name: str
    region: str
    period_start: int
    period_end: int
    published_count: int | None
    published_total: Decimal | None
    published_planned: Decimal | None
    source_document: str
    first_line: int
    last_line: int
    published_line: int | None = None
    """The line of the 总计 row, when the table has one."""
    categories: list[ParsedCategory] = field(default_factory=list)
    projects: list[ParsedProject] = field(default_factory=list)
    normalisations: list[Normalisation] = field(default_factory=list)


def read_text(path: Path) -> str:
    """The file as text; a non-UTF-8 file is an error naming the line of the first bad byte."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlanFormatError(str(path), None, None, f"cannot be read: {exc.strerror}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PlanFormatError(
            str(path), line, None, f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


def cells_of(text: str) -> list[Cell]:
    """Every non-blank line is a cell; a line holding only a no-break space is an empty cell."""
    return [Cell(number, line) for number, line in enumerate(text.splitlines(), start=1) if line != ""]


def five_year_period(plan: str) -> tuple[int, int]:
    """十四五 → (2021, 2025): the n-th five-year plan (n ≥ 3) starts in 1966 + 5·(n − 3)."""
    n = 10 + CN_DIGITS[plan[1]]
    start = 1966 + 5 * (n - 3)
    return start, start + 4


def cn_number(text: str) -> int:
    """一 … 十九 → 1 … 19."""
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN_DIGITS[text[1]]
    if text.endswith("十"):
        return CN_DIGITS[text[0]] * 10
    if "十" in text:
        tens, ones = text.split("十")
        return CN_DIGITS[tens] * 10 + CN_DIGITS[ones]
    return CN_DIGITS[text]


def parse_point(text: str) -> tuple[int, int | None]:
    """``2021`` → (2021, None); ``2021.8`` → (2021, 8)."""
    match = re.match(r"^([0-9]{4})(?:[.．年]([0-9]{1,2})月?)?$", text)
    if not match:  # pragma: no cover - guarded by YEARS_RE
        raise ValueError(text)
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    return year, month


Point = tuple[int, int | None]
"""A year and, when published, a month."""


def year_span(text: str) -> tuple[Point, Point]:
    """``2021``, ``2021.8`` or ``2021-2023`` → (first point, last point); ValueError says what is wrong.
    ASCII digits only, years within :data:`~tracker.bounds.MIN_YEAR`–:data:`~tracker.bounds.MAX_YEAR`.

    The importer and the edit form both read year cells with it, so both accept the same forms.
    """
    from tracker.bounds import MAX_YEAR, MIN_YEAR

    match = YEARS_RE.match(text.replace(" ", ""))
    if not match:
        raise ValueError(f"expected a year such as 2021, 2021.8 or 2021-2023, found {text!r}")
    first = parse_point(match.group("first"))
    last = parse_point(match.group("last")) if match.group("last") else first
    for year, month in (first, last):
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(f"year {year} in {text!r} is out of range ({MIN_YEAR}–{MAX_YEAR})")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"month {month} in {text!r} is not 1–12")
    if first[0] > last[0] or (first[0] == last[0] and (first[1] or 1) > (last[1] or 12)):
        raise ValueError(f"the range {text!r} runs backwards")
    return first, last


def is_years(cell: Cell) -> bool:
    return bool(YEARS_RE.match(cell.text.replace(" ", "")))


def is_amount(cell: Cell) -> bool:
    try:
        parse_wan(cell.text)
    except MoneyError:
        return False
    return True


def looks_like_owner(text: str) -> bool:
    """A builder's name: short, no sentence punctuation, not the start of a numbered list."""
    return (
        0 < len(text) <= OWNER_MAX_LEN
        and not (set(text) & NOT_OWNER_CHARS)
        and not LIST_MARKER_RE.match(text)
    )


def squeeze(text: str) -> str:
    """No-break spaces to spaces, runs of spaces to one, a lone space between CJK characters dropped."""
    for ch in WHITESPACE:
        text = text.replace(ch, " ")
    text = re.sub(r" {2,}", " ", text.strip())
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", text)


class _Parser:
    """Walks the cells of one document; holds only the cursor and what it has read so far."""

    def __init__(self, path: str, cells: list[Cell]) -> None:
        self.path = path
        self.cells = cells
        self.pos = 0
        self.notes: list[Normalisation] = []

    # -- cursor -------------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Cell | None:
        index = self.pos + offset
        return self.cells[index] if index < len(self.cells) else None

    def take(self, field_name: str, expected: str) -> Cell:
        cell = self.peek()
        if cell is None:
            last = self.cells[-1].line if self.cells else None
            raise PlanFormatError(self.path, last, field_name, f"the table ends here; expected {expected} (truncated?)")
        self.pos += 1
        return cell

    def error(self, cell: Cell, field_name: str | None, message: str) -> PlanFormatError:
        return PlanFormatError(self.path, cell.line, field_name, message)

    def note(self, cell: Cell, code: str, field_name: str, kind: str, raw: str, value: str) -> None:
        self.notes.append(Normalisation(cell.line, code, field_name, kind, raw, value))

    # -- structure ----------------------------------------------------------------------------
    def find_header(self) -> tuple[int, str]:
        """Position of the 序号 header cell and the title line above it."""
        for index, cell in enumerate(self.cells):
            if cell.text != "序号":
                continue
            window = [c.text for c in self.cells[index : index + len(HEADER_KEYS)]]
            if len(window) == len(HEADER_KEYS) and all(
                word in text for (_, word), text in zip(HEADER_KEYS, window, strict=True)
            ):
                title = next(
                    (c for c in reversed(self.cells[max(0, index - 4) : index]) if TITLE_RE.match(c.text)),
                    None,
                )
                if title is None:
                    raise self.error(cell, None, "found the table header but no title '…“十四五”…重点项目表' above it")
                self.pos = index + len(HEADER_KEYS)
                return index, title.text
        where = self.cells[0] if self.cells else None
        raise PlanFormatError(
            self.path,
            where.line if where else None,
            None,
            "not a key-project table: no header row 序号 / 项目名称 / 建设性质 / … / 备注 found",
        )

    def summary_cells(self, label: Cell) -> tuple[Decimal | None, Decimal | None, int]:
        """The rest of a 总计 or category row: its label spans 序号 … 主要建设内容, so six cells follow —
        start, finish, total, planned, share, note — of which only total and planned hold amounts."""
        rest = [self.take(name, f"the {name} cell of the row '{label.text}'") for name in SUMMARY_FIELDS]
        for cell, name in zip(rest, SUMMARY_FIELDS, strict=True):
            if name in ("总投资(万元)", "计划投资(万元)"):
                if not cell.empty and not is_amount(cell):
                    raise self.error(cell, name, f"expected an amount in 万元 in the row '{label.text}', found {cell.text!r}")
            elif not cell.empty:
                raise self.error(cell, name, f"expected an empty cell in the row '{label.text}', found {cell.text!r}")
        total = None if rest[2].empty else parse_wan(rest[2].text)
        planned = None if rest[3].empty else parse_wan(rest[3].text)
        return total, planned, rest[-1].line

    def row_starts_here(self, cell: Cell) -> bool:
        return bool(SEQ_RE.match(cell.text) or CATEGORY_RE.match(cell.text) or TOTAL_RE.match(cell.text))

    def parse(self, source_document: str) -> ParsedPlan:
        header_index, title = self.find_header()
        title_match = TITLE_RE.match(title)
        assert title_match is not None
        period_start, period_end = five_year_period(title_match.group("plan"))
        plan = ParsedPlan(
            name=title_match.group("name").strip(),
            region=title_match.group("region").strip() or "",
            period_start=period_start,
            period_end=period_end,
            published_count=None,
            published_total=None,
            published_planned=None,
            source_document=source_document,
            first_line=self.cells[header_index].line,
            last_line=self.cells[header_index].line,
        )
        first = self.peek()
        if first is not None and (m := TOTAL_RE.match(first.text)):
            self.pos += 1
            plan.published_count = int(m.group("count"))
            plan.published_line = first.line
            plan.published_total, plan.published_planned, plan.last_line = self.summary_cells(first)
        category: ParsedCategory | None = None
        while (cell := self.peek()) is not None:
            if m := CATEGORY_RE.match(cell.text):
                self.pos += 1
                total, planned, plan.last_line = self.summary_cells(cell)
                category = ParsedCategory(
                    ordinal=cn_number(m.group("ordinal")),
                    name=m.group("name").strip(),
                    published_count=int(m.group("count")),
                    published_total=total,
                    published_planned=planned,
                    line=cell.line,
                )
                if any(c.ordinal == category.ordinal for c in plan.categories):
                    raise self.error(cell, None, f"category {m.group('ordinal')} appears twice")
                plan.categories.append(category)
                continue
            expected_seq = 1 + sum(1 for p in plan.projects if category and p.category_ordinal == category.ordinal)
            if category is not None and cell.text == str(expected_seq):
                project = self.parse_project(category.ordinal, expected_seq)
                plan.projects.append(project)
                plan.last_line = project.last_line
                continue
            if category is not None and SEQ_RE.match(cell.text) and plan.projects:
                raise self.error(cell, "序号", f"expected project number {expected_seq} or a category row, found {cell.text}")
            break
        if not plan.categories:
            anchor = self.peek() or self.cells[-1]
            raise self.error(anchor, None, "the table has no category row like '一、儿童福利类项目(8个)'")
        self.check_complete(plan)
        plan.normalisations = self.notes
        return plan

    def check_complete(self, plan: ParsedPlan) -> None:
        """A table that stops at the end of the file short of its published counts was cut off."""
        if self.peek() is not None or not plan.projects:
            return
        last = plan.categories[-1]
        have = sum(1 for p in plan.projects if p.category_ordinal == last.ordinal)
        missing_in_category = have < last.published_count
        missing_in_total = plan.published_count is not None and len(plan.projects) < plan.published_count
        if missing_in_category or missing_in_total:
            raise PlanFormatError(
                self.path,
                self.cells[-1].line,
                None,
                f"the file ends after project {plan.projects[-1].code}, but category {last.ordinal} "
                f"lists {last.published_count} projects and the table {plan.published_count}: truncated table",
            )

    def parse_project(self, ordinal: int, seq: int) -> ParsedProject:
        code = f"{ordinal}-{seq}"
        seq_cell = self.take("序号", "the project number")
        name_cell = self.take("项目名称", "the project name")
        if name_cell.empty:
            raise self.error(name_cell, "项目名称", f"project {code} has no name")
        middle: list[Cell] = []
        while True:
            cell = self.take("开工年份", f"the start and finish years of project {code}")
            following = self.peek()
            if is_years(cell) and following is not None and is_years(following):
                start_cell = cell
                break
            if middle and cell.text == str(seq + 1):
                raise self.error(cell, "开工年份", f"project {code} has no start/finish years before the next project")
            middle.append(cell)
        finish_cell = self.take("竣工年份", "the finish year")
        total_cell = self.take("总投资(万元)", "the total investment")
        planned_cell = self.take("计划投资(万元)", "the planned investment")
        share_cell = self.take("社会投资占比(%)", "the social-capital share")
        note_cell = self.take("备注", "the note")

        nature, owner, content = self.split_middle(code, name_cell, middle)
        start_year, start_month, finish_year, finish_month = self.years(code, start_cell, finish_cell)
        share = self.share(code, share_cell)
        return ParsedProject(
            category_ordinal=ordinal,
            seq=seq,
            name=squeeze(name_cell.text),
            nature=nature,
            owner=owner,
            content=content,
            note=self.single(code, "备注", note_cell),
            start_text=start_cell.text,
            finish_text=finish_cell.text,
            start_year=start_year,
            start_month=start_month,
            finish_year=finish_year,
            finish_month=finish_month,
            total_investment=self.amount(code, "总投资(万元)", total_cell),
            planned_investment=self.amount(code, "计划投资(万元)", planned_cell),
            social_share_pct=share,
            first_line=seq_cell.line,
            last_line=note_cell.line,
        )

    # -- cells --------------------------------------------------------------------------------
    def single(self, code: str, field_name: str, cell: Cell) -> str:
        value = squeeze(cell.text)
        if value != cell.text:
            self.note(cell, code, field_name, "spaces", cell.raw, value)
        return value

    def split_middle(self, code: str, name_cell: Cell, middle: list[Cell]) -> tuple[str, str, str]:
        """Nature, owner and content from the cells between the name and the years.

        Nature cells come first and are from a small vocabulary; owner cells follow while they look
        like a builder's name, always leaving at least one cell for the content.
        """
        if not middle:
            raise self.error(name_cell, "建设性质", f"project {code} has no nature, owner or content cells")
        index = 0
        natures: list[Cell] = []
        while index < len(middle) and NATURE_RE.match(squeeze(middle[index].text)):
            natures.append(middle[index])
            index += 1
        if not natures and middle[0].empty:
            index = 1
        owners: list[Cell] = []
        while index < len(middle) - 1 and looks_like_owner(squeeze(middle[index].text)):
            owners.append(middle[index])
            index += 1
        contents = middle[index:]
        if not owners and len(contents) > 1:
            owners, contents = contents[:1], contents[1:]
        nature = "、".join(squeeze(c.text) for c in natures)
        if len(natures) > 1:
            self.note(natures[0], code, "建设性质", "multi-line", " / ".join(c.text for c in natures), nature)
        owner_parts: list[str] = []
        for cell in owners:
            parts = [squeeze(part) for part in re.split(f"[{WHITESPACE}]{{2,}}", cell.text) if part.strip(WHITESPACE)]
            owner_parts.extend(parts)
            joined = "、".join(parts)
            if joined != cell.text:
                self.note(cell, code, "项目建设主体", "spaces", cell.raw, joined)
        owner = "、".join(owner_parts)
        if len(owners) > 1:
            self.note(owners[0], code, "项目建设主体", "multi-line", " / ".join(c.text for c in owners), owner)
        content_lines: list[str] = []
        for cell in contents:
            pieces = [squeeze(p) for p in re.split(f"[{WHITESPACE}]{{2,}}", cell.text) if p.strip(WHITESPACE)]
            if "\n".join(pieces) != cell.text:
                self.note(cell, code, "主要建设内容和规模", "spaces", cell.raw, "\n".join(pieces))
            content_lines.extend(pieces)
        if len(contents) > 1:
            self.note(contents[0], code, "主要建设内容和规模", "multi-line", f"{len(contents)} lines", f"lines {contents[0].line}–{contents[-1].line}")
        return nature, owner, "\n".join(content_lines)

    def years(self, code: str, start: Cell, finish: Cell) -> tuple[int, int | None, int, int | None]:
        """A range gives its earliest point for the start and its latest for the finish."""
        (start_year, start_month), _ = self.points(code, "开工年份", start)
        _, (finish_year, finish_month) = self.points(code, "竣工年份", finish)
        return start_year, start_month, finish_year, finish_month

    def points(self, code: str, field_name: str, cell: Cell) -> tuple[Point, Point]:
        try:
            first, last = year_span(cell.text)
        except ValueError as exc:
            raise self.error(cell, field_name, str(exc)) from exc
        if first != last:
            self.note(cell, code, field_name, "range", cell.text, f"{first[0]}–{last[0]}")
        elif first[1] is not None:
            self.note(cell, code, field_name, "month", cell.text, f"year {first[0]}, month {first[1]}")
        return first, last

    def amount(self, code: str, field_name: str, cell: Cell) -> Decimal:
        try:
            return parse_wan(cell.text)
        except MoneyError as exc:
            raise self.error(cell, field_name, f"project {code}: expected an amount in 万元 such as 3460.44, found {cell.text!r}") from exc

    def share(self, code: str, cell: Cell) -> Decimal | None:
        if cell.empty:
            return None
        try:
            value = parse_share(cell.text)
        except MoneyError as exc:
            raise self.error(cell, "社会投资占比(%)", f"project {code}: expected a percentage such as 9.24%, found {cell.text!r}") from exc
        if cell.text.endswith(("%", "％")):
            self.note(cell, code, "社会投资占比(%)", "percent", cell.text, str(value))
        return value


def parse_plan_text(text: str, path: str = "<text>", source_document: str | None = None) -> ParsedPlan:
    """Parse the annex out of ``text``; ``path`` is used in error messages."""
    cells = cells_of(text)
    if not any(not c.empty for c in cells):
        raise PlanFormatError(path, None, None, "the file is empty")
    return _Parser(path, cells).parse(source_document or Path(path).name)


def parse_plan_file(path: Path) -> ParsedPlan:
    """Parse a plan text file (UTF-8) into plain data; raises :class:`PlanFormatError`."""
    return parse_plan_text(read_text(path), str(path), path.name)
