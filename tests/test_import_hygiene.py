"""Import hygiene: the headless path never loads the TUI, and the domain never loads any UI.

Each check runs in a fresh interpreter (a subprocess) and reads ``sys.modules`` there, so what one
test imported cannot hide what another would import. Why it matters: ``tracker check`` runs from
cron and CI, where paying for Textual (or a spreadsheet library) on every run is waste, and a domain
module that imports a UI would drag it into every caller.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

UI_MODULES = ("textual", "textual_plotext", "plotext")
"""Top-level packages of the TUI."""

HEAVY_MODULES = ("openpyxl", "xlsxwriter")
"""Spreadsheet writers: only the commands that write a spreadsheet may load them."""

RICH_UI = ("rich.console", "rich.table", "rich.live", "rich.progress", "typer", "click")
"""Terminal-output libraries that belong to the faces (CLI, TUI), not to the domain."""

DOMAIN_MODULES = (
    "tracker.money",
    "tracker.models",
    "tracker.config",
    "tracker.db",
    "tracker.audit",
    "tracker.concurrency",
    "tracker.editing",
    "tracker.portfolio",
    "tracker.schedule",
    "tracker.export",
    "tracker.filters",
    "tracker.rules",
    "tracker.warnings",
    "tracker.rollups",
    "tracker.views",
    "tracker.checks",
    "tracker.progress",
    "tracker.history",
    "tracker.report",
    "tracker.excel",
    "tracker.districts",
    "tracker.bootstrap",
    "tracker.paths",
    "tracker.importing.plan_text",
    "tracker.importing.load",
    "tracker.importing.csv_import",
    # the TUI's own pure helpers promise not to load Textual either
    "tracker.tui",
    "tracker.tui.i18n",
    "tracker.tui.data",
)

PROBE = """
import json, sys
exit_code = None
{body}
report = {{"modules": sorted(sys.modules), "exit": exit_code}}
sys.__stdout__.write("\\n@@PROBE@@" + json.dumps(report) + "\\n")
"""

RUN_COMMAND = """
from tracker.cli import main
exit_code = 0
try:
    main({argv!r})
except SystemExit as exc:
    exit_code = exc.code or 0
"""


def probe(body: str, cwd: Path) -> tuple[set[str], int | None]:
    """The modules a fresh interpreter holds after running ``body``, and the exit code it set."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=body)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )
    marker = done.stdout.rfind("@@PROBE@@")
    assert marker >= 0, f"the probe did not finish:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    report = json.loads(done.stdout[marker + len("@@PROBE@@") :])
    return set(report["modules"]), report["exit"]


def loaded_modules(body: str, cwd: Path) -> set[str]:
    return probe(body, cwd)[0]


def tops(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m in names or m.split(".")[0] in names)


def test_importing_the_cli_does_not_import_textual(workdir: Path) -> None:
    modules = loaded_modules("import tracker.cli", workdir)
    assert "tracker.cli" in modules
    assert tops(modules, UI_MODULES + HEAVY_MODULES) == []


@pytest.mark.parametrize(
    "command",
    [
        ["check", "--format", "json"],
        ["list", "--format", "json"],
        ["list", "category:老年", "--format", "csv"],
        ["export", "--format", "json"],
        ["warnings", "--format", "json"],
        ["rollup", "--by", "category", "--format", "json"],
    ],
    ids=lambda c: " ".join(c),
)
def test_a_headless_command_never_imports_the_tui(command: list[str], db_path: Path, workdir: Path) -> None:
    modules, exit_code = probe(RUN_COMMAND.format(argv=["--db", str(db_path), *command]), workdir)
    assert exit_code in (0, 1), f"the command failed with exit code {exit_code}"  # 1: findings (check)
    assert "tracker.cli.app" in modules
    assert f"tracker.cli.{'query' if command[0] == 'list' else 'app'}" in modules
    assert tops(modules, UI_MODULES) == [], "a headless command loaded the TUI"
    assert tops(modules, HEAVY_MODULES) == [], "a headless command loaded a spreadsheet library"


def test_the_tui_command_does_import_textual(workdir: Path) -> None:
    """The probe can see Textual when it is there: opening the app module does load it."""
    modules = loaded_modules("import tracker.tui.app", workdir)
    assert "textual" in modules and "textual.app" in modules
    assert tops(modules, ("textual_plotext", "plotext")) == [], "the chart library loads only with the rollups view"


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_modules_import_no_ui(module: str, workdir: Path) -> None:
    modules = loaded_modules(f"import {module}", workdir)
    assert module in modules
    assert tops(modules, UI_MODULES + RICH_UI + HEAVY_MODULES) == []
