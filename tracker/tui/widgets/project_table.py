"""A DataTable shown a page at a time, the pages read by its screen in a worker thread.

The table never holds more than the pages the user has reached, and never reads the database
itself: the screen gives it a page (:meth:`ProjectTable.show` for the first, :meth:`append` for the
next), and when the cursor (arrows, PageDown) or the scroll (mouse wheel) comes within a page of
the end of what it has, the table posts :class:`ProjectTable.NeedMore` — once — and the screen reads
the page after :attr:`last_key` off the UI thread. Sorting and filtering are the query's business,
never the table's. Rows are keyed by project id (a code such as ``1-1`` repeats in every plan).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from tracker.tui.styles import tcss

Row = tuple[int, str, Sequence[Any]]
"""A project's id (the row key), its code, and its cells."""


@dataclass(frozen=True)
class Column:
    key: str
    label: Text | str
    width: int | None = None


class ProjectTable(DataTable[Any]):
    """Rows keyed by project id; pages appended as the screen reads them."""

    DEFAULT_CSS = tcss(__file__)

    class NeedMore(Message):
        """The cursor or the scroll is near the end of the loaded rows and more follow."""

        def __init__(self, table: ProjectTable) -> None:
            super().__init__()
            self.table = table

    def __init__(self, *, page_size: int = 100, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.page_size = page_size
        self.total: int | None = None
        """How many rows the query selects, once the count has arrived (it comes after the first page)."""
        self.last_key: Any = None
        """The sort key of the last row loaded: the next page is read after it."""
        self.more = False
        """Whether rows follow the last one loaded."""
        self.asking = False
        """A :class:`NeedMore` was posted and its page has not arrived yet."""
        self.codes: dict[int, str] = {}
        """The code of every loaded row, by id."""

    @property
    def loaded(self) -> int:
        """How many rows are in the table now."""
        return self.row_count

    def show(
        self, columns: Sequence[Column], rows: Sequence[Row], last_key: Any, more: bool, keep: int | None = None
    ) -> None:
        """Replace columns and rows with a first page (or a few, when it took more to reach ``keep``,
        the id the cursor was on) and put the cursor back on ``keep`` when it is there."""
        self.clear(columns=True)
        self.codes.clear()
        for column in columns:
            self.add_column(column.label, key=column.key, width=column.width)
        self.asking = False
        self.append(rows, last_key, more)
        if keep is not None and self.has_id(keep):
            self.move_cursor(row=self.get_row_index(str(keep)), animate=False)

    def append(self, rows: Sequence[Row], last_key: Any, more: bool) -> None:
        """Add the page that follows what is loaded."""
        self.asking = True  # adding rows moves the cursor, whose watcher must not ask again meanwhile
        try:
            for project_id, code, cells in rows:
                key = str(project_id)
                if RowKey(key) not in self.rows:
                    self.add_row(*cells, key=key)
                    self.codes[project_id] = code
            self.last_key, self.more = last_key, more
            if not more:
                self.total = self.row_count  # everything is here (and the data may have shrunk)
        finally:
            self.asking = False

    def has_id(self, project_id: int) -> bool:
        return RowKey(str(project_id)) in self.rows

    @property
    def current_id(self) -> int | None:
        """The id of the project under the cursor."""
        if not self.row_count:
            return None
        key, _ = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0))
        return int(key.value) if key.value else None

    @property
    def current_code(self) -> str | None:
        """The code of the project under the cursor (for people; :attr:`current_id` tells projects apart)."""
        current = self.current_id
        return None if current is None else self.codes.get(current)

    def ask_for_more(self) -> None:
        if self.more and not self.asking:
            self.asking = True
            self.post_message(self.NeedMore(self))

    def watch_cursor_coordinate(self, old_coordinate: Coordinate, new_coordinate: Coordinate) -> None:
        super().watch_cursor_coordinate(old_coordinate, new_coordinate)
        if new_coordinate.row >= self.row_count - max(self.size.height, 10):
            self.ask_for_more()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value >= self.max_scroll_y - self.size.height:
            self.ask_for_more()
