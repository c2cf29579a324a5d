"""The red and yellow items of ``tracker.warnings.evaluate`` as of the app's date, with their reasons,
for the projects the filter selects; Enter opens the project."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from tracker.db import reading
from tracker.tui import data, render
from tracker.tui.screens.base import FilteredScreen
from tracker.tui.widgets.filter_bar import FilterBar
from tracker.tui.widgets.key_bar import KeyBar


class WarningsScreen(FilteredScreen):
    CSS_PATH = "warnings.tcss"
    AUTO_FOCUS = "#warning-items"
    VIEW = "view.warnings"

    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="focus_filter"),
        Binding("enter", "open", "Open", id="open"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield FilterBar(self.tracker.filter_text, id="filter")
        yield Static("", id="warnings-summary", markup=False)
        yield DataTable(id="warning-items", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    @property
    def table(self) -> DataTable[object]:
        return self.query_one("#warning-items", DataTable)

    def reload(self) -> None:
        query = self.current_query()
        if query is None:
            return
        app = self.tracker
        try:
            with reading(app.engine) as session:
                items = data.warnings_for(session, app.as_of, app.warning_settings, query.where)
        except ImportError as exc:
            self.query_one("#warnings-summary", Static).update(self.t("app.not_available", module=exc.name or ""))
            return
        table = self.table
        table.clear(columns=True)
        for key, width in (("light", 5), ("severity", 6), ("code", 6), ("name", 34), ("rule", 11), ("message", None)):
            table.add_column(self.t(f"col.{key}"), key=key, width=width)
        for item in items:
            table.add_row(
                render.light(item.severity),
                self.t(f"severity.{item.severity}"),
                render.clipped(item.code),
                render.clipped(item.name),
                self.t(f"rule.{item.rule}"),
                render.clipped(item.reason(app.language)),
                key=f"{item.code}|{item.rule}",
            )
        red = sum(1 for item in items if item.severity == "red")
        yellow = sum(1 for item in items if item.severity == "yellow")
        date = app.as_of.isoformat()
        summary = (
            self.t("warnings.summary", red=red, yellow=yellow, date=date)
            if items
            else self.t("warnings.none", date=date)
        )
        self.query_one("#warnings-summary", Static).update(summary)

    def current_code(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return (row_key.value or "").split("|")[0] or None

    @on(DataTable.RowSelected, "#warning-items")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        code = (event.row_key.value or "").split("|")[0]
        if code:
            self.tracker.open_project(code)

    def action_open(self) -> None:
        code = self.current_code()
        if code:
            self.tracker.open_project(code)
