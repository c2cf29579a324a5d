"""Saved views: named filters in ``[views]`` of tracker.toml, used in any filter as ``@name``.

A view is validated before it is written: its name must be usable after ``@``, and its filter must
parse with the other views as they are (so an unknown field, a reference to a missing view or a
cycle of views is refused, never saved). Writing goes through :func:`tracker.config.update`, which
keeps every other setting of the file.
"""

from __future__ import annotations

import re

from tracker.config import Config, update
from tracker.errors import UsageError
from tracker.filters import Everything, FilterError, parse

_NAME = re.compile(r"[^\s()\"@+\-.][^\s()\"]*")


class ViewError(UsageError, ValueError):
    """A view that cannot be saved or deleted."""


def views(config: Config) -> dict[str, str]:
    """The saved views, by name."""
    return config.views


def check_name(name: str) -> str:
    """A view name: no spaces, parentheses or quotes, not starting with ``@ + - .``; not a dotted key."""
    if not name or not _NAME.fullmatch(name) or "." in name:
        raise ViewError.of("views.e.name", name=repr(name))
    return name


def check(config: Config, name: str, text: str) -> str:
    """Validate ``name = text`` against the other views; return the filter text to store."""
    check_name(name)
    text = text.strip()
    candidate = {**config.views, name: text}
    try:
        node = parse(text, candidate, "any")  # a view may select projects, indicators or both
    except FilterError as exc:
        raise ViewError.of("views.e.not_saved", name=name, error=exc, caret=exc.caret(text)) from exc
    if isinstance(node, Everything):
        raise ViewError.of("views.e.empty", name=name)
    return text


def save(config: Config, name: str, text: str) -> Config:
    """Save (or replace) a view; returns the settings as written."""
    return update(config, f"views.{name}", check(config, name, text))


def _parses(text: str, known: dict[str, str]) -> bool:
    try:
        parse(text, known, "any")
    except FilterError:
        return False
    return True


def users_of(config: Config, name: str) -> list[str]:
    """Other views that parse now but would no longer parse without ``name``."""
    every = config.views
    remaining = {k: v for k, v in every.items() if k != name}
    return sorted(k for k, v in remaining.items() if _parses(v, every) and not _parses(v, remaining))


def delete(config: Config, name: str) -> Config:
    """Delete a view; refused when it does not exist or another view refers to it."""
    if name not in config.views:
        known = ", ".join(sorted(config.views)) or "none saved"
        raise ViewError(f"no view named {name!r} (views: {known})")
    dependants = users_of(config, name)
    if dependants:
        raise ViewError(f"view @{name} is used by {', '.join('@' + d for d in dependants)}; delete or change those first")
    return update(config, f"views.{name}", None)
