"""Printing for the CLI: a Rich console on a terminal, plain text on a pipe, exact JSON always.

Data is text, never markup or control codes: every value from the database or an input file reaches
the console as a :class:`rich.text.Text` built by :func:`tracker.safe_text.plain_text` (so ``[/]``,
``[link=…]`` or ``:emoji:`` in a name are shown as typed), and every line written with :func:`echo`
has its control characters shown as escapes (``\\x1b``) — on a terminal and on a pipe alike.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


@cache
def console() -> Console:
    """The stdout console; on a pipe it is wide and colourless so scripts get whole lines."""
    from rich.console import Console

    if stdout_is_terminal():
        return Console()
    return Console(width=200, color_system=None, soft_wrap=True, highlight=False)


def print_json(data: Any) -> None:
    """JSON with exact money and Chinese as is, to stdout."""
    from tracker.export import dumps_json

    sys.stdout.write(dumps_json(data) + "\n")


def echo(message: str, *, err: bool = False, nl: bool = True) -> None:
    """A line that may carry data (a code, a summary, a path), controls shown as escapes.

    Not for documents (CSV, JSON): they escape their own content, and their CR LF is layout.
    """
    import typer

    from tracker.safe_text import visible

    typer.echo(visible(message), err=err, nl=nl)
