"""Every word the program shows a person, in Chinese and English, from one gettext catalogue.

Why gettext: one catalogue for the whole program (the TUI's labels, the domain's validation errors,
the CLI's error lines), kept as two ordinary ``.po`` files that translators and ``msgfmt``/Babel
tools understand, and read at run time by the standard library alone (:mod:`gettext`; no Babel at
run time). The msgids are symbolic (``app.title``, ``error.amount.not_a_number``): the English text
is a translation like the Chinese, so fixing an English wording never orphans its Chinese.

The files live inside the package (``tracker/locale/<language>/LC_MESSAGES/tracker.po`` and the
``.mo`` compiled from it with ``make messages``), so a wheel carries them. A language's ``.mo`` is
read the first time that language is asked for and then kept: startup reads nothing.

Data (project names, categories, districts) is never translated: it is what the plan published.
The values filled into a message are often data (a code, an echoed cell), so each has its control
characters shown as escapes (``\\x1b``): every message is safe to show, whatever the widget.

Nothing here imports Textual or Rich: the domain and the headless CLI use it too.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Final

from tracker.safe_text import visible

DOMAIN: Final = "tracker"
LOCALE_DIR: Final = Path(__file__).with_name("locale")
LANGUAGES: Final = ("zh", "en")
DEFAULT_LANGUAGE: Final = "zh"
"""The interface's language when tracker.toml names none (the CLI defaults to English: see
:func:`cli_language`)."""

TERM_VALUES: Final = frozenset({"what", "field"})
"""Values that name a field or a quantity (``amount``, ``finish``): shown through ``term.<value>``
when the catalogue has it (金额), else as given (a CSV column is the file's own word)."""


def mo_path(language: str) -> Path:
    """Where the compiled catalogue of ``language`` lives."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


@cache
def catalogue(language: str) -> gettext.GNUTranslations:
    """The compiled catalogue of ``language`` (``en`` for any language not in :data:`LANGUAGES`),
    read once per process."""
    with mo_path(language if language in LANGUAGES else "en").open("rb") as handle:
        return gettext.GNUTranslations(handle)


def has_message(key: str, language: str = "en") -> bool:
    """Whether the catalogue of ``language`` has a text for ``key``."""
    return catalogue(language).gettext(key) != key


def template(language: str, key: str) -> str:
    """The raw text of ``key`` in ``language``, placeholders unfilled.

    An unknown key raises :class:`KeyError`: tests/test_messages.py checks every key the code uses
    against both catalogues, so a missing entry fails there rather than shows a key to the officer.
    """
    text = catalogue(language).gettext(key)
    if text == key:
        raise KeyError(key)
    return text


def term(language: str, value: object) -> str:
    """A field or quantity name (``amount``) in ``language`` (金额), or itself when not a term."""
    key = f"term.{value}"
    return template(language, key) if isinstance(value, str) and has_message(key, language) else str(value)


def translate(language: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``language`` with ``{placeholders}`` filled in, each value's control
    characters escaped (values named ``what``/``field`` are translated as :func:`term`)."""
    text = template(language, key)
    if not values:
        return text
    return text.format(**{name: visible(_value(language, name, value)) for name, value in values.items()})


class Phrase:
    """A catalogue message used as a value of another (``(did you mean +overdue?)`` inside a filter
    error): English as ``str``, in the outer message's language when that is rendered."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, /, **values: object) -> None:
        self.key, self.values = key, values

    def __str__(self) -> str:
        return english(self.key, self.values)

    def render(self, language: str) -> str:
        return translate(language, self.key, **self.values)


def english(key: str, values: Mapping[str, object]) -> str:
    """The English text of a domain error, filled in *as given* (no escaping: ``str(error)`` stays
    what it always was; the boundaries that show it escape it)."""
    return template("en", key).format(**values)


def _value(language: str, name: str, value: object) -> object:
    if isinstance(value, Phrase):
        return value.render(language)
    render = getattr(value, "user_message", None)
    if isinstance(value, Exception) and callable(render):  # a TrackerError: the detail of a field's error
        return render(language)
    return term(language, value) if name in TERM_VALUES and language != "en" else value


def cli_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the CLI's messages: ``TRACKER_LANGUAGE`` (``zh``/``en``) wins; else the first
    set of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` (the POSIX order) starting with ``zh`` means Chinese;
    anything else (unset, ``C``, ``en_US.UTF-8``) English, exactly as before languages existed."""
    env = os.environ if environ is None else environ
    chosen = env.get("TRACKER_LANGUAGE", "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"
