"""The rollups' bar chart (textual-plotext): one bar per top-level group.

Money is exact everywhere else; a chart only needs bar lengths, so it is given whole 万元 as
integers (rounded half-even from the exact ``Decimal``), never floats computed by this program. The
table beside it carries the exact figures. Groups are named on the axis by a short label the table
repeats before the group's name — a category's own ordinal in the plan (``2`` is 老年人福利类项目 whatever
the filter), a year, else the position — because a terminal plot cannot fit Chinese names under its
bars. Bars are narrower than their slot so they never touch, and each carries its value when the
widget is wide enough for the figures not to run into each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal

from textual_plotext import PlotextPlot

from tracker.tui.styles import tcss


def whole_wan(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def nice_ticks(top: int, count: int = 5) -> list[int]:
    """Axis ticks 0, s, 2s, … up to ``top`` with s a 1, 2 or 5 times a power of ten (integers only,
    so the axis labels are whole 万元 written by us, not floats formatted by the plotting library)."""
    if top <= 0:
        return [0]
    rough = max(1, top // count)
    power = 1
    while power * 10 <= rough:
        power *= 10
    step = next(power * m for m in (1, 2, 5, 10) if power * m >= rough)
    return list(range(0, top + step, step))


class RollupChart(PlotextPlot):
    DEFAULT_CSS = tcss(__file__)

    def show(
        self, labels: Sequence[str], amounts: Sequence[Decimal], title: str, xlabel: str = "", ylabel: str = ""
    ) -> None:
        self._shown = (list(labels), list(amounts), title, xlabel, ylabel)
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        plt.xlabel(xlabel)
        plt.ylabel(ylabel)
        if labels:
            values = [whole_wan(a) for a in amounts]
            plt.bar(list(labels), values, width=BAR_WIDTH)
            ticks = nice_ticks(max(values))
            plt.yticks(ticks, [f"{t:,}" for t in ticks])
            for position, text in value_labels(values, self.size.width):
                plt.text(text, position, values[position - 1], alignment="center")
        self.refresh()

    def on_resize(self) -> None:
        """The value labels depend on the width: draw again for the new one."""
        shown = getattr(self, "_shown", None)
        if shown is not None:
            self.show(*shown)


BAR_WIDTH = 0.6
"""A bar's share of its slot: the gap between bars is 40 % of a slot."""

AXIS_CELLS = 12
"""Cells of the widget's width the y axis and its tick labels take."""


def value_labels(values: Sequence[int], width: int) -> list[tuple[int, str]]:
    """The (1-based bar position, text) of each bar's value label, or none at all when the widest
    figure does not fit in a bar's slot with a cell to spare (labels that ran together would mislead)."""
    if not values:
        return []
    texts = [f"{v:,}" for v in values]
    slot = (max(width, 0) - AXIS_CELLS) / len(values)
    if slot < max(len(t) for t in texts) + 1:
        return []
    return [(i + 1, t) for i, t in enumerate(texts)]
