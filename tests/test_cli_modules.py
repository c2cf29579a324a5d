"""Issue 12 item 7: each command lives in the module named after it, so a reader looking for
``tracker report`` finds ``tracker/cli/report.py`` — and ``tracker --help`` still lists the commands
in the order it always did, whichever module holds each.
"""

from __future__ import annotations

import re
from pathlib import Path

import typer

from tests.conftest import run_main
from tracker.cli import HELP_ORDER, app

CLI_DIR = Path(__file__).resolve().parent.parent / "tracker" / "cli"

MOVING = {
    "undo": {"tracker.cli.undo", "tracker.cli.progress"},
    "redo": {"tracker.cli.undo", "tracker.cli.progress"},
    "history": {"tracker.cli.history", "tracker.cli.progress"},
}
"""Being moved by another change from cli/progress.py to cli/undo.py and cli/history.py: either place is right."""

# Every command of `tracker --help` on 2026-11-23 (before the split), in its order, written out by hand.
COMMANDS = [
    "init", "import-plan", "show", "edit", "list", "export", "check", "rollup", "warnings", "progress",
    "annual-plan", "history", "undo", "report", "import-csv", "tui", "generate", "sheet", "import-progress",
]  # fmt: skip
GROUPS = {"view": ["save", "list", "delete"], "config": ["get", "set"], "indicator": ["list", "record"]}


def command_name(info: typer.models.CommandInfo) -> str:
    assert info.callback is not None
    return info.name or info.callback.__name__.replace("_", "-")


def defined_in() -> dict[str, set[str]]:
    """Each command (``view save`` for a sub-command) → the modules that define its callbacks."""
    found: dict[str, set[str]] = {}
    for info in app.registered_commands:
        assert info.callback is not None
        found.setdefault(command_name(info), set()).add(info.callback.__module__)
    for group in app.registered_groups:
        assert group.name is not None and group.typer_instance is not None
        for sub in group.typer_instance.registered_commands:
            assert sub.callback is not None
            found.setdefault(f"{group.name} {command_name(sub)}", set()).add(sub.callback.__module__)
    return found


def test_every_command_is_defined_in_the_module_named_after_it() -> None:
    found = defined_in()
    assert set(found) >= {*COMMANDS, *(f"{g} {s}" for g, subs in GROUPS.items() for s in subs)}
    for command, modules in found.items():
        top = command.split()[0]
        expected = MOVING.get(top, {f"tracker.cli.{top.replace('-', '_')}"})
        assert len(modules) == 1, f"{command} is defined twice: {modules}"
        assert modules <= expected, f"tracker {command} is defined in {modules}, not in {expected}"
        assert (CLI_DIR / (next(iter(modules)).rsplit(".", 1)[1] + ".py")).is_file()


def test_a_command_module_holds_only_its_own_command() -> None:
    """No module holds two commands (cli/progress.py keeps history and undo only until they move)."""
    by_module: dict[str, set[str]] = {}
    for command, modules in defined_in().items():
        for module in modules:
            by_module.setdefault(module, set()).add(command.split()[0])
    for module, commands in by_module.items():
        extra = commands - {module.rsplit(".", 1)[1].replace("_", "-")} - set(MOVING)
        assert not extra, f"{module} also holds {sorted(extra)}"


def test_the_old_grab_bag_modules_are_gone() -> None:
    for name in ("core", "analysis", "exporting"):
        assert not (CLI_DIR / f"{name}.py").exists(), f"cli/{name}.py still exists"


def test_every_command_has_its_place_in_the_help_order() -> None:
    names = [command_name(info) for info in app.registered_commands]
    assert [n for n in names if n not in HELP_ORDER] == []
    assert names == sorted(names, key=HELP_ORDER.index)


def test_help_lists_the_commands_in_the_order_they_always_had(workdir: Path) -> None:
    result = run_main(["--help"])
    assert result.exit_code == 0
    listed = re.findall(r"^  ([a-z][a-z-]*)  ", result.stdout.split("Commands:", 1)[1], flags=re.MULTILINE)
    assert [name for name in listed if name in COMMANDS] == COMMANDS  # a new command (redo) may come in between
    assert listed[-len(GROUPS) :] == list(GROUPS)


def test_every_import_of_a_cli_module_resolves() -> None:
    """Commands import inside their bodies (lazily), so a moved helper breaks only when the command runs:
    check every ``from tracker.cli.X import name`` in tracker/ and bench/ without running anything."""
    import ast
    import importlib

    broken = []
    root = CLI_DIR.parent.parent
    for path in [*(root / "tracker").rglob("*.py"), *(root / "bench").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("tracker.cli"):
                assert node.module is not None
                try:
                    module = importlib.import_module(node.module)
                except ImportError:
                    broken.append(f"{path.relative_to(root)}:{node.lineno}: {node.module}")
                    continue
                for alias in node.names:
                    if not hasattr(module, alias.name):
                        broken.append(f"{path.relative_to(root)}:{node.lineno}: {node.module}.{alias.name}")
    assert broken == []
