"""The command-line face of tracker (Typer). Importing it never imports Textual.

Each command group lives in its own module and registers itself on :data:`app` when imported.
"""

# ruff: noqa: I001
from __future__ import annotations

# The order of these imports is the order of the commands in `tracker --help`.
from tracker.cli import core, query, exporting, check, analysis, progress, tui  # noqa: F401
from tracker.cli import generate  # noqa: F401
from tracker.cli import sheet  # noqa: F401
from tracker.cli import import_progress  # noqa: F401
from tracker.cli import history, undo  # noqa: F401
from tracker.cli.app import app, hoist_global_options, main

__all__ = ["app", "hoist_global_options", "main", "register_commands"]


def register_commands() -> None:
    """The command modules are imported above; kept as the entry point's explicit hook."""
