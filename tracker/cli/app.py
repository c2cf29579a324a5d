"""The Typer application, its global options and the state every command shares.

Global options (``--db``, ``--config``, ``--as-of``) may be written before or after the command
name: :func:`hoist_global_options` moves them to the front before Typer parses, so both
``tracker --as-of 2023-06-30 warnings`` and ``tracker warnings --as-of 2023-06-30`` work.

Exit codes: 0 success; 1 a finding or a refused change; 2 a usage error, or a database or
configuration that cannot be read. Commands import what they need inside their bodies so that a
headless command never pays for the TUI or the spreadsheet libraries.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from tracker.config import Config

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

GLOBAL_OPTIONS = ("--db", "--config", "--as-of")

app = typer.Typer(
    name="tracker",
    help="Track the key projects of a civil-affairs five-year plan: import, check, filter, roll up, report.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class State:
    """What the global options resolved to; built once per process, lazily."""

    db_option: str | None
    config_option: str | None
    as_of_option: str | None
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            from tracker.config import ConfigError, load

            try:
                self._config = load(self.config_option)
            except ConfigError as exc:
                fail(str(exc))
        return self._config

    @property
    def url(self) -> str:
        from tracker.db import resolve_url

        return resolve_url(self.db_option, self.config.get("database.url"), self.config.base_dir)

    @property
    def as_of(self) -> date:
        """``--as-of``, else ``general.as_of`` in tracker.toml, else today."""
        from tracker.config import ConfigError, parse_date

        try:
            if self.as_of_option:
                return parse_date(self.as_of_option, "--as-of")
            return self.config.as_of() or date.today()
        except ConfigError as exc:
            fail(str(exc))

    def engine(self) -> Engine:
        """An engine on an existing tracker database (exit 2 if there is none)."""
        from tracker.db import DatabaseError, open_existing

        try:
            return open_existing(self.url)
        except DatabaseError as exc:
            fail(str(exc))

    def actor(self) -> str:
        from tracker.audit import current_actor

        return current_actor(self.config.get("general.reporter"))


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print ``tracker: message`` to stderr and exit with ``code``."""
    typer.echo(f"tracker: {message}", err=True)
    raise typer.Exit(code)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State), "the root callback sets the state"
    return obj


DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="TRACKER_DB", help="Database: an SQLite file path or an SQLAlchemy URL."),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", envvar="TRACKER_CONFIG", help="Configuration file (default ./tracker.toml)."),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Date for warnings, YYYY-MM-DD (default today or general.as_of).")
]


@app.callback(invoke_without_command=True)
def root(ctx: typer.Context, db: DbOption = None, config: ConfigOption = None, as_of: AsOfOption = None) -> None:
    """With no command: open the TUI on the configured database (creating it on first run)."""
    ctx.obj = State(db, str(config) if config else None, as_of)
    if ctx.invoked_subcommand is None:
        from tracker.cli.core import default_command

        default_command(ctx)


def hoist_global_options(argv: Sequence[str]) -> list[str]:
    """Move ``--db X`` / ``--db=X`` (and --config, --as-of) written after a command to the front."""
    front: list[str] = []
    rest: list[str] = []
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            if "=" in arg:
                front.append(arg)
            else:
                front.extend(args[i : i + 2])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    from tracker.cli import register_commands

    register_commands()
    args = hoist_global_options(sys.argv[1:] if argv is None else argv)
    app(args=args, prog_name="tracker")
