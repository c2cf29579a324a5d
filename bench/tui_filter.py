"""The TUI as a person meets it: time to the first page, then a filter typed and Enter pressed.

Each run starts ``tracker --db FILE tui`` in a pseudo-terminal (160×45) with the first-page hook of
``bench/tui_startup.py`` (``TrackerApp.first_page_shown``) reporting when the first page is drawn — the
app keeps running. Then ``/`` opens the filter bar and, once the screen is still, ``TEXT`` + Enter is
written as one burst; the keystroke's figure is the time from that write to the LAST screen update
before the screen stays still for max(:data:`QUIET`, the first paint) seconds — a UI thread blocked on
a query is silent too, so the window must outlast such a block (the repainted first page, or whatever
arrives after it, such as the count and totals: so it is an upper bound). Cursor blinking is switched off in
the child so that a still screen is silent. Peak memory is the child's maximum RSS.

    .venv/bin/python bench/tui_filter.py DB [--runs 5] [--text 韶山]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

SIZE = (160, 45)
QUIET = 0.5
"""Seconds without screen output that count as "the screen is still"."""

CHILD = """
import os, sys
fd = int(sys.argv[2])
import tracker.tui.app as tui_app
shown = tui_app.TrackerApp.first_page_shown
def first_page_shown(self):
    first = self.interactive_after is None
    shown(self)
    if first:
        try:
            from textual.widgets import Input
            for widget in self.screen.query(Input):
                widget.cursor_blink = False
        except Exception:
            pass
        os.write(fd, b"ready\\n")
tui_app.TrackerApp.first_page_shown = first_page_shown
from tracker.cli import main
main(["--db", sys.argv[1], "--as-of", sys.argv[3], "tui"])
"""


def _drain_until_quiet(master: int, quiet: float, limit: float) -> float | None:
    """Read the screen until it is still for ``quiet`` s (or ``limit`` s pass); the time of the last output."""
    last = None
    end = time.perf_counter() + limit
    while time.perf_counter() < end:
        readable, _, _ = select.select([master], [], [], quiet)
        if not readable:
            return last
        try:
            chunk = os.read(master, 65536)
        except OSError:
            return last
        if not chunk:
            return last
        last = time.perf_counter()
    return last


def one_run(database: Path, as_of: str, text: str, timeout: float) -> tuple[float, float, float]:
    """(seconds to the first page, seconds from typing TEXT+Enter to the last repaint, peak RSS in MB)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    ready_read, ready_write = os.pipe()
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(SIZE[0]), LINES=str(SIZE[1]))
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(database), str(ready_write), as_of],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        pass_fds=(ready_write,),
        env=env,
        cwd=database.parent,
        start_new_session=True,
    )
    os.close(slave)
    os.close(ready_write)
    paint = None
    try:
        while paint is None:
            readable, _, _ = select.select([master, ready_read], [], [], timeout)
            if not readable:
                raise RuntimeError(f"no first page within {timeout:.0f} s")
            if ready_read in readable:
                if not os.read(ready_read, 64):
                    raise RuntimeError("the TUI exited without showing its first page")
                paint = time.perf_counter() - start
            if master in readable:
                try:
                    os.read(master, 65536)
                except OSError as exc:
                    raise RuntimeError("the TUI exited without showing its first page") from exc
        # A UI thread blocked on a query is silent too: "still" must last longer than such a block can, so
        # the window grows with the first paint (which runs the same kind of query): max(QUIET, first paint).
        quiet = min(max(QUIET, paint), timeout)
        _drain_until_quiet(master, quiet, timeout)
        os.write(master, b"/")
        _drain_until_quiet(master, quiet, timeout)
        typed = time.perf_counter()
        os.write(master, text.encode() + b"\r")
        last = _drain_until_quiet(master, quiet, timeout)
        keystroke = (last - typed) if last is not None else 0.0
        os.write(master, b"\x11")  # ctrl+q
    finally:
        rss = _reap(child.pid, 5)
        os.close(master)
        os.close(ready_read)
    return paint, keystroke, rss


def _reap(pid: int, seconds: float) -> float:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        done, _, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return usage.ru_maxrss / 1024
        time.sleep(0.01)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _, _, usage = os.wait4(pid, 0)
    return usage.ru_maxrss / 1024


def measure_tui(
    database: Path, runs: int, as_of: str, text: str, timeout: float = 60
) -> tuple[list[float], list[float], list[float]]:
    """First paints, filter keystrokes and peak RSS of ``runs`` runs (after one warm-up run)."""
    one_run(database, as_of, text, timeout)
    paints, keys, rss = [], [], []
    for _ in range(runs):
        paint, key, peak = one_run(database, as_of, text, timeout)
        paints.append(paint)
        keys.append(key)
        rss.append(peak)
    return paints, keys, rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--text", default="韶山")
    parser.add_argument("--as-of", default="2023-06-30")
    args = parser.parse_args()
    paints, keys, rss = measure_tui(args.database, args.runs, args.as_of, args.text)
    print(
        f"first paint median {statistics.median(paints):.3f} s; filter {args.text!r} + Enter median "
        f"{statistics.median(keys) * 1000:.0f} ms; peak {max(rss):.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
