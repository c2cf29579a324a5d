"""The filter bar: one line of the CLI's filter language, live, with a caret under a mistake.

It only edits text and reports it (debounced while typing, at once on Enter); the screen owning it
parses the text with :mod:`tracker.filters` — the same parser the CLI uses — and calls
:meth:`FilterBar.show_error` with the parser's caret message when the text is wrong.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from tracker.safe_text import has_control, plain_text, visible
from tracker.tui.i18n import tr
from tracker.tui.styles import tcss


class FilterBar(Vertical):
    """``/`` focuses it; typing filters live; Enter or Escape returns to the list."""

    DEFAULT_CSS = tcss(__file__)
    DEBOUNCE_SECONDS = 0.25
    """Typing pauses this long before the list follows (Enter applies at once)."""

    BINDINGS = [Binding("escape", "done", "Back to list", id="leave_filter")]

    class Changed(Message):
        """The filter text to apply."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Done(Message):
        """The user is finished with the filter (Enter or Escape)."""

    def __init__(self, text: str = "", *, id: str | None = None, placeholder: str = "filter.placeholder") -> None:
        super().__init__(id=id)
        self._initial = text
        self._placeholder = placeholder
        """The catalogue id of the example shown in the empty input (the indicators view has its own)."""
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="filter-row"):
            yield Label(tr(self, "filter.label"), id="filter-label", markup=False)
            yield Input(value=self._initial, placeholder=tr(self, self._placeholder), id="filter-input")
        yield Static("", id="filter-error", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    @property
    def text(self) -> str:
        return self.input.value

    def set_text(self, text: str) -> None:
        """Replace the text (a saved view chosen elsewhere) and apply it at once."""
        self.input.value = text
        self._apply()

    def show_error(self, caret: str) -> None:
        """Show the parser's message (the filter and a ``^~~~`` line) under the input."""
        self.query_one("#filter-error", Static).update(plain_text(caret, "bold red"))
        self.add_class("-error")

    def clear_error(self) -> None:
        self.query_one("#filter-error", Static).update("")
        self.remove_class("-error")

    @property
    def error_text(self) -> str:
        return str(self.query_one("#filter-error", Static).render())

    @on(Input.Changed, "#filter-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if has_control(event.value):
            # Pasted or set from a view name: an Input draws its value as is, so a control character
            # would reach the terminal. Show (and parse) its escape instead; that edit comes back here.
            self.input.value = visible(event.value)
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.DEBOUNCE_SECONDS, self._apply)

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply()
        self.post_message(self.Done())

    def _apply(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.post_message(self.Changed(self.text))

    def action_done(self) -> None:
        self.post_message(self.Done())
