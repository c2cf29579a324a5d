"""The CLI's one error boundary (``tracker.cli.app.main``): expected failures are one ``tracker: …``
line with their documented exit status; anything unexpected is exit 3 with the traceback in a log
file (or on stderr with ``--debug``), never a bare traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CliRun


def _boom(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("a planted bug")


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setenv("TRACKER_LOG", str(folder))
    return folder


def test_an_unexpected_error_is_exit_3_with_a_log_and_no_traceback(
    cli: CliRun, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tracker.portfolio.iter_rows", _boom)
    result = cli("list", "--format", "json")
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert message.startswith("tracker: internal error (RuntimeError: a planted bug); details in ")
    logs = list(log_dir.glob("tracker-error-*.log"))
    assert len(logs) == 1 and str(logs[0]) in message
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "RuntimeError: a planted bug" in text
    assert "'list', '--format', 'json'" in text
    assert oct(logs[0].stat().st_mode & 0o777) == "0o600"


def test_debug_prints_the_traceback_instead(cli: CliRun, log_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tracker.portfolio.iter_rows", _boom)
    result = cli("--debug", "list", "--format", "json")
    assert result.exit_code == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().endswith("tracker: internal error (RuntimeError); this is a bug")
    assert not log_dir.exists()


def test_debug_may_follow_the_command(cli: CliRun, log_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tracker.portfolio.iter_rows", _boom)
    assert "Traceback" in cli("list", "--debug", "--format", "json").stderr


def test_an_unwritable_log_folder_falls_back_to_the_temp_folder(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("TRACKER_LOG", str(blocker / "logs"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    monkeypatch.setattr("tracker.portfolio.iter_rows", _boom)
    result = cli("list", "--format", "json")
    assert result.exit_code == 3
    assert f"details in {tmp_path}/tracker-error-" in result.stderr


def test_a_domain_error_is_one_line_with_its_exit_status(cli: CliRun) -> None:
    result = cli("show", "9-99")
    assert (result.exit_code, result.stderr) == (1, "tracker: no project with code '9-99'\n")


def test_a_locked_database_is_exit_2_after_the_busy_timeout(
    cli: CliRun, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tracker.db.BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        result = cli("edit", "2-9", "note=x")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2
    assert result.stderr.startswith("tracker: the database is locked by another program (waited 0.2 s)")
    assert "Traceback" not in result.output
    assert cli("show", "2-9", "--format", "json").stdout.count('"note": ""') == 1  # nothing was written


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "--format", "csv", "--output", "/nonexistent/dir/x.csv"), "the folder /nonexistent/dir does not exist"),
        (("export", "--output", "{tmp}"), "is a folder; give a file name for --output"),
        (("report", "--month", "2023-06", "--output", "/nonexistent/r.csv"), "the folder /nonexistent does not exist"),
        (("report", "--month", "2023-06", "--format", "xlsx", "--output", "{tmp}"), "is a folder"),
    ],
)
def test_an_output_that_cannot_be_written_is_exit_2(cli: CliRun, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = cli(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 2
    assert result.stderr.startswith("tracker: ") and message in result.stderr


def test_a_failed_export_leaves_no_file_and_keeps_the_old_one(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_dir: Path
) -> None:
    """The workbook fails half-way through its sheet: the old file stays whole, no partial file is left."""
    target = tmp_path / "projects.xlsx"
    target.write_bytes(b"yesterday's export")
    monkeypatch.setattr("tracker.excel._write_sheet", _boom)
    assert cli("export", "--format", "xlsx", "--output", str(target)).exit_code == 3
    assert target.read_bytes() == b"yesterday's export"
    assert sorted(p.name for p in tmp_path.iterdir() if "projects" in p.name) == ["projects.xlsx"]


def _tracker(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60
    )


@pytest.mark.slow
def test_a_closed_pipe_ends_quietly(db_path: Path, tmp_path: Path) -> None:
    """``tracker list | head -1``: the reader leaves early; tracker stops without a traceback."""
    env = os.environ | {"TRACKER_DB": str(db_path)}
    command = f"{sys.executable} -m tracker list --format csv | head -1; echo status=${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert done.stdout.startswith("code,plan,category,seq,name")
    assert done.stdout.rstrip().endswith("status=0")
    assert done.stderr == ""


@pytest.mark.slow
def test_the_console_script_has_the_boundary_too(db_path: Path, tmp_path: Path) -> None:
    env = os.environ | {"TRACKER_DB": str(db_path), "TRACKER_LOG": str(tmp_path / "logs")}
    done = _tracker("list", "category:(", env=env, cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.startswith("tracker: bad filter")
    assert "Traceback" not in done.stderr


def test_an_argument_that_is_not_utf8_is_exit_2(cli: CliRun) -> None:
    """Bytes the locale cannot decode arrive as lone surrogates; they must not reach the database driver."""
    result = cli("show", "2-9\udcff")
    assert (result.exit_code, result.stderr) == (2, "tracker: the argument '2-9\\xff' is not valid UTF-8 text\n")
