"""Saved views and ``tracker config get|set``: validated first, edited in place with tomlkit, other settings and comments kept."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.conftest import CliRun
from tracker.config import load
from tracker.views import ViewError, delete, save, users_of

CONFIG = """\
# a comment (TOML writers cannot keep comments)
[database]
url = "elsewhere.db"

[general]
reporter = "王敏"

[warnings]
stale_days = 60

[keys]
quit = "ctrl+q"

[views]
elderly = "category:老年"
"""


@pytest.fixture
def config_file(workdir: Path) -> Path:
    path = workdir / "tracker.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def read(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_save_list_delete_keep_every_other_setting(config_file: Path) -> None:
    before = read(config_file)
    config = save(load(config_file), "big_elderly", "  @elderly total>=20000 ")
    after = read(config_file)
    assert after["views"] == {"elderly": "category:老年", "big_elderly": "@elderly total>=20000"}
    assert {k: v for k, v in after.items() if k != "views"} == {k: v for k, v in before.items() if k != "views"}
    assert config.views["big_elderly"] == "@elderly total>=20000"
    with pytest.raises(ViewError, match="used by @big_elderly"):
        delete(config, "elderly")
    assert users_of(config, "elderly") == ["big_elderly"]
    config = delete(config, "big_elderly")
    assert read(config_file) == before
    with pytest.raises(ViewError, match="no view named 'nope'"):
        delete(config, "nope")


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("bad", "categroy:老年", "unknown field 'categroy'"),
        ("bad", "@missing", "unknown view @missing"),
        ("loop", "@loop", "refers to itself"),
        ("bad", "   ", "the filter is empty"),
        ("two words", "x", "must be one word"),
        ("-x", "x", "must be one word"),
        ("a.b", "x", "must be one word"),
    ],
)
def test_bad_views_are_refused_and_nothing_is_written(config_file: Path, name: str, text: str, words: str) -> None:
    before = config_file.read_bytes()
    with pytest.raises(ViewError, match=words):
        save(load(config_file), name, text)
    assert config_file.read_bytes() == before


def test_a_cycle_through_two_views_is_refused(config_file: Path) -> None:
    config = save(load(config_file), "a", "@elderly")
    config = save(config, "b", "@a share>0")
    with pytest.raises(ViewError, match=r"@elderly → @b → @a → @elderly|refers to itself"):
        save(config, "elderly", "@b")
    assert read(config_file)["views"]["elderly"] == "category:老年"  # type: ignore[index]


def test_cli_view_commands(cli: CliRun, config_file: Path) -> None:
    saved = cli("view", "save", "open_elderly", "@elderly", "-status:completed")
    assert saved.exit_code == 0, saved.stderr
    assert read(config_file)["views"]["open_elderly"] == "@elderly -status:completed"  # type: ignore[index]
    listed = cli("view", "list")
    assert listed.stdout.splitlines() == ["@elderly\tcategory:老年", "@open_elderly\t@elderly -status:completed"]
    used = cli("list", "@open_elderly", "--format", "json")
    assert used.exit_code == 0 and len(__import__("json").loads(used.stdout)) == 50
    bad = cli("view", "save", "oops", "status:dne")
    assert bad.exit_code == 2 and "unknown status 'dne'" in bad.stderr and "^~~" in bad.stderr
    assert cli("view", "delete", "@open_elderly").exit_code == 0
    assert "open_elderly" not in read(config_file)["views"]  # type: ignore[operator]
    assert cli("view", "delete", "open_elderly").exit_code == 2


def test_cli_config_get_and_set(cli: CliRun, config_file: Path) -> None:
    before = read(config_file)
    assert cli("config", "get", "warnings.stale_days").stdout == "60\n"
    assert cli("config", "get", "warnings.due_soon_months").stdout == "3\n"  # the default
    assert cli("config", "get", "general.reporter").stdout == "王敏\n"
    result = cli("config", "set", "warnings.due_soon_months", "6")
    assert result.exit_code == 0, result.stderr
    after = read(config_file)
    assert after["warnings"] == {"stale_days": 60, "due_soon_months": 6}
    assert {k: v for k, v in after.items() if k != "warnings"} == {k: v for k, v in before.items() if k != "warnings"}
    assert cli("config", "get", "warnings.due_soon_months").stdout == "6\n"
    assert cli("config", "set", "export.bom", "false").exit_code == 0
    assert read(config_file)["export"] == {"bom": False}


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("warnings.stale_days", "soon", "must be a whole number"),
        ("warnings.stale_days", "-3", "warnings.stale_days: -3 is out of range (0–3660)"),
        ("rollup.year_spread", "middle", "must be one of even, front, back"),
        ("warnings.colour", "red", "unknown setting"),
        ("views.bad", "categroy:x", "unknown field"),
    ],
)
def test_cli_config_set_refuses_bad_values(cli: CliRun, config_file: Path, key: str, value: str, words: str) -> None:
    before = config_file.read_bytes()
    result = cli("config", "set", key, value)
    assert result.exit_code == 2 and words in result.stderr
    assert config_file.read_bytes() == before


def test_cli_config_set_view_and_warning_thresholds_take_effect(cli: CliRun, config_file: Path) -> None:
    assert cli("config", "set", "views.social", "share>0").exit_code == 0
    assert cli("list", "@social", "--columns", "code").stdout.split()[1:] == [
        "2-9", "2-10", "2-13", "2-17", "2-18", "4-9", "4-10", "4-11"]
    # 2025 finishes are due within 3 months on 2025-10-01, but not on 2025-09-30 unless due_soon_months is 4
    assert cli("list", "+due_soon", "--as-of", "2025-09-30").stdout.strip() != ""
    assert len(cli("list", "+due_soon", "--as-of", "2025-09-30").stdout.splitlines()) == 1  # header only
    cli("config", "set", "warnings.due_soon_months", "4")
    assert len(cli("list", "+due_soon", "--as-of", "2025-09-30").stdout.splitlines()) == 1 + 30


def test_config_get_without_a_file_gives_the_defaults(cli: CliRun, workdir: Path) -> None:
    lines = cli("config", "get").stdout.splitlines()
    assert "warnings.stale_days = 45" in lines and "rollup.year_spread = even" in lines
    assert cli("config", "get", "warnings").stdout.splitlines()[0] == "warnings.due_soon_months = 3"
    assert cli("config", "get", "nope.key").exit_code == 2
    assert cli("config", "set", "warnings.stale_days", "30").exit_code == 0  # creates ./tracker.toml
    assert read(workdir / "tracker.toml") == {"warnings": {"stale_days": 30}}
