"""The command-line face of tracker (Typer). Importing it never imports Textual.

Each command lives in the module named after it (``tracker report`` in :mod:`tracker.cli.report`,
``tracker import-csv`` in :mod:`tracker.cli.import_csv`) and registers itself on :data:`app` when
imported. The helpers they share are named for what they are: :mod:`~tracker.cli.app` (the Typer app,
global options, state, the error boundary), :mod:`~tracker.cli.options`, :mod:`~tracker.cli.output`,
:mod:`~tracker.cli.query` (filters, columns, record writers), :mod:`~tracker.cli.import_report`.
"""

# ruff: noqa: I001
from __future__ import annotations

import typer

# Importing a module registers its commands; `tracker --help` lists them in HELP_ORDER (sub-apps such as
# `view` and `config` after the commands, in the order of these imports).
from tracker.cli import init, import_plan, show, edit, list, export, check  # noqa: F401
from tracker.cli import rollup, warnings, view, config  # noqa: F401
from tracker.cli import progress, annual_plan, report, import_csv, tui  # noqa: F401
from tracker.cli import generate  # noqa: F401
from tracker.cli import sheet  # noqa: F401
from tracker.cli import import_progress  # noqa: F401
from tracker.cli import history, undo  # noqa: F401
from tracker.cli import import_indicators, indicator, evaluate  # noqa: F401
from tracker.cli.app import app, hoist_global_options, main

__all__ = ["HELP_ORDER", "app", "hoist_global_options", "main", "register_commands"]

HELP_ORDER = (
    "init", "import-plan", "show", "edit", "list", "export", "check", "rollup", "warnings",
    "progress", "annual-plan", "history", "undo", "redo", "report", "import-csv",
    "tui", "generate", "sheet", "import-progress", "import-indicators", "evaluate",
)  # fmt: skip
"""The order of the commands in ``tracker --help``: by task, as it always was, whichever module holds
each; a command not named here is listed last."""


def _help_rank(command: typer.models.CommandInfo) -> int:
    name = command.name or (command.callback.__name__.replace("_", "-") if command.callback else "")
    return HELP_ORDER.index(name) if name in HELP_ORDER else len(HELP_ORDER)


app.registered_commands.sort(key=_help_rank)


def register_commands() -> None:
    """The command modules are imported above; kept as the entry point's explicit hook."""
