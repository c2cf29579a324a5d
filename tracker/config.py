"""``tracker.toml``: read with :mod:`tomllib`, validated, and edited in place with :mod:`tomlkit`.

Every key the product knows is declared in :data:`DEFAULTS` with its type, so that a typo in the
file or in ``tracker config set`` is an error rather than a silently ignored setting. Free-form
tables (``[views]``, ``[keys]``, ``[check]``) hold name → string maps that their owners validate.
Writing changes one key and keeps everything else byte for byte: the comments, the order, the blank
lines and the quoting of a hand-written file (tomlkit edits the document, it does not re-serialise it).
"""

from __future__ import annotations

import copy
import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tracker.bounds import MAX_YEAR, MIN_YEAR, check_setting, parse_int, setting_range, shown
from tracker.errors import TrackerError

CONFIG_ENV = "TRACKER_CONFIG"
DEFAULT_CONFIG_NAME = "tracker.toml"

DEFAULTS: dict[str, dict[str, Any]] = {
    "database": {"url": "tracker.db", "file_mode": "0600"},
    "general": {"as_of": "", "language": "zh", "reporter": ""},
    "warnings": {
        "due_soon_months": 3,
        "late_start_red_months": 6,
        "lagging_yellow_points": 10,
        "lagging_red_points": 30,
        "stale_days": 45,
    },
    "rollup": {"year_spread": "even"},
    "export": {"bom": True},
    "report": {"language": "zh", "unit": ""},
}
"""Known sections and keys with their default values; the default's type is the key's type."""

FREE_SECTIONS: tuple[str, ...] = ("views", "keys", "check")
"""Sections whose keys are user-chosen names mapping to strings."""

CHOICES: dict[str, tuple[str, ...]] = {
    "general.language": ("zh", "en"),
    "report.language": ("zh", "en"),
    "rollup.year_spread": ("even", "front", "back"),
}


class ConfigError(TrackerError, ValueError):
    """The configuration file cannot be read or holds a bad value."""


@dataclass(frozen=True)
class Config:
    """The settings in force: the file's values over the defaults, and where the file is."""

    data: dict[str, dict[str, Any]]
    path: Path | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    """What the file itself holds (what gets written back)."""

    def get(self, dotted: str) -> Any:
        section, _, key = dotted.partition(".")
        try:
            return self.data[section][key]
        except KeyError as exc:
            raise ConfigError(f"unknown setting {dotted!r}") from exc

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.data.get(name, {}))

    @property
    def base_dir(self) -> Path:
        """Relative paths in the file are relative to the file, not to wherever tracker runs."""
        return self.path.parent if self.path else Path.cwd()

    @property
    def views(self) -> dict[str, str]:
        return dict(self.data.get("views", {}))

    def as_of(self) -> date | None:
        text = self.data["general"]["as_of"]
        return parse_date(text, "general.as_of") if text else None


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""``YYYY-MM-DD`` in ASCII digits; :meth:`date.fromisoformat` alone also takes ``20230630`` and week dates."""


def parse_date(text: str, what: str = "date") -> date:
    """``YYYY-MM-DD`` → date, with an error that names the setting (or option); the year within
    :data:`~tracker.bounds.MIN_YEAR`–:data:`~tracker.bounds.MAX_YEAR` so date arithmetic never overflows."""
    raw = str(text).strip()
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError(raw)
        day = date.fromisoformat(raw)
    except ValueError as exc:
        raise ConfigError(f"{what}: {shown(text)} is not a date (expected YYYY-MM-DD)") from exc
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ConfigError(f"{what}: {raw} is out of range ({MIN_YEAR}-01-01 – {MAX_YEAR}-12-31)")
    return day


def resolve_path(explicit: str | os.PathLike[str] | None) -> Path | None:
    """Which file to read: ``--config``, then ``$TRACKER_CONFIG``, then ``./tracker.toml`` if present."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    local = Path.cwd() / DEFAULT_CONFIG_NAME
    return local if local.exists() else None


def load(explicit: str | os.PathLike[str] | None = None) -> Config:
    """Read and validate the configuration; defaults alone when there is no file.

    An explicitly named file that does not exist is an error; so is malformed TOML or a bad value.
    """
    path = resolve_path(explicit)
    raw: dict[str, Any] = {}
    if path is not None:
        if not path.exists():
            raise ConfigError(f"{path}: no such configuration file")
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        except OSError as exc:
            raise ConfigError(f"{path}: cannot be read: {exc}") from exc
    data = merge(raw, where=str(path) if path else "configuration")
    return Config(data=data, path=path.resolve() if path else None, raw=raw)


def merge(raw: dict[str, Any], where: str = "configuration") -> dict[str, dict[str, Any]]:
    """Validate ``raw`` against :data:`DEFAULTS` and return the full settings."""
    data = copy.deepcopy(DEFAULTS)
    for name in FREE_SECTIONS:
        data[name] = {}
    for section, values in raw.items():
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: [{section}] must be a table")
        if section in FREE_SECTIONS:
            for key, value in values.items():
                if not isinstance(value, str):
                    raise ConfigError(f"{where}: {section}.{key} must be a string")
            data[section] = dict(values)
            continue
        if section not in DEFAULTS:
            raise ConfigError(f"{where}: unknown section [{section}]")
        for key, value in values.items():
            data[section][key] = check_value(f"{section}.{key}", value, where)
    return data


def check_value(dotted: str, value: Any, where: str = "configuration") -> Any:
    """Type-check one known key against its default; return the value."""
    section, _, key = dotted.partition(".")
    if section not in DEFAULTS or key not in DEFAULTS[section]:
        raise ConfigError(f"{where}: unknown setting {dotted!r}")
    expected = type(DEFAULTS[section][key])
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{where}: {dotted} must be a whole number, not {value!r}")
    if not isinstance(value, expected):
        raise ConfigError(f"{where}: {dotted} must be a {expected.__name__}, not {value!r}")
    if expected is int:
        try:
            check_setting(dotted, value, error=ConfigError)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from exc
    allowed = CHOICES.get(dotted)
    if allowed and value not in allowed:
        raise ConfigError(f"{where}: {dotted} must be one of {', '.join(allowed)}, not {value!r}")
    if dotted == "general.as_of" and value:
        parse_date(value, f"{where}: {dotted}")
    if dotted == "database.file_mode":
        parse_file_mode(value, f"{where}: {dotted}")
    return value


def parse_file_mode(text: str, what: str = "database.file_mode") -> int:
    """``"0640"`` → ``0o640``: the permissions a new database file is created with.

    Octal, as ``chmod`` takes it (``0600``, ``640``, ``0o640``); the owner must be able to read and
    write the file, and nobody needs to execute it.
    """
    match = re.fullmatch(r"0?[oO]?([0-7]{3})", text.strip())
    if match is None:
        raise ConfigError(f'{what} must be an octal file mode such as "0600" or "0640", not {text!r}')
    mode = int(match.group(1), 8)
    if mode & 0o600 != 0o600:
        raise ConfigError(f"{what}: {text} must let the owner read and write the database (e.g. 0600)")
    if mode & 0o111:
        raise ConfigError(f"{what}: {text} gives execute permission; a database needs read and write only (e.g. 0640)")
    return mode


def coerce(dotted: str, text: str) -> Any:
    """Turn a command-line string into the type of ``dotted`` (for ``tracker config set``)."""
    section, _, key = dotted.partition(".")
    if section in FREE_SECTIONS:
        return text
    if section not in DEFAULTS or key not in DEFAULTS[section]:
        raise ConfigError(f"unknown setting {dotted!r}")
    expected = type(DEFAULTS[section][key])
    if expected is bool:
        lowered = text.strip().lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
        raise ConfigError(f"{dotted} must be true or false, not {text!r}")
    if expected is int:
        if not re.fullmatch(r"\s*[+-]?[0-9]+\s*", text):
            raise ConfigError(f"{dotted} must be a whole number (digits 0-9), not {shown(text)}")
        return parse_int(text, dotted, *setting_range(dotted), error=ConfigError)
    return text


def write_text(path: Path, text: str) -> None:
    """Validate the TOML ``text`` and write it atomically (a temporary file beside it, then a rename)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - tomlkit writes valid TOML
        raise ConfigError(f"{path}: the edited file would not be valid TOML: {exc}") from exc
    merge(raw, where=str(path))
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ConfigError(f"{path}: cannot be written: {exc.strerror}") from exc


def update(config: Config, dotted: str, value: Any | None) -> Config:
    """Set (or with ``None`` remove) one key in the file behind ``config`` and return the new settings.

    Only that key changes; every other setting in the file is written back as it was.
    """
    import tomlkit

    path = config.path or (Path.cwd() / DEFAULT_CONFIG_NAME)
    section, _, key = dotted.partition(".")
    if not section or not key:
        raise ConfigError(f"setting {dotted!r} must be written SECTION.KEY")
    if value is not None and section not in FREE_SECTIONS:
        check_value(dotted, value)
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.TOMLKitError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from exc
    table = document.get(section)
    if value is None:
        if table is not None and key in table:
            del table[key]
            if not table:
                del document[section]
    else:
        if table is None:
            table = tomlkit.table()
            document[section] = table
        table[key] = value
    write_text(path, tomlkit.dumps(document))
    return load(path)
