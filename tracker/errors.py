"""The one error base of the domain, and the exit codes every face maps it to.

The domain raises; it never prints or exits. Each error carries the exit status the CLI gives it,
so :func:`tracker.cli.app.main` needs one ``except TrackerError`` instead of a list per command,
and the TUI shows the same text in a notification or beside a field.

Exit statuses (the CLI contract, documented in the README):

- 0: done, nothing to report;
- 1: findings, or a change refused (a bad value or row, a stale version, an unknown code);
- 2: the call is wrong (usage, a bad option, filter or value out of range), or a file, database or
  configuration cannot be used;
- 3: an internal error: a bug; the traceback goes to a log file whose path the message gives.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3


class TrackerError(Exception):
    """An expected failure with a message fit for the user and the exit status it deserves.

    ``str(error)`` is English, as it always was (the CLI's contract and many tests match it). An error
    built with :meth:`of` (or tagged with :meth:`localize`) also carries a message id of the catalogue
    (:mod:`tracker.messages`) and its values, so :meth:`user_message` can say it in the interface's
    language: 金额 '2026-10' 不是数字 in the Chinese TUI. A value may itself be a TrackerError (the
    detail of a field's error): it is rendered in the same language.
    """

    exit_code: ClassVar[int] = EXIT_ERROR
    message_id: str | None = None
    message_values: dict[str, Any] = {}  # noqa: RUF012 - replaced, never mutated, by localize()

    @classmethod
    def of(cls, message_id: str, /, **values: Any) -> Self:
        """The error whose text is the catalogue's ``message_id`` filled with ``values`` (English in
        ``str``; any language in :meth:`user_message`). Only for classes built from one message."""
        from tracker.messages import english

        return cls(english(message_id, values)).localize(message_id, **values)

    def localize(self, message_id: str, /, **values: Any) -> Self:
        """Tag an error built the usual way with the catalogue message that says the same thing."""
        self.message_id = message_id
        self.message_values = values
        return self

    @property
    def detail(self) -> TrackerError:
        """What a ``field: message`` error (message id ``error.field``) says after its field name;
        the error itself otherwise."""
        inner = self.message_values.get("message") if self.message_id == "error.field" else None
        return inner if isinstance(inner, TrackerError) else self

    def user_message(self, language: str | None = None) -> str:
        """The text after ``tracker: ``; subclasses with richer state may override it.

        ``language`` (``zh``/``en``) renders the error's catalogue message, when it has one; without
        it, or without a message id, the English text of ``str(error)``.

        Control characters are shown as escapes (``\\x1b``): a message echoes user data (a code, a
        cell), which the terminal must show and never obey. (The CLI boundary applies the same
        escaping again, so an override cannot forget it.)
        """
        from tracker.safe_text import visible

        if language is not None and self.message_id is not None:
            from tracker.messages import translate

            return translate(language, self.message_id, **self.message_values)
        return visible(str(self).strip("'\""))


def in_language(error: BaseException, language: str | None) -> str:
    """Any exception's message for a person: a TrackerError's in ``language``, else ``str``."""
    from tracker.safe_text import visible

    return error.user_message(language) if isinstance(error, TrackerError) else visible(str(error))


class RefusedError(TrackerError):
    """A change the user asked for and that the data refuses: exit 1."""

    exit_code: ClassVar[int] = EXIT_FINDINGS


class UsageError(TrackerError):
    """A wrong call: an option or value out of its bounds, a path that cannot be written: exit 2."""

    exit_code: ClassVar[int] = EXIT_ERROR


class OutputError(UsageError):
    """A file the command was asked to write cannot be written (no such folder, a folder, …)."""


class FieldError(RefusedError, ValueError):
    """A value given for one field cannot be stored: ``field: message``; ``field`` names which.

    ``message`` may be a TrackerError (the parser's own, with its message id): the form then shows
    it under the field in the interface's language (:meth:`field_message`).
    """

    def __init__(self, field: str, message: str | TrackerError) -> None:
        self.field = field
        self.message = str(message)
        self.cause = message if isinstance(message, TrackerError) else None
        super().__init__(f"{field}: {self.message}")
        if self.cause is not None and self.cause.message_id is not None:
            self.localize("error.field", field=field, message=self.cause)

    def field_message(self, language: str | None = None) -> str:
        """What the form shows under the field: the message without the field's name."""
        if self.cause is not None:
            return self.cause.user_message(language)
        return self.message
