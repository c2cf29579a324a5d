"""The pure helpers of the TUI: the timeline geometry, money and share cells, the chart's axis
ticks, and the source lines of a project (read back from data/xiangtan_plan.txt)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tracker.tui import data, render
from tracker.tui.i18n import status_label, translate
from tracker.tui.widgets.rollup_chart import nice_ticks, whole_wan

AS_OF = date(2023, 6, 30)


def test_timeline_axis_one_cell_per_month() -> None:
    axis = render.Axis(2020, 2025, 72)  # 6 years = 72 months, one cell each
    assert axis.months == 72
    assert axis.cell_of(2020, 1) == 0 and axis.cell_of(2021, 1) == 12 and axis.cell_of(2025, 12) == 71
    assert axis.cell_of(2019, 5) == 0 and axis.cell_of(2030, 1) == 71  # clamped
    header = axis.header().plain
    assert [header.index(str(y)) for y in range(2020, 2026)] == [0, 12, 24, 36, 48, 60]


def test_timeline_bar_of_a_finished_and_of_a_running_project() -> None:
    axis = render.Axis(2020, 2025, 72)
    # 1-6 runs 2021.1–2021.8: months 12 … 19 of the axis; as of 2023-06-30 the mark is month 41.
    bar = render.timeline_bar(axis, (2021, 1), (2021, 8), AS_OF, "red").plain
    assert bar[12:20] == "█" * 8 and bar[41] == "│"
    assert set(bar[:12] + bar[20:41] + bar[42:]) == {"·"}
    # 2-18 runs 2021–2025: months 12 … 71; elapsed up to the mark, to come after it.
    bar = render.timeline_bar(axis, (2021, None), (2025, None), AS_OF, None).plain
    assert bar[12:41] == "█" * 29 and bar[41] == "│" and bar[42:] == "▒" * 30


def test_timeline_two_months_a_cell() -> None:
    axis = render.Axis(2020, 2025, 36)
    assert axis.cell_of(2021, 1) == 6 and axis.cell_of(2021, 2) == 6 and axis.cell_of(2021, 3) == 7
    bar = render.timeline_bar(axis, (2024, None), (2025, None), AS_OF, None).plain
    assert bar.index("▒") == 24 and bar.rindex("▒") == 35 and "█" not in bar


def test_cells_read_as_an_officer_reads_them() -> None:
    assert render.money(Decimal("3460.44")).plain == "3,460.44"
    # 老年人福利类 social capital, exactly 27523.222912 万元 in the database, shown to two decimals
    assert render.money(Decimal("27523.222912")).plain == "27,523.22"
    assert render.money(Decimal("100000")).plain == "100,000.00"
    assert render.money(Decimal("27523.222912")).justify == "right"
    assert render.share(Decimal("9.24")).plain == "9.24" and render.share(None).plain == ""
    assert render.share(Decimal("30")).plain == "30.00"  # decimal-aligned with 9.24 in a column
    assert render.percent(Decimal("0.48")).plain == "0.5%" and render.percent(Decimal("1")).plain == "1.0%"
    assert render.percent(Decimal(0)).plain == "0.0%" and render.percent(None).plain == ""
    assert render.years(2021, 1, 2021, 8) == "2021.1–2021.8"
    assert render.years(2021, None, 2021, None) == "2021"
    assert "red" in str(render.light("red").style) and "green" in str(render.light(None).style)


def test_chart_ticks_are_whole_numbers() -> None:
    assert whole_wan(Decimal("255563.32")) == 255563 and whole_wan(Decimal("7155.5")) == 7156
    assert nice_ticks(255563) == [0, 100000, 200000, 300000]
    assert nice_ticks(5270) == [0, 2000, 4000, 6000]  # 5270 // 5 = 1054 → the next 1-2-5 step is 2000
    assert nice_ticks(0) == [0]


def test_source_lines_of_2_18() -> None:
    lines = data.source_lines("xiangtan_plan.txt", 1494, 1514)
    assert lines is not None
    numbers = [n for n, _ in lines]
    assert numbers == list(range(1494, 1515, 2))  # one cell a line, blank lines between
    text = dict(lines)
    assert text[1494] == "18" and text[1496] == "湘潭县“党建+莲湘颐老”特色养老小镇项目"
    assert text[1508] == "100000" and text[1512] == "24%" and text[1514] == "·"  # NBSP: an empty cell
    assert data.source_lines("no-such-plan.txt", 1, 2) is None


def test_translations() -> None:
    assert status_label("zh", "in_progress") == "在建" and status_label("en", "in_progress") == "in progress"
    assert status_label("en", "something_else") == "something_else"
    assert translate("zh", "portfolio.summary", count=1, total=2, planned=3, loaded=4).startswith("1 个项目")
    assert translate("en", "portfolio.summary", count=1, total=2, planned=3, loaded=4).startswith("1 projects")


def test_timeline_year_labels_never_run_together() -> None:
    """Issue 12: at 80×24 the timeline is 36 cells for 2020–2025+ and the labels read ``20202021``.
    Six years on 24 cells is 4 cells a year: a label every second year, each with a blank after it."""
    axis = render.Axis(2020, 2025, 24)
    assert axis.label_step() == 2
    header = axis.header().plain
    assert header == "2020    2022    2024    "
    # 7 years on 36 cells (5 a year, narrowest 5): every year fits with one blank cell.
    axis = render.Axis(2019, 2025, 36)
    assert axis.label_step() == 1
    header = axis.header().plain
    labels = header.split()
    assert labels == [str(y) for y in range(2019, 2026)]
    # wide enough (12 cells a year): unchanged, every year at its January
    assert render.Axis(2020, 2025, 72).label_step() == 1
