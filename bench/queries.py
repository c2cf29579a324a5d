"""How the domain's reads scale: filters, rollups, warnings, the monthly report and the check.

Builds a portfolio of the 87 bundled projects plus ``--scale`` copies (the same scaling as
``bench/tui_startup.py``), gives every project six months of progress, then times each read several
times and prints medians, and the process's peak memory. Timings are of the domain functions the
CLI and the TUI call (no process start-up), on SQLite.

    .venv/bin/python bench/queries.py [--scale 230] [--runs 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tui_startup import make_database  # noqa: E402

AS_OF = date(2023, 6, 30)


def add_progress(path: Path) -> int:
    """Six monthly reports per project (2023-01 … 2023-06), each a twentieth of its total."""
    from sqlalchemy import text

    from tracker.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        for month in range(1, 7):
            connection.execute(
                text(
                    "INSERT INTO progressrecord (project_id, month, status, invested, progress_text, problems, "
                    "reporter, recorded_at) SELECT id, :month, 'in_progress', total_investment / 20, '', '', "
                    "'bench', :at FROM project"
                ),
                {"month": f"2023-{month:02d}", "at": f"2023-{month:02d}-28 12:00:00"},
            )
        connection.execute(text("UPDATE project SET status = 'in_progress'"))
        count = connection.execute(text("SELECT count(*) FROM progressrecord")).scalar_one()
    engine.dispose()
    return int(count)


def timed(label: str, runs: int, work: Callable[[], Any]) -> tuple[str, float, str]:
    samples = []
    result: Any = None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        samples.append(time.perf_counter() - start)
    size = len(result) if hasattr(result, "__len__") else result
    return label, statistics.median(samples) * 1000, str(size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=230, help="copies of the 87 projects to add (default 230 ≈ 20k)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from tracker.checks import run_checks
    from tracker.db import make_engine, reading
    from tracker.filters import where_clause
    from tracker.portfolio import count, rows
    from tracker.report import monthly_report
    from tracker.rollups import rollup
    from tracker.rules import WarningSettings
    from tracker.warnings import evaluate

    with tempfile.TemporaryDirectory() as folder:
        path = make_database(Path(folder), args.scale)
        progress = add_progress(path)
        engine = make_engine(f"sqlite:///{path}")
        settings = WarningSettings()

        def where(text: str) -> Any:
            return where_clause(text, views={}, as_of=AS_OF, settings=settings)

        with reading(engine) as s:
            projects = count(s)
            results = [
                timed("count all", args.runs, lambda: count(s)),
                timed("first page of 100, published order", args.runs, lambda: rows(s, limit=100)),
                timed("first page of 100, `+overdue`", args.runs, lambda: rows(s, where("+overdue"), limit=100)),
                timed("count `category:老年 total>=1000`", args.runs, lambda: count(s, where("category:老年 total>=1000"))),
                timed("count `+lagging`", args.runs, lambda: count(s, where("+lagging"))),
                timed("rollup by category", args.runs, lambda: rollup(s, ["category"])),
                timed("rollup by district, status", args.runs, lambda: rollup(s, ["district", "status"])),
                timed("rollup by year (spread to the fen)", args.runs, lambda: rollup(s, ["year"])),
                timed("all warnings", args.runs, lambda: evaluate(s, AS_OF, settings)),
                timed("monthly report 2023-06", args.runs, lambda: monthly_report(s, "2023-06").rows),
                timed("tracker check (all rules)", args.runs, lambda: run_checks(s, as_of=AS_OF).findings),
            ]
        engine.dispose()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{projects} projects, {progress} progress records, SQLite, as of {AS_OF}; medians of {args.runs} runs")
    print("| operation | median ms | rows |\n|---|---:|---:|")
    for label, ms, size in results:
        print(f"| {label} | {ms:.0f} | {size} |")
    print(f"peak memory of the process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
