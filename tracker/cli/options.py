"""Options and checks that several commands share, declared once so that they read the same everywhere.

``--format`` of the commands that print text or JSON (:data:`TextOrJson`, and :data:`FormatOption`
with its one-letter ``-f``), the check of such a ``--format`` (:func:`check_format`) and of an
integer option (:func:`check_option`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.app import fail

__all__ = ["FormatOption", "TextOrJson", "check_format", "check_option"]

TextOrJson = Annotated[str, typer.Option("--format", help="text or json.")]
"""``--format text|json`` (no ``-f``: ``progress``, ``history``, ``undo``, ``import-csv``)."""
FormatOption = Annotated[str, typer.Option("--format", "-f", help="text or json.")]
"""``--format``/``-f`` ``text|json`` (``import-plan``, ``show``)."""


def check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    """``--format`` one of ``allowed``, else exit 2 naming them."""
    if fmt not in allowed:
        fail(f"--format must be {' or '.join(allowed)}, not {fmt!r}")


def check_option(value: int | None, option: str, low: int = 1) -> None:
    """An integer option within ``low``–:data:`~tracker.bounds.MAX_INT_OPTION`, else exit 2 naming it."""
    from tracker.bounds import MAX_INT_OPTION, check_int
    from tracker.errors import UsageError

    if value is not None:
        check_int(value, option, low, MAX_INT_OPTION, error=UsageError)
