"""Choose the column to sort by (the same column again reverses the order)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tracker.tui.i18n import tr


class SortScreen(ModalScreen[str | None]):
    """Dismisses with a column key, ``""`` for published order, or None when cancelled."""

    CSS_PATH = "modal.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, choices: list[tuple[str, str]], current: tuple[str | None, bool]) -> None:
        super().__init__()
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        column, descending = self.current
        options = [Option(tr(self, "sort.default"), id="")]
        for key, label in self.choices:
            arrow = (" ▼" if descending else " ▲") if key == column else ""
            options.append(Option(f"{label}{arrow}", id=key))
        with Vertical(classes="dialog"):
            yield Label(tr(self, "sort.title"), classes="dialog-title", markup=False)
            yield OptionList(*options, id="sort-options")

    @on(OptionList.OptionSelected, "#sort-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id or "")

    def action_cancel(self) -> None:
        self.dismiss(None)
