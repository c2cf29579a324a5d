"""Time-to-interactive of the TUI: from launching ``tracker`` to the first page of projects on screen.

Each run starts a fresh process in a pseudo-terminal (160×45, as a real terminal would be), exactly
as ``tracker --db FILE tui`` does — interpreter start, the CLI, Textual, the database, the first
page of the table with its warning lights and the summary aggregate — and stops the clock when the
app reports that its first page was drawn (``TrackerApp.first_page_shown``, called after the
refresh that shows it). The app then exits. Medians over repeated runs; goal ≤ 0.8 s on the 87
projects.

``--scale K`` adds K copies of the 87 projects (as further plans, with distinct codes) to show that
start-up does not grow with the portfolio: the table is fed a page at a time.

    .venv/bin/python bench/tui_startup.py [--runs 15] [--scale 0]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 0.8
SIZE = (160, 45)

CHILD = """
import os, sys
fd = int(sys.argv[2])
import tracker.tui.app as tui_app
shown = tui_app.TrackerApp.first_page_shown
def first_page_shown(self):
    shown(self)
    os.write(fd, f"ready {self.interactive_after:.6f}\\n".encode())
    self.exit()
tui_app.TrackerApp.first_page_shown = first_page_shown
from tracker.cli import main
main(["--db", sys.argv[1], "--as-of", "2023-06-30", "tui"])
"""
"""The child: the console script's own entry point, with the ready signal hooked in."""


def make_database(folder: Path, scale: int) -> Path:
    from sqlalchemy import text

    from tracker.bootstrap import init_database

    path = folder / "bench.db"
    engine = init_database(f"sqlite:///{path}").engine
    if scale:
        with engine.begin() as connection:
            columns = [
                row[1]
                for row in connection.execute(text("PRAGMA table_info(project)"))
                if row[1] not in ("id", "plan_id", "code")
            ]
            names = ", ".join(columns)
            plan_columns = [
                row[1] for row in connection.execute(text("PRAGMA table_info(plan)")) if row[1] not in ("id", "name")
            ]
            plans = ", ".join(plan_columns)
            for copy in range(1, scale + 1):
                connection.execute(
                    text(f"INSERT INTO plan (name, {plans}) SELECT name || ' #{copy}', {plans} FROM plan WHERE id = 1")
                )
                plan_id = connection.execute(text("SELECT max(id) FROM plan")).scalar_one()
                connection.execute(
                    text(
                        f"INSERT INTO project (plan_id, code, {names}) "
                        f"SELECT {plan_id}, 'c{copy}-' || code, {names} FROM project WHERE plan_id = 1"
                    )
                )
    engine.dispose()
    return path


def one_run(database: Path) -> tuple[float, float]:
    """Seconds from spawning the process to the ready signal, and the app's own figure."""
    master, slave = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    ready_read, ready_write = os.pipe()
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(SIZE[0]), LINES=str(SIZE[1]))
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(database), str(ready_write)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        pass_fds=(ready_write,),
        env=env,
        cwd=database.parent,
    )
    os.close(slave)
    os.close(ready_write)
    message = b""
    elapsed = None
    while child.poll() is None or elapsed is None:
        readable, _, _ = select.select([master, ready_read], [], [], 10)
        if not readable:
            child.kill()
            raise RuntimeError("the TUI did not become interactive within 10 s")
        if ready_read in readable:
            chunk = os.read(ready_read, 1024)
            if chunk and elapsed is None:
                elapsed = time.perf_counter() - start
                message += chunk
            elif not chunk and elapsed is None:
                raise RuntimeError("the TUI exited without showing its first page")
        if master in readable:
            try:
                os.read(master, 65536)  # the screen output; drained so the child never blocks
            except OSError:
                break
    child.wait(timeout=10)
    os.close(master)
    os.close(ready_read)
    inside = float(message.split()[1])
    return elapsed, inside


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--scale", type=int, default=0, help="add K copies of the 87 projects")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = make_database(Path(folder), args.scale)
        projects = 87 * (args.scale + 1)
        one_run(database)  # warm the file cache and the bytecode
        wall: list[float] = []
        inside: list[float] = []
        for _ in range(args.runs):
            total, app = one_run(database)
            wall.append(total)
            inside.append(app)
    median = statistics.median(wall)
    print(f"projects:                    {projects:,}")
    print(f"runs:                        {args.runs}")
    print(f"time to interactive, median: {median:.3f} s  (min {min(wall):.3f}, max {max(wall):.3f})")
    print(f"  of which inside the app:   {statistics.median(inside):.3f} s  (App() to first page drawn)")
    print(f"goal:                        ≤ {GOAL_SECONDS:.1f} s  → {'met' if median <= GOAL_SECONDS else 'NOT met'}")
    return 0 if median <= GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
