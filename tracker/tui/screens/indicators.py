"""The plans' main indicators (``6``): each with its target, its latest actual value and a light for
its status as of the app's date (tracker.indicators.status), and under the table the highlighted
indicator's path from its baseline to its target year by year beside what was recorded — the small
chart an evaluation starts from.

The rows come per plan and table, each under a heading row (``嘉定区… · …主要指标``). The view has its
own filter bar (``/``), in the one filter language with subject ``indicator`` (``plan:安岳
attribute:约束性 +behind``): its text is not the projects' filter the other views share, as almost no
term of one applies to the other.

Read in a worker thread like every view; indicators are few (tens per plan), so the values of all of
them are read once with the list.
"""

from __future__ import annotations

from typing import Any, ClassVar

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
from tracker.tui.widgets.filter_bar import FilterBar
from tracker.tui.widgets.key_bar import KeyBar

STATUS_LIGHT = {"met": "green", "on_track": "green", "behind": "yellow", "at_risk": "red", "no_data": None}


def read_indicators(
    session: Any, as_of: Any, selected: Any = None
) -> tuple[list[Any], dict[int, list[tuple[int, str]]]]:
    """Every indicator the filter ``selected`` keeps (an IndicatorFilter; None: all) as listed, and every
    recorded value by indicator."""
    from sqlalchemy import select

    from tracker.indicators.filters import IndicatorFilter
    from tracker.indicators.store import iter_indicators
    from tracker.models import IndicatorValue

    selected = selected or IndicatorFilter()
    lines = [line for line in iter_indicators(session, as_of, selected.where) if selected.keeps(line)]
    values: dict[int, list[tuple[int, str]]] = {}
    for indicator_id, year, text in session.execute(
        select(IndicatorValue.indicator_id, IndicatorValue.year, IndicatorValue.value_text)
    ):
        values.setdefault(indicator_id, []).append((year, text))
    return lines, values


class IndicatorsScreen(TrackerScreen):
    CSS_PATH = "indicators.tcss"
    AUTO_FOCUS = "#indicator-items"
    VIEW = "view.indicators"
    BINDINGS: ClassVar[list[Any]] = [Binding("slash", "focus_filter", "Filter", id="focus_filter")]
    """Its filter; the arrows move, the number keys change view (none inherited without an id)."""

    class Read(Message):
        def __init__(self, request: int, lines: list[Any], values: dict[int, list[tuple[int, str]]]) -> None:
            super().__init__()
            self.request, self.lines, self.values = request, lines, values

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, Any] = {}
        self.values: dict[int, list[tuple[int, str]]] = {}
        self.filter_text = ""
        self.selected: Any = None
        """The compiled filter (an IndicatorFilter; None: every indicator)."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield FilterBar(self.filter_text, id="indicator-filter", placeholder="filter.placeholder_indicators")
        yield Static("", id="indicators-summary", markup=False)
        yield DataTable(id="indicator-items", cursor_type="row", zebra_stripes=True)
        yield Static("", id="indicator-path", markup=False)
        yield KeyBar()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#indicator-items", DataTable)

    def reload(self) -> None:
        request = self.new_request()
        self.loading_later(self.table, request)
        self.read(request)

    def action_focus_filter(self) -> None:
        self.query_one(FilterBar).input.focus()

    @on(FilterBar.Changed)
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        """A new filter: read by the one parser (subject ``indicator``); a term it cannot read, or one
        that selects projects, is shown under the caret and the list stays as it was."""
        from tracker.filters import FilterError
        from tracker.indicators.filters import parse_indicator_filter

        event.stop()
        bar = self.query_one(FilterBar)
        try:
            selected = parse_indicator_filter(event.text, self.tracker.config.views)
        except FilterError as exc:
            bar.show_error(f"{self.t('filter.error')}{exc.user_message(self.tracker.language)}\n{exc.caret(event.text)}")
            return
        bar.clear_error()
        if event.text == self.filter_text and self.selected is not None:
            return
        self.filter_text, self.selected = event.text, selected
        self.reload()

    @on(FilterBar.Done)
    def _filter_done(self, event: FilterBar.Done) -> None:
        event.stop()
        self.table.focus()

    @work(thread=True, exclusive=True, group="indicators", exit_on_error=False)
    def read(self, request: int) -> None:
        with reading(self.tracker.engine) as session, self.interruptible(session, request):
            lines, values = read_indicators(session, self.tracker.as_of, self.selected)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(request, lines, values))

    @on(Read)
    def _read(self, message: Read) -> None:
        if not self.arrived(message.request):
            return
        self.loaded(self.table)
        self.values = message.values
        self.show_lines(message.lines)

    def show_lines(self, lines: list[Any]) -> None:
        table = self.table
        table.clear(columns=True)
        self.lines.clear()
        narrow = (self.size.width or 80) < 120
        table.add_column(self.t("col.light"), key="light", width=5)
        table.add_column(self.t("col.seq"), key="seq", width=4)
        table.add_column(self.t("col.indicator_name"), key="name", width=24 if narrow else 40)
        table.add_column(self.t("col.indicator_target"), key="target", width=10 if narrow else 16)
        table.add_column(self.t("col.indicator_latest"), key="latest", width=10 if narrow else 16)
        table.add_column(self.t("col.indicator_status"), key="status")
        heading: tuple[str, str] | None = None
        for line in lines:
            if (line.plan, line.table) != heading:
                heading = (line.plan, line.table)
                title = heading_text(line.plan, line.table)
                table.add_row(Text(""), Text(""), render.clipped(title, "bold"), Text(""), Text(""), Text(""),
                              key=f"table:{line.id}")  # fmt: skip
            key = str(line.id)
            self.lines[key] = line
            latest = "" if line.latest_value is None else f"{line.latest_value} ({line.latest_year})"
            cells = [render.light(STATUS_LIGHT[line.status]) if line.status != "no_data" else Text("·", justify="center")]
            cells += [
                render.clipped(line.seq or str(line.position)),
                render.clipped(line.name),
                render.clipped(line.target_text),
                render.clipped(latest),
                Text(self.t(f"indicator.status.{line.status}")),
            ]
            table.add_row(*cells, key=key)
        if table.row_count > 1 and table.cursor_row == 0:
            table.move_cursor(row=1)  # the first indicator, not its table's heading
        self.select_pending()
        counts = {s: sum(1 for line in lines if line.status == s) for s in STATUS_LIGHT}
        if lines:
            summary = self.t("indicators.summary", count=len(lines), **counts)
        elif self.filter_text.strip():
            summary = self.t("indicators.none_match")
        else:
            summary = self.t("indicators.none")
        self.query_one("#indicators-summary", Static).update(summary)
        self._show_path()

    def select_pending(self) -> None:
        """Put the cursor on the indicator a warning asked for (:meth:`TrackerApp.open_indicator`), once
        its row is in the table."""
        wanted = self.tracker.pending_indicator
        if wanted is None or str(wanted) not in self.lines:
            return
        self.tracker.pending_indicator = None
        self.table.move_cursor(row=self.table.get_row_index(str(wanted)))
        self._show_path()

    @on(DataTable.RowHighlighted, "#indicator-items")
    def _highlighted(self) -> None:
        self._show_path()

    def _show_path(self) -> None:
        """The highlighted indicator's path, year by year: expected (from its baseline to its target) and
        recorded."""
        from tracker.indicators.status import expected_on_path
        from tracker.indicators.targets import read_target
        from tracker.safe_text import visible

        table = self.table
        widget = self.query_one("#indicator-path", Static)
        if not table.row_count:
            widget.update("")
            return
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        line = self.lines.get(row_key.value or "")
        if line is None:
            widget.update("")
            return
        target = read_target(line.target_text)
        baseline = read_target(line.baseline_text) if line.baseline_text else None
        recorded = dict(self.values.get(line.id, []))
        first, last = line.period
        years = range(first - 1, last + 1)
        path, actual = [], []
        for year in years:
            expected = expected_on_path(target, baseline, year, line.period)
            due = line.intermediate.get(str(year)) if year < last else line.target_text
            path.append(_short(expected) if expected is not None else (due or "·"))
            actual.append(recorded.get(year, "·"))
        head = f"{line.seq or line.position} {line.name}"
        if (self.size.width or 80) >= 120:
            head += f"  ({line.plan} · {line.table})"
        text = "\n".join(
            (
                visible(head, single_line=True),
                self.t("indicators.years") + "  " + "  ".join(f"{y:>6}" for y in years),
                self.t("indicators.path") + "  " + "  ".join(f"{visible(str(p), single_line=True)[:6]:>6}" for p in path),
                self.t("indicators.actual") + "  " + "  ".join(f"{visible(str(a), single_line=True)[:6]:>6}" for a in actual),
            )
        )
        widget.update(Text(text))

    def on_resize(self) -> None:
        narrow = (self.size.width or 80) < 120
        if self.table.columns and narrow != getattr(self, "_narrow", narrow):
            self.refresh_data()
        self._narrow = narrow


def heading_text(plan: str, table: str) -> str:
    """A table's heading row: its title when the title names the plan's place (湘潭市…主要指标), else the
    plan and the title — so the place, which tells the plans apart, comes first in a narrow column."""
    import re

    region = re.match(r"^(.+?)(?:市|县|区|州|旗)", plan)
    if table and region and region.group(1) in table:
        return table
    return f"{plan} · {table}" if table else plan


def _short(value: Any) -> str:
    """A path value with at most two decimals, without trailing zeros (9.6, 10.4, 12)."""
    from decimal import ROUND_HALF_EVEN, Decimal

    rounded = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN).normalize()
    return format(rounded, "f")
