"""What the views that list projects a page at a time (portfolio, timeline) share.

Both show the filtered projects in a :class:`ProjectTable` fed page by page from SQL, with each
row's warning light computed for the page being loaded only; both open the project on Enter or a
click, and keep the 'rows loaded' figure of the summary bar in step with paging. Kept once here so
the two views page, keep the cursor and open projects the same way; each view only says its
columns and how a project's row reads (:meth:`cells`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import on
from textual.widgets import DataTable

from tracker.db import reading
from tracker.portfolio import ProjectRow
from tracker.tui import data
from tracker.tui.screens.base import FilteredScreen
from tracker.tui.widgets.project_table import Column, ProjectTable, Row
from tracker.tui.widgets.summary_bar import SummaryBar


class ProjectListScreen(FilteredScreen):
    """A filtered view whose list is its (one) :class:`ProjectTable`."""

    @property
    def table(self) -> ProjectTable:
        return self.query_one(ProjectTable)

    def show_projects(self, columns: Sequence[Column], query: data.Query, count: int) -> None:
        """Show ``count`` projects of ``query`` from the first page, the cursor kept on its project
        when the list is the same one, fresher (see :meth:`keep_cursor`)."""
        table = self.table
        table.show(
            columns,
            lambda offset, limit: self.fetch(query, offset, limit),
            count,
            keep=table.current_code if self.keep_cursor() else None,
        )

    def fetch(self, query: data.Query, offset: int, limit: int) -> list[Row]:
        with reading(self.tracker.engine) as session:
            rows = data.page(session, query, offset, limit)
            lights = self.tracker.lights(session, [r.project.code for r in rows])
        return [(r.project.code, self.cells(r, lights)) for r in rows]

    def cells(self, row: ProjectRow, lights: dict[str, str] | None) -> list[Any]:
        """A project's row; ``lights`` maps codes to their worst warning (None: not available)."""
        raise NotImplementedError

    @on(DataTable.RowSelected, "ProjectTable")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.tracker.open_project(event.row_key.value)

    def action_open(self) -> None:
        code = self.table.current_code
        if code:
            self.tracker.open_project(code)

    @on(DataTable.RowHighlighted, "ProjectTable")
    def _paged(self) -> None:
        """Keep the 'rows loaded' figure in the summary line in step with paging."""
        self.query_one(SummaryBar).set_loaded(self.table.loaded)
