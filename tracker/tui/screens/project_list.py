"""What the views that list projects a page at a time (portfolio, timeline) share.

Both show the filtered projects in a :class:`ProjectTable` read page by page (keyset paging,
:func:`tracker.tui.data.page`) in worker threads, with each row's warning light computed for the
page being read only; the count and totals of the summary bar come from a worker of their own,
after the first page. Both open the project on Enter or a click, and keep the 'rows loaded' figure
of the summary bar in step with paging. Kept once here so the two views page, keep the cursor and
open projects the same way; each view only says its columns (:meth:`prepare`) and how a
project's row reads (:meth:`cells`).

Every read carries the screen's request number (:meth:`TrackerScreen.new_request`): a newer
filter, sort or edit starts new workers (the older ones of the same group are cancelled) and a
result that arrives for an older request is dropped, so the table only ever shows the newest one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.message import Message
from textual.widgets import DataTable
from textual.worker import get_current_worker

from tracker.db import reading
from tracker.portfolio import ProjectRow
from tracker.tui import data
from tracker.tui.screens.base import FilteredScreen
from tracker.tui.widgets.project_table import Column, ProjectTable, Row
from tracker.tui.widgets.summary_bar import SummaryBar


@dataclass(frozen=True)
class Listing:
    """One request's list: its number, query, columns, and what a view needs to draw its rows."""

    request: int
    query: data.Query
    columns: Sequence[Column] = ()
    context: Any = None


class ProjectListScreen(FilteredScreen):
    """A filtered view whose list is its (one) :class:`ProjectTable`."""

    class PageRead(Message):
        """A page was read: the first of a listing (``after`` None) or the one after ``after``."""

        def __init__(self, listing: Listing, rows: list[Row], page: data.Page, after: Any, keep: int | None) -> None:
            super().__init__()
            self.listing, self.rows, self.page, self.after, self.keep = listing, rows, page, after, keep

    class TotalsRead(Message):
        """The count and totals of a request's selection were read."""

        def __init__(self, request: int, totals: data.Totals) -> None:
            super().__init__()
            self.request, self.totals = request, totals

    listing: Listing | None = None

    @property
    def table(self) -> ProjectTable:
        return self.query_one(ProjectTable)

    def show_projects(self, query: data.Query) -> None:
        """Read ``query``'s first page and its totals in workers; the cursor is kept on its project
        when the list is the same one, fresher (see :meth:`keep_cursor`)."""
        table = self.table
        keep = table.current_id if self.keep_cursor() else None
        request = self.new_request()
        self.listing = Listing(request, query)
        self.loading_later(table, request)
        self.query_one(SummaryBar).pending()
        self.read_first(self.listing, keep)
        self.read_totals(request, query)

    # -- the workers (threads: no widget is touched here) ----------------------------------

    def prepare(self, session: Any, listing: Listing) -> Listing:
        """The columns (and any context :meth:`cells` needs) of a listing; runs in the worker."""
        raise NotImplementedError

    def cells(self, row: ProjectRow, lights: dict[int, str] | None, listing: Listing) -> list[Any]:
        """A project's row; ``lights`` maps ids to their worst warning (None: not available)."""
        raise NotImplementedError

    def _rows(self, session: Any, listing: Listing, found: list[ProjectRow]) -> list[Row]:
        lights = self.tracker.lights(session, [r.project.id for r in found])  # type: ignore[misc]
        return [(r.project.id, r.project.code, self.cells(r, lights, listing)) for r in found]  # type: ignore[misc]

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def read_first(self, listing: Listing, keep: int | None) -> None:
        with reading(self.tracker.engine) as session, self.interruptible(session, listing.request):
            listing = self.prepare(session, listing)
            page = data.first_pages(session, listing.query, keep, limit=data.PAGE_SIZE)
            rows = self._rows(session, listing, page.rows)
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageRead(listing, rows, page, None, keep))

    @work(thread=True, exclusive=True, group="list-more", exit_on_error=False)
    def read_more(self, listing: Listing, after: Any) -> None:
        with reading(self.tracker.engine) as session, self.interruptible(session, listing.request):
            page = data.page(session, listing.query, after, data.PAGE_SIZE)
            rows = self._rows(session, listing, page.rows)
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageRead(listing, rows, page, after, None))

    @work(thread=True, exclusive=True, group="totals", exit_on_error=False)
    def read_totals(self, request: int, query: data.Query) -> None:
        with reading(self.tracker.engine) as session, self.interruptible(session, request):
            totals = data.totals(session, query.where)
        if not get_current_worker().is_cancelled:
            self.post_message(self.TotalsRead(request, totals))

    # -- what arrives ----------------------------------------------------------------------

    @on(PageRead)
    def _page_read(self, message: PageRead) -> None:
        listing = message.listing
        table = self.table
        page = message.page
        if message.after is None:
            if not self.arrived(listing.request):
                return  # a newer filter, sort or edit was asked for meanwhile
            self.listing = listing
            self.loaded(table)
            table.show(listing.columns, message.rows, page.last_key, page.more, keep=message.keep)
            if not page.more:
                table.total = table.loaded
            self.first_page_shown()
        elif not self.current(listing.request):
            return
        elif message.after == table.last_key:  # the page that follows what is shown (not a repeat)
            table.append(message.rows, page.last_key, page.more)
        self.query_one(SummaryBar).set_loaded(table.loaded)

    def first_page_shown(self) -> None:
        """The first page of a list is on screen (the portfolio tells the app, for its start-up time)."""

    @on(TotalsRead)
    def _totals_read(self, message: TotalsRead) -> None:
        if not self.current(message.request):
            return
        self.table.total = message.totals.count
        self.show_totals(message.totals)

    def show_totals(self, totals: data.Totals) -> None:
        self.query_one(SummaryBar).show(totals, self.table.loaded)

    @on(ProjectTable.NeedMore)
    def _need_more(self, message: ProjectTable.NeedMore) -> None:
        message.stop()
        listing = self.listing
        if listing is None or not listing.columns or not self.current(listing.request):
            message.table.asking = False
            return
        self.read_more(listing, message.table.last_key)

    def read_failed(self) -> None:
        super().read_failed()
        self.table.asking = False

    # -- opening a project -----------------------------------------------------------------

    @on(DataTable.RowSelected, "ProjectTable")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.tracker.open_project(int(event.row_key.value))

    def action_open(self) -> None:
        project_id = self.table.current_id
        if project_id is not None:
            self.tracker.open_project(project_id)

    @on(DataTable.RowHighlighted, "ProjectTable")
    def _paged(self) -> None:
        """Keep the 'rows loaded' figure in the summary line in step with paging."""
        self.query_one(SummaryBar).set_loaded(self.table.loaded)
