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
from textual.widgets import DataTable, Header, Select, Static
from textual.worker import get_current_worker

from tracker.db import reading
from tracker.tui import render
from tracker.tui.i18n import has_message, status_label
from tracker.tui.screens.base import FilteredScreen
from tracker.tui.widgets.filter_bar import FilterBar
from tracker.tui.widgets.key_bar import KeyBar

NONE = "-"

NARROW_BELOW = 150
"""Terminal width (cells) under which the chart no longer sits beside the table (the table alone is
about 110 cells wide)."""

SHORT_BELOW = 36
"""Terminal height under which a narrow terminal shows no chart at all."""


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
        yield Static("", id="rounding-note", markup=False)
        yield KeyBar()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#rollup-table", DataTable)

    def on_resize(self) -> None:
        """Below 150 cells the chart goes under the table, and on a short terminal (80×24) out of the
        way: a chart squeezed beside the table overprints its header."""
        width, height = self.size
        self.set_class(width < NARROW_BELOW, "-narrow")
        self.set_class(height < SHORT_BELOW, "-short")

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
            number = ""
            if row.level == 1:
                number = self.axis_label(row, len(labels) + 1)
                labels.append(number)
                amounts.append(row.planned)
            style = "bold" if row.is_subtotal else ""
            table.add_row(
                render.clipped(self.group_label(row, number), style),
                render.count(row.count),
                render.money(row.total),
                render.money(row.planned),
                render.money(row.social_capital),
                render.money(row.invested),
                render.percent(row.invested_pct),
                key=str(index),
            )
        self.show_rounding_note(rows)
        dims_text = " › ".join(self.t(f"dim.{d}") for d in dims)
        self.query_one(RollupChart).show(
            labels, amounts, self.t("rollups.chart"), xlabel=self.t(f"dim.{dims[0]}"), ylabel=self.t("rollups.unit")
        )
        self.sub_title = " · ".join(
            (self.t(self.VIEW), self.t("rollups.by", dims=dims_text), self.t("app.as_of", date=app.as_of.isoformat()))
        )

    def show_rounding_note(self, rows: list[Any]) -> None:
        """Under the table, when a shown subtotal or total is not the sum of its shown rows: totals
        are summed from exact values (whole fen), each figure is rounded to two decimals for display."""
        from tracker.numbers import fmt_money, rollup_gap

        gap = rollup_gap(rows)
        note = self.query_one("#rounding-note", Static)
        note.update(self.t("rollups.rounding_note", gap=fmt_money(gap)) if gap else "")
        note.display = bool(gap)

    def axis_label(self, row: Any, position: int) -> str:
        """What names a top-level group on the chart's axis and before its row: the plan's own number
        for a category (二、老年人福利类项目 is ``2`` whatever the filter), the year for a year, else its
        position in the table."""
        dim = self.dims[0]
        ordinal = row.ordinals[0] if row.ordinals else None
        if ordinal is not None:
            return str(ordinal)
        if dim == "year" and row.path and row.path[0].isdigit():
            return row.path[0]
        return str(position)

    def group_label(self, row: Any, number: str) -> str:
        """The row's last path element, indented by level; level-1 rows carry the chart's label."""
        if row.level == 0:
            return self.t("rollups.total")
        dim = self.dims[row.level - 1]
        value = row.path[-1]
        if dim == "status" and has_message(f"status.{value}"):
            value = status_label(self.tracker.language, value)
        if row.level > 1:
            return "  " * (row.level - 1) + value
        return value if number == value else f"{number}. {value}"

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
