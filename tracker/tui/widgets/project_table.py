"""A DataTable fed from SQL a page at a time.

The table never holds more than the pages the user has reached: it is given a ``fetch(offset,
limit)`` callable and the total count, loads the first page, and asks for the next one when the
cursor (arrows, PageDown) or the scroll (mouse wheel) comes within a page of the end of what it
has. Sorting and filtering are therefore the query's business, never the table's: to re-sort, the
screen builds a new query and calls :meth:`ProjectTable.show` again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from tracker.tui.styles import tcss

Row = tuple[str, Sequence[Any]]
"""A row key (the project code) and its cells."""

Fetch = Callable[[int, int], list[Row]]


@dataclass(frozen=True)
class Column:
    key: str
    label: Text | str
    width: int | None = None


class ProjectTable(DataTable[Any]):
    """Rows keyed by project code; pages loaded on demand."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, *, page_size: int = 100, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.page_size = page_size
        self._fetch: Fetch | None = None
        self._total = 0
        self._loaded = 0
        self._loading = False

    @property
    def total(self) -> int:
        """How many rows the query selects."""
        return self._total

    @property
    def loaded(self) -> int:
        """How many of them are in the table now."""
        return self._loaded

    def show(self, columns: Sequence[Column], fetch: Fetch, total: int, keep: str | None = None) -> None:
        """Replace columns and rows: load the first page (or as many as needed to reach ``keep``,
        the code the cursor was on, within a few pages) and put the cursor back on it."""
        self.clear(columns=True)
        for column in columns:
            self.add_column(column.label, key=column.key, width=column.width)
        self._fetch, self._total, self._loaded = fetch, total, 0
        self.load_more()
        if keep is None:
            return
        for _ in range(10):
            if self.has_code(keep) or not self.load_more():
                break
        if self.has_code(keep):
            self.move_cursor(row=self.get_row_index(keep), animate=False)

    def has_code(self, code: str) -> bool:
        return RowKey(code) in self.rows

    def load_more(self) -> bool:
        """Append the next page; False when everything is loaded."""
        if self._fetch is None or self._loading or self._loaded >= self._total:
            return False
        self._loading = True  # adding rows moves the cursor, whose watcher would ask again
        try:
            rows = self._fetch(self._loaded, self.page_size)
            self._loaded += len(rows)
            if len(rows) < self.page_size:
                self._total = self._loaded  # the data shrank since the count was taken
            for key, cells in rows:
                if RowKey(key) not in self.rows:
                    self.add_row(*cells, key=key)
        finally:
            self._loading = False
        return bool(rows)

    @property
    def current_code(self) -> str | None:
        """The project code under the cursor."""
        if not self.row_count:
            return None
        key, _ = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0))
        return key.value

    def watch_cursor_coordinate(self, old_coordinate: Coordinate, new_coordinate: Coordinate) -> None:
        super().watch_cursor_coordinate(old_coordinate, new_coordinate)
        if new_coordinate.row >= self._loaded - max(self.size.height, 10):
            self.load_more()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value >= self.max_scroll_y - self.size.height:
            self.load_more()
