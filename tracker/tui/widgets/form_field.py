"""One labelled input of a form, with its validation message right under it.

The forms validate through the domain (``tracker.editing``, ``tracker.progress``); the domain names
the field at fault, and the form puts the message under that field rather than in a pop-up.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static, TextArea

from tracker.safe_text import plain_text
from tracker.tui.styles import tcss


class FormField(Vertical):
    DEFAULT_CSS = tcss(__file__)

    def __init__(self, field: str, label: str, control: Widget) -> None:
        super().__init__(id=f"field-{field}")
        self.field = field
        self._label = label
        self.control = control

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="field-label", markup=False)
        yield self.control
        yield Static("", classes="field-error", markup=False)

    def set_error(self, message: str | None) -> None:
        self.query_one(".field-error", Static).update(plain_text(message or "", "bold red"))
        self.set_class(bool(message), "-error")

    @property
    def error(self) -> str:
        return str(self.query_one(".field-error", Static).render()) if self.has_class("-error") else ""


def text_area(name: str, text: str = "") -> TextArea:
    """The control of a multi-line field (``#input-{name}``): soft-wrapped inside the dialog, a few
    lines high and scrolled within (:file:`form_field.tcss`), its line breaks kept exactly as typed.
    Tab moves to the next field, as in an ``Input``."""
    return TextArea(
        text, soft_wrap=True, show_line_numbers=False, tab_behavior="focus", id=f"input-{name}", classes="multiline"
    )
