"""The rollups' bar chart (textual-plotext): one bar per top-level group.

Money is exact everywhere else; a chart only needs bar lengths, so it is given whole 万元 as
integers (rounded half-even from the exact ``Decimal``), never floats computed by this program. The
table beside it carries the exact figures. Group names are numbered on the axis (1, 2, …) and the
table repeats the numbers, because a terminal plot cannot fit Chinese names under its bars.
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

    def show(self, labels: Sequence[str], amounts: Sequence[Decimal], title: str) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        if labels:
            values = [whole_wan(a) for a in amounts]
            plt.bar(list(labels), values)
            ticks = nice_ticks(max(values))
            plt.yticks(ticks, [f"{t:,}" for t in ticks])
        self.refresh()
