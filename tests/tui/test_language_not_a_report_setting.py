"""Issue 11: an interface choice is not a script's setting. Switching the TUI's language leaves a
hand-written tracker.toml byte for byte as it was (the choice goes to the person's preferences file),
and the monthly report a script writes exactly as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.conftest import run_main
from tests.tui.conftest import MakeApp, drive, settle

HAND_WRITTEN = """\
# 湘潭市民政局 shared settings — do not reorder.
[general]
reporter = "测试员"   # who signs the monthly report
language = "zh"

[warnings]
stale_days = 60  # the city asks for 60
"""


def test_the_language_key_changes_neither_the_shared_settings_nor_the_report(
    make_app: MakeApp, config_path: Path, db_path: Path, private_preferences: Path
) -> None:
    config_path.write_text(HAND_WRITTEN, encoding="utf-8")
    argv = ["--db", str(db_path), "--config", str(config_path), "report", "--month", "2023-06", "--format", "csv"]
    before = run_main(argv)
    assert before.exit_code == 0 and before.stdout.startswith("序号,项目编码,项目名称")

    async def switch(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert pilot.app.language == "en"  # type: ignore[attr-defined]

    drive(make_app(), switch)
    assert config_path.read_text(encoding="utf-8") == HAND_WRITTEN
    assert 'language = "en"' in private_preferences.read_text(encoding="utf-8")
    after = run_main(argv)
    assert after.stdout_bytes == before.stdout_bytes
