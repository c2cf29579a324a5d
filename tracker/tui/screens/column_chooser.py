"""``c`` on the projects: choose which columns the table shows and in what order they are listed.

The choice is this person's (tracker.preferences, never tracker.toml) and changes only the screen:
no script's output. The light, code, name, total and status are always shown (they are listed, but
cannot be unticked); the other ticked columns appear as the terminal's width allows, most wanted
first (tracker.tui.columns.PRIORITY).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList
from textual.widgets.selection_list import Selection

from tracker.tui.columns import ALWAYS, COLUMNS
from tracker.tui.i18n import tr


class ColumnChooserScreen(ModalScreen[list[str] | None]):
    """Dismisses with the chosen column keys in order, or None when cancelled."""

    CSS_PATH = "modal.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save_columns"),
        Binding("escape", "cancel", "Cancel", id="close_columns"),
    ]

    def __init__(self, chosen: list[str]) -> None:
        super().__init__()
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        listed = [*self.chosen, *(key for key in COLUMNS if key not in self.chosen)]
        selections = [
            Selection(tr(self, f"col.{key}"), key, key in self.chosen, id=key, disabled=key in ALWAYS)
            for key in listed
        ]
        with Vertical(classes="dialog", id="column-dialog"):
            yield Label(tr(self, "columns.title"), classes="dialog-title", markup=False)
            yield Label(tr(self, "columns.hint"), classes="dialog-hint", markup=False)
            yield SelectionList[str](*selections, id="column-choices")

    def action_save(self) -> None:
        picked = set(self.query_one(SelectionList).selected) | set(ALWAYS)
        listed = [*self.chosen, *(key for key in COLUMNS if key not in self.chosen)]
        self.dismiss([key for key in listed if key in picked])

    def action_cancel(self) -> None:
        self.dismiss(None)
