"""Where the bundled data lives: ``data/`` beside the package in a checkout, ``tracker/data`` in a wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The folder holding the bundled plan text, the gazetteer and the normalised CSV."""
    for candidate in (_PACKAGE / "data", _PACKAGE.parent / "data"):
        if (candidate / "districts.toml").exists():
            return candidate
    raise FileNotFoundError("the bundled data folder (data/) is missing from this installation")


def bundled_plan() -> Path:
    """The published Xiangtan plan (2021–2025) whose annex 1 is the 87-project table."""
    return data_dir() / "xiangtan_plan.txt"


def gazetteer() -> Path:
    return data_dir() / "districts.toml"
