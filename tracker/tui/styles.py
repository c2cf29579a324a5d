"""Each widget keeps its styles in a ``.tcss`` file next to its module (like the screens, which use
``CSS_PATH``); widgets cannot name a CSS file, so they read theirs into ``DEFAULT_CSS`` with this."""

from __future__ import annotations

from pathlib import Path


def tcss(module_file: str) -> str:
    """The text of the ``.tcss`` file beside ``module_file`` (``key_bar.py`` → ``key_bar.tcss``)."""
    return Path(module_file).with_suffix(".tcss").read_text(encoding="utf-8")
