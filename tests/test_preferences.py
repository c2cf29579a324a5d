"""tracker.preferences: one person's interface choices, apart from the shared tracker.toml; a broken
file is never a crash, and writing keeps what a person wrote in it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.preferences import Preferences, load_preferences, preferences_path, save_preference


def test_the_file_is_the_environment_s_or_under_xdg_config_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TRACKER_PREFERENCES", str(tmp_path / "mine.toml"))
    assert preferences_path() == tmp_path / "mine.toml"
    monkeypatch.delenv("TRACKER_PREFERENCES")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert preferences_path() == tmp_path / "xdg" / "tracker" / "interface.toml"


def test_a_missing_file_is_no_choice(tmp_path: Path) -> None:
    assert load_preferences(tmp_path / "none.toml") == Preferences()


def test_choices_round_trip_and_keep_a_comment(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "interface.toml"
    save_preference("language", "en", path)
    text = path.read_text(encoding="utf-8")
    path.write_text("# 我的设置\n" + text, encoding="utf-8")
    save_preference("columns", ["code", "name", "invested"], path)
    save_preference("theme", "textual-light", path)
    assert load_preferences(path) == Preferences("en", "textual-light", ("code", "name", "invested"))
    assert path.read_text(encoding="utf-8").startswith("# 我的设置\n")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.mark.parametrize(
    ("text", "ignored"),
    [
        ('language = "fr"', "language"),
        ('theme = "a\\u001b[2Jb"', "theme"),
        ("columns = [1, 2]", "columns"),
        ('columns = ["code", "nonsense"]', "columns"),
    ],
)
def test_an_unusable_value_is_ignored_and_named(tmp_path: Path, text: str, ignored: str) -> None:
    path = tmp_path / "interface.toml"
    path.write_text(text, encoding="utf-8")
    loaded = load_preferences(path, known_columns=("code", "name"))
    assert getattr(loaded, ignored) is None
    assert [why.split(":")[0] for why in loaded.ignored] == [ignored]


@given(st.binary(max_size=200))
def test_any_bytes_in_the_file_load_without_an_exception(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "interface.toml"
        path.write_bytes(data)
        loaded = load_preferences(path)
        assert loaded.language in (None, "zh", "en")


def test_a_broken_file_is_replaced_when_a_choice_is_saved(tmp_path: Path) -> None:
    path = tmp_path / "interface.toml"
    path.write_bytes(b"\xff\xfe not toml [")
    save_preference("language", "zh", path)
    assert load_preferences(path).language == "zh"
