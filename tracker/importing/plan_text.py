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

from tracker.bounds import MAX_TEXT_LENGTH, BoundsError, check_text
from tracker.errors import RefusedError
from tracker.money import MoneyError, parse_share, parse_wan
from tracker.safe_text import visible

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

TITLE_RE = re.compile(
    r"^(?P<name>(?P<region>.*?)[“\"]?(?P<plan>十[一二三四五六七八九]五)[”\"]?.*?)重点项目表"
    r"\s*(?:[(（][^()（）]*[)）])?$"
)
"""The annex title; a bracketed suffix such as ``(示例)`` or ``（2021—2025年）`` is not part of the plan's name."""
PERIOD_RE = re.compile(r"(?P<region>[^“\"]*)[“\"]?(?P<plan>十[一二三四五六七八九]五)")
TOTAL_RE = re.compile(r"^总计(?:项目)?\s*[(（]\s*(?P<count>[0-9]+)\s*(?:个)?[)）]$")
ORDINAL_RE = r"[一二三四五六七八九]|十[一二三四五六七八九]?|[二三四五六七八九]十[一二三四五六七八九]?"
CATEGORY_RE = re.compile(
    rf"^(?P<ordinal>{ORDINAL_RE})[、.．]\s*(?P<name>.+?)\s*(?:[(（]\s*(?P<count>[0-9]+)\s*个?\s*[)）])?$"
)
"""A category row: ``二、老年人福利类项目(50个)``; the count may be missing in another plan's table."""
SEQ_RE = re.compile(r"^[0-9]{1,4}$")
POINT_RE = r"[0-9]{4}(?:[.．年][0-9]{1,2}月?)?"
YEARS_RE = re.compile(rf"^(?P<first>{POINT_RE})(?:\s*[-–—~～至]\s*(?P<last>{POINT_RE}))?$")
NATURE_RE = re.compile(r"^(新建|改建|扩建|改扩建|续建|迁建)(或(新建|改建|扩建|改扩建|续建|迁建))?$")
LIST_MARKER_RE = re.compile(r"^([0-9]+[、.．)）]|[⑴-⒇①-⑳]|[(（][0-9]+[)）]|[一二三四五六七八九十]+、)")
SUMMARY_FIELDS = ("开工年份", "竣工年份", "总投资(万元)", "计划投资(万元)", "社会投资占比(%)", "备注")
AMOUNT_FIELDS = ("总投资(万元)", "计划投资(万元)")
MAX_MIDDLE = 60
"""At most this many cells (nature, owners, content lines) between a project's name and its years when
deciding whether a row starts somewhere (the bundled annex has at most 10)."""
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
    """Every non-blank line is a cell; a line holding only a no-break space is an empty cell.

    Lines end at LF (and CR LF) only, as ``sed`` and editors count them: other characters that
    :meth:`str.splitlines` would break at (form feed, U+2028, …) stay in their cell and are refused there.
    """
    lines = text.split("\n")
    return [
        Cell(number, line.removesuffix("\r")) for number, line in enumerate(lines, start=1) if line not in ("", "\r")
    ]


def five_year_period(plan: str) -> tuple[int, int]:
    """十四五 → (2021, 2025): the n-th five-year plan (n ≥ 3) starts in 1966 + 5·(n − 3)."""
    n = 10 + CN_DIGITS[plan[1]]
    start = 1966 + 5 * (n - 3)
    return start, start + 4


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cn_ordinal(number: int) -> str:
    """1 … 99 → 一 … 九十九 (the inverse of :func:`cn_number`), for messages that quote the table."""
    names = {v: k for k, v in CN_DIGITS.items()}
    tens, ones = divmod(number, 10)
    if tens == 0:
        return names.get(ones, str(number))
    head = "" if tens == 1 else names.get(tens, str(tens))
    return f"{head}十{names.get(ones, '') if ones else ''}"


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
        raise BoundsError.of("error.years.format", text=repr(text))  # a ValueError too
    first = parse_point(match.group("first"))
    last = parse_point(match.group("last")) if match.group("last") else first
    for year, month in (first, last):
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise BoundsError.of("error.years.year_range", year=year, text=repr(text), low=MIN_YEAR, high=MAX_YEAR)
        if month is not None and not 1 <= month <= 12:
            raise BoundsError.of("error.years.month", month=month, text=repr(text))
    if first[0] > last[0] or (first[0] == last[0] and (first[1] or 1) > (last[1] or 12)):
        raise BoundsError.of("error.years.backwards", text=repr(text))
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
    return 0 < len(text) <= OWNER_MAX_LEN and not (set(text) & NOT_OWNER_CHARS) and not LIST_MARKER_RE.match(text)


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

    def check_cell(self, cell: Cell, field_name: str) -> str:
        """The cell's text if it may be stored: no control characters, not over-long (:mod:`tracker.bounds`)."""
        try:
            return check_text(cell.text, field_name)
        except BoundsError as exc:
            raise self.error(cell, field_name, str(exc).removeprefix(f"{field_name}: ")) from exc

    def note(self, cell: Cell, code: str, field_name: str, kind: str, raw: str, value: str) -> None:
        self.notes.append(Normalisation(cell.line, code, field_name, kind, raw, value))

    # -- structure ----------------------------------------------------------------------------
    def find_header(self) -> tuple[int, Cell | None]:
        """Position of the 序号 header cell, and the title cell above it (None when there is none)."""
        for index in range(len(self.cells)):
            if self.is_header(index):
                title = next(
                    (c for c in reversed(self.cells[max(0, index - 4) : index]) if TITLE_RE.match(c.text)),
                    None,
                )
                self.pos = index + len(HEADER_KEYS)
                return index, title
        where = self.cells[0] if self.cells else None
        raise PlanFormatError(
            self.path,
            where.line if where else None,
            None,
            "not a key-project table: no header row 序号 / 项目名称 / 建设性质 / … / 备注 found",
        )

    def is_header(self, index: int) -> bool:
        """Whether the header row 序号 … 备注 starts at ``index``."""
        if self.cells[index].text != "序号":
            return False
        window = [c.text for c in self.cells[index : index + len(HEADER_KEYS)]]
        return len(window) == len(HEADER_KEYS) and all(
            word in text for (_, word), text in zip(HEADER_KEYS, window, strict=True)
        )

    def identity(self, header_index: int, title: Cell | None, name: str | None) -> tuple[str, str, int, int]:
        """The plan's name, region and period: from the title, else from ``name`` and the header.

        ``name`` (``--name``) always names the plan; without a title it is required, and the period
        is read from the “十X五” in the name or in the 计划投资 header cell.
        """
        header = self.cells[header_index]
        if title is not None:
            self.check_cell(title, "标题")
            match = TITLE_RE.match(title.text)
            assert match is not None
            start, end = five_year_period(match.group("plan"))
            return name or squeeze(match.group("name")), squeeze(match.group("region")), start, end
        if not name:
            raise self.error(
                header,
                None,
                "no title such as '湘潭市“十四五”民政事业发展规划重点项目表' above the table header; "
                "pass --name NAME to name the plan",
            )
        planned_header = self.cells[header_index + 8].text
        found = PERIOD_RE.search(name) or PERIOD_RE.search(planned_header)
        if found is None:
            raise self.error(
                header,
                None,
                f"cannot tell the plan's five-year period: no “十X五” in the name {name!r} or the header "
                f"{planned_header!r}",
            )
        start, end = five_year_period(found.group("plan"))
        region_match = PERIOD_RE.search(name)
        region = squeeze(region_match.group("region")) if region_match else ""
        return name, region, start, end

    def summary_cells(self, label: Cell) -> tuple[Decimal | None, Decimal | None, int]:
        """The rest of a 总计 or category row: its label spans 序号 … 主要建设内容, so six cells follow —
        start, finish, total, planned, share, note — of which only total and planned hold amounts."""
        rest = [self.take(name, f"the {name} cell of the row '{label.text}'") for name in SUMMARY_FIELDS]
        amounts: dict[str, Decimal | None] = {}
        for cell, name in zip(rest, SUMMARY_FIELDS, strict=True):
            if name in AMOUNT_FIELDS:
                amounts[name] = None if cell.empty else self.summary_amount(label, name, cell)
            elif not cell.empty:
                raise self.error(cell, name, f"expected an empty cell in the row '{label.text}', found {cell.text!r}")
        return amounts[AMOUNT_FIELDS[0]], amounts[AMOUNT_FIELDS[1]], rest[-1].line

    def summary_amount(self, label: Cell, field_name: str, cell: Cell) -> Decimal:
        try:
            return parse_wan(cell.text)
        except MoneyError as exc:
            raise self.error(cell, field_name, f"expected an amount in 万元 in the row '{label.text}' ({exc})") from exc

    # -- the shape of a row, without reading it --------------------------------------------------
    def summary_shape(self, index: int) -> bool:
        """Whether the six cells after ``index`` are what a 总计 or category row holds."""
        rest = self.cells[index + 1 : index + 1 + len(SUMMARY_FIELDS)]
        if len(rest) < len(SUMMARY_FIELDS):
            return False
        return all(
            cell.empty or (name in AMOUNT_FIELDS and is_amount(cell))
            for cell, name in zip(rest, SUMMARY_FIELDS, strict=True)
        )

    def project_shape(self, index: int) -> bool:
        """Whether a project row starts at ``index``: a number, then within :data:`MAX_MIDDLE` cells a
        start/finish pair followed by two amounts."""
        if not SEQ_RE.match(self.cells[index].text):
            return False
        last = min(index + 3 + MAX_MIDDLE, len(self.cells) - 3)
        return any(
            is_years(self.cells[j])
            and is_years(self.cells[j + 1])
            and is_amount(self.cells[j + 2])
            and is_amount(self.cells[j + 3])
            for j in range(index + 3, last)
        )

    def category_row_at(self, index: int) -> bool:
        match = CATEGORY_RE.match(self.cells[index].text)
        return match is not None and self.summary_shape(index)

    def row_follows(self, start: int, category: ParsedCategory | None) -> Cell | None:
        """The first cell from ``start`` on that starts a row of this table, if any.

        The search stops at the next table header or title: another annex may follow this one, and
        its rows are not this table's.
        """
        floor = category.ordinal if category else 0
        for index in range(start, len(self.cells)):
            cell = self.cells[index]
            if TITLE_RE.match(cell.text) or self.is_header(index):
                return None
            match = CATEGORY_RE.match(cell.text)
            if match and cn_number(match.group("ordinal")) > floor and self.summary_shape(index):
                return cell
            if TOTAL_RE.match(cell.text) and self.summary_shape(index):
                return cell
            if self.project_shape(index):
                return cell
        return None

    # -- the table ------------------------------------------------------------------------------
    def parse(self, source_document: str, name: str | None = None) -> ParsedPlan:
        """Read the table cell by cell; every cell up to the end of the table is placed or is an error.

        The table ends when the published counts are reached (the 总计 row's and each category's), or —
        for a table without counts — at a cell that cannot start a row, provided no row of the
        table follows it. A cell that cannot be placed before then is an error at its line.
        """
        header_index, title = self.find_header()
        plan_name, region, period_start, period_end = self.identity(header_index, title, name)
        plan = ParsedPlan(
            name=plan_name,
            region=region,
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
            complete = self.counts_reached(plan, category)
            kind = self.row_kind(cell, plan, category)
            if kind is not None and (not complete or self.shape_of(kind)):
                category = self.read_row(kind, plan, category)
                continue
            follows = self.row_follows(self.pos + 1, category)
            if follows is None:
                break  # the end of the table (check_counts says whether it came too early)
            if kind is not None:
                category = self.read_row(kind, plan, category)  # a malformed row: its own error says where
                continue
            raise self.unplaced(cell, plan, category, follows)
        if not plan.categories:
            anchor = self.peek() or self.cells[-1]
            raise self.error(anchor, None, "the table has no category row like '一、儿童福利类项目(8个)'")
        self.check_complete(plan)
        self.check_counts(plan)
        plan.normalisations = self.notes
        return plan

    def read_count(self, plan: ParsedPlan, category: ParsedCategory) -> int:
        return sum(1 for p in plan.projects if p.category_ordinal == category.ordinal)

    def counts_reached(self, plan: ParsedPlan, category: ParsedCategory | None) -> bool:
        """Whether every published count is reached (a count not published counts as reached)."""
        if category is None:
            return False
        in_category = category.published_count is None or self.read_count(plan, category) >= category.published_count
        in_total = plan.published_count is None or len(plan.projects) >= plan.published_count
        return in_category and in_total

    def row_kind(self, cell: Cell, plan: ParsedPlan, category: ParsedCategory | None) -> str | None:
        """``category`` or ``project`` when ``cell`` is the first cell of the row that may come next."""
        match = CATEGORY_RE.match(cell.text)
        if match and cn_number(match.group("ordinal")) == (category.ordinal + 1 if category else 1):
            return "category"
        if category is not None and cell.text == str(self.read_count(plan, category) + 1):
            return "project"
        return None

    def shape_of(self, kind: str) -> bool:
        return self.summary_shape(self.pos) if kind == "category" else self.project_shape(self.pos)

    def read_row(self, kind: str, plan: ParsedPlan, category: ParsedCategory | None) -> ParsedCategory:
        """Read the row at the cursor; return the category that rows after it belong to."""
        if kind == "category":
            return self.read_category(plan)
        assert category is not None
        project = self.parse_project(category.ordinal, self.read_count(plan, category) + 1)
        plan.projects.append(project)
        plan.last_line = project.last_line
        return category

    def read_category(self, plan: ParsedPlan) -> ParsedCategory:
        cell = self.take("分类", "a category row")
        match = CATEGORY_RE.match(cell.text)
        assert match is not None
        self.check_cell(cell, "分类")
        total, planned, plan.last_line = self.summary_cells(cell)
        category = ParsedCategory(
            ordinal=cn_number(match.group("ordinal")),
            name=squeeze(match.group("name")),
            published_count=int(match.group("count")) if match.group("count") else None,
            published_total=total,
            published_planned=planned,
            line=cell.line,
        )
        plan.categories.append(category)
        return category

    def unplaced(self, cell: Cell, plan: ParsedPlan, category: ParsedCategory | None, follows: Cell) -> PlanFormatError:
        """The error for a cell that is not the next row although rows of the table follow it."""
        found = "an empty cell" if cell.empty else repr(_clip(visible(cell.text, single_line=True)))
        match = CATEGORY_RE.match(cell.text)
        if match and category is not None and cn_number(match.group("ordinal")) <= category.ordinal:
            return self.error(
                cell,
                "分类",
                f"category {match.group('ordinal')} appears twice or out of order (after category "
                f"{cn_ordinal(category.ordinal)})",
            )
        if match:
            expected = cn_ordinal(category.ordinal + 1 if category else 1)
            return self.error(cell, "分类", f"expected category {expected} next, found {found}")
        if category is None:
            return self.error(cell, "序号", f"expected the first category row (一、…(N个)), found {found}")
        counts = self.progress_note(plan, category)
        after = f"rows of the table follow on line {follows.line}"
        if category.published_count is not None and self.read_count(plan, category) >= category.published_count:
            expected = f"the category row {cn_ordinal(category.ordinal + 1)}、… (is it missing?)"
        else:
            expected = f"project {self.read_count(plan, category) + 1} of category {cn_ordinal(category.ordinal)}"
            if category.published_count is None:
                expected += " or the next category row"
        return self.error(cell, "序号", f"expected {expected}, found {found}; {after} ({counts})")

    def progress_note(self, plan: ParsedPlan, category: ParsedCategory) -> str:
        """``category 二 lists 50, 1 read; the table lists 87, 9 read`` — where the reading stopped."""
        parts = []
        if category.published_count is not None:
            parts.append(
                f"category {cn_ordinal(category.ordinal)} lists {category.published_count}, {self.read_count(plan, category)} read"
            )
        if plan.published_count is not None:
            parts.append(f"the table lists {plan.published_count}, {len(plan.projects)} read")
        return "; ".join(parts) or "the table publishes no counts"

    def check_complete(self, plan: ParsedPlan) -> None:
        """A table that stops at the end of the file short of its published counts was cut off."""
        if self.peek() is not None or not plan.projects:
            return
        last = plan.categories[-1]
        if not self.counts_reached(plan, last):
            raise PlanFormatError(
                self.path,
                self.cells[-1].line,
                None,
                f"the file ends after project {plan.projects[-1].code}, but category {last.ordinal} "
                f"lists {last.published_count} projects and the table {plan.published_count}: truncated table",
            )

    def check_counts(self, plan: ParsedPlan) -> None:
        """Every published count (each category's ``(8个)``, the 总计 row's ``(87)``) equals the rows read."""
        wrong: list[tuple[int, str]] = []
        for category in plan.categories:
            have = self.read_count(plan, category)
            if category.published_count is not None and have != category.published_count:
                wrong.append(
                    (
                        category.line,
                        f"category {cn_ordinal(category.ordinal)} {category.name} (line {category.line}) lists "
                        + f"{category.published_count} projects, {have} read",
                    )
                )
        if plan.published_count is not None and len(plan.projects) != plan.published_count:
            wrong.append(
                (
                    plan.published_line or plan.first_line,
                    f"总计 (line {plan.published_line}) lists {plan.published_count} projects, {len(plan.projects)} read",
                )
            )
        if wrong:
            line = min(where for where, _ in wrong)
            raise PlanFormatError(
                self.path,
                line,
                "项目数",
                "the published counts do not match the rows read: " + "; ".join(m for _, m in wrong),
            )

    def parse_project(self, ordinal: int, seq: int) -> ParsedProject:
        code = f"{ordinal}-{seq}"
        seq_cell = self.take("序号", "the project number")
        name_cell = self.take("项目名称", "the project name")
        if name_cell.empty:
            raise self.error(name_cell, "项目名称", f"project {code} has no name")
        if SEQ_RE.match(name_cell.text):
            raise self.error(
                name_cell,
                "项目名称",
                f"project {code}: the name is a number ({name_cell.text}); is a line repeated or missing?",
            )
        if NATURE_RE.match(squeeze(name_cell.text)):
            raise self.error(
                name_cell,
                "项目名称",
                f"project {code}: the name is {name_cell.text!r}, a kind of construction (建设性质); is the name missing?",
            )
        self.check_cell(name_cell, "项目名称")
        middle: list[Cell] = []
        while True:
            cell = self.take("开工年份", f"the start and finish years of project {code}")
            following = self.peek()
            if is_years(cell) and following is not None and is_years(following):
                start_cell = cell
                break
            if middle and cell.text == str(seq + 1):
                raise self.error(cell, "开工年份", f"project {code} has no start/finish years before the next project")
            if TOTAL_RE.match(cell.text) or self.category_row_at(self.pos - 1):
                raise self.error(
                    cell, "开工年份", f"project {code} has no start/finish years before the row '{visible(cell.text)}'"
                )
            middle.append(cell)
        finish_cell = self.take("竣工年份", "the finish year")
        total_cell = self.take("总投资(万元)", "the total investment")
        planned_cell = self.take("计划投资(万元)", "the planned investment")
        share_cell = self.take("社会投资占比(%)", "the social-capital share")
        note_cell = self.take("备注", "the note")
        for cell, field_name in (
            (start_cell, "开工年份"),
            (finish_cell, "竣工年份"),
            (total_cell, "总投资(万元)"),
            (planned_cell, "计划投资(万元)"),
            (share_cell, "社会投资占比(%)"),
            (note_cell, "备注"),
        ):
            self.check_cell(cell, field_name)
        if note_cell.text == str(seq + 1) and self.project_shape(self.pos - 1):
            raise self.error(
                note_cell,
                "备注",
                f"project {code}: the note is {note_cell.text}, the number of the next project; is a cell of {code} missing?",
            )

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
        for cells, field_name in ((natures, "建设性质"), (owners, "项目建设主体"), (contents, "主要建设内容和规模")):
            for cell in cells:
                self.check_cell(cell, field_name)
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
            self.note(
                contents[0],
                code,
                "主要建设内容和规模",
                "multi-line",
                f"{len(contents)} lines",
                f"lines {contents[0].line}–{contents[-1].line}",
            )
        content = "\n".join(content_lines)
        if contents and len(content) > MAX_TEXT_LENGTH:
            raise self.error(
                contents[0],
                "主要建设内容和规模",
                f"project {code}: {len(content)} characters is more than {MAX_TEXT_LENGTH}",
            )
        return nature, owner, content

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
        """An amount in 万元 within the bounds of :func:`tracker.money.parse_wan`, or an error saying which."""
        try:
            return parse_wan(cell.text)
        except MoneyError as exc:
            raise self.error(
                cell, field_name, f"project {code}: expected an amount in 万元 such as 3460.44 ({exc})"
            ) from exc

    def share(self, code: str, cell: Cell) -> Decimal | None:
        if cell.empty:
            return None
        try:
            value = parse_share(cell.text)
        except MoneyError as exc:
            raise self.error(
                cell, "社会投资占比(%)", f"project {code}: expected a percentage such as 9.24% ({exc})"
            ) from exc
        if cell.text.endswith(("%", "％")):
            self.note(cell, code, "社会投资占比(%)", "percent", cell.text, str(value))
        return value


def parse_plan_text(
    text: str, path: str = "<text>", source_document: str | None = None, *, name: str | None = None
) -> ParsedPlan:
    """Parse the annex out of ``text``; ``path`` is used in error messages, ``name`` (``--name``) names the plan."""
    cells = cells_of(text)
    if not any(not c.empty for c in cells):
        raise PlanFormatError(path, None, None, "the file is empty")
    return _Parser(path, cells).parse(source_document or Path(path).name, name=name.strip() if name else None)


def parse_plan_file(path: Path, *, name: str | None = None) -> ParsedPlan:
    """Parse a plan text file (UTF-8) into plain data; raises :class:`PlanFormatError`."""
    return parse_plan_text(read_text(path), str(path), path.name, name=name)
