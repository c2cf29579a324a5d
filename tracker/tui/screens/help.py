"""``?``: every key of every view, with the binding id that ``[keys]`` in tracker.toml remaps.

The list is built from the ``BINDINGS`` of the app, its screens and widgets, so it cannot drift
from what the keys really do; a key remapped in tracker.toml shows its new key.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from tracker.safe_text import plain_text
from tracker.tui.i18n import has_message, tr

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp


def binding_sources() -> list[tuple[str, type]]:
    """(i18n key of where a binding applies, the class declaring it), in the order shown."""
    from tracker.tui.app import TrackerApp
    from tracker.tui.screens.check import CheckScreen
    from tracker.tui.screens.indicators import IndicatorsScreen
    from tracker.tui.screens.column_chooser import ColumnChooserScreen
    from tracker.tui.screens.confirm import ConfirmScreen
    from tracker.tui.screens.detail import DetailScreen
    from tracker.tui.screens.edit_project import EditProjectScreen
    from tracker.tui.screens.portfolio import PortfolioScreen
    from tracker.tui.screens.progress_form import ProgressFormScreen
    from tracker.tui.screens.rollups import RollupsScreen
    from tracker.tui.screens.timeline import TimelineScreen
    from tracker.tui.screens.warnings import WarningsScreen
    from tracker.tui.widgets.filter_bar import FilterBar

    return [
        ("help.everywhere", TrackerApp),
        ("view.portfolio", PortfolioScreen),
        ("filter.label", FilterBar),
        ("detail.title", DetailScreen),
        ("help.edit_form", EditProjectScreen),
        ("help.progress_form", ProgressFormScreen),
        ("view.rollups", RollupsScreen),
        ("view.warnings", WarningsScreen),
        ("view.timeline", TimelineScreen),
        ("view.check", CheckScreen),
        ("view.indicators", IndicatorsScreen),
        ("columns.title", ColumnChooserScreen),
        ("help.confirm", ConfirmScreen),
    ]


def all_bindings() -> list[tuple[str, Binding]]:
    """Every declared binding with where it applies (a binding declared twice is listed once per place)."""
    found: list[tuple[str, Binding]] = []
    for where, cls in binding_sources():
        for binding in getattr(cls, "BINDINGS", []):
            if isinstance(binding, Binding):
                found.append((where, binding))
    return found


class HelpScreen(ModalScreen[None]):
    CSS_PATH = ["modal.tcss", "help.tcss"]
    BINDINGS = [
        Binding("escape", "close", "Close", id="close"),
        Binding("question_mark", "close", "Close", id="close_help", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label(tr(self, "help.title"), classes="dialog-title", markup=False)
            yield DataTable(id="keys", cursor_type="row", zebra_stripes=True)
            yield Static(tr(self, "help.palette"), id="help-palette")

    def on_mount(self) -> None:
        app = cast("TrackerApp", self.app)
        table = self.query_one("#keys", DataTable)
        for column in ("where", "key", "binding_id", "action"):
            table.add_column(tr(self, f"col.{column}"), key=column)
        seen: set[tuple[str, str]] = set()
        for where, binding in all_bindings():
            if binding.system:
                continue
            key = app.keymap.get(binding.id or "", binding.key)
            if (where, key) in seen:
                continue
            seen.add((where, key))
            shown = app.get_key_display(replace(binding, key=key, key_display=None))
            described = f"key.{binding.id}"
            description = tr(self, described) if has_message(described) else binding.description
            table.add_row(*(plain_text(cell) for cell in (tr(self, where), shown, binding.id or "", description)))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
