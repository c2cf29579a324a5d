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

KEY_PAUSE = 0.3
"""Seconds after each send, as a person types: a key that moves the focus (``/``) is handled before the
text meant for the new focus arrives."""


class Pane:
    """One tmux session running ``tracker tui``; what it shows, read back as text."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.tmux = ["tmux", "-L", name]
        """A server of its own (its own socket): never the user's tmux, never another test's."""

    def keys(self, *keys: str, literal: bool = False) -> None:
        args = [*self.tmux, "send-keys", "-t", self.name]
        if literal:
            args.append("-l")
        subprocess.run([*args, *keys], check=True)
        time.sleep(KEY_PAUSE)

    def text(self) -> str:
        return subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", self.name], check=True, capture_output=True, text=True
        ).stdout

    def wait_for(self, condition: Callable[[str], bool], what: str, seconds: float = 60.0) -> str:
        deadline = time.monotonic() + seconds
        while True:
            screen = self.text()
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"tmux: never saw {what}; the screen was:\n{screen}")
            time.sleep(0.1)

    def wait_text(self, *needles: str, seconds: float = 60.0) -> str:
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
    command = f"cd {workdir} && env {exports} {TRACKER} --db {db_path} --as-of 2023-07-15 tui"
    pane = Pane(name)
    subprocess.run(
        [*pane.tmux, "-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", command],
        check=True,
        env={**os.environ, "TMUX": ""},
    )
    try:
        yield pane
    finally:
        subprocess.run([*pane.tmux, "kill-server"], check=False, capture_output=True)


def until(condition: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never saw {what}")
        time.sleep(0.1)


def records(db_path: Path) -> list[tuple[str, Decimal]]:
    """Every progress record in the database: (month, invested)."""
    engine = make_engine(f"sqlite:///{db_path}")
    try:
        with reading(engine) as session:
            rows = session.execute(select(ProgressRecord.month, ProgressRecord.invested)).all()
        return [(str(month), Decimal(invested)) for month, invested in rows]
    finally:
        engine.dispose()


def test_a_month_at_80x24_in_a_real_terminal(pane: Pane, db_path: Path) -> None:
    """Filter, open a project, record the previous month (as of 2023-07-15 the form proposes 2023-06),
    undo it, redo it, and look at the budget check — every screen read back from the terminal."""
    # the key bar is whole: the palette key is not cut (the issue saw "^p   令")
    first = pane.wait_text("87 个项目", "总投资 488,707.12 万元", "^p 命令")
    assert all(len(line) <= 80 for line in first.splitlines())

    pane.keys("/")
    pane.keys("category:老年", literal=True)
    pane.keys("Enter")
    pane.wait_text("50 个项目")  # category 2 (line 1092): 老年人福利类项目(50个)

    pane.keys("Enter")  # the list has the focus again, its cursor on the first row: Enter opens 2-1
    detail = pane.wait_text("项目详情", "2-1")
    assert "湘潭市第六人民医院康疗中心建设项目" in detail  # 2-1, line 1108

    pane.keys("m")
    form = pane.wait_text("将写入 2023年06月 的进度")  # the last closed month, said before saving
    assert "2023-06" in form
    pane.keys("Tab", "Tab")  # month → status → invested this month
    pane.keys("120", literal=True)
    pane.keys("C-s")
    pane.wait_for(lambda s: "将写入" not in s, "the form closed")
    until(lambda: records(db_path) == [("2023-06", Decimal("120"))], "the month written")

    pane.keys("u")
    pane.wait_text("撤销：填报 2-1 2023-06 进度")
    pane.keys("y")
    pane.wait_text("已撤销：填报 2-1 2023-06")  # the notice, in the interface language
    until(lambda: records(db_path) == [], "the undo written")

    pane.keys("U")
    pane.wait_text("重做：填报 2-1 2023-06")
    pane.keys("y")
    pane.wait_text("已重做")
    until(lambda: records(db_path) == [("2023-06", Decimal("120"))], "the redo written")

    pane.keys("5")
    check = pane.wait_text("预算核对", "6 个不一致")
    assert "592,917.92" in check and "-104,210.80" in check  # 总计 as published (line 894) vs the rows
    assert all(len(line) <= 80 for line in check.splitlines())

    pane.keys("1")
    back = pane.wait_text("50 个项目")  # the filter is kept; `1` lands on the list, not the detail left open
    assert "项目详情" not in back
