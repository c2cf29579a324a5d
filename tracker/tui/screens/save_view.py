"""``V``: save the current filter as a named view in tracker.toml ``[views]``, through
``tracker.views.save`` — the code behind ``tracker view save`` (validated first, every other setting
of the file kept)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tracker.config import ConfigError
from tracker.errors import in_language
from tracker.safe_text import plain_text
from tracker.tui.i18n import tr
from tracker.tui.widgets.form_field import FormField

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp


class SaveViewScreen(ModalScreen[str | None]):
    """Dismisses with the saved view's name, or None when cancelled."""

    CSS_PATH = "modal.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, filter_text: str) -> None:
        super().__init__()
        self.filter_text = filter_text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(tr(self, "views.save_title"), classes="dialog-title", markup=False)
            yield Static(
                Text.assemble((tr(self, "views.filter") + "  ", "dim"), plain_text(self.filter_text)), id="view-filter"
            )
            yield FormField("view_name", tr(self, "views.name"), Input(id="input-view_name"))
            with Horizontal(classes="buttons"):
                yield Button(tr(self, "form.save"), variant="primary", id="save")
                yield Button(tr(self, "form.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#input-view_name", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        from tracker.views import ViewError, save

        app = cast("TrackerApp", self.app)
        name = self.query_one("#input-view_name", Input).value.strip()
        field = self.query_one(FormField)
        try:
            config = save(app.config, name, self.filter_text)
        except (ViewError, ConfigError, OSError) as exc:
            field.set_error(in_language(exc, app.language))
            return
        app.set_config(config)
        app.say(tr(self, "views.saved", name=name, path=config.path or "tracker.toml"))
        self.dismiss(name)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
