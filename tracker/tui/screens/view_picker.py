"""``v``: choose one of the views saved in tracker.toml ``[views]``; it becomes the filter ``@name``."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tracker.safe_text import plain_text
from tracker.tui.i18n import tr


class ViewPickerScreen(ModalScreen[str | None]):
    CSS_PATH = "modal.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, views: dict[str, str]) -> None:
        super().__init__()
        self.views = views

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(tr(self, "views.title"), classes="dialog-title", markup=False)
            if self.views:
                options = [
                    Option(Text.assemble(plain_text(f"@{name}", "bold"), "  ", plain_text(text, "dim")), id=name)
                    for name, text in sorted(self.views.items())
                ]
                yield OptionList(*options, id="view-options")
            else:
                yield Label(tr(self, "views.none"), markup=False)

    @on(OptionList.OptionSelected, "#view-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
