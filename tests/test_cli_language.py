"""The CLI's error lines in Chinese when the locale asks for it (issue 12 item 3), and exactly as
before otherwise: ``TRACKER_LANGUAGE=zh|en`` wins, else ``LC_ALL``/``LC_MESSAGES``/``LANG`` starting with
``zh``. Data outputs (CSV, JSON, the report) never change with it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CliRun

BAD_AMOUNT = ("progress", "2-18", "--month", "2023-06", "--invested", "2026-10")


def locale(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for name in ("TRACKER_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def test_default_and_c_locale_keep_the_english_lines(cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    for env in ({}, {"LANG": "C.UTF-8"}, {"LANG": "en_US.UTF-8"}, {"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}):
        locale(monkeypatch, **env)
        result = cli(*BAD_AMOUNT)
        assert result.exit_code == 1, env
        assert result.stderr == "tracker: invested: amount '2026-10' is not a number\n", env


def test_a_chinese_locale_says_the_error_in_chinese(cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    locale(monkeypatch, LANG="zh_CN.UTF-8")
    result = cli(*BAD_AMOUNT)
    assert result.exit_code == 1  # the exit status is the contract: unchanged
    assert result.stderr == "tracker: 本月完成投资：金额 '2026-10' 不是数字\n"
    month = cli("progress", "2-18", "--month", "2023-6", "--invested", "1")
    assert month.exit_code == 1
    assert month.stderr == "tracker: 月份：月份 '2023-6' 须写作 YYYY-MM，例如 2023-06\n"
    bad_filter = cli("list", "total>abc")
    assert bad_filter.exit_code == 2
    assert bad_filter.stderr.splitlines() == [
        "tracker: 筛选语法错误：total 须是以万元计的金额，例如 1500 或 3460.44：金额 'abc' 不是数字",
        "  total>abc",
        "        ^~~",
    ]


def test_tracker_language_wins_over_the_locale(cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    locale(monkeypatch, LANG="zh_CN.UTF-8", TRACKER_LANGUAGE="en")
    assert cli(*BAD_AMOUNT).stderr == "tracker: invested: amount '2026-10' is not a number\n"
    locale(monkeypatch, LANG="C.UTF-8", TRACKER_LANGUAGE="zh")
    assert cli(*BAD_AMOUNT).stderr == "tracker: 本月完成投资：金额 '2026-10' 不是数字\n"


def test_an_error_without_a_catalogue_message_stays_english(cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    locale(monkeypatch, LANG="zh_CN.UTF-8")
    result = cli("list", "--format", "yaml")
    assert result.exit_code == 2 and result.stderr == "tracker: --format must be table, csv, json or xlsx, not 'yaml'\n"


def test_data_outputs_do_not_follow_the_locale(cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    locale(monkeypatch, LANG="C.UTF-8")
    english = [cli("list", "--format", fmt).stdout for fmt in ("csv", "json")]
    locale(monkeypatch, LANG="zh_CN.UTF-8")
    assert [cli("list", "--format", fmt).stdout for fmt in ("csv", "json")] == english


@pytest.mark.slow
def test_the_real_process_reads_lang(db_path: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(db_path), *BAD_AMOUNT],
        capture_output=True, text=True, env=env | {"LANG": "zh_CN.UTF-8"}, cwd=tmp_path, timeout=60,
    )
    assert done.returncode == 1 and done.stderr == "tracker: 本月完成投资：金额 '2026-10' 不是数字\n"


def test_the_language_option_before_the_command_wins(cli: CliRun, monkeypatch: pytest.MonkeyPatch) -> None:
    locale(monkeypatch, LANG="C.UTF-8")
    assert cli("--language", "zh", *BAD_AMOUNT).stderr == "tracker: 本月完成投资：金额 '2026-10' 不是数字\n"
    locale(monkeypatch, LANG="zh_CN.UTF-8")
    assert cli("--language", "en", *BAD_AMOUNT).stderr == "tracker: invested: amount '2026-10' is not a number\n"
    wrong = cli("--language", "fr", "list")
    assert wrong.exit_code == 2 and wrong.stderr == "tracker: --language must be zh or en, not 'fr'\n"


def test_the_report_keeps_its_own_language_option(cli: CliRun) -> None:
    """``tracker report --language en`` is the report's language, never taken for the messages'."""
    english = cli("report", "--month", "2023-06", "--format", "csv", "--language", "en")
    assert english.exit_code == 0 and english.stdout.lstrip("\ufeff").startswith("seq,code,name,")
    chinese = cli("--language", "en", "report", "--month", "2023-06", "--format", "csv")
    assert chinese.stdout.lstrip("\ufeff").startswith("序号,项目编码")
