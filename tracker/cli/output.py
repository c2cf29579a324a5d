"""Printing for the CLI: a Rich console on a terminal, plain text on a pipe, exact JSON always.

Data is text, never markup or control codes: every value from the database or an input file reaches
the console as a :class:`rich.text.Text` built by :func:`tracker.safe_text.plain_text` (so ``[/]``,
``[link=…]`` or ``:emoji:`` in a name are shown as typed), and every line written with :func:`echo`
has its control characters shown as escapes (``\\x1b``) — on a terminal and on a pipe alike.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from tracker.errors import OutputError

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


@contextmanager
def collector_paused() -> Iterator[Any]:
    """Start-up without the cyclic collector (as ``tracker check`` does): the imports allocate several
    hundred thousand long-lived objects that the collector would walk again and again. The block gets
    a ``resume`` function to call once the imports are done and before rows stream: it freezes what
    exists (so later collections skip it) and turns the collector back on, so a long stream still
    collects. At exit the survivors are frozen, which spares the shutdown collection."""
    import atexit
    import gc

    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    collecting = gc.isenabled()
    gc.disable()

    def resume() -> None:
        gc.freeze()
        if collecting:
            gc.enable()

    try:
        yield resume
    finally:
        if collecting:
            gc.enable()


def stdout_text() -> IO[str]:
    """The text stream documents (CSV, JSON) are streamed to: click's stdout, the stream ``typer.echo``
    writes to (UTF-8 where the locale's would be ASCII), without a newline translation."""
    try:
        from typer._click.utils import _default_text_stdout
    except ImportError:  # pragma: no cover - a Typer that depends on Click again
        from click.utils import _default_text_stdout  # type: ignore[no-redef]
    stream = _default_text_stdout()
    return stream if stream is not None else sys.stdout


def print_json(data: Any) -> None:
    """JSON with exact money and Chinese as is, to stdout."""
    from tracker.export import dumps_json

    sys.stdout.write(dumps_json(data) + "\n")


def check_output_path(path: Path) -> Path:
    """``path`` if a file can be written there; else :class:`~tracker.errors.OutputError` (exit 2)
    saying why — before any work is done, so a bad ``--output`` costs nothing."""
    from tracker.errors import OutputError
    from tracker.safe_text import visible

    shown = visible(str(path), single_line=True)
    if not str(path).strip():
        raise OutputError("--output: the file name is empty")
    if path.is_dir():
        raise OutputError(f"{shown}: is a folder; give a file name for --output")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise OutputError(f"{shown}: the folder {visible(str(parent), single_line=True)} does not exist")
    if not parent.is_dir():
        raise OutputError(f"{shown}: {visible(str(parent), single_line=True)} is not a folder")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{shown}: the folder {visible(str(parent), single_line=True)} is not writable")
    return path


@contextmanager
def output_file(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A file to write ``path`` through: a temporary file beside it, renamed over ``path`` only when the
    block succeeds. A failed or interrupted command therefore leaves no half-written file and never
    truncates an existing one."""
    import tempfile

    from tracker.errors import OutputError

    check_output_path(path)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent if str(path.parent) else ".")
    except OSError as exc:
        raise OutputError(f"{path}: cannot be written: {exc.strerror}") from exc
    os.fchmod(fd, 0o666 & ~_umask())
    try:
        mode = "wb" if binary else "w"
        kwargs: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as out:
            yield out
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def echo(message: str, *, err: bool = False, nl: bool = True) -> None:
    """A line that may carry data (a code, a summary, a path), controls shown as escapes.

    Not for documents (CSV, JSON): they escape their own content, and their CR LF is layout.
    """
    import typer

    from tracker.safe_text import visible

    typer.echo(visible(message), err=err, nl=nl)


def short_value(value: Any, width: int = 30) -> str:
    """A changed value on one line of a change list (``history``, ``import-csv``): ``∅`` for none, money as
    万元, line breaks as `` / ``, cut to ``width`` with ``…``."""
    from decimal import Decimal

    from tracker.money import fmt_wan

    if value is None:
        return "∅"
    text = fmt_wan(value) if isinstance(value, Decimal) else str(value)
    text = text.replace("\n", " / ")
    return text if len(text) <= width else text[: width - 1] + "…"


FILE_FORMATS = ("xlsx", "csv", "json")
"""The formats a file name's extension names (``.xlsx``, ``.csv``, ``.json``, in any case)."""


def _choices(formats: tuple[str, ...] | list[str]) -> str:
    return formats[0] if len(formats) == 1 else f"{', '.join(formats[:-1])} or {formats[-1]}"


class FormatError(OutputError):
    """A ``--format``/``--output`` pair that names no format, or two (exit 2); shown whole, quotes kept."""

    def user_message(self, language: str | None = None) -> str:  # noqa: ARG002 - CLI-only, English
        from tracker.safe_text import visible

        return visible(str(self))


def format_for(output: Path | None, fmt: str | None, allowed: tuple[str, ...], default: str) -> str:
    """The format of a command's document: ``--format`` if given, else the ``--output`` file's extension,
    else ``default`` (on stdout). Every command writing files chooses its format here, so they agree:

    - a ``--format`` not in ``allowed`` is an error naming the choices;
    - a ``--format`` that contradicts the file's extension (``--format csv --output r.xlsx``) is an error
      naming both; with an extension that names no format (``r.txt``) the ``--format`` decides;
    - without ``--format``, an ``--output`` whose extension names no format this command writes is an
      error listing the extensions it takes;
    - ``xlsx`` needs ``--output``; a format not in :data:`FILE_FORMATS` (``table``, ``text``) is for
      stdout only.

    Errors are :class:`FormatError` (exit 2). ``output`` is checked by
    :func:`check_output_path` first, so a folder or a missing folder is reported as such.
    """
    from tracker.safe_text import visible

    if fmt is not None and fmt not in allowed:
        raise FormatError(f"--format must be {_choices(allowed)}, not {visible(repr(fmt), single_line=True)}")
    writable = tuple(f for f in allowed if f in FILE_FORMATS)
    if output is None:
        chosen = fmt or default
        if chosen == "xlsx":
            raise FormatError("--format xlsx needs --output FILE")
        return chosen
    check_output_path(output)
    name = visible(output.name, single_line=True)
    suffix = output.suffix.lower().lstrip(".")
    if fmt is not None:
        if fmt not in FILE_FORMATS:
            raise FormatError(f"--format {fmt} is for the terminal; --output takes {_choices(writable)}")
        if suffix in FILE_FORMATS and suffix != fmt:
            raise FormatError(f"--format {fmt} contradicts the file name {name} (.{suffix})")
        return fmt
    if suffix in writable:
        return suffix
    extensions = _choices([f".{f}" for f in writable])
    if suffix in FILE_FORMATS:
        raise FormatError(f"--output {name}: this command does not write .{suffix}; name the file {extensions}")
    said = f"the extension .{visible(suffix, single_line=True)} names no format" if suffix else "the file name has no extension"
    raise FormatError(f"--output {name}: {said}; name the file {extensions}, or give --format")
