"""What an operation of the audit log did, said in the interface's language (the undo dialog's text).

The log stores an English-and-data summary (``edit 2-18: finish_text, finish_year``; ``progress 2-9
2023-06: 在建, 120 万元``) written by the function that made the change; that summary is the CLI's
contract (``tracker history``) and stays as it is. For a person reading the TUI, this module reads the
summary's known shapes back and says them with the catalogue: the operation's kind and the names of
the fields in the interface's language (编辑 2-18：竣工年份、竣工年份（年）). A summary of a shape it does
not know is shown after its translated kind, unchanged (it is then data: a file name, a reason).
Pure: no database, no UI.
"""

from __future__ import annotations

import re

from tracker.messages import has_message, translate
from tracker.models import Status

_EDIT = re.compile(r"edit (?P<code>.+?): (?P<fields>.+)", re.DOTALL)
_MONTH = re.compile(
    r"(?P<verb>progress|correct) (?P<code>\S+) (?P<month>\d{4}-\d{2}): (?P<status>[^,]+), (?P<amount>.+) 万元"
)
_ANNUAL = re.compile(r"annual plan (?P<code>\S+) (?P<year>\d{4}): (?P<value>.+)", re.DOTALL)


def field_name(language: str, name: str) -> str:
    """A column of the project (``finish_text``) as the forms label it (竣工年份), else as stored."""
    key = f"field.{name}"
    return translate(language, key) if has_message(key, language) else name


def kind_name(language: str, kind: str) -> str:
    key = f"kind.{kind}"
    return translate(language, key) if has_message(key, language) else kind


def _status(language: str, text: str) -> str:
    try:
        status = Status.parse(text)
    except ValueError:
        return text
    key = f"status.{status.value}"
    return translate(language, key) if has_message(key, language) else text


def describe(kind: str, summary: str, language: str) -> str:
    """The operation ``kind`` with ``summary`` (as :class:`~tracker.models.Operation` stores them),
    said in ``language``; values are escaped by :func:`~tracker.messages.translate`."""
    if kind == "edit" and (match := _EDIT.fullmatch(summary)):
        separator = translate(language, "op.list_separator")
        fields = separator.join(field_name(language, f.strip()) for f in match["fields"].split(","))
        return translate(language, "op.edit", code=match["code"], fields=fields)
    if kind == "progress" and (match := _MONTH.fullmatch(summary)):
        return translate(
            language,
            f"op.{match['verb']}",
            code=match["code"],
            month=match["month"],
            status=_status(language, match["status"]),
            amount=match["amount"],
        )
    if kind == "annual-plan" and (match := _ANNUAL.fullmatch(summary)):
        return translate(language, "op.annual_plan", code=match["code"], year=match["year"], value=match["value"])
    return translate(language, "op.other", kind=kind_name(language, kind), summary=summary)
