"""The interface's words, as the screens ask for them: thin wrappers over :mod:`tracker.messages`.

The words themselves live in the program's one gettext catalogue
(``tracker/locale/<language>/LC_MESSAGES/tracker.po``; docs/languages.md says how to add one). This
module keeps the names the screens have always imported (``translate``, ``tr``, ``status_label``,
``LANGUAGES``, …), so a screen still writes ``self.t("detail.title")``. The language is switched live
from inside the running app (``general.language`` in tracker.toml remembers the choice). Data (project
names, categories, districts) is never translated: it is what the plan published.

Nothing here imports Textual or Rich; :func:`translate` is a pure function that escapes the control
characters of the values it fills in.
"""

from __future__ import annotations

from typing import Any

from tracker.messages import DEFAULT_LANGUAGE, LANGUAGES, has_message, translate

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "has_message", "other_language", "status_label", "tr", "translate"]


def status_label(language: str, status: str) -> str:
    """A project status value (``in_progress``) as the interface shows it (在建 / in progress)."""
    key = f"status.{status}"
    return translate(language, key) if has_message(key) else status


def other_language(language: str) -> str:
    return "en" if language == "zh" else "zh"


def tr(node: Any, key: str, **values: object) -> str:
    """:func:`translate` in the language of the app ``node`` (a widget or screen) belongs to."""
    return translate(getattr(node.app, "language", DEFAULT_LANGUAGE), key, **values)
