"""Writing a setting keeps a hand-written tracker.toml as it was: comments, order, blank lines, quoting."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CliRun

HAND_WRITTEN = """\
# Xiangtan civil-affairs bureau — shared settings. Ask 李科长 before changing [warnings].

[database]
url = "tracker.db"   # next to this file

[general]
as_of = ""
language = 'zh'      # the monthly report is in Chinese

[warnings]
# The city wants a yellow light three months ahead.
due_soon_months = 3
stale_days = 45

[views]
elderly = "category:老年"
"""


def test_config_set_changes_one_line_and_keeps_the_comments(cli: CliRun, workdir: Path) -> None:
    path = workdir / "tracker.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    result = cli("config", "set", "warnings.stale_days", "60")
    assert result.exit_code == 0, result.stderr
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN.replace("stale_days = 45", "stale_days = 60")


def test_a_new_key_and_a_new_view_are_added_without_touching_the_rest(cli: CliRun, workdir: Path) -> None:
    path = workdir / "tracker.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    assert cli("config", "set", "general.reporter", "王芳").exit_code == 0
    assert cli("view", "save", "late", "+overdue").exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HAND_WRITTEN.split("\n[warnings]")[0].replace("language = 'zh'      # the monthly report is in Chinese", "language = 'zh'      # the monthly report is in Chinese\nreporter = \"王芳\""))
    assert "# The city wants a yellow light three months ahead.\ndue_soon_months = 3" in text
    assert text.endswith('elderly = "category:老年"\nlate = "+overdue"\n')


def test_deleting_a_view_keeps_the_comments(cli: CliRun, workdir: Path) -> None:
    path = workdir / "tracker.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    assert cli("view", "delete", "elderly").exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HAND_WRITTEN.split("[views]")[0])
    assert "elderly" not in text


def test_a_refused_value_leaves_the_file_byte_identical(cli: CliRun, workdir: Path) -> None:
    path = workdir / "tracker.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    result = cli("config", "set", "warnings.stale_days", "99999")
    assert result.exit_code == 2
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN
    assert sorted(p.name for p in workdir.iterdir()) == ["tracker.toml"]
