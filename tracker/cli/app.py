"""The Typer application, its global options and the state every command shares.

Global options (``--db``, ``--config``, ``--as-of``) may be written before or after the command
name: :func:`hoist_global_options` moves them to the front before Typer parses, so both
``tracker --as-of 2023-06-30 warnings`` and ``tracker warnings --as-of 2023-06-30`` work.

Exit codes (:mod:`tracker.errors`): 0 success; 1 a finding or a refused change; 2 a usage error, or a
file, database or configuration that cannot be used; 3 an internal error. :func:`main` is the one
error boundary: a :class:`~tracker.errors.TrackerError` becomes ``tracker: …`` and its exit code, and
anything unexpected becomes ``tracker: internal error …`` (exit 3) with the traceback in a log file
(or on stderr with ``--debug``): no traceback ever reaches a user by accident. Commands import what
they need inside their bodies so that a headless command never pays for the TUI or the spreadsheet
libraries.
"""

from __future__ import annotations

import os

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

from tracker.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, TrackerError

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_INTERNAL", "EXIT_OK", "app", "fail", "main", "state"]

GLOBAL_OPTIONS = ("--db", "--config", "--as-of")
GLOBAL_FLAGS = ("--debug",)
LOG_ENV = "TRACKER_LOG"

app = typer.Typer(
    name="tracker",
    help="Track the key projects of a civil-affairs five-year plan: import, check, filter, roll up, report.",
    no_args_is_help=False,
    add_completion=True,  # --install-completion / --show-completion, as a Typer user expects
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
    language: str | None = None
    """``--language``: the language of messages and of the TUI (None: the environment's, then the
    person's preferences for the TUI)."""

    @property
    def config(self) -> Config:
        if self._config is None:
            from tracker.config import ConfigError, load

            try:
                self._config = load(self.config_option)
            except ConfigError as exc:
                fail(str(exc), error=exc)
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
            fail(str(exc), error=exc)

    def engine(self) -> Engine:
        """An engine on an existing tracker database (exit 2 if there is none)."""
        from tracker.db import DatabaseError, open_existing

        try:
            return open_existing(self.url)
        except DatabaseError as exc:
            fail(str(exc), error=exc)

    @property
    def file_mode(self) -> int:
        """``database.file_mode`` from tracker.toml as a number (validated when the file was read): the
        mode of a database file that ``init``, ``import-plan`` or a first run creates."""
        from tracker.config import parse_file_mode

        return parse_file_mode(self.config.get("database.file_mode"))

    def actor(self) -> str:
        from tracker.audit import current_actor

        return current_actor(self.config.get("general.reporter"))


def fail(message: str, code: int = EXIT_ERROR, *, error: BaseException | None = None) -> NoReturn:
    """Print ``tracker: message`` to stderr and exit with ``code``; controls in it (echoed user data)
    are shown as escapes, never sent to the terminal. ``error``, the domain error the message came from,
    says it in Chinese instead when the locale asks for it (:func:`error_text`)."""
    from tracker.safe_text import visible

    if isinstance(error, TrackerError):
        message = error_text(error, message)
    typer.echo(f"tracker: {visible(message)}", err=True)
    raise typer.Exit(code)


def error_text(error: TrackerError, english: str) -> str:
    """A domain error's line in the CLI's language: Chinese when ``TRACKER_LANGUAGE=zh`` or the locale
    (``LC_ALL``/``LC_MESSAGES``/``LANG``) starts with ``zh`` and the error has a catalogue message;
    otherwise ``english``, the text the CLI has always printed (its contract)."""
    from tracker.messages import cli_language

    if error.message_id is None:
        return english
    language = cli_language()
    return english if language == "en" else error.user_message(language)


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
DebugOption = Annotated[
    bool, typer.Option("--debug", help="On an internal error, print the traceback instead of logging it.")
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Date for warnings, YYYY-MM-DD (default today or general.as_of).")
]
LanguageOption = Annotated[
    str | None,
    typer.Option(
        "--language",
        help="Language of messages and of the TUI: zh or en (default TRACKER_LANGUAGE, then the locale). "
        "Written before the command; `report --language` is the report's own.",
    ),
]


def version() -> str:
    """The installed distribution's version (``pyproject.toml`` ``version``), read from its metadata."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version("tracker")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _print_version(value: bool) -> None:
    """``--version``: eager, so it answers before the root callback reads tracker.toml or opens a database."""
    if value:
        typer.echo(f"tracker {version()}")
        raise typer.Exit(EXIT_OK)


VersionOption = Annotated[
    bool,
    typer.Option("--version", callback=_print_version, is_eager=True, help="Show the version and exit."),
]


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: DbOption = None,
    config: ConfigOption = None,
    as_of: AsOfOption = None,
    debug: DebugOption = False,  # read by main() before parsing; declared here for --help
    show_version: VersionOption = False,  # handled by its eager callback
    language: LanguageOption = None,
) -> None:
    """With no command: open the TUI on the configured database (creating it on first run)."""
    if language is not None:
        if language not in ("zh", "en"):
            fail(f"--language must be zh or en, not {language!r}")
        os.environ["TRACKER_LANGUAGE"] = language  # the messages of this process (tracker.messages.cli_language)
    ctx.obj = State(db, str(config) if config else None, as_of, language=language)
    if ctx.invoked_subcommand is None:
        from tracker.cli.tui import default_command

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
        if arg in GLOBAL_FLAGS:
            front.append(arg)
        elif name in GLOBAL_OPTIONS:
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
    """Console-script entry point and the CLI's one error boundary."""
    args = hoist_global_options(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args[: args.index("--") if "--" in args else len(args)]
    undecodable = next((arg for arg in args if _has_surrogates(arg)), None)
    if undecodable is not None:
        from tracker.safe_text import visible

        shown = visible(undecodable.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))
        typer.echo(f"tracker: the argument '{shown}' is not valid UTF-8 text", err=True)
        raise SystemExit(EXIT_ERROR)
    try:
        from tracker.cli import register_commands

        register_commands()
        app(args=args, prog_name="tracker")
    except SystemExit:
        raise
    except TrackerError as exc:
        from tracker.safe_text import visible

        typer.echo(f"tracker: {visible(error_text(exc, exc.user_message()))}", err=True)
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("tracker: interrupted; nothing was changed by the unfinished step", err=True)
        raise SystemExit(130) from None
    except BrokenPipeError:
        _quiet_broken_pipe()
    except Exception as exc:  # noqa: BLE001 - the boundary: every unexpected error ends here
        known = _expected_failure(exc)
        if known is not None:
            typer.echo(f"tracker: {known}", err=True)
            raise SystemExit(EXIT_ERROR) from None
        if debug:
            import traceback

            traceback.print_exc()
            typer.echo(f"tracker: internal error ({exc.__class__.__name__}); this is a bug", err=True)
        else:
            log = write_crash_log(exc, args)
            where = f"; details in {log}" if log else ""
            typer.echo(
                f"tracker: internal error ({exc.__class__.__name__}: {_one_line(exc)}){where}; "
                "run again with --debug to see the traceback",
                err=True,
            )
        raise SystemExit(EXIT_INTERNAL) from None


def _has_surrogates(text: str) -> bool:
    """Whether ``text`` holds bytes the locale could not decode (Python keeps them as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _one_line(exc: BaseException, width: int = 200) -> str:
    from tracker.safe_text import visible

    text = visible(str(exc), single_line=True)
    return text if len(text) <= width else text[: width - 1] + "…"


def _expected_failure(exc: Exception) -> str | None:
    """Failures of the world rather than of tracker: a locked or unreachable database, a full disk."""
    from tracker.safe_text import visible

    try:
        from sqlalchemy.exc import OperationalError
    except ImportError:  # pragma: no cover - SQLAlchemy is a dependency
        return None
    if isinstance(exc, OperationalError):
        detail = visible(str(exc.orig) if exc.orig is not None else str(exc), single_line=True)
        if "locked" in detail or "busy" in detail:
            from tracker.db import BUSY_TIMEOUT_MS

            return f"the database is locked by another program (waited {BUSY_TIMEOUT_MS / 1000:g} s): {detail}"
        return f"the database cannot be used: {detail}"
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return visible(f"{where}{exc.strerror}", single_line=True)
    return None


def _quiet_broken_pipe() -> None:
    """``tracker list | head``: the reader left; stop quietly like any Unix filter."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:  # pragma: no cover - stdout already gone
        pass
    raise SystemExit(EXIT_OK)


def crash_log_dir() -> Path:
    """``$TRACKER_LOG`` (a folder), else ``$XDG_STATE_HOME/tracker``, else ``~/.local/state/tracker``."""
    import os

    explicit = os.environ.get(LOG_ENV)
    if explicit:
        return Path(explicit).expanduser()
    state_home = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state_home) / "tracker"


def write_crash_log(exc: BaseException, args: Sequence[str]) -> Path | None:
    """Write the traceback of an internal error to a new file (mode 0600); its path, or None."""
    import os
    import tempfile
    import traceback
    from datetime import datetime

    text = (
        f"tracker internal error at {datetime.now().isoformat(timespec='seconds')}\n"
        f"arguments: {list(args)!r}\n\n" + "".join(traceback.format_exception(exc))
    )
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for folder in (crash_log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, name = tempfile.mkstemp(prefix=f"tracker-error-{stamp}-", suffix=".log", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            return Path(name)
        except OSError:
            continue
    return None
