"""The TUI's filter keystroke: from Enter in the filter bar to the new first page drawn.

Runs the real app headless (160×45, Textual's test driver) on a database, waits for the first page,
then for each filter types it into the filter bar, presses Enter and stops the clock on the refresh
after the table showed the new first page (``ProjectListScreen.first_page_shown``). The count and
totals arrive later in their own worker and are not waited for (they are timed separately, as
"summary"). Medians over repeated runs; goal ≤ 150 ms.

    .venv/bin/python bench/tui_keystroke.py DATABASE [--runs 7] [--filter 韶山 --filter district:韶山市]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import date
from pathlib import Path

GOAL_SECONDS = 0.150
FILTERS = ("韶山", "district:韶山市", "total>=1000")


def measure(database: Path, filters: list[str], runs: int) -> dict[str, tuple[list[float], list[float]]]:
    from tracker.config import load
    from tracker.db import make_engine
    from tracker.tui.app import TrackerApp
    from tracker.tui.screens.portfolio import PortfolioScreen as ProjectListScreen
    from tracker.tui.widgets.summary_bar import SummaryBar

    shown: list[float] = []
    summed: list[float] = []
    original = ProjectListScreen.first_page_shown
    original_show = SummaryBar.show

    def first_page_shown(self: ProjectListScreen) -> None:
        original(self)
        self.call_after_refresh(lambda: shown.append(time.perf_counter()))

    def show(self: SummaryBar, *args: object, **kwargs: object) -> None:
        original_show(self, *args, **kwargs)  # type: ignore[arg-type]
        summed.append(time.perf_counter())

    ProjectListScreen.first_page_shown = first_page_shown  # type: ignore[method-assign]
    SummaryBar.show = show  # type: ignore[method-assign]
    engine = make_engine(f"sqlite:///{database}")
    app = TrackerApp(engine, load(None), date(2023, 6, 30), "bench", language="zh")
    results: dict[str, tuple[list[float], list[float]]] = {f: ([], []) for f in filters}

    async def wait_for(condition: object, timeout: float = 60) -> None:
        deadline = time.perf_counter() + timeout
        while not condition():  # type: ignore[operator]
            if time.perf_counter() > deadline:
                raise RuntimeError("timed out")
            await asyncio.sleep(0.001)

    async def main() -> None:
        async with app.run_test(size=(160, 45)) as pilot:
            await wait_for(lambda: shown)
            for _ in range(runs + 1):  # the first round warms the caches
                for text in [*filters, ""]:
                    await pilot.press("slash", "ctrl+u", *text)
                    before_page, before_sum = len(shown), len(summed)
                    start = time.perf_counter()
                    await pilot.press("enter")
                    await wait_for(lambda b=before_page: len(shown) > b)
                    page = shown[-1] - start
                    await wait_for(lambda b=before_sum: len(summed) > b)
                    if text:
                        results[text][0].append(page)
                        results[text][1].append(summed[-1] - start)
            for values in results.values():
                del values[0][0], values[1][0]

    asyncio.run(main())
    engine.dispose()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--filter", action="append", dest="filters")
    args = parser.parse_args()
    results = measure(args.database, args.filters or list(FILTERS), args.runs)
    worst = 0.0
    for text, (pages, sums) in results.items():
        page, summary = statistics.median(pages), statistics.median(sums)
        worst = max(worst, page)
        print(f"filter {text!r:24} first page {page * 1000:7.1f} ms   summary {summary * 1000:8.1f} ms")
    print(f"goal: first page ≤ {GOAL_SECONDS * 1000:.0f} ms → {'met' if worst <= GOAL_SECONDS else 'NOT met'}")
    return 0 if worst <= GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
