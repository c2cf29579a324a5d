"""The one filter language of tracker: text → syntax tree → SQLAlchemy expression.

Parsed once here and used by every command that takes a FILTER and by the TUI's filter box, so a
filter means the same thing everywhere. User text never becomes SQL text: every value reaches the
database as a bound parameter of a SQLAlchemy expression.

The language (README "Filters" has the user's version)::

    filter  := or_expr
    or_expr := and_expr ("or" and_expr)*              and binds tighter than or
    and_expr:= unary (["and"] unary)*                 juxtaposition is and
    unary   := ("-" | "not") unary | primary
    primary := "(" or_expr ")" | term
    term    := FIELD OP VALUE | FIELD ":" LOW ".." HIGH | +TAG | @VIEW | WORD | "quoted words"
    OP      := ":" | "=" | "!=" | ">" | ">=" | "<" | "<="

- text fields (code, category, district, nature, owner, name): ``:`` is a case-insensitive
  substring (``category:老年`` finds 老年人福利类项目; ``%`` and ``_`` are literal), ``=`` is exact,
  ``!=`` its negation; ``category:2`` (a number) is the category's ordinal;
  ``district=""`` finds projects not placed in a district;
- ``status`` takes the English value or the Chinese label (``status:在建``, ``status=in_progress``);
- years (start, finish), money in 万元 (total, planned) and the share in percent compare exactly:
  ``total>=1000``, ``finish<=2023``, ``share>0``, ranges ``start:2021..2022`` (either end may be
  left open: ``total:..500``);
- a bare word searches name, owner and content;
- ``+overdue +late_start +due_soon +lagging +stale +social_capital`` are the warning rules of
  :mod:`tracker.rules` as of the context's date, so a tag and ``tracker warnings`` agree;
- ``@name`` is the saved view ``name`` (``[views]`` in tracker.toml), expanded recursively.

Every leaf predicate is two-valued (a NULL column never makes it unknown), so ``-share>0`` is
exactly the complement of ``share>0``.

Bounds (:mod:`tracker.bounds`), each a :class:`FilterError` with its position, never a crash of the
parser or the database: at most 2,000 characters, 16 levels of nesting (parentheses, ``-``/``not``
and ``@view`` references) and 64 terms (views expanded); no control characters; numbers in ASCII
digits and in range (a category 1–99, a year 1900–2100, an amount within ±1,000,000 万元 with two
decimals, a share 0–100).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, false, not_, nulls_last, or_, select, true

from tracker.bounds import (
    MAX_CATEGORY_ORDINAL,
    MAX_FILTER_DEPTH,
    MAX_FILTER_LENGTH,
    MAX_FILTER_TERMS,
    MAX_YEAR,
    MIN_YEAR,
    parse_int,
    shown,
)
from tracker.errors import TrackerError, UsageError
from tracker.messages import Phrase
from tracker.models import Category, Plan, Project, Status
from tracker.money import MoneyError, fmt_wan, parse_share, parse_wan
from tracker.rules import TAGS, WarningSettings, tag_predicate

Kind = Literal["text", "category", "status", "year", "money", "share", "attribute"]
Subject = Literal["project", "indicator", "any"]
"""What a filter selects: projects (every project command and view), indicators (``tracker indicator
list``, the indicators view) or both (``tracker warnings``). A term that does not apply to what a filter
selects is refused where it is typed; with ``any`` it matches nothing of the kind it does not apply to."""
Value = str | int | Decimal | Status


class FilterError(UsageError, ValueError):
    """A filter that cannot be read, with where: ``position`` and ``length`` index the filter text."""

    def __init__(self, message: str, position: int = 0, length: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.position = max(0, position)
        self.length = max(1, length)

    @classmethod
    def at(cls, message_id: str, position: int = 0, length: int = 1, /, **values: Any) -> FilterError:
        """The error of catalogue message ``message_id`` (English in ``message``; any language in
        ``user_message``) at ``position`` for ``length`` characters of the filter text."""
        from tracker.messages import english

        return cls(english(message_id, values), position, length).localize(message_id, **values)

    def caret(self, text: str, window: int = 120) -> str:
        """The filter text and, under it, ``^~~~`` under the offending part (CJK counts two columns).

        Control characters are shown as escapes (``\\x1b``) and a long filter is cut to about
        ``window`` characters around the offending part, so the picture stays one readable line.
        """
        from tracker.safe_text import visible

        pos = min(self.position, len(text))
        part_end = min(len(text), pos + self.length, pos + window // 2)
        start = max(0, pos - window // 2)
        end = min(len(text), max(part_end, start + window))
        before = ("…" if start > 0 else "") + visible(text[start:pos], single_line=True)
        part = visible(text[pos:part_end], single_line=True) or " "
        after = visible(text[part_end:end], single_line=True) + ("…" if end < len(text) else "")
        pad = " " * _width(before)
        mark = "^" + "~" * (max(1, _width(part)) - 1)
        return f"{before}{part if text[pos:part_end] else ''}{after}\n{pad}{mark}"

    def __str__(self) -> str:
        return self.message


def _width(text: str) -> int:
    """Terminal columns of ``text``: East Asian wide and full-width characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


# --------------------------------------------------------------------------------------------
# Fields


@dataclass(frozen=True)
class FieldSpec:
    """A field of the language: its kind decides the operators and how a value is read."""

    name: str
    kind: Kind
    help: str
    subjects: tuple[str, ...] = ("project",)
    """What it applies to: ``project``, ``indicator`` or both."""


BOTH = ("project", "indicator")

FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("code", "text", "project code as published, e.g. 2-18"),
        FieldSpec("category", "category", "category name (老年 …) or its number 1–5"),
        FieldSpec("district", "text", "district (市本级, 雨湖区 …); district=\"\" finds unplaced projects"),
        FieldSpec("nature", "text", "建设性质: 新建, 改扩建 …"),
        FieldSpec("owner", "text", "项目建设主体"),
        FieldSpec("name", "text", "项目名称; an indicator's name", BOTH),
        FieldSpec("plan", "text", "the plan's name (湘潭, 安岳 …)", BOTH),
        FieldSpec("status", "status", "not_started/未开工, in_progress/在建, completed/已竣工, suspended/停缓建, cancelled/取消"),
        FieldSpec("start", "year", "start year"),
        FieldSpec("finish", "year", "finish year"),
        FieldSpec("total", "money", "total investment, 万元"),
        FieldSpec("planned", "money", "planned (十四五) investment, 万元"),
        FieldSpec("share", "share", "social-investment share, percent"),
        FieldSpec("attribute", "attribute", "an indicator's attribute: 约束性/binding or 预期性/expected", ("indicator",)),
    )
}
"""The fields a filter may name, in the order the help lists them."""

OPERATORS: dict[Kind, tuple[str, ...]] = {
    "text": (":", "=", "!="),
    "category": (":", "=", "!="),
    "status": (":", "=", "!="),
    "year": (":", "=", "!=", ">", ">=", "<", "<="),
    "money": (":", "=", "!=", ">", ">=", "<", "<="),
    "share": (":", "=", "!=", ">", ">=", "<", "<="),
    "attribute": (":", "=", "!="),
}

ATTRIBUTES: dict[str, str] = {
    "约束性": "binding", "约束": "binding", "binding": "binding",
    "预期性": "expected", "预期": "expected", "expected": "expected",
}  # fmt: skip
"""The words of an indicator's attribute, Chinese as published or English, and the value stored."""

INDICATOR_TAGS: dict[str, str] = {
    "met": "an indicator whose latest actual value meets its target",
    "on_track": "an indicator on or ahead of the path from its baseline to its target",
    "behind": "an indicator behind its path (an expected one; a binding one is +at_risk)",
    "at_risk": "a binding (约束性) indicator behind its path",
    "no_data": "an indicator with no actual value recorded yet",
}
"""The ``+tag`` names that select indicators: their status as of the date (:mod:`tracker.indicators.status`)."""

KEYWORDS = ("or", "and", "not")

_TEXT_COLUMNS: dict[str, Any] = {
    "code": Project.code,
    "district": Project.district,
    "nature": Project.nature,
    "owner": Project.owner,
    "name": Project.name,
}
_NUMBER_COLUMNS: dict[str, Any] = {
    "start": Project.start_year,
    "finish": Project.finish_year,
    "total": Project.total_investment,
    "planned": Project.planned_investment,
    "share": Project.social_share_pct,
}
_BARE_WORD_COLUMNS = (Project.name, Project.owner, Project.content)


# --------------------------------------------------------------------------------------------
# The syntax tree: small frozen dataclasses; str(node) is filter text that parses back to node.


@dataclass(frozen=True)
class Everything:
    """The empty filter."""

    def __str__(self) -> str:
        return ""


@dataclass(frozen=True)
class Word:
    """A bare word (or quoted words): substring of name, owner or content."""

    text: str

    def __str__(self) -> str:
        return self.text if _plain_word(self.text) else _quote(self.text)


@dataclass(frozen=True)
class Compare:
    """``field OP value``; ``value`` is typed by the field's kind (str, int, Decimal, Status)."""

    field: str
    op: str
    value: Value

    def __str__(self) -> str:
        return f"{self.field}{self.op}{_value_text(self.value)}"


@dataclass(frozen=True)
class Range:
    """``field:low..high``, inclusive; an open end is None."""

    field: str
    low: int | Decimal | None
    high: int | Decimal | None

    def __str__(self) -> str:
        low = "" if self.low is None else _value_text(self.low)
        high = "" if self.high is None else _value_text(self.high)
        return f"{self.field}:{low}..{high}"


@dataclass(frozen=True)
class Tag:
    """``+name``: a warning rule (or social_capital) of :mod:`tracker.rules`."""

    name: str

    def __str__(self) -> str:
        return f"+{self.name}"


@dataclass(frozen=True)
class Not:
    operand: Node

    def __str__(self) -> str:
        inner = str(self.operand)
        return f"-{inner}" if isinstance(self.operand, Word | Compare | Range | Tag | Not) else f"-({inner})"


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]

    def __str__(self) -> str:
        return " ".join(f"({op})" if isinstance(op, Or) else str(op) for op in self.operands)


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]

    def __str__(self) -> str:
        return " or ".join(str(op) for op in self.operands)


Node = Everything | Word | Compare | Range | Tag | Not | And | Or


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_UNSAFE = re.compile(r'[\s()"：:=<>!]')


def _plain_word(text: str) -> bool:
    """Whether a bare word reads back as itself without quotes."""
    return bool(text) and not _UNSAFE.search(text) and text[0] not in "-+@" and text.lower() not in KEYWORDS


def _value_text(value: Value) -> str:
    if isinstance(value, Status):
        return value.value
    if isinstance(value, Decimal):
        return fmt_wan(value)
    if isinstance(value, int):
        return str(value)
    return value if value and not re.search(r'[\s()"]', value) else _quote(value)


# --------------------------------------------------------------------------------------------
# Scanner


@dataclass(frozen=True)
class Token:
    kind: Literal["(", ")", "not", "or", "and", "tag", "view", "term", "word", "end"]
    pos: int
    length: int
    text: str = ""
    field: str = ""
    op: str = ""
    value_pos: int = 0
    value_len: int = 0


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OP = re.compile(r"!=|>=|<=|[:：=<>]")
_NAME = re.compile(r"[^\s()\"]+")


def _is_delim(text: str, i: int) -> bool:
    return i >= len(text) or text[i].isspace() or text[i] in "()"


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """The string quoted at ``text[start] == '"'`` and the index after its closing quote."""
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in '"\\':
            out.append(text[i + 1])
            i += 2
            continue
        if ch == '"':
            if not _is_delim(text, i + 1):
                raise FilterError.at("filter.e.quote_end", i + 1, 1)
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise FilterError.at("filter.e.quote_open", start, len(text) - start)


def _read_run(text: str, start: int) -> int:
    """Index after an unquoted run (up to a space or parenthesis); a quote inside it is an error."""
    i = start
    while not _is_delim(text, i):
        if text[i] == '"':
            raise FilterError.at("filter.e.quote_middle", i, 1)
        i += 1
    return i


def tokenize(text: str) -> list[Token]:
    """Split filter text into tokens, each knowing where it was (for the caret)."""
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(Token(ch, i, 1))  # type: ignore[arg-type]
            i += 1
        elif ch == "-":
            if i + 1 >= n or text[i + 1].isspace() or text[i + 1] == ")":
                raise FilterError.at("filter.e.minus", i, 1)
            tokens.append(Token("not", i, 1))
            i += 1
        elif ch in "+@":
            end = _read_run(text, i + 1)
            if end == i + 1:
                key = "filter.e.tag_name" if ch == "+" else "filter.e.view_name"
                raise FilterError.at(key, i, 1)
            name = text[i + 1 : end]
            tokens.append(Token("tag", i, end - i, name.lower()) if ch == "+" else Token("view", i, end - i, name))
            i = end
        elif ch == '"':
            value, end = _read_quoted(text, i)
            tokens.append(Token("word", i, end - i, value))
            i = end
        else:
            ident = _IDENT.match(text, i)
            op = _OP.match(text, ident.end()) if ident else None
            if ident and op:
                vstart = op.end()
                if vstart < n and text[vstart] == '"':
                    value, end = _read_quoted(text, vstart)
                else:
                    end = _read_run(text, vstart)
                    value = text[vstart:end]
                    if not value:
                        raise FilterError.at("filter.e.value_after", i, vstart - i, term=text[i:vstart])
                tokens.append(
                    Token(
                        "term", i, end - i, value, field=ident.group(), op=":" if op.group() == "：" else op.group(),
                        value_pos=vstart, value_len=end - vstart,
                    )
                )
                i = end
            else:
                end = _read_run(text, i)
                word = text[i:end]
                lowered = word.lower()
                kind = lowered if lowered in KEYWORDS else "word"
                tokens.append(Token(kind, i, end - i, word))  # type: ignore[arg-type]
                i = end
    tokens.append(Token("end", n, 1))
    return tokens


# --------------------------------------------------------------------------------------------
# Parser


@dataclass
class _Budget:
    """Terms read so far, shared by a filter and the views it expands (which may repeat each other)."""

    terms: int = 0


@dataclass
class _Parser:
    text: str
    views: Mapping[str, str]
    expanding: tuple[str, ...] = ()
    subject: str = "project"
    depth: int = 0
    """Nesting of parentheses, negations and views around the current token (a view starts at its reference's)."""
    budget: _Budget = field(default_factory=_Budget)
    tokens: list[Token] = field(default_factory=list)
    i: int = 0

    def deeper(self, token: Token) -> None:
        """Enter one level of nesting at ``token``; refused past :data:`~tracker.bounds.MAX_FILTER_DEPTH`,
        so neither this recursive parser nor the database's expression parser can overflow."""
        self.depth += 1
        if self.depth > MAX_FILTER_DEPTH:
            raise FilterError(
                f"the filter nests more than {MAX_FILTER_DEPTH} levels deep (parentheses, '-'/'not', @views)",
                token.pos, token.length,
            )

    def count(self, token: Token) -> None:
        """One more term; refused past :data:`~tracker.bounds.MAX_FILTER_TERMS` (views expanded)."""
        self.budget.terms += 1
        if self.budget.terms > MAX_FILTER_TERMS:
            raise FilterError(f"the filter has more than {MAX_FILTER_TERMS} terms", token.pos, token.length)

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node:
        check_text(self.text)
        self.tokens = tokenize(self.text)
        if self.peek().kind == "end":
            return Everything()
        node = self.or_expr()
        token = self.peek()
        if token.kind == ")":
            raise FilterError.at("filter.e.close_paren", token.pos, 1)
        if token.kind != "end":  # pragma: no cover - or_expr consumes every other token
            raise FilterError("unexpected text", token.pos, token.length)
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.peek().kind == "or":
            op = self.take()
            if self.peek().kind in ("end", ")", "or", "and"):
                raise FilterError.at("filter.e.followed", op.pos, op.length, word="or")
            items.append(self.and_expr())
        return _combine(Or, items)

    def and_expr(self) -> Node:
        items = [self.unary()]
        while self.peek().kind not in ("end", ")", "or"):
            if self.peek().kind == "and":
                op = self.take()
                if self.peek().kind in ("end", ")", "or", "and"):
                    raise FilterError.at("filter.e.followed", op.pos, op.length, word="and")
            items.append(self.unary())
        return _combine(And, items)

    def unary(self) -> Node:
        token = self.peek()
        if token.kind == "not":
            self.take()
            if self.peek().kind in ("end", ")", "or", "and"):
                raise FilterError.at(
                    "filter.e.followed", token.pos, token.length, word=self.text[token.pos : token.pos + token.length]
                )
            self.deeper(token)
            node = Not(self.unary())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "(":
            if self.peek().kind == "end":
                raise FilterError.at("filter.e.open_paren", token.pos, 1)
            if self.peek().kind == ")":
                raise FilterError.at("filter.e.empty_parens", token.pos, self.peek().pos - token.pos + 1)
            self.deeper(token)
            node = self.or_expr()
            if self.peek().kind != ")":
                raise FilterError.at("filter.e.open_paren", token.pos, 1)
            self.take()
            self.depth -= 1
            return node
        if token.kind in ("word", "term", "tag"):
            self.count(token)
        if token.kind == "word":
            return Word(token.text)
        if token.kind == "term":
            return _term(token, self.subject)
        if token.kind == "tag":
            return _tag(token, self.subject)
        if token.kind == "view":
            return self.view(token)
        if token.kind == ")":
            raise FilterError.at("filter.e.close_paren", token.pos, 1)
        if token.kind in ("or", "and"):
            raise FilterError.at("filter.e.between", token.pos, token.length, word=token.text)
        if token.kind == "end":
            raise FilterError.at("filter.e.ends", token.pos, 1)
        raise FilterError("expected a term here", token.pos, token.length)  # pragma: no cover

    def view(self, token: Token) -> Node:
        name = token.text
        if name not in self.views:
            known = ", ".join(f"@{v}" for v in sorted(self.views)) or Phrase("filter.none_saved")
            raise FilterError.at("filter.e.unknown_view", token.pos, token.length, name=name, known=known)
        if name in self.expanding:
            chain = " → ".join(f"@{v}" for v in (*self.expanding, name))
            raise FilterError(f"view @{name} refers to itself ({chain})", token.pos, token.length)
        inner_text = self.views[name]
        self.deeper(token)
        try:
            node = _Parser(
                inner_text, self.views, (*self.expanding, name), subject=self.subject, depth=self.depth, budget=self.budget
            ).parse()
        except FilterError as exc:
            raise FilterError(f"in view @{name} = {inner_text!r}: {exc.message}", token.pos, token.length) from exc
        if isinstance(node, Everything):
            raise FilterError.at("filter.e.empty_view", token.pos, token.length, name=name)
        self.depth -= 1
        return node


def check_text(text: str) -> None:
    """Refuse filter text too long to be a filter, or holding a control character or undecodable
    bytes (which no project holds, and which PostgreSQL would refuse as a parameter)."""
    from tracker.safe_text import has_control

    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(
            f"the filter is {len(text):,} characters long; at most {MAX_FILTER_LENGTH:,}",
            MAX_FILTER_LENGTH, len(text) - MAX_FILTER_LENGTH,
        )
    for i, ch in enumerate(text):
        if ch not in "\t\n" and (has_control(ch) or "\ud800" <= ch <= "\udfff"):
            raise FilterError.at("filter.e.control", i, 1, char=repr(ch))


def _combine(kind: type[And | Or], items: list[Node]) -> Node:
    """One operand stays itself; nested operands of the same kind are flattened (a (b c) = a b c)."""
    flat: list[Node] = []
    for item in items:
        flat.extend(item.operands if isinstance(item, kind) else (item,))
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


def _suggest(word: str, choices: Sequence[str], prefix: str = "") -> Phrase | str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return Phrase("filter.did_you_mean", word=f"{prefix}{close[0]}") if close else ""


def _tags_of(subject: str) -> list[str]:
    return [*(TAGS if subject != "indicator" else ()), *(INDICATOR_TAGS if subject != "project" else ())]


def _fields_of(subject: str) -> list[str]:
    return [name for name, spec in FIELDS.items() if subject == "any" or subject in spec.subjects]


def _indicator_terms() -> str:
    """What an indicator filter takes, for its error messages: ``name: plan: attribute: +met …``."""
    return " ".join([*(f"{f}:" for f in _fields_of("indicator")), *(f"+{t}" for t in INDICATOR_TAGS)])


def _tag(token: Token, subject: str = "project") -> Node:
    name = token.text.replace("-", "_") if token.text.replace("-", "_") in INDICATOR_TAGS else token.text
    if name in TAGS and subject == "indicator":
        raise FilterError.at("filter.e.project_only", token.pos, token.length, term=f"+{name}", known=_indicator_terms())
    if name in INDICATOR_TAGS and subject == "project":
        raise FilterError.at("filter.e.indicator_only", token.pos, token.length, term=f"+{name}")
    if name not in TAGS and name not in INDICATOR_TAGS:
        tags = _tags_of(subject)
        raise FilterError.at(
            "filter.e.unknown_tag", token.pos, token.length,
            tag=token.text, suggestion=_suggest(token.text, tags, "+"), tags=", ".join(f"+{t}" for t in tags),
        )
    return Tag(name)


def _term(token: Token, subject: str = "project") -> Node:
    name, op, raw = token.field, token.op, token.text
    spec = FIELDS.get(name)
    if spec is None:
        fields = _fields_of(subject)
        raise FilterError.at(
            "filter.e.unknown_field", token.pos, len(name),
            field=repr(name), suggestion=_suggest(name, fields), fields=", ".join(fields),
        )
    if subject != "any" and subject not in spec.subjects:
        if subject == "indicator":
            raise FilterError.at("filter.e.project_only", token.pos, len(name), term=f"{name}{op}", known=_indicator_terms())
        raise FilterError.at("filter.e.indicator_only", token.pos, len(name), term=f"{name}{op}")
    if op not in OPERATORS[spec.kind]:
        raise FilterError.at(
            "filter.e.operator", token.pos + len(name), len(op),
            name=name, op=repr(op), ops=" ".join(OPERATORS[spec.kind]),
        )

    def bad(message: str | TrackerError) -> FilterError:
        """The value's error, under the value; a TrackerError's message id carries over."""
        error = FilterError(str(message), token.value_pos, token.value_len)
        if isinstance(message, TrackerError) and message.message_id is not None:
            error.localize(message.message_id, **message.message_values)
        return error

    if spec.kind == "text":
        return Compare(name, op, raw)
    if spec.kind == "attribute":
        value = ATTRIBUTES.get(raw.lower())
        if value is None:
            raise bad(FilterError.at("filter.e.attribute", value=shown(raw)))
        return Compare(name, op, value)
    if spec.kind == "category":
        if not raw.isdigit():  # any Unicode digit (２, ²) is a number that must be written 0-9
            return Compare(name, op, raw)
        try:
            return Compare(name, op, parse_int(raw, "category number", 1, MAX_CATEGORY_ORDINAL, error=FilterError))
        except FilterError as exc:
            raise bad(exc) from exc
    if spec.kind == "status":
        try:
            return Compare(name, op, Status.parse(raw))
        except ValueError as exc:
            raise bad(str(exc)) from exc
    if op == ":" and ".." in raw:
        low_text, _, high_text = raw.partition("..")
        if not low_text and not high_text:
            raise bad(f"a range needs at least one end, e.g. {name}:2021..2022")
        low = _number(spec, low_text, bad) if low_text else None
        high = _number(spec, high_text, bad) if high_text else None
        if low is not None and high is not None and low > high:
            raise bad(f"the range {raw} is empty: {low_text} is above {high_text}")
        return Range(name, low, high)
    return Compare(name, op, _number(spec, raw, bad))


def _number(spec: FieldSpec, text: str, bad: Any) -> int | Decimal:
    if spec.kind == "year":
        if not re.fullmatch(r"[0-9]{4}", text):
            raise bad(FilterError.at("filter.e.year", name=spec.name, value=shown(text)))
        year = int(text)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise bad(f"{spec.name}: year {year} is out of range ({MIN_YEAR}–{MAX_YEAR})")
        return year
    unit = "filter.e.takes_share" if spec.kind == "share" else "filter.e.takes_amount"
    try:
        return parse_share(text) if spec.kind == "share" else parse_wan(text)
    except MoneyError as exc:
        raise bad(FilterError.at(unit, name=spec.name, error=exc)) from exc


def parse(text: str, views: Mapping[str, str] | None = None, subject: Subject = "project") -> Node:
    """Parse filter text into a tree, expanding ``@view`` names from ``views``; raise :class:`FilterError`,
    also for a term that does not apply to ``subject`` (``+behind`` in a projects filter)."""
    return _Parser(text, views or {}, subject=subject).parse()


# --------------------------------------------------------------------------------------------
# To SQL


@dataclass(frozen=True)
class FilterContext:
    """What a filter needs beyond its text: the date and thresholds the ``+tags`` are judged by."""

    as_of: date
    settings: WarningSettings = field(default_factory=WarningSettings)


def to_sql(node: Node, ctx: FilterContext) -> ColumnElement[bool]:
    """The SQLAlchemy boolean expression for ``node``; values are bound parameters, never SQL text.

    It refers to :class:`Project` and :class:`Category`, as :func:`tracker.portfolio.project_query` joins them.
    """
    if isinstance(node, Everything):
        return true()
    if isinstance(node, And):
        return and_(*(to_sql(op, ctx) for op in node.operands))
    if isinstance(node, Or):
        return or_(*(to_sql(op, ctx) for op in node.operands))
    if isinstance(node, Not):
        return not_(to_sql(node.operand, ctx))
    if isinstance(node, Tag):
        if node.name in INDICATOR_TAGS:
            return false()  # an indicator's status: no project has one (a filter of subject "any")
        return tag_predicate(node.name, ctx.as_of, ctx.settings)
    if isinstance(node, Word):
        return or_(*(_contains(column, node.text) for column in _BARE_WORD_COLUMNS))
    if isinstance(node, Range):
        column = _NUMBER_COLUMNS[node.field]
        parts = [column.is_not(None)]
        if node.low is not None:
            parts.append(column >= node.low)
        if node.high is not None:
            parts.append(column <= node.high)
        return and_(*parts)
    if isinstance(node, Compare):
        return _compare(node)
    raise TypeError(f"not a filter node: {node!r}")  # pragma: no cover


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    """Case-insensitive substring, ``%``/``_`` in the text taken literally; NULL never matches."""
    return and_(column.is_not(None), column.icontains(text, autoescape=True))


def _equals(column: Any, text: str) -> ColumnElement[bool]:
    if text == "":
        return or_(column.is_(None), column == "")
    return and_(column.is_not(None), column == text)


def _compare(node: Compare) -> ColumnElement[bool]:
    kind = FIELDS[node.field].kind
    op, value = node.op, node.value
    if op == "!=":
        return not_(_compare(Compare(node.field, "=", value)))
    if kind == "attribute":
        return false()  # an indicator's attribute: no project has one (a filter of subject "any")
    if node.field == "plan":
        assert isinstance(value, str)
        plans = select(Plan.id).where(_contains(Plan.name, value) if op == ":" else _equals(Plan.name, value))
        return Project.plan_id.in_(plans)  # type: ignore[union-attr]
    if kind == "status":
        assert isinstance(value, Status)
        return Project.status == value.value
    if kind == "category":
        if isinstance(value, int):
            return Category.ordinal == value
        assert isinstance(value, str)
        return _contains(Category.name, value) if op == ":" else _equals(Category.name, value)
    if kind == "text":
        assert isinstance(value, str)
        column = _TEXT_COLUMNS[node.field]
        return _contains(column, value) if op == ":" else _equals(column, value)
    column = _NUMBER_COLUMNS[node.field]
    compare = {
        ":": column.__eq__, "=": column.__eq__, ">": column.__gt__, ">=": column.__ge__,
        "<": column.__lt__, "<=": column.__le__,
    }[op]
    return and_(column.is_not(None), compare(value))


def where_clause(
    text: str,
    *,
    views: Mapping[str, str] | None = None,
    as_of: date,
    settings: WarningSettings | None = None,
) -> ColumnElement[bool] | None:
    """Parse and translate in one step; None for an empty filter (no WHERE at all)."""
    node = parse(text, views)
    if isinstance(node, Everything):
        return None
    return to_sql(node, FilterContext(as_of, settings or WarningSettings()))


def describe(node: Node) -> str:
    """Canonical filter text for ``node`` (what the TUI shows after the user presses enter)."""
    return str(node)


# --------------------------------------------------------------------------------------------
# Sorting


SORT_FIELDS: dict[str, tuple[Any, ...]] = {
    "code": (Category.ordinal, Project.seq),
    "category": (Category.ordinal,),
    "district": (Project.district,),
    "nature": (Project.nature,),
    "owner": (Project.owner,),
    "name": (Project.name,),
    "status": (Project.status,),
    "start": (Project.start_year, Project.start_month),
    "finish": (Project.finish_year, Project.finish_month),
    "total": (Project.total_investment,),
    "planned": (Project.planned_investment,),
    "share": (Project.social_share_pct,),
}
"""Sort keys: ``code`` and ``category`` sort in published order; empty values always go last."""


def parse_sort(text: str) -> list[Any]:
    """``"total,-finish"`` → ORDER BY clauses (``-`` for descending); raise :class:`FilterError`."""
    clauses: list[Any] = []
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(f"the sort is {len(text):,} characters long; at most {MAX_FILTER_LENGTH:,}",
                          MAX_FILTER_LENGTH, len(text) - MAX_FILTER_LENGTH)
    pos = 0
    for part in text.split(","):
        stripped = part.strip()
        start = pos + (len(part) - len(part.lstrip()))
        pos += len(part) + 1
        if not stripped:
            if text.strip():
                raise FilterError("empty sort key", start, 1)
            continue
        descending = stripped.startswith("-")
        name = stripped.lstrip("+-")
        if name not in SORT_FIELDS:
            raise FilterError(
                f"cannot sort by {name!r}{_suggest(name, list(SORT_FIELDS))}; sort keys: {', '.join(SORT_FIELDS)}",
                start, len(stripped),
            )
        for column in SORT_FIELDS[name]:
            clauses.append(nulls_last(column.desc() if descending else column.asc()))
    return clauses


__all__ = [
    "ATTRIBUTES", "FIELDS", "INDICATOR_TAGS", "SORT_FIELDS", "And", "Compare", "Everything", "FieldSpec", "FilterContext", "FilterError", "Node",
    "Not", "Or", "Range", "Tag", "Word", "describe", "parse", "parse_sort", "to_sql", "tokenize",
    "where_clause",
]
