"""The budget check (``5``): every total the plan published — its 总计 and each category's subtotal of
total investment, planned investment and project count — beside the sum of its rows and the
difference, as ``tracker check`` compares them (:func:`tracker.checks.published_totals`, the same
GROUP BY queries). A difference accepted with ``tracker check --accept`` with exactly its current
figures is shown as accepted; one accepted with other figures differs again. Enter on a row shows the
rows it sums: the portfolio, filtered to the category (or unfiltered for a plan's 总计).

Read in a worker thread like every view; the view ignores the shared filter, because a published
total is of the whole plan, never of a filtered part of it.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from tracker.db import reading
from tracker.tui import render
from tracker.tui.screens.base import TrackerScreen
from tracker.tui.widgets.key_bar import KeyBar

OK, DIFFERS, ACCEPTED, UNPUBLISHED = "ok", "differs", "accepted", "unpublished"


def read_totals(session: Any) -> list[tuple[Any, str]]:
    """Every published total with its state (ok, differs, accepted, unpublished)."""
    from tracker.checks import published_totals, read_acceptances

    accepted = read_acceptances(session)
    result = []
    for total in published_totals(session.connection()):
        if total.published is None:
            state = UNPUBLISHED
        elif total.difference == 0:
            state = OK
        else:
            ack = accepted.get((total.rule, total.subject))
            state = ACCEPTED if ack is not None and ack.figures == total.figures() else DIFFERS
        result.append((total, state))
    return result


STATE_STYLE = {OK: "green", DIFFERS: "bold red", ACCEPTED: "yellow", UNPUBLISHED: "dim"}


class CheckScreen(TrackerScreen):
    CSS_PATH = "check.tcss"
    AUTO_FOCUS = "#check-totals"
    VIEW = "view.check"

    BINDINGS = [
        Binding("enter", "open", "Show rows", id="open_rows"),
    ]

    class Read(Message):
        def __init__(self, request: int, totals: list[tuple[Any, str]]) -> None:
            super().__init__()
            self.request, self.totals = request, totals

    def __init__(self) -> None:
        super().__init__()
        self.filters: dict[str, str] = {}
        """Row key → the filter that selects the rows it sums."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("", id="check-summary", markup=False)
        yield DataTable(id="check-totals", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#check-totals", DataTable)

    def reload(self) -> None:
        request = self.new_request()
        self.loading_later(self.table, request)
        self.read(request)

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def read(self, request: int) -> None:
        with reading(self.tracker.engine) as session, self.interruptible(session, request):
            totals = read_totals(session)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(request, totals))

    @on(Read)
    def _read(self, message: Read) -> None:
        if not self.arrived(message.request):
            return
        self.loaded(self.table)
        self.show_totals(message.totals)

    def show_totals(self, totals: list[tuple[Any, str]]) -> None:
        table = self.table
        table.clear(columns=True)
        narrow = (self.size.width or 80) < 100
        table.add_column(self.t("col.check_what"), key="what", width=18 if narrow else 24)
        table.add_column(self.t("col.check_field"), key="field", width=8)
        for key in ("published", "computed", "difference"):
            table.add_column(Text(self.t(f"col.{key}"), justify="right"), key=key)
        table.add_column(self.t("col.check_state"), key="state")
        self.filters.clear()
        plans = {total.plan for total, _ in totals}
        for index, (total, state) in enumerate(totals):
            if total.ordinal is None:
                what = self.t("check.grand_total") if len(plans) == 1 else f"{self.t('check.grand_total')} {total.plan}"
            else:
                what = f"{total.ordinal}. {total.name}"
            figure = render.count if total.field == "count" else render.money
            key = str(index)
            self.filters[key] = "" if total.ordinal is None else f"category:{total.ordinal}"
            table.add_row(
                render.clipped(what, "bold" if total.ordinal is None else ""),
                self.t(f"check.field.{total.field}"),
                figure(total.published) if total.published is not None else Text("—", justify="right"),
                figure(total.computed),
                _difference(total, figure),
                Text(self.t(f"check.state.{state}"), style=STATE_STYLE[state]),
                key=key,
            )
        differs = sum(1 for _, state in totals if state == DIFFERS)
        accepted = sum(1 for _, state in totals if state == ACCEPTED)
        self.query_one("#check-summary", Static).update(
            self.t("check.summary", compared=len(totals), differs=differs, accepted=accepted)
        )

    def on_resize(self) -> None:
        """The name column is narrower below 100 cells: draw the table again when that changes."""
        narrow = (self.size.width or 80) < 100
        if self.table.columns and narrow != getattr(self, "_narrow", narrow):
            self.refresh_data()
        self._narrow = narrow

    def action_open(self) -> None:
        table = self.table
        if not table.row_count:
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        self.show_rows(row_key.value or "")

    @on(DataTable.RowSelected, "#check-totals")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.show_rows(event.row_key.value or "")

    def show_rows(self, key: str) -> None:
        """The portfolio, filtered to the rows the total sums."""
        if key not in self.filters:
            return
        self.tracker.action_show_view("portfolio")
        self.tracker.apply_filter(self.filters[key])


def _difference(total: Any, figure: Any) -> Text:
    """The difference, signed (rows minus published), blank where nothing was published."""
    difference = total.difference
    if difference is None:
        return Text("", justify="right")
    text = figure(difference)
    shown = text.plain if isinstance(text, Text) else str(text)
    if difference > 0:
        shown = "+" + shown
    return Text(shown, justify="right", style="" if difference == 0 else "bold red")
