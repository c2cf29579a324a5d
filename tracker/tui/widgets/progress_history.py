"""A project's month-by-month progress reports (``ProgressRecord``), oldest first."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import DataTable

from tracker.models import ProgressRecord
from tracker.tui import render
from tracker.tui.i18n import status_label, tr
from tracker.tui.styles import tcss

COLUMNS = ("month", "status", "invested_month", "progress_text", "problems", "reporter", "recorded_at")


class ProgressHistory(DataTable[object]):
    DEFAULT_CSS = tcss(__file__)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def show(self, records: Sequence[ProgressRecord]) -> None:
        language = getattr(self.app, "language", "zh")
        self.clear(columns=True)
        widths = {"progress_text": 30, "problems": 24}
        for column in COLUMNS:
            self.add_column(tr(self, f"col.{column}"), key=column, width=widths.get(column))
        for record in records:
            self.add_row(
                render.clipped(record.month),
                render.clipped(status_label(language, record.status)),
                render.money(record.invested),
                render.clipped(record.progress_text),
                render.clipped(record.problems),
                render.clipped(record.reporter),
                render.clipped(record.recorded_at.strftime("%Y-%m-%d %H:%M") if record.recorded_at else ""),
                key=record.month,
            )
