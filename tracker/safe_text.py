"""Data is text: one helper turns any value from a file or the database into something a terminal
shows and never obeys.

Two dangers, two steps:

- **control characters** (C0 but TAB and LF, DEL, C1, and the Unicode bidi and line/paragraph
  separators) could clear the screen, set the window title or reorder what is shown: each is replaced
  by a visible escape such as ``\\x1b`` or ``\\u202e``;
- **Rich markup** (``[bold]``, ``[link=…]``, a stray ``[/]``) would be obeyed or crash the renderer:
  :func:`markup_safe` escapes it with :func:`rich.markup.escape` for places that build markup strings.

Anything handed to Rich or Textual as a plain ``str`` goes through :func:`markup_safe`; a value put in
a :class:`rich.text.Text` needs only :func:`visible`.
"""

from __future__ import annotations

import re
from typing import Any

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal may act on rather than show. TAB (\\x09) and LF (\\x0a) are layout and stay."""

_CONTROL_WITH_LAYOUT = re.compile(_CONTROL.pattern[:-1] + "\t\n]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def has_control(text: str, *, layout: bool = False) -> bool:
    """Whether ``text`` holds a character :func:`visible` would replace (with ``layout``: TAB and LF too)."""
    return bool((_CONTROL_WITH_LAYOUT if layout else _CONTROL).search(text))


def visible(value: Any, *, single_line: bool = False) -> str:
    """``value`` as text with every control character shown as an escape (``\\x1b``), never sent.

    With ``single_line`` a line feed and a tab are escaped too, for places where a line break
    would break the layout (a one-line summary, a history entry).
    """
    text = "" if value is None else str(value)
    return (_CONTROL_WITH_LAYOUT if single_line else _CONTROL).sub(_escape_char, text)


def markup_safe(value: Any, *, single_line: bool = False) -> str:
    """``value`` made safe to embed in a Rich/Textual markup string: controls shown, markup escaped."""
    from rich.markup import escape

    return escape(visible(value, single_line=single_line))
