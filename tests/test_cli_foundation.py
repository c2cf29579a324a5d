"""The CLI contract of issue 2: init, import-plan, list, show, export, edit and the global options."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import CliRun
from tracker.export import EXPORT_KEYS

ISSUE_KEYS = [
    "code", "plan", "category", "seq", "name", "nature", "owner", "district", "content", "note", "start_text",
    "finish_text", "start_year", "start_month", "finish_year", "finish_month", "total_investment",
    "planned_investment", "social_share_pct", "social_capital", "status",
]


def _export(cli: CliRun) -> list[dict[str, object]]:
    result = cli("export", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout, parse_float=Decimal)


def test_init_then_export_json_gives_all_87_exact(cli: CliRun, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    init = cli("init", db=str(db))
    assert init.exit_code == 0 and "87 projects" in init.stdout
    result = cli("export", "--format", "json", db=str(db))
    records = json.loads(result.stdout, parse_float=Decimal)
    assert len(records) == 87
    assert list(records[0])[: len(ISSUE_KEYS)] == ISSUE_KEYS
    by_code = {r["code"]: r for r in records}
    assert by_code["2-9"] | {"content": None} == {
        "code": "2-9", "plan": "湘潭市“十四五”民政事业发展规划", "category": "老年人福利类项目", "seq": 9,
        "name": "湘潭市雨湖区老年养护院(二期)建设项目", "nature": "新建", "owner": "雨湖区民政局", "district": "雨湖区",
        "content": None, "note": "", "start_text": "2021", "finish_text": "2023", "start_year": 2021,
        "start_month": None, "finish_year": 2023, "finish_month": None, "total_investment": Decimal("5409.88"),
        "planned_investment": Decimal("5409.88"), "social_share_pct": Decimal("9.24"),
        # 5409.88 × 9.24% = 499.872912 万元 (by hand: 5409.88 × 0.0924)
        "social_capital": Decimal("499.872912"), "status": "not_started",
    } | {k: by_code["2-9"][k] for k in by_code["2-9"] if k not in ISSUE_KEYS}
    assert by_code["1-6"]["start_month"] == 1 and by_code["1-6"]["finish_month"] == 8
    assert by_code["2-18"]["social_capital"] == Decimal(24000)  # 100000 × 24%
    assert by_code["4-11"]["district"] is None


def test_json_numbers_are_written_as_published(cli: CliRun) -> None:
    text = cli("export", "--format", "json").stdout
    assert '"total_investment": 3460.44,' in text  # 2-8, line 1274
    assert '"social_share_pct": 9.24,' in text
    assert '"total_investment": 1500,' in text and "1500.0" not in text
    assert "湘潭" in text  # not \\u-escaped


def test_export_csv_matches_the_bundled_normalised_csv(cli: CliRun, data_path: Path) -> None:
    result = cli("export", "--format", "csv")
    assert result.exit_code == 0
    bundled = (data_path / "xiangtan_projects.csv").read_text(encoding="utf-8-sig")
    assert result.stdout.replace("\r\n", "\n") == bundled.replace("\r\n", "\n")


def test_export_to_file(cli: CliRun, tmp_path: Path) -> None:
    out = tmp_path / "p.json"
    result = cli("export", "--format", "json", "--output", str(out))
    assert result.exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 87


def test_init_again_never_destroys(cli: CliRun) -> None:
    assert cli("edit", "4-11", "district=湘潭县").exit_code == 0
    again = cli("init")
    assert again.exit_code == 0 and "nothing changed" in again.stdout
    assert {r["code"]: r for r in _export(cli)}["4-11"]["district"] == "湘潭县"
    forced = cli("init", "--force")
    assert forced.exit_code == 0
    assert {r["code"]: r for r in _export(cli)}["4-11"]["district"] is None


def test_user_district_survives_reimport(cli: CliRun, plan_path: Path) -> None:
    assert cli("edit", "4-11", "district=湘潭县").exit_code == 0
    assert cli("import-plan", str(plan_path)).exit_code == 0
    show = json.loads(cli("show", "4-11", "--format", "json").stdout)
    assert show["district"] == "湘潭县" and show["version"] == 2


def test_edit_validates_and_checks_version(cli: CliRun) -> None:
    bad = cli("edit", "2-9", "total=12.3.4", "district=火星区")
    assert bad.exit_code == 1
    assert "total_investment" in bad.stderr and "district" in bad.stderr
    ok = cli("edit", "2-9", "share=10%", "--expect-version", "1")
    assert ok.exit_code == 0 and "version 2" in ok.stdout
    stale = cli("edit", "2-9", "share=11", "--expect-version", "1")
    assert stale.exit_code == 1 and "changed by someone else" in stale.stderr
    assert json.loads(cli("show", "2-9", "--format", "json").stdout)["social_share_pct"] == 10


def test_show_text_and_unknown_code(cli: CliRun) -> None:
    result = cli("show", "3-5")
    assert result.exit_code == 0
    assert "韶山市民政局、清溪镇人民政府、银田镇人民政府" in result.stdout and "2322-2348" in result.stdout
    missing = cli("show", "9-99")
    assert missing.exit_code == 1 and "no project" in missing.stderr


def test_global_options_after_the_command(cli: CliRun, tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    assert cli("init", "--db", str(db)).exit_code == 0
    assert db.exists()


def test_missing_database_is_exit_2(cli: CliRun, tmp_path: Path) -> None:
    result = cli("export", db=str(tmp_path / "missing.db"))
    assert result.exit_code == 2 and "tracker init" in result.stderr


def test_export_keys_start_with_the_issue_contract() -> None:
    assert list(EXPORT_KEYS[: len(ISSUE_KEYS)]) == ISSUE_KEYS


@pytest.mark.slow
def test_python_m_tracker_and_env_db(tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    env = {"TRACKER_DB": str(db), "PATH": "/usr/bin:/bin"}
    init = subprocess.run([sys.executable, "-m", "tracker", "init"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    out = subprocess.run([sys.executable, "-m", "tracker", "list", "--format", "json"], capture_output=True, text=True,
                         env=env, cwd=tmp_path)
    assert out.returncode == 0 and len(json.loads(out.stdout)) == 87
