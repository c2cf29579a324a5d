"""The red and yellow items of ``tracker.warnings.evaluate`` as of the app's date, with their reasons,
for the projects the filter selects, then the plans' indicators behind their path
(:mod:`tracker.indicators.warnings`), as ``tracker warnings`` lists them; Enter opens the project (or the
indicators view). Read in a worker thread (a result for an older filter is dropped); rows are keyed by
project id and rule (a code repeats across plans), an indicator's by ``i<id>``."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from rich.text import Text

from tracker.db import reading
from tracker.safe_text import visible
from tracker.tui import data, render
from tracker.tui.screens.base import FilteredScreen
from tracker.tui.widgets.filter_bar import FilterBar
from tracker.tui.widgets.key_bar import KeyBar


WIDE = 120
"""From this width the severity is also written out beside the light."""
SCROLLBAR, PADDING = 2, 2
REASON_MIN = 24
NAME_MIN = 16


class WarningsScreen(FilteredScreen):
    CSS_PATH = "warnings.tcss"
    AUTO_FOCUS = "#warning-items"
    VIEW = "view.warnings"
    SUBJECT = "any"

    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="focus_filter"),
        Binding("enter", "open", "Open", id="open"),
    ]

    class Read(Message):
        """The warnings of request ``request`` (None: the warning rules are not available)."""

        def __init__(self, request: int, items: list[Any] | None, missing: str = "") -> None:
            super().__init__()
            self.request, self.items, self.missing = request, items, missing

    def __init__(self) -> None:
        super().__init__()
        self.reasons: dict[str, str] = {}
        """Row key → the whole reason, shown under the table for the highlighted row."""
        self._width = 0

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield FilterBar(self.tracker.filter_text, id="filter")
        yield Static("", id="warnings-summary", markup=False)
        yield DataTable(id="warning-items", cursor_type="row", zebra_stripes=True)
        yield Static("", id="warning-reason", markup=False)
        yield KeyBar()

    @property
    def table(self) -> DataTable[object]:
        return self.query_one("#warning-items", DataTable)

    def reload(self) -> None:
        query = self.current_query()
        if query is None:
            return
        request = self.new_request()
        self.loading_later(self.table, request)
        self.read_warnings(request, query.where, query.indicators)

    @work(thread=True, exclusive=True, group="warnings", exit_on_error=False)
    def read_warnings(self, request: int, where: Any, indicators: Any = None) -> None:
        app = self.tracker
        try:
            with reading(app.engine) as session, self.interruptible(session, request):
                items: list[Any] | None = data.warnings_for(session, app.as_of, app.warning_settings, where, indicators)
            missing = ""
        except ImportError as exc:
            items, missing = None, exc.name or ""
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(request, items, missing))

    @on(Read)
    def _read(self, message: Read) -> None:
        if not self.arrived(message.request):
            return
        self.loaded(self.table)
        if message.items is None:
            self.query_one("#warnings-summary", Static).update(self.t("app.not_available", module=message.missing))
            return
        self.show_items(message.items)

    def widths(self) -> dict[str, int | None]:
        """Column widths for the screen's width: the reason gets what is left (at least 24 cells), the
        severity word only where there is room beside the light that already shows it."""
        width = self.size.width or 80
        widths: dict[str, int | None] = {"light": 5}
        if width >= WIDE:
            widths["severity"] = 6
        widths.update({"code": 6, "name": 34, "rule": 10})
        used = SCROLLBAR + sum(w + PADDING for w in widths.values() if w) + PADDING
        if width - used < REASON_MIN:
            widths["name"] = max(NAME_MIN, 34 - (REASON_MIN - (width - used)))
            used = SCROLLBAR + sum(w + PADDING for w in widths.values() if w) + PADDING
        widths["message"] = max(width - used, REASON_MIN)
        return widths

    def show_items(self, items: list[Any]) -> None:
        app = self.tracker
        table = self.table
        table.clear(columns=True)
        self.reasons.clear()
        widths = self.widths()
        for key, width in widths.items():
            table.add_column(self.t(f"col.{key}"), key=key, width=width)
        for item in items:
            key = f"i{item.indicator_id}|{item.rule}" if item.kind == "indicator" else f"{item.project_id}|{item.rule}"
            reason = item.reason(app.language)
            cells = {
                "light": lambda: render.light(item.severity),
                "severity": lambda: self.t(f"severity.{item.severity}"),
                "code": lambda: render.clipped(item.code),
                "name": lambda: render.clipped(item.name),
                "rule": lambda: self.t(f"rule.{item.rule}"),
                "message": lambda: render.clipped(reason),
            }
            table.add_row(*(cells[column]() for column in widths), key=key)
            self.reasons[key] = f"{item.code} {self.t(f'rule.{item.rule}')}：{reason}"
        self._show_reason()
        red = sum(1 for item in items if item.severity == "red")
        yellow = sum(1 for item in items if item.severity == "yellow")
        date = app.as_of.isoformat()
        summary = (
            self.t("warnings.summary", red=red, yellow=yellow, date=date)
            if items
            else self.t("warnings.none", date=date)
        )
        self.query_one("#warnings-summary", Static).update(summary)

    def _show_reason(self) -> None:
        """The highlighted warning's whole reason under the table (a narrow column cuts it)."""
        table = self.table
        text = ""
        if table.row_count:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            text = self.reasons.get(row_key.value or "", "")
        self.query_one("#warning-reason", Static).update(Text(visible(text, single_line=True)))

    @on(DataTable.RowHighlighted, "#warning-items")
    def _highlighted(self) -> None:
        self._show_reason()

    def on_resize(self) -> None:
        if self.table.columns and self._width != (self.size.width or 80):
            self._width = self.size.width or 80
            self.refresh_data()

    def current_id(self) -> int | None:
        table = self.table
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return _project_id(row_key.value)

    @on(DataTable.RowSelected, "#warning-items")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self._open(event.row_key.value)

    def action_open(self) -> None:
        table = self.table
        if table.row_count:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            self._open(row_key.value)

    def _open(self, key: str | None) -> None:
        """A project's row opens its detail; an indicator's opens the indicators view on it."""
        project_id = _project_id(key)
        if project_id is not None:
            self.tracker.open_project(project_id)
        elif (key or "").startswith("i"):
            head = (key or "").split("|")[0][1:]
            self.tracker.open_indicator(int(head) if head.isdigit() else None)


def _project_id(key: str | None) -> int | None:
    """The project id of a row key ``<id>|<rule>``."""
    head = (key or "").split("|")[0]
    return int(head) if head.isdigit() else None
