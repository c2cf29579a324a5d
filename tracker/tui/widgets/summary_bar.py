"""The line under a list: how many projects the filter selects and what they cost, in total.

The figures come from one SQL aggregate over the same WHERE as the list (``tracker.tui.data.totals``),
never from summing the rows loaded so far, so they are right however little has been scrolled. The
aggregate is read in a worker of its own and may arrive after the first page: meanwhile the bar
says it is counting (:meth:`SummaryBar.pending`).
"""

from __future__ import annotations

from textual.widgets import Static

from tracker.numbers import fmt_money
from tracker.tui.data import Totals
from tracker.tui.i18n import tr
from tracker.tui.styles import tcss


class SummaryBar(Static):
    DEFAULT_CSS = tcss(__file__)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._totals: Totals | None = None
        self._loaded = 0
        self._extra = ""

    def show(self, totals: Totals, loaded: int, extra: str = "") -> None:
        """Show ``totals`` (of everything the filter selects) and how many rows are loaded."""
        self._totals, self._loaded, self._extra = totals, loaded, extra
        self._draw()

    def pending(self, extra: str | None = None) -> None:
        """The totals of a new selection are being counted."""
        self._totals = None
        if extra is not None:
            self._extra = extra
        self._draw()

    def set_loaded(self, loaded: int) -> None:
        if loaded != self._loaded:
            self._loaded = loaded
            self._draw()

    def _draw(self) -> None:
        totals, loaded, extra = self._totals, self._loaded, self._extra
        if totals is None:
            text = tr(self, "portfolio.counting", loaded=f"{loaded:,}")
            self.update(f"{text} · {extra}" if extra else text)
            return
        text = tr(
            self,
            "portfolio.summary",
            count=f"{totals.count:,}",
            total=fmt_money(totals.total),
            planned=fmt_money(totals.planned),
            loaded=f"{loaded:,}",
        )
        self.update(f"{text} · {extra}" if extra else text)
