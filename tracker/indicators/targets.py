"""Reading an indicator's published target (or baseline, or actual value) from its verbatim text.

Why a module of its own: the importer, ``tracker indicator record``, the status rules and the
evaluation report must all read ``>42``, ``不低于90%`` or ``基本建立`` the same way. :func:`read_target`
never raises: a text it cannot read is kept as kind ``"text"`` (nothing lost, the verbatim text stays).

Readings (the text is first NFKC-normalised, so full-width ``＞４２％`` reads as ``>42%``):

- ``1.2``, ``75``, ``12,000``, ``1.2万人``, ``35张`` → kind ``number`` (the unit after the number is
  dropped: the indicator's unit says it; ``万`` is part of that unit, never multiplied);
- ``100%`` → ``number`` 100 with ``percent`` true;
- ``>42``, ``超过30%``, ``高于…``, ``大于…`` → ``at_least`` with ``strict`` true;
  ``≥90%``, ``不低于90%``, ``不少于…``, ``达到…``, ``至少…``, ``95%以上`` → ``at_least``;
- ``<…``, ``低于…``, ``少于…`` → ``at_most`` with ``strict``; ``≤…``, ``不超过50%``, ``不高于…``,
  ``不多于…``, ``…以内``, ``…以下`` → ``at_most``;
- ``基本建立``, ``全面建立``, ``建立``, ``全面实施`` … (see :data:`LEVELS`) → ``level``;
- anything else (``不低于居民上年度人均消费支出增速``: a bound against another quantity, ``---``,
  ``35%和17%``) → ``text``; a bound without a number gets a ``note`` saying so.

All numbers are :class:`~decimal.Decimal`, never float.
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

LEVELS: tuple[str, ...] = (
    "初步建立",
    "初步形成",
    "初步建成",
    "逐步建立",
    "逐步形成",
    "建立",
    "形成",
    "建成",
    "实施",
    "基本建立",
    "基本形成",
    "基本建成",
    "基本实现",
    "达标",
    "普遍建立",
    "全面建立",
    "全面形成",
    "全面建成",
    "全面实施",
    "全面实现",
)
"""Qualitative levels, weakest first.

The order is by degree first — 初步 (initially) < 逐步 (gradually) < no qualifier < 基本 (basically)
< 普遍 (generally) < 全面 (fully) — and within a degree by stage of the thing: set up (建立 / 形成 /
建成) < put in force (实施) < achieved (实现). 达标 (Jiading's 未成年人救助保护机构规范达标: a standard
reached) sits after 基本实现 and before 普遍 / 全面. That is how the plans themselves step a target: Xiangtan's
elderly-care table goes 基本建立 (2022) → 全面建立 (2025) and 建立 (2022) → 全面实施 (2025), and its text
says a framework is 初步建立 by 2020 and 基本建立 later. A level is reached when the actual level's index
is at least the target's.
"""

_LEVEL_INDEX = {text: index for index, text in enumerate(LEVELS)}

# Longest first, so that 不低于 is not read as 低于.
_PREFIXES: tuple[tuple[str, str, bool], ...] = (
    ("不低于", "at_least", False),
    ("不少于", "at_least", False),
    ("不小于", "at_least", False),
    ("不超过", "at_most", False),
    ("不高于", "at_most", False),
    ("不多于", "at_most", False),
    ("不大于", "at_most", False),
    ("超过", "at_least", True),
    ("高于", "at_least", True),
    ("大于", "at_least", True),
    ("多于", "at_least", True),
    ("达到", "at_least", False),
    ("至少", "at_least", False),
    ("低于", "at_most", True),
    ("少于", "at_most", True),
    ("小于", "at_most", True),
    (">=", "at_least", False),
    ("<=", "at_most", False),
    ("≥", "at_least", False),
    ("≤", "at_most", False),
    ("⩾", "at_least", False),
    ("⩽", "at_most", False),
    (">", "at_least", True),
    ("<", "at_most", True),
)
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("以上", "at_least"),
    ("及以上", "at_least"),
    ("以内", "at_most"),
    ("以下", "at_most"),
    ("及以下", "at_most"),
)
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(%?)(.*)$", re.DOTALL)
_UNIT = re.compile(r"^(?:[万亿千百]?[^\d\s.,%<>=≥≤]{0,4})$")
"""What may follow the number: a short unit such as 万人, 张, 个, 户, 万元 — not more words."""


@dataclass(frozen=True)
class Target:
    """One reading of a target cell. ``text`` is always the verbatim cell (nothing lost)."""

    kind: str
    """One of :data:`KINDS`."""
    value: Decimal | None
    """The number for number / at_least / at_most (a percentage as its number: ``100%`` → 100)."""
    percent: bool
    """The text was a percentage."""
    level: int | None
    """For kind ``level``: the index in :data:`LEVELS`."""
    text: str
    """The verbatim text."""
    strict: bool = False
    """For at_least / at_most: the bound itself does not satisfy it (``>42``, ``超过30%``)."""
    note: str = ""
    """Why a text that looks like a bound was kept as ``text`` (it bounds against another quantity)."""

    @property
    def is_numeric(self) -> bool:
        """The reading has a number (number, at_least, at_most)."""
        return self.value is not None


def normalise(text: str) -> str:
    """``text`` NFKC-normalised (full-width digits and signs as ASCII) with all whitespace removed."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace())


def ascii_text(text: str) -> str:
    """Full-width digits and signs as ASCII, spaces dropped (the name the indicator store uses)."""
    return normalise(text)


def read_number(text: str) -> tuple[Decimal | None, bool]:
    """The number a whole cell gives (a bound's or a plain number's) and whether it is a percentage;
    ``(None, False)`` when the cell is not one number."""
    target = read_target(text)
    return target.value, target.percent


def satisfies(actual: Target, target: Target, *, rising: bool = True) -> bool | None:
    """Whether ``actual`` meets ``target``; None when the two cannot be compared (no number or level).

    A ``number`` target is reached from below when ``rising``, from above otherwise; strict bounds
    (``>42``) are not met by the bound itself; a ``text`` target only by the same text."""
    if target.kind == LEVEL:
        return None if actual.level is None else actual.level >= (target.level or 0)
    if target.value is None or actual.value is None:
        if target.kind == TEXT and normalise(actual.text) == normalise(target.text):
            return True
        return None
    if target.kind == AT_LEAST:
        return actual.value > target.value if target.strict else actual.value >= target.value
    if target.kind == AT_MOST:
        return actual.value < target.value if target.strict else actual.value <= target.value
    return actual.value >= target.value if rising else actual.value <= target.value


def _read_number(rest: str) -> tuple[Decimal, bool] | None:
    """The number at the start of ``rest`` and whether it is a percentage, if only a unit follows."""
    match = _NUMBER.match(rest)
    if match is None:
        return None
    sign, whole, fraction, pct, unit = match.groups()
    if unit and not _UNIT.match(unit):
        return None
    try:
        value = Decimal(sign + whole.replace(",", "") + (fraction or ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None
    return value, bool(pct)


def read_target(text: str) -> Target:
    """The reading of a target, baseline or actual text; never raises (unknown text → kind ``text``)."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    flat = normalise(text)
    if flat.startswith("已") and flat[1:] in _LEVEL_INDEX:  # 已全面建立: the level reached
        flat = flat[1:]
    if flat in _LEVEL_INDEX:
        return Target("level", None, False, _LEVEL_INDEX[flat], text)
    kind, strict, rest = "number", False, flat
    for prefix, bound, is_strict in _PREFIXES:
        if rest.startswith(prefix):
            kind, strict, rest = bound, is_strict, rest[len(prefix) :]
            break
    if kind == "number":
        for suffix, bound in sorted(_SUFFIXES, key=lambda s: -len(s[0])):
            if rest.endswith(suffix) and len(rest) > len(suffix):
                kind, rest = bound, rest[: -len(suffix)]
                break
    if kind != "number" and rest in _LEVEL_INDEX:
        # 达到基本建立: a level reached is the level.
        return Target("level", None, False, _LEVEL_INDEX[rest], text)
    number = _read_number(rest)
    if number is None:
        note = ""
        if kind != "number" and rest:
            note = f"a bound ({kind.replace('_', ' ')}) against another quantity, with no number: {rest}"
        return Target("text", None, False, None, text, note=note)
    value, percent = number
    return Target(kind, value, percent, None, text, strict=strict)


def format_number(value: Decimal, percent: bool = False) -> str:
    """A number as the plans print it (``1.2``, ``12,000``, ``100%``); :func:`read_target` reads it back."""
    body = f"{value:,f}"
    return body + ("%" if percent else "")
