"""The officer's month, driven in a real terminal: ``tracker tui`` in a tmux pane of 80×24, keys sent
with ``send-keys``, the screen read back with ``capture-pane``.

Headless Pilot tests (the rest of tests/tui) drive the app object; this one drives the installed
``tracker`` command as a user starts it — its terminal set-up, the real key decoding of a tty, and the
80×24 layout as a terminal draws it. tmux is installed by scripts/system-deps.sh.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from tracker.db import make_engine, reading
from tracker.models import ProgressRecord

pytestmark = pytest.mark.slow

TRACKER = str(Path(sys.executable).with_name("tracker"))


class Pane:
    """One tmux session running ``tracker tui``; what it shows, read back as text."""

    def __init__(self, name: str) -> None:
        self.name = name

    def keys(self, *keys: str, literal: bool = False) -> None:
        args = ["tmux", "send-keys", "-t", self.name]
        if literal:
            args.append("-l")
        subprocess.run([*args, *keys], check=True)

    def text(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], check=True, capture_output=True, text=True
        ).stdout

    def wait_for(self, condition: Callable[[str], bool], what: str, seconds: float = 30.0) -> str:
        deadline = time.monotonic() + seconds
        while True:
            screen = self.text()
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"tmux: never saw {what}; the screen was:\n{screen}")
            time.sleep(0.1)

    def wait_text(self, *needles: str, seconds: float = 30.0) -> str:
        return self.wait_for(lambda s: all(n in s for n in needles), " and ".join(needles), seconds)


@pytest.fixture
def pane(db_path: Path, workdir: Path, tmp_path: Path) -> Iterator[Pane]:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is not installed: scripts/system-deps.sh installs it (make test)")
    name = f"tracker-test-{uuid.uuid4().hex[:8]}"
    env = {
        "TRACKER_PREFERENCES": str(tmp_path / "interface.toml"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
    }
    exports = " ".join(f"{key}={value}" for key, value in env.items())
    command = f"cd {workdir} && env {exports} {TRACKER} --db {db_path} --as-of 2023-06-30 tui"
    subprocess.run(
        ["tmux", "-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", command],
        check=True,
        env={**os.environ, "TMUX": ""},
    )
    try:
        yield Pane(name)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], check=False, capture_output=True)


def records(db_path: Path) -> list[tuple[str, Decimal]]:
    """Every progress record in the database: (month, invested)."""
    engine = make_engine(f"sqlite:///{db_path}")
    try:
        with reading(engine) as session:
            rows = session.execute(select(ProgressRecord.month, ProgressRecord.invested)).all()
        return [(str(month), Decimal(invested)) for month, invested in rows]
    finally:
        engine.dispose()
