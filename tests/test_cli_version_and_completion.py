"""Issue 12 item 7: what a Typer user expects — ``tracker --version`` and shell completion
(``--install-completion``, ``--show-completion``) — through the CLI's own entry point and error boundary.

Typer detects the shell with shellingham; with no terminal (CI) there is none to detect, so these
tests set ``_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION`` (Typer's switch for exactly this), which
makes both options take the shell's name: ``--show-completion bash``.
"""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import run_main

ROOT = Path(__file__).resolve().parent.parent
NO_DETECTION = "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"


def test_version_prints_the_installed_version(workdir: Path) -> None:
    result = run_main(["--version"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"tracker {version('tracker')}\n", "")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert result.stdout == f"tracker {project['version']}\n"  # the metadata is pyproject.toml's, 0.1.0 today


def test_version_needs_no_database_and_no_configuration(workdir: Path) -> None:
    """Answered before the root callback: a broken tracker.toml and a database that cannot exist are not read."""
    (workdir / "tracker.toml").write_text("[general\nthis is not TOML", encoding="utf-8")
    result = run_main(["--db", str(workdir / "missing" / "x.db"), "--version"])
    assert result.exit_code == 0 and result.stdout.startswith("tracker ")
    assert sorted(p.name for p in workdir.iterdir()) == ["tracker.toml"]  # no database was created
    assert run_main(["list"]).exit_code == 2  # the same tracker.toml does stop a real command


def test_version_is_in_the_help(workdir: Path) -> None:
    out = run_main(["--help"]).stdout
    for option in ("--version", "--install-completion", "--show-completion"):
        assert option in out


def test_show_completion_prints_a_bash_script_for_tracker(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NO_DETECTION, "1")
    result = run_main(["--show-completion", "bash"])
    assert result.exit_code == 0
    assert "_TRACKER_COMPLETE=complete_bash" in result.stdout
    assert result.stdout.rstrip().endswith("complete -o default -F _tracker_completion tracker")


def test_show_completion_for_zsh_and_fish(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NO_DETECTION, "1")
    zsh = run_main(["--show-completion", "zsh"])
    assert zsh.exit_code == 0 and zsh.stdout.startswith("#compdef tracker")
    fish = run_main(["--show-completion", "fish"])
    assert fish.exit_code == 0 and fish.stdout.startswith("complete --command tracker ")


def test_an_unknown_shell_is_a_usage_error(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NO_DETECTION, "1")
    result = run_main(["--show-completion", "tcsh"])
    assert result.exit_code == 2
    assert "tcsh" in result.stderr and "Traceback" not in result.output


def test_install_completion_writes_the_script_and_sources_it(
    workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv(NO_DETECTION, "1")
    result = run_main(["--install-completion", "bash"])
    assert result.exit_code == 0
    script = home / ".bash_completions" / "tracker.sh"
    assert "bash completion installed in" in result.stdout and str(script) in result.stdout
    assert "_TRACKER_COMPLETE=complete_bash" in script.read_text(encoding="utf-8")
    assert f"source '{script}'" in (home / ".bashrc").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("tracker rep", 1, ["report"]),
        ("tracker import-", 1, ["import-plan", "import-csv", "import-progress", "import-indicators"]),
        ("tracker annual", 1, ["annual-plan"]),
        ("tracker report --mo", 2, ["--month"]),
        ("tracker --ver", 1, ["--version"]),
        ("tracker view ", 2, ["save", "list", "delete"]),
    ],
)
def test_the_installed_script_completes_commands_and_options(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, words: str, cword: int, expected: list[str]
) -> None:
    """What the bash script asks the program (``_TRACKER_COMPLETE=complete_bash``) is answered by ``main``."""
    monkeypatch.setenv("_TRACKER_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", str(cword))
    result = run_main([])
    assert result.exit_code == 0
    assert sorted(result.stdout.split()) == sorted(expected)
    assert not (workdir / "tracker.db").exists()  # completing never opens (or creates) the database
