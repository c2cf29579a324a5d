"""The portfolio: every project the filter selects, a page at a time, sortable by any column.

Sorting is the filter language's ``--sort`` (``tracker.filters.parse_sort``) turned into ORDER BY;
the light of each row is the worst of its warnings (``tracker.warnings``), evaluated for the page
being loaded only. The summary line is one SQL aggregate over the same WHERE. Everything is read in
worker threads (:class:`~tracker.tui.screens.project_list.ProjectListScreen`): the first page is
drawn as soon as it is read, the summary when its aggregate arrives.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header

from tracker.money import percent_of, social_capital
from tracker.portfolio import ProjectRow
from tracker.tui import data, render
from tracker.tui.i18n import status_label
from tracker.tui.screens.project_list import Listing, ProjectListScreen
from tracker.tui.widgets.filter_bar import FilterBar
from tracker.tui.widgets.key_bar import KeyBar
from tracker.tui.widgets.project_table import Column, ProjectTable
from tracker.tui.widgets.summary_bar import SummaryBar

SORT_FIELDS: dict[str, str] = {
    "code": "code",
    "name": "name",
    "category": "category",
    "district": "district",
    "years": "start",
    "total": "total",
    "planned": "planned",
    "share": "share",
    "status": "status",
}
"""Table column → the filter language's sort field (``tracker list --sort``). The progress columns
(invested, invested_pct, last_month) and social capital are not sort keys of the filter language."""

RESIZE_SETTLE = 0.15
"""Seconds the terminal must keep its size before the columns are fitted again."""

class PortfolioScreen(ProjectListScreen):
    CSS_PATH = "portfolio.tcss"
    AUTO_FOCUS = "#projects"
    VIEW = "view.portfolio"

    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="focus_filter"),
        Binding("s", "sort", "Sort", id="sort"),
        Binding("v", "choose_view", "Views", id="choose_view"),
        Binding("V", "save_view", "Save view", id="save_view"),
        Binding("enter", "open", "Open", id="open"),
        Binding("c", "choose_columns", "Columns", id="choose_columns"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort_column: str | None = None
        self.descending = False
        self._fitted: tuple[list[str], int] | None = None
        self._resize_timer: Any = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield FilterBar(self.tracker.filter_text, id="filter")
        yield ProjectTable(id="projects", page_size=data.PAGE_SIZE)
        yield SummaryBar(id="summary")
        yield KeyBar()

    # -- loading ------------------------------------------------------------------------------

    @property
    def sort_text(self) -> str:
        """The current sort in the filter language's sort syntax (``-total``)."""
        if self.sort_column is None:
            return ""
        return ("-" if self.descending else "") + SORT_FIELDS[self.sort_column]

    def reload(self) -> None:
        query = self.current_query(self.sort_text)
        if query is None:
            return  # bad filter: the caret message is shown, the last good result stays
        self.show_projects(query)
        self.query_one(SummaryBar).pending(self.sort_caption())

    def prepare(self, session: Any, listing: Listing) -> Listing:
        return replace(listing, columns=self.columns())

    def first_page_shown(self) -> None:
        if self.tracker.interactive_after is None:
            self.call_after_refresh(self.tracker.first_page_shown)

    def show_totals(self, totals: data.Totals) -> None:
        self.query_one(SummaryBar).show(totals, self.table.loaded, self.sort_caption())

    def fitted(self) -> tuple[list[str], int]:
        """The columns that fit the screen's width now, and the name's width (tracker.tui.columns)."""
        from tracker.tui.columns import fit

        return fit(self.tracker.preferences.columns, self.size.width or 80, self.status_width())

    def status_width(self) -> int:
        """The widest status label in the interface language: 未开工 is 6 cells, "not started" 11.
        The table must use the same width :func:`fit` counted, or the last column falls off-screen."""
        from rich.cells import cell_len

        from tracker.models import Status

        return max(4, *(cell_len(status_label(self.tracker.language, s.value)) for s in Status))

    def columns(self) -> list[Column]:
        from tracker.tui.columns import COLUMNS

        keys, name_width = self.fitted()
        self._fitted = (keys, name_width)
        status_width = self.status_width()
        result = []
        for key in keys:
            label = Text(self.t(f"col.{key}"))
            if key == self.sort_column:
                label.append(" ▼" if self.descending else " ▲", style="bold")
            spec = COLUMNS[key]
            if spec.numeric:
                label.justify = "right"
            width = name_width if key == "name" else status_width if key == "status" else spec.width
            result.append(Column(key, label, width))
        return result

    def on_resize(self) -> None:
        """Another width may fit other columns: read the list again (the cursor stays on its project)
        once the terminal has stopped changing size."""
        if getattr(self, "_fitted", None) is None:
            return
        if self._resize_timer is not None:
            self._resize_timer.stop()
        self._resize_timer = self.set_timer(RESIZE_SETTLE, self._refit)

    def _refit(self) -> None:
        self._resize_timer = None
        if self.fitted() != self._fitted:
            self.refresh_data()

    def action_choose_columns(self) -> None:
        from tracker.tui.columns import chosen_order
        from tracker.tui.screens.column_chooser import ColumnChooserScreen

        self.app.push_screen(ColumnChooserScreen(chosen_order(self.tracker.preferences.columns)), self._columns_chosen)

    def _columns_chosen(self, keys: list[str] | None) -> None:
        if keys is None:
            return
        if self.tracker.remember("columns", keys):
            self.tracker.say(self.t("columns.saved"))
        self.refresh_data()

    def sort_caption(self) -> str:
        if self.sort_column is None:
            column, arrow = self.t("portfolio.published_order"), ""
        else:
            column, arrow = self.t(f"col.{self.sort_column}"), " ▼" if self.descending else " ▲"
        return self.t("portfolio.sorted_by", column=column, arrow=arrow)

    def cells(self, row: ProjectRow, lights: dict[int, str] | None, listing: Listing) -> list[Any]:
        p = row.project
        made = {
            "light": lambda: render.light(lights.get(p.id)) if lights is not None else Text("·", justify="center"),  # type: ignore[arg-type]
            "code": lambda: render.clipped(p.code),
            "name": lambda: render.clipped(p.name),
            "category": lambda: render.clipped(row.category),
            "district": lambda: render.clipped(p.district or ""),
            "years": lambda: render.clipped(render.years(p.start_year, p.start_month, p.finish_year, p.finish_month)),
            "total": lambda: render.money(p.total_investment),
            "planned": lambda: render.money(p.planned_investment),
            "invested": lambda: render.money(row.invested_to_date),
            "invested_pct": lambda: render.percent(percent_of(row.invested_to_date, p.total_investment)),
            "last_month": lambda: render.clipped(row.last_report_month or ""),
            "share": lambda: render.share(p.social_share_pct),
            "social_capital": lambda: render.money(social_capital(p.total_investment, p.social_share_pct)),
            "status": lambda: render.clipped(status_label(self.tracker.language, p.status)),
        }
        return [made[column.key]() for column in listing.columns]

    # -- actions ------------------------------------------------------------------------------

    def sort_by(self, column: str | None) -> None:
        """Sort by ``column`` (None: published order); the same column again reverses it."""
        if column is None:
            self.sort_column, self.descending = None, False
        elif column == self.sort_column:
            self.descending = not self.descending
        else:
            self.sort_column, self.descending = column, False
        self.new_list()
        self.refresh_data()

    def action_sort(self) -> None:
        from tracker.tui.screens.sort import SortScreen

        from tracker.tui.columns import COLUMNS

        choices = [(key, self.t(f"col.{key}")) for key in COLUMNS if key in SORT_FIELDS]
        current = (self.sort_column, self.descending)
        self.app.push_screen(SortScreen(choices, current), self._sort_chosen)

    def _sort_chosen(self, choice: str | None) -> None:
        if choice is not None:
            self.sort_by(choice or None)

    @on(DataTable.HeaderSelected, "#projects")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value
        if key in SORT_FIELDS:
            self.sort_by(key)

    def action_choose_view(self) -> None:
        self.tracker.action_choose_view()

    def action_save_view(self) -> None:
        self.tracker.action_save_view()
