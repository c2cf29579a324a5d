"""Find every main-indicator table (主要指标) in a published plan's text and read its rows.

The published texts have one table cell per line, blank lines between. A table is found by its header
cells — never by line numbers: a ``序号`` cell followed by an indicator-name column (主要指标, 指标名称),
or an ``一级指标`` / ``二级指标`` pair — and its columns are given roles by their words (序号, 名称,
单位, 属性/指标属性/指标类型, 指标定义, “十三五”末期数, 2022目标值, 2025年目标值). Header words printed over
two lines (``2025年我市`` / ``目标值``, ``指标`` / ``类型``) are joined.

Rows of a table with a 序号 are told apart by the running number (1, 2, 3 …); a row with an attribute
column ends with its attribute cell (约束性, 预期值 …) and the columns after it. A cell a row lacks (the
Jiading table leaves 单位 out where there is none) is left empty and reported. A table without a 序号
(the elderly-care box) has group rows ``(一)兜底保障`` and rows of a fixed number of cells.

Tables that report a past period's completion (十三五 completion tables: 2015年数据 / 2020年目标值 /
完成情况 with provincial and city sub-columns) are recognised and skipped with a note: their
indicators belong to the previous plan. Everything the reader had to interpret is listed in
:attr:`IndicatorTableText.notes`; a cell it cannot place is an :class:`IndicatorFormatError` naming the
file and line. Pure: text in, dataclasses out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tracker.errors import RefusedError

NAME_HEADERS = ("主要指标", "指标名称", "二级指标")
SEQ_HEADERS = ("序号", "序 号")
ATTRIBUTE_RE = re.compile(r"^(约束|预期)(性|值)?$")
UNIT_IN_NAME = re.compile(r"[(（]([^()（）]{1,6})[)）]?$")
GROUP_RE = re.compile(r"^[(（][一二三四五六七八九十]+[)）]\s*\S")
HEADING_RE = re.compile(r"^([一二三四五六七八九十]+、|专栏|附件|第[一二三四五六七八九十]+[章节])")
CONTINUATIONS = ("目标值", "类型", "末期数", "(计算公式)")
MAX_CELL = 2000


class IndicatorFormatError(RefusedError):
    """A table of indicators that cannot be read as published (exit 1, like a malformed plan)."""


@dataclass(frozen=True)
class IndicatorRow:
    position: int
    seq: str
    group: str
    name: str
    unit: str
    attribute_text: str
    definition: str
    target_text: str
    baseline_text: str
    intermediate: dict[str, str]
    line: int
    extra: dict[str, str] = field(default_factory=dict)
    """Published cells with no column of their own, by header (a completion table's 省指标 …)."""
    actuals: dict[int, str] = field(default_factory=dict)
    """Actual values published in the text, by year (a completion table's 2020 市完成值)."""

    @property
    def attribute(self) -> str | None:
        if self.attribute_text.startswith("约束"):
            return "binding"
        if self.attribute_text.startswith("预期"):
            return "expected"
        return None


@dataclass
class IndicatorTableText:
    title: str
    columns: list[str]
    first_line: int
    last_line: int
    rows: list[IndicatorRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kind: str = "targets"
    """``targets``, ``completion`` or ``programme`` (see :class:`tracker.models.IndicatorTable`)."""
    target_year: int | None = None
    """The year of the targets when not the plan's last (a 十三五 completion table: 2020)."""
    baseline_year: int | None = None
    """The year of the baseline column when not the year before the plan's first (2015)."""


@dataclass
class PlanIndicators:
    """What one plan text holds: its title, region and period, and its indicator tables."""

    path: Path
    title: str
    region: str
    period: tuple[int, int]
    tables: list[IndicatorTableText]
    skipped: list[str]
    """Tables found but not imported, and why (``line 138: a 十三五 completion table``)."""


def cells(lines: Sequence[str]) -> list[tuple[int, str]]:
    """The non-blank lines as (line number from 1, text stripped)."""
    return [(i, text.strip()) for i, text in enumerate(lines, 1) if text.strip()]


def squeeze(text: str) -> str:
    return "".join(text.split())


PERIODS = {
    "十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030),
    "第十三个五年": (2016, 2020), "第十四个五年": (2021, 2025), "第十五个五年": (2026, 2030),
}


def plan_title(lines: Sequence[str]) -> tuple[str, str, tuple[int, int]]:
    """The plan's title line (``安岳县“十四五”民政事业发展规划``), its region and period."""
    for text in lines[:200]:
        line = text.strip()
        if len(line) <= 40 and line.endswith("规划") and "五" in line and not any(w in line for w in ("关于", "印发", "《")):
            for word, period in PERIODS.items():
                if word in line:
                    region = re.match(r"^(.+?(?:市|县|区|州|旗))", line)
                    return line.replace('"', "“", 1).replace('"', "”", 1), region.group(1) if region else "", period
    raise IndicatorFormatError("no plan title (a line such as 安岳县“十四五”民政事业发展规划) in the first 200 lines")


def role(header: str) -> str:
    """What a (joined) header cell holds."""
    h = squeeze(header)
    if h in ("序号",):
        return "seq"
    if h in ("主要指标", "指标名称", "二级指标"):
        return "name"
    if h == "一级指标":
        return "group"
    if h == "单位":
        return "unit"
    if h in ("属性", "指标属性", "指标类型"):
        return "attribute"
    if h.startswith("指标定义"):
        return "definition"
    if "末期" in h or re.fullmatch(r"20(15|20)年.*数据", h):
        return "baseline"
    match = re.fullmatch(r"(20\d\d)年?.*目标值", h)
    if match:
        return "target" if match.group(1) == "2025" else f"intermediate:{match.group(1)}"
    return "other"


def read_plan(path: Path) -> PlanIndicators:
    """Every indicator table of the plan text at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise IndicatorFormatError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    lines = text.splitlines()
    title, region, period = plan_title(lines)
    all_cells = cells(lines)
    tables: list[IndicatorTableText] = []
    skipped: list[str] = []
    i = 0
    while i < len(all_cells):
        line, cell = all_cells[i]
        start = _header_start(all_cells, i)
        if start is None:
            i += 1
            continue
        try:
            table, i = _read_table(path, all_cells, i)
        except _Skip as skip:
            skipped.append(f"line {line}: {skip}")
            i += 1
            continue
        tables.append(table)
    return PlanIndicators(path, title, region, period, tables, skipped)


class _Skip(Exception):
    pass


def _header_start(all_cells: list[tuple[int, str]], i: int) -> str | None:
    cell = squeeze(all_cells[i][1])
    following = [squeeze(c) for _, c in all_cells[i + 1 : i + 3]]
    if cell == "序号" and following and following[0] in NAME_HEADERS:
        return "seq"
    if cell == "一级指标" and following and following[0] == "二级指标":
        return "group"
    return None


def _title_above(all_cells: list[tuple[int, str]], i: int) -> str:
    for _, text in reversed(all_cells[max(0, i - 3) : i]):
        if "指标" in text and len(text) <= 60:
            return text
    return ""


def _read_header(all_cells: list[tuple[int, str]], i: int, grouped: bool) -> tuple[list[str], int, list[str]]:
    """The header cells (joined where printed over two lines) and the index of the first data cell."""
    raw: list[str] = []
    j = i
    while j < len(all_cells):
        text = squeeze(all_cells[j][1])
        if (not grouped and text == "1") or (grouped and GROUP_RE.match(all_cells[j][1])):
            break
        if len(raw) > 20:
            raise _Skip("a 序号 header with no first row")
        raw.append(text)
        j += 1
    joined: list[str] = []
    notes: list[str] = []
    for text in raw:
        if joined and (text in CONTINUATIONS or joined[-1].endswith("“十三五”") or joined[-1] in ("2025年", "2025年我市", "指标")):
            notes.append(f"header cells '{joined[-1]}' and '{text}' read as one: '{joined[-1] + text}'")
            joined[-1] += text
        else:
            joined.append(text)
    return joined, j, notes


def _read_table(path: Path, all_cells: list[tuple[int, str]], i: int) -> tuple[IndicatorTableText, int]:
    grouped = squeeze(all_cells[i][1]) == "一级指标"
    columns, j, notes = _read_header(all_cells, i, grouped)
    roles = [role(c) for c in columns]
    if "other" in roles or "target" not in roles:
        raise _Skip(f"a table of a past period's completion or of another shape ({' / '.join(columns)}): not imported")
    table = IndicatorTableText(_title_above(all_cells, i), columns, all_cells[i][0], all_cells[i][0], notes=notes)
    if grouped:
        j = _grouped_rows(path, all_cells, j, roles, table)
    else:
        j = _numbered_rows(path, all_cells, j, roles, table)
    return table, j


def _numbered_rows(
    path: Path, all_cells: list[tuple[int, str]], j: int, roles: list[str], table: IndicatorTableText
) -> int:
    """Rows that start with their 序号 1, 2, 3 …; returns the index after the table."""
    data_roles = roles[1:]
    has_attribute = "attribute" in data_roles
    before = data_roles[: data_roles.index("attribute")] if has_attribute else data_roles
    after = data_roles[data_roles.index("attribute") + 1 :] if has_attribute else []
    number = 1
    while j < len(all_cells) and squeeze(all_cells[j][1]) == str(number):
        seq_line = all_cells[j][0]
        j += 1
        taken: list[tuple[int, str]] = []
        if has_attribute:
            while j < len(all_cells) and not ATTRIBUTE_RE.match(squeeze(all_cells[j][1])):
                if len(taken) >= len(before) or _ends_table(all_cells[j][1]):
                    raise IndicatorFormatError(
                        f"{path}:{all_cells[j][0]}: indicator {number}: cell {all_cells[j][1][:40]!r} cannot be placed "
                        f"(expected at most {len(before)} cells before its attribute)"
                    )
                taken.append(all_cells[j])
                j += 1
            if j >= len(all_cells):
                raise IndicatorFormatError(f"{path}:{seq_line}: indicator {number} has no attribute cell (约束性/预期性)")
            attribute = all_cells[j]
            j += 1
            tail = all_cells[j : j + len(after)]
            j += len(after)
        else:
            attribute = (seq_line, "")
            tail = []
            while j < len(all_cells) and len(taken) < len(before) and squeeze(all_cells[j][1]) != str(number + 1):
                taken.append(all_cells[j])
                j += 1
        values = _place(path, number, seq_line, before, taken, table)
        values.update({r: c for r, (_, c) in zip(after, tail, strict=False)})
        table.rows.append(_row(len(table.rows) + 1, str(number), "", values, attribute[1], seq_line, table))
        table.last_line = (tail[-1] if tail else attribute if attribute[1] else taken[-1] if taken else (seq_line, ""))[0]
        number += 1
    if not table.rows:
        raise _Skip("a header with no rows")
    return j


def _place(
    path: Path, number: int, line: int, roles: list[str], taken: list[tuple[int, str]], table: IndicatorTableText
) -> dict[str, str]:
    """The cells before a row's attribute, given their roles; a missing optional cell (单位) is left empty."""
    values: dict[str, str] = {}
    if len(taken) == len(roles):
        return {r: c for r, (_, c) in zip(roles, taken, strict=True)}
    if not taken:
        raise IndicatorFormatError(f"{path}:{line}: indicator {number} has no name")
    optional = [r for r in roles if r == "unit"]
    if len(taken) == len(roles) - len(optional):
        kept = [r for r in roles if r not in optional]
        values = {r: c for r, (_, c) in zip(kept, taken, strict=True)}
        table.notes.append(f"line {taken[0][0]}: indicator {number} has no 单位 cell: its unit is left empty")
        return values
    raise IndicatorFormatError(
        f"{path}:{taken[0][0]}: indicator {number} has {len(taken)} cells before its attribute, expected {len(roles)}"
    )


def _grouped_rows(
    path: Path, all_cells: list[tuple[int, str]], j: int, roles: list[str], table: IndicatorTableText
) -> int:
    """Rows under group headings ``(一)兜底保障``, each of a fixed number of cells."""
    width = len([r for r in roles if r != "group"])
    group = ""
    while j < len(all_cells):
        line, text = all_cells[j]
        if GROUP_RE.match(text):
            group = text
            j += 1
            continue
        if _ends_table(text) or not group:
            break
        row = all_cells[j : j + width]
        if len(row) < width or any(GROUP_RE.match(c) or _ends_table(c) for _, c in row[1:]):
            raise IndicatorFormatError(f"{path}:{line}: indicator {text[:40]!r} has fewer than {width} cells")
        values = {r: c for r, (_, c) in zip([r for r in roles if r != "group"], row, strict=True)}
        table.rows.append(_row(len(table.rows) + 1, "", group, values, "", line, table))
        table.last_line = row[-1][0]
        j += width
    if not table.rows:
        raise _Skip("a header with no rows")
    return j


def _ends_table(text: str) -> bool:
    plain = text.strip()
    return bool(HEADING_RE.match(plain)) or len(plain) > 120 and not plain.startswith(("对", "按照", "在", "推动", "指", "区域", "全区", "社会组织", "养老", "助餐", "持证"))


def _row(
    position: int, seq: str, group: str, values: dict[str, str], attribute: str, line: int, table: IndicatorTableText
) -> IndicatorRow:
    name = values.get("name", "")
    unit = values.get("unit", "")
    if not unit:
        match = UNIT_IN_NAME.search(name)
        if match:
            unit = match.group(1)
            table.notes.append(f"line {line}: unit {unit!r} read from the name {name!r}")
    intermediate = {k.split(":", 1)[1]: v for k, v in values.items() if k.startswith("intermediate:")}
    for part in (name, unit, attribute, values.get("target", "")):
        if len(part) > MAX_CELL:
            raise IndicatorFormatError(f"line {line}: a cell of more than {MAX_CELL} characters")
    if attribute and not attribute.endswith("性"):
        table.notes.append(f"line {line}: attribute {attribute!r} read as {'binding' if attribute.startswith('约束') else 'expected'}")
    return IndicatorRow(
        position=position,
        seq=seq,
        group=group,
        name=name,
        unit=unit,
        attribute_text=attribute,
        definition=values.get("definition", ""),
        target_text=values.get("target", ""),
        baseline_text=values.get("baseline", ""),
        intermediate=intermediate,
        line=line,
    )
