"""Printing for the CLI: a Rich console on a terminal, plain text on a pipe, exact JSON always."""

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
