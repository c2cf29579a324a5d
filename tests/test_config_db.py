"""tracker.toml handling and the database module."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tracker.config import ConfigError, load, update
from tracker.db import DatabaseError, make_engine, open_existing, resolve_url


def test_defaults_without_a_file(workdir: Path) -> None:
    config = load()
    assert config.path is None
    assert config.get("database.url") == "tracker.db"
    assert config.get("warnings.stale_days") == 45


def test_relative_database_path_is_relative_to_the_config(tmp_path: Path) -> None:
    cfg = tmp_path / "conf" / "tracker.toml"
    cfg.parent.mkdir()
    cfg.write_text('[database]\nurl = "data/p.db"\n', encoding="utf-8")
    config = load(cfg)
    assert resolve_url(None, config.get("database.url"), config.base_dir) == f"sqlite:///{cfg.parent / 'data/p.db'}"
    assert resolve_url("postgresql+psycopg://u@h/db", "x", tmp_path) == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[database\nurl=1", "not valid TOML"),
        ("[nonsense]\na = 1\n", "unknown section"),
        ("[warnings]\nstale_days = 'x'\n", "whole number"),
        ("[warnings]\nstale_dayz = 3\n", "unknown setting"),
        ("[general]\nas_of = '2023-13-01'\n", "not a date"),
        ("[general]\nlanguage = 'fr'\n", "must be one of"),
        ("[views]\nx = 3\n", "must be a string"),
    ],
)
def test_bad_config_is_an_error_naming_the_file(tmp_path: Path, content: str, message: str) -> None:
    cfg = tmp_path / "tracker.toml"
    cfg.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(cfg)
    assert message in str(info.value) and str(cfg) in str(info.value)


def test_update_keeps_every_other_setting(tmp_path: Path) -> None:
    cfg = tmp_path / "tracker.toml"
    cfg.write_text('[database]\nurl = "x.db"\n\n[views]\nold = "district:雨湖区"\n', encoding="utf-8")
    new = update(load(cfg), "warnings.stale_days", 30)
    assert new.get("warnings.stale_days") == 30
    assert new.get("database.url") == "x.db" and new.views == {"old": "district:雨湖区"}
    with pytest.raises(ConfigError):
        update(new, "warnings.stale_days", "soon")
    assert load(cfg).get("warnings.stale_days") == 30


def test_sqlite_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_open_existing_refuses_missing_and_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no such database"):
        open_existing(f"sqlite:///{tmp_path / 'missing.db'}")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError):
        open_existing(f"sqlite:///{garbage}")
    empty = tmp_path / "empty.db"
    make_engine(f"sqlite:///{empty}").connect().close()
    with pytest.raises(DatabaseError, match="not a tracker database"):
        open_existing(f"sqlite:///{empty}")
