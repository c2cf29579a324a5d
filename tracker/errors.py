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

from typing import ClassVar

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3


class TrackerError(Exception):
    """An expected failure with a message fit for the user and the exit status it deserves."""

    exit_code: ClassVar[int] = EXIT_ERROR

    def user_message(self) -> str:
        """The text after ``tracker: ``; subclasses with richer state may override it.

        Control characters are shown as escapes (``\\x1b``): a message echoes user data (a code, a
        cell), which the terminal must show and never obey. (The CLI boundary applies the same
        escaping again, so an override cannot forget it.)
        """
        from tracker.safe_text import visible

        return visible(str(self).strip("'\""))


class RefusedError(TrackerError):
    """A change the user asked for and that the data refuses: exit 1."""

    exit_code: ClassVar[int] = EXIT_FINDINGS


class UsageError(TrackerError):
    """A wrong call: an option or value out of its bounds, a path that cannot be written: exit 2."""

    exit_code: ClassVar[int] = EXIT_ERROR


class OutputError(UsageError):
    """A file the command was asked to write cannot be written (no such folder, a folder, …)."""
