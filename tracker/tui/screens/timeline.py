"""One bar per project across the plan's years, the as-of date marked, paged like the portfolio.

The bars are drawn by :func:`tracker.tui.render.timeline_bar` with integer month arithmetic; the
column header is the year axis. Filtered by the shared filter; in published order.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static

from tracker.portfolio import ProjectRow
from tracker.tui import data, render
from tracker.tui.screens.project_list import Listing, ProjectListScreen
from tracker.tui.widgets.filter_bar import FilterBar
from tracker.tui.widgets.key_bar import KeyBar
from tracker.tui.widgets.project_table import Column, ProjectTable
from tracker.tui.widgets.summary_bar import SummaryBar

FIXED_WIDTH = 5 + 5 + 24 + 2 * 4 + 2
"""Cells taken by the light, code and name columns and the cell padding, beside the bar."""


class TimelineScreen(ProjectListScreen):
    CSS_PATH = "timeline.tcss"
    AUTO_FOCUS = "#timeline"
    VIEW = "view.timeline"

    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="focus_filter"),
        Binding("enter", "open", "Open", id="open"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.axis: render.Axis | None = None
        self._width = 0

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield FilterBar(self.tracker.filter_text, id="filter")
        yield Static("", id="timeline-legend", markup=False)
        yield ProjectTable(id="timeline", page_size=data.PAGE_SIZE)
        yield SummaryBar(id="summary")
        yield KeyBar()

    def bar_width(self) -> int:
        return max(24, self.app.size.width - FIXED_WIDTH - 2)

    def reload(self) -> None:
        query = self.current_query()
        if query is None:
            return
        self._width = self.bar_width()
        self.show_projects(query)
        self.query_one("#timeline-legend", Static).update(self.t("timeline.legend", date=self.tracker.as_of.isoformat()))

    def prepare(self, session: Any, listing: Listing) -> Listing:
        """The year axis spans the plan period widened to every shown project (read in the worker)."""
        app = self.tracker
        first, last = data.year_span(session, listing.query.where, data.plan_years(session))
        first, last = min(first, app.as_of.year), max(last, app.as_of.year)  # the as-of mark is always on the axis
        axis = render.Axis(first, last, self._width)
        columns = [
            Column("light", self.t("col.light"), 5),
            Column("code", self.t("col.code"), 5),
            Column("name", self.t("col.name"), 24),
            Column("bar", axis.header(), self._width),
        ]
        return replace(listing, columns=columns, context=axis)

    def cells(self, row: ProjectRow, lights: dict[int, str] | None, listing: Listing) -> list[Any]:
        p = row.project
        severity = (lights or {}).get(p.id)  # type: ignore[arg-type]
        axis: render.Axis = listing.context
        if p.start_year is None or p.finish_year is None:
            bar = render.clipped("")
        else:
            bar = render.timeline_bar(
                axis, (p.start_year, p.start_month), (p.finish_year, p.finish_month), self.tracker.as_of, severity
            )
        return [render.light(severity), render.clipped(p.code), render.clipped(p.name), bar]

    def on_resize(self, event: events.Resize) -> None:
        if self._width and self.bar_width() != self._width:
            self.refresh_data()
