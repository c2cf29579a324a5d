"""Budget rollups (``tracker.rollups.rollup``, the code behind ``tracker rollup``): by category,
district, year, nature, status or owner, optionally within a second grouping, with subtotals and
the grand total, over the projects the shared filter selects; and a bar chart of the top level.

``d`` cycles the first grouping, ``D`` the second (or none); the two selectors do the same with
the mouse. The chart widget (textual-plotext) is imported only when this view is first opened.
The rollup is computed in a worker thread; a result for an older filter or grouping is dropped.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Select
from textual.worker import get_current_worker

from tracker.db import reading
from tracker.tui import render
from tracker.tui.i18n import has_message, status_label
from tracker.tui.screens.base import FilteredScreen
from tracker.tui.widgets.filter_bar import FilterBar
from tracker.tui.widgets.key_bar import KeyBar

NONE = "-"


def dimensions() -> tuple[str, ...]:
    from tracker.rollups import DIMENSIONS

    return DIMENSIONS


class RollupsScreen(FilteredScreen):
    CSS_PATH = "rollups.tcss"
    AUTO_FOCUS = "#rollup-table"
    VIEW = "view.rollups"

    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="focus_filter"),
        Binding("d", "next_dim", "Next grouping", id="next_dim"),
        Binding("D", "second_dim", "Second grouping", id="second_dim"),
    ]

    class Read(Message):
        """A rollup was computed for request ``request`` over the groupings ``dims``."""

        def __init__(self, request: int, dims: list[str], rows: list[Any]) -> None:
            super().__init__()
            self.request, self.dims, self.rows = request, dims, rows

    def __init__(self) -> None:
        super().__init__()
        self.dims: list[str] = ["category"]

    def compose(self) -> ComposeResult:
        from tracker.tui.widgets.rollup_chart import RollupChart

        dims = dimensions()
        first = [(self.t(f"dim.{d}"), d) for d in dims]
        second = [(self.t("rollups.none"), NONE)] + first
        yield Header(show_clock=False)
        yield FilterBar(self.tracker.filter_text, id="filter")
        with Horizontal(id="dims"):
            yield Select(first, value=self.dims[0], allow_blank=False, id="dim1")
            yield Select(second, value=self.dims[1] if len(self.dims) > 1 else NONE, allow_blank=False, id="dim2")
        with Horizontal(id="rollup-body"):
            yield DataTable(id="rollup-table", cursor_type="row", zebra_stripes=True)
            yield RollupChart(id="chart")
        yield KeyBar()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#rollup-table", DataTable)

    def reload(self) -> None:
        query = self.current_query()
        if query is None:
            return
        request = self.new_request()
        self.loading_later(self.table, request)
        self.read_rollup(request, list(self.dims), query.where)

    @work(thread=True, exclusive=True, group="rollup", exit_on_error=False)
    def read_rollup(self, request: int, dims: list[str], where: Any) -> None:
        from tracker.rollups import rollup

        app = self.tracker
        spread = str(app.config.get("rollup.year_spread"))
        with reading(app.engine) as session, self.interruptible(session, request):
            rows = list(rollup(session, dims, where, spread=spread, as_of=app.as_of))
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(request, dims, rows))

    @on(Read)
    def _read(self, message: Read) -> None:
        if not self.arrived(message.request):
            return
        self.show_rollup(message.dims, message.rows)

    def show_rollup(self, dims: list[str], rows: list[Any]) -> None:
        from tracker.tui.widgets.rollup_chart import RollupChart

        app = self.tracker
        table = self.table
        self.loaded(table)
        table.clear(columns=True)
        table.add_column(self.t("col.group"), key="group", width=30)
        for key in ("count", "total", "planned", "social_capital", "invested", "invested_pct"):
            table.add_column(Text(self.t(f"col.{key}"), justify="right"), key=key)
        labels: list[str] = []
        amounts = []
        for index, row in enumerate(rows):
            if row.level == 1:
                labels.append(str(len(labels) + 1))
                amounts.append(row.planned)
            style = "bold" if row.is_subtotal else ""
            table.add_row(
                render.clipped(self.group_label(row, len(labels)), style),
                render.count(row.count),
                render.money(row.total),
                render.money(row.planned),
                render.money(row.social_capital),
                render.money(row.invested),
                render.share(row.invested_pct),
                key=str(index),
            )
        dims_text = " › ".join(self.t(f"dim.{d}") for d in dims)
        self.query_one(RollupChart).show(labels, amounts, self.t("rollups.chart"))
        self.sub_title = " · ".join(
            (self.t(self.VIEW), self.t("rollups.by", dims=dims_text), self.t("app.as_of", date=app.as_of.isoformat()))
        )

    def group_label(self, row: Any, number: int) -> str:
        """The row's last path element, indented by level; level-1 rows numbered like the chart."""
        if row.level == 0:
            return self.t("rollups.total")
        dim = self.dims[row.level - 1]
        value = row.path[-1]
        if dim == "status" and has_message(f"status.{value}"):
            value = status_label(self.tracker.language, value)
        prefix = f"{number}. " if row.level == 1 else "  " * (row.level - 1)
        return prefix + value

    # -- choosing the groupings ---------------------------------------------------------------

    def set_dims(self, first: str, second: str | None) -> None:
        dims = [first] + ([second] if second and second != first else [])
        if dims == self.dims:
            return
        self.dims = dims
        with self.prevent(Select.Changed):
            self.query_one("#dim1", Select).value = first
            self.query_one("#dim2", Select).value = dims[1] if len(dims) > 1 else NONE
        self.refresh_data()

    def action_next_dim(self) -> None:
        dims = dimensions()
        first = dims[(dims.index(self.dims[0]) + 1) % len(dims)]
        self.set_dims(first, self.dims[1] if len(self.dims) > 1 else None)

    def action_second_dim(self) -> None:
        choices = [None, *dimensions()]
        current = self.dims[1] if len(self.dims) > 1 else None
        following = choices[(choices.index(current) + 1) % len(choices)]
        if following == self.dims[0]:
            following = choices[(choices.index(following) + 1) % len(choices)]
        self.set_dims(self.dims[0], following)

    @on(Select.Changed, "#dim1")
    @on(Select.Changed, "#dim2")
    def _dims_chosen(self) -> None:
        first = self.query_one("#dim1", Select).value
        second = self.query_one("#dim2", Select).value
        if isinstance(first, str):
            self.set_dims(first, second if isinstance(second, str) and second != NONE else None)
