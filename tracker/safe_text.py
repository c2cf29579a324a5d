"""Data is text: one helper turns any value from a file or the database into something a terminal
shows and never obeys.

Two dangers, two steps:

- **control characters** (C0 but TAB and LF, DEL, C1, and the Unicode bidi and line/paragraph
  separators) could clear the screen, set the window title or reorder what is shown: each is replaced
  by a visible escape such as ``\\x1b`` or ``\\u202e``;
- **Rich markup** (``[bold]``, ``[link=…]``, a stray ``[/]``) would be obeyed or crash the renderer:
  :func:`markup_safe` escapes it with :func:`rich.markup.escape` for places that build markup strings.

Which helper where:

- a value put in a Rich/Textual renderable: :func:`plain_text` (a :class:`rich.text.Text`, never
  parsed as markup or emoji codes) — the preferred way, in the CLI tables and every TUI widget;
- a plain line written with ``typer.echo`` or to a log: :func:`visible`;
- a value embedded in a markup string (rarely needed): :func:`markup_safe`;
- a spreadsheet cell (CSV, xlsx): :func:`visible_cell`, which keeps TAB, LF and CR (they are data
  inside a quoted cell);
- JSON text: :func:`json_escaped`, for the controls the standard encoder leaves raw (DEL, C1,
  bidi) — lossless, since a JSON reader turns ``\\u0085`` back into the character.

This module imports Rich only inside :func:`plain_text` and :func:`markup_safe`, so the error boundary
and the JSON paths stay light.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.text import Text

_C0_BUT_LAYOUT = "\x00-\x08\x0b\x0c\x0e-\x1f"
"""C0 controls other than TAB (\\x09), LF (\\x0a) and CR (\\x0d)."""
_WIDE = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
"""DEL, the C1 controls (CSI \\x9b acts like ESC [ on many terminals), and the bidi marks, embeddings,
overrides and isolates, and the line/paragraph separators, which reorder or break what is shown."""

_CONTROL = re.compile(f"[{_C0_BUT_LAYOUT}\r{_WIDE}]")
"""Characters a terminal may act on rather than show. TAB (\\x09) and LF (\\x0a) are layout and stay."""
_CONTROL_WITH_LAYOUT = re.compile(f"[{_C0_BUT_LAYOUT}\t\n\r{_WIDE}]")
_CONTROL_IN_CELL = re.compile(f"[{_C0_BUT_LAYOUT}{_WIDE}]")
"""What a spreadsheet cell may not hold: TAB, LF and CR are data inside a quoted CSV cell."""
_RAW_IN_JSON = re.compile(f"[{_WIDE}]")
"""What ``json.dumps(ensure_ascii=False)`` leaves raw (it escapes C0 itself)."""


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def has_control(text: str, *, layout: bool = False) -> bool:
    """Whether ``text`` holds a character :func:`visible` would replace (with ``layout``: TAB and LF too)."""
    return bool((_CONTROL_WITH_LAYOUT if layout else _CONTROL).search(text))


def visible(value: Any, *, single_line: bool = False) -> str:
    """``value`` as text with every control character shown as an escape (``\\x1b``), never sent.

    With ``single_line`` a line feed and a tab are escaped too, for places where a line break
    would break the layout (a one-line summary, a history entry).
    """
    return (_CONTROL_WITH_LAYOUT if single_line else _CONTROL).sub(_escape_char, _text(value))


def visible_cell(value: Any) -> str:
    """``value`` for a spreadsheet cell: controls shown as escapes, but TAB, LF and CR kept as data."""
    return _CONTROL_IN_CELL.sub(_escape_char, _text(value))


def markup_safe(value: Any, *, single_line: bool = False) -> str:
    """``value`` made safe to embed in a Rich/Textual markup string: controls shown, markup escaped."""
    from rich.markup import escape

    return escape(visible(value, single_line=single_line))


def plain_text(value: Any, style: str = "", *, single_line: bool = False, **options: Any) -> Text:
    """``value`` as a Rich :class:`~rich.text.Text`: never read as markup or ``:emoji:`` codes,
    controls shown as escapes. ``options`` go to ``Text`` (``justify``, ``no_wrap``, ``overflow``…)."""
    from rich.text import Text

    return Text(visible(value, single_line=single_line), style=style, **options)


def json_escaped(text: str) -> str:
    """JSON text with DEL, C1 and bidi controls written as ``\\uXXXX`` escapes.

    Only valid on JSON produced by an encoder: those characters can only occur inside its strings,
    where an escape means the same character, so the document reads back identical.
    """
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
