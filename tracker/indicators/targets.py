"""What a published target (or baseline, or actual value) says, read from its text.

The five plans write their indicators' targets as text: ``1.2``, ``75``, ``100%``, ``>42``, ``≥30%``,
``不低于居民上年度人均消费支出增速``, ``基本建立`` → ``全面建立``, ``达标``, ``持证率≥98%〈其中持等级证≥80%〉``.
:func:`read_target` turns one into a :class:`Target` — a number (with a direction when the text bounds
it), a qualitative level on :data:`LEVELS`, or text it cannot read — and never raises: the verbatim
text is always kept, so nothing is lost by a reading that is too cautious.

Pure functions, exact ``Decimal`` (never float), no database and no UI.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NUMBER = "number"
AT_LEAST = "at_least"
AT_MOST = "at_most"
LEVEL = "level"
TEXT = "text"
KINDS: tuple[str, ...] = (NUMBER, AT_LEAST, AT_MOST, LEVEL, TEXT)

LEVELS: tuple[str, ...] = ("初步建立", "建立", "基本建立", "达标", "全面建立", "全面实施", "全面实现")
"""Qualitative levels, lowest first. A plan's path runs 建立 → 基本建立 → 全面建立 (Xiangtan's
elderly-care box: 基本养老服务清单制度 基本建立 in 2022, 全面建立 in 2025) and a system once built is then
全面实施 (its 康复辅助器具租赁服务制度: 建立 in 2022, 全面实施 in 2025); 达标 (Jiading's 未成年人救助保护机构
规范达标) is met once a standard is reached, between being set up and being everywhere."""

_AT_LEAST_WORDS = ("不低于", "不少于", "达到", "高于", "超过", "以上")
_AT_MOST_WORDS = ("不高于", "不超过", "低于", "以下", "控制在")
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")


@dataclass(frozen=True)
class Target:
    kind: str
    """One of :data:`KINDS`."""
    value: Decimal | None
    """The number of a number / at_least / at_most reading (a percentage as its number: 100% → 100)."""
    percent: bool
    """The text wrote a percentage."""
    level: int | None
    """For a level: its index in :data:`LEVELS`."""
    text: str
    """The text as published."""

    @property
    def is_numeric(self) -> bool:
        return self.value is not None


def ascii_text(text: str) -> str:
    """Full-width digits, signs and letters as ASCII (``＞４２`` → ``>42``), spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def read_number(text: str) -> tuple[Decimal | None, bool]:
    """The first number in ``text`` (thousands separators allowed) and whether a ``%`` follows it."""
    plain = ascii_text(text)
    match = _NUMBER.search(plain)
    if match is None:
        return None, False
    digits = match.group(1).replace(",", "") + (match.group(2) or "")
    try:
        value = Decimal(digits)
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None, False
    rest = plain[match.end() :]
    return value, rest.startswith("%")


def read_target(text: str) -> Target:
    """The reading of a published target, baseline or actual value; never raises."""
    raw = text if isinstance(text, str) else str(text)
    plain = ascii_text(raw)
    if not plain or plain in {"-", "---", "—", "/"}:
        return Target(TEXT, None, False, None, raw)
    level = _level_of(plain)
    if level is not None:
        return Target(LEVEL, None, False, level, raw)
    value, percent = read_number(plain)
    if value is None:
        return Target(TEXT, None, False, None, raw)
    head = plain[: plain.find(_first_digit(plain))]
    if head.endswith((">=", "≥", ">")) or any(w in head for w in _AT_LEAST_WORDS) or plain.endswith("以上"):
        kind = AT_LEAST
    elif head.endswith(("<=", "≤", "<")) or any(w in head for w in _AT_MOST_WORDS) or plain.endswith("以下"):
        kind = AT_MOST
    elif head and not re.fullmatch(r"[约~]?", head):
        kind = TEXT if len(head) > 6 else NUMBER  # 持证率≥98%… reads as at_least above; long prose stays text
    else:
        kind = NUMBER
    if kind == TEXT:
        return Target(TEXT, None, False, None, raw)
    return Target(kind, value, percent, None, raw)


def _first_digit(text: str) -> str:
    match = re.search(r"\d", text)
    return match.group(0) if match else ""


def _level_of(plain: str) -> int | None:
    """The level a text names: the longest word of :data:`LEVELS` it ends with (基本建立 is not 建立),
    when little else precedes it (``已全面建立`` yes, a sentence that ends in 建立 no)."""
    found = [i for i, word in enumerate(LEVELS) if plain.endswith(word) and len(plain) <= len(word) + 2]
    return max(found, key=lambda i: len(LEVELS[i])) if found else None


def satisfies(actual: Target, target: Target, *, rising: bool = True) -> bool | None:
    """Whether ``actual`` meets ``target`` (None: the two cannot be compared)."""
    if target.kind == LEVEL:
        return None if actual.level is None else actual.level >= (target.level or 0)
    if target.value is None or actual.value is None:
        if target.kind == TEXT and ascii_text(actual.text) == ascii_text(target.text):
            return True
        return None
    if target.kind == AT_LEAST:
        return actual.value >= target.value
    if target.kind == AT_MOST:
        return actual.value <= target.value
    return actual.value >= target.value if rising else actual.value <= target.value
