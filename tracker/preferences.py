"""The interface choices of one person — the TUI's language, theme and table columns — in a small TOML
file of their own, never in the shared ``tracker.toml``.

Why a second file: ``tracker.toml`` is the office's settings, often kept in version control beside
the database and read by cron; a choice one officer makes on her screen (English labels, a light
theme, which columns fit her laptop) must neither change what a script produces nor show up as a
change in the shared file. The file is ``$TRACKER_PREFERENCES`` when set, else
``$XDG_CONFIG_HOME/tracker/interface.toml``, else ``~/.config/tracker/interface.toml``.

Reading never fails: a missing, unreadable or hand-broken file, or a value out of range, is ignored
(the caller may say so) and the defaults apply — a preference is never worth a crash. Writing edits
the file in place with tomlkit (a comment someone wrote in it stays), atomically and mode 0600.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PREFERENCES_ENV = "TRACKER_PREFERENCES"

LANGUAGES: tuple[str, ...] = ("zh", "en")
MAX_THEME_LENGTH = 64
MAX_COLUMNS = 32


@dataclass(frozen=True)
class Preferences:
    """What the file holds (None: not chosen, the defaults apply) and what of it had to be ignored."""

    language: str | None = None
    theme: str | None = None
    columns: tuple[str, ...] | None = None
    ignored: tuple[str, ...] = field(default=(), compare=False)
    """``key: why`` for every value that was present but unusable."""


def preferences_path() -> Path:
    """Where this user's interface choices live."""
    explicit = os.environ.get(PREFERENCES_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "tracker" / "interface.toml"


def load_preferences(path: Path | None = None, known_columns: Sequence[str] = ()) -> Preferences:
    """The choices in ``path`` (default :func:`preferences_path`); unusable values are left out and
    listed in :attr:`Preferences.ignored`. ``known_columns``, when given, bounds ``columns``."""
    path = path or preferences_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Preferences()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Preferences(ignored=(f"{path}: {type(exc).__name__}",))
    ignored: list[str] = []
    language = raw.get("language")
    if language is not None and language not in LANGUAGES:
        ignored.append("language: not zh or en")
        language = None
    theme = raw.get("theme")
    if theme is not None and not (isinstance(theme, str) and 0 < len(theme) <= MAX_THEME_LENGTH and theme.isprintable()):
        ignored.append("theme: not a theme name")
        theme = None
    columns = raw.get("columns")
    chosen: tuple[str, ...] | None = None
    if columns is not None:
        if (
            isinstance(columns, list)
            and len(columns) <= MAX_COLUMNS
            and all(isinstance(c, str) for c in columns)
            and (not known_columns or all(c in known_columns for c in columns))
        ):
            chosen = tuple(dict.fromkeys(columns))  # a repeated name once
        else:
            ignored.append("columns: not a list of known column names")
    return Preferences(language, theme, chosen, tuple(ignored))


def save_preference(key: str, value: Any, path: Path | None = None) -> Path:
    """Set one choice (``language``, ``theme`` or ``columns``) in the file, keeping everything else in
    it, and return the file's path. Raises ``OSError`` when it cannot be written."""
    import tomlkit

    if key not in ("language", "theme", "columns"):
        raise ValueError(f"unknown preference {key!r}")
    path = path or preferences_path()
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        document = tomlkit.document()
        document.add(tomlkit.comment("tracker: this person's interface choices (the TUI writes them)"))
    except (UnicodeDecodeError, tomlkit.exceptions.TOMLKitError):
        document = tomlkit.document()  # a broken file is replaced rather than kept broken
    document[key] = list(value) if isinstance(value, (list, tuple)) else value
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(tomlkit.dumps(document))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path
