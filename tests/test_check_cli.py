"""The contract of ``tracker check`` for cron and CI: exit codes, output, settings, and what it imports.

Exit 0: no error finding (shown on a copy of the plan text whose published totals were corrected by
hand); 1: an error finding (the bundled data), or a warning with ``--strict``; 2: the database or
tracker.toml cannot be read, or the call is wrong — never 0 on data that failed to load.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import CliRun
from tests.test_check import PUBLISHED_CATEGORY, PUBLISHED_TOTAL, ROWS, add_record, hand_sum, set_fields
from tracker.db import create_schema, make_engine

D = Decimal


@pytest.fixture
def corrected_db(tmp_path: Path, plan_path: Path, cli: CliRun) -> Path:
    """A database imported from a copy of the plan whose 总计 and category rows say what the rows sum to."""
    lines = plan_path.read_text(encoding="utf-8").split("\n")
    grand = (sum((hand_sum(o, 1) for o in ROWS), D(0)), sum((hand_sum(o, 2) for o in ROWS), D(0)))
    fixes = {PUBLISHED_TOTAL[1]: grand[0], PUBLISHED_TOTAL[3]: grand[1]}
    for ordinal in (2, 4):
        _, total_line, _, planned_line, _ = PUBLISHED_CATEGORY[ordinal]
        fixes |= {total_line: hand_sum(ordinal, 1), planned_line: hand_sum(ordinal, 2)}
    assert sorted(fixes) == [894, 896, 1098, 1100, 2404, 2406]
    for line, value in fixes.items():
        lines[line - 1] = format(value, "f")
    corrected = tmp_path / "corrected.txt"
    corrected.write_text("\n".join(lines), encoding="utf-8")
    db = tmp_path / "clean.db"
    assert cli("import-plan", str(corrected), db=str(db)).exit_code == 0
    return db


# -- exit status ----------------------------------------------------------------------------------------------


def test_clean_data_exits_0(cli: CliRun, corrected_db: Path) -> None:
    result = cli("check", "--format", "json", db=str(corrected_db))
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout, parse_float=Decimal)
    assert data["ok"] is True
    assert data["counts"] == {"error": 0, "warning": 4, "info": 0}  # 2-11, 4-8, 4-18 start in 2020; 4-11 unplaced


def test_clean_data_with_warnings_fails_strict(cli: CliRun, corrected_db: Path) -> None:
    result = cli("check", "--strict", db=str(corrected_db))
    assert result.exit_code == 1
    assert "FAILED: 0 errors, 4 warnings, 0 info (--strict: warnings fail too)" in result.stdout
    assert cli("check", db=str(corrected_db)).exit_code == 0


def test_findings_exit_1(cli: CliRun) -> None:
    assert cli("check").exit_code == 1
    assert cli("check", "--format", "json").exit_code == 1


def test_missing_database_exits_2_and_creates_nothing(cli: CliRun, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = cli("check", db=str(missing))
    assert result.exit_code == 2
    assert "no such database" in result.stderr and result.stdout == ""
    assert not missing.exists()


def test_garbage_file_exits_2(cli: CliRun, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not an SQLite database\n" * 200)
    result = cli("check", "--format", "json", db=str(garbage))
    assert result.exit_code == 2 and result.stdout == ""
    assert "cannot read the database" in result.stderr


def test_truncated_database_exits_2(cli: CliRun, db_path: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(db_path.read_bytes()[:8192])
    assert cli("check", db=str(truncated)).exit_code == 2


def test_foreign_database_exits_2(cli: CliRun, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY)")
    result = cli("check", db=str(other))
    assert result.exit_code == 2 and "not a tracker database" in result.stderr


def test_empty_tracker_database_exits_2(cli: CliRun, tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    engine = make_engine(f"sqlite:///{empty}")
    create_schema(engine)
    engine.dispose()
    result = cli("check", db=str(empty))
    assert result.exit_code == 2 and "holds no plan" in result.stderr


def test_unreadable_value_exits_2(cli: CliRun, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE project SET total_investment = 'lots' WHERE code = '1-1'")
    result = cli("check", db=str(db_path))
    assert result.exit_code == 2 and "cannot be read" in result.stderr


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[check]\nplanned-over-total = "fatal"\n', "planned-over-total: must be one of off, error, warning, info"),
        ('[check]\nno-such-rule = "off"\n', "no-such-rule: unknown rule"),
        ("[check]\nplan-total = 1\n", "check.plan-total must be a string"),
        ("[check\nplan-total = 'off'\n", "not valid TOML"),
    ],
)
def test_bad_config_exits_2(cli: CliRun, workdir: Path, toml: str, message: str) -> None:
    (workdir / "tracker.toml").write_text(toml, encoding="utf-8")
    result = cli("check")
    assert result.exit_code == 2 and result.stdout == ""
    assert message in result.stderr and "tracker.toml" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "xml"), "--format must be text or json"),
        (("--rule", "no-such-rule"), "unknown rule no-such-rule"),
        (("--as-of", "2023-13-01"), "is not a date"),
        (("--no-such-option",), "No such option"),
    ],
)
def test_wrong_call_exits_2(cli: CliRun, args: tuple[str, ...], message: str) -> None:
    result = cli("check", *args)
    assert result.exit_code == 2
    assert message in result.stderr


# -- settings and selection -------------------------------------------------------------------------------------


def test_config_regrades_and_switches_off(cli: CliRun, workdir: Path) -> None:
    (workdir / "tracker.toml").write_text(
        '[check]\nstart-before-period = "off"\ndistrict-unplaced = "error"\ncategory-total = "info"\n', encoding="utf-8"
    )
    data = json.loads(cli("check", "--format", "json").stdout, parse_float=Decimal)
    assert data["counts"] == {"error": 5, "warning": 0, "info": 2}
    assert not any(f["rule"] == "start-before-period" for f in data["findings"])
    assert {f["rule"]: f["severity"] for f in data["findings"]}["district-unplaced"] == "error"


def test_budget_rules_as_warnings_pass_unless_strict(cli: CliRun, workdir: Path) -> None:
    rules = ("plan-total", "plan-planned", "category-total", "category-planned")
    (workdir / "tracker.toml").write_text("[check]\n" + "".join(f'{r} = "warning"\n' for r in rules), encoding="utf-8")
    assert cli("check").exit_code == 0
    assert cli("check", "--strict").exit_code == 1


def test_rule_option_selects_rules(cli: CliRun) -> None:
    only_unplaced = json.loads(cli("check", "--format", "json", "--rule", "district-unplaced").stdout)
    assert [(f["rule"], f["code"]) for f in only_unplaced["findings"]] == [("district-unplaced", "4-11")]
    assert cli("check", "--rule", "district-unplaced").exit_code == 0
    both = cli("check", "-f", "json", "-r", "category-total", "-r", "plan-count")
    assert both.exit_code == 1
    assert [f["category_ordinal"] for f in json.loads(both.stdout)["findings"]] == [2, 4]


def test_list_rules(cli: CliRun, workdir: Path) -> None:
    (workdir / "tracker.toml").write_text('[check]\nduplicate-name = "off"\n', encoding="utf-8")
    rules = {r["id"]: r for r in json.loads(cli("check", "--list-rules", "--format", "json").stdout)}
    assert rules["start-before-period"]["severity"] == "warning"
    assert (rules["duplicate-name"]["default"], rules["duplicate-name"]["severity"]) == ("warning", "off")
    assert {"plan-total", "category-count", "planned-over-total", "invested-over-total"} <= set(rules)
    text = cli("check", "--list-rules")
    assert text.exit_code == 0 and "finish-before-start" in text.stdout


def test_list_rules_needs_no_database(cli: CliRun, tmp_path: Path) -> None:
    assert cli("check", "--list-rules", db=str(tmp_path / "none.db")).exit_code == 0


# -- output -------------------------------------------------------------------------------------------------------


def test_text_output_is_grouped_and_plain_on_a_pipe(cli: CliRun) -> None:
    out = cli("check", "--as-of", "2023-06-30").stdout
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0] == "Checked 1 plan, 5 categories, 87 projects, 0 progress records (as of 2023-06-30)."
    errors, warnings = lines.index("ERRORS (6)"), lines.index("WARNINGS (4)")
    assert errors < warnings
    block = lines[errors:warnings]
    assert block[1] == "  湘潭市“十四五”民政事业发展规划 · 总计 (plan)"
    assert block[2].startswith(
        "    plan-total:9ab436b6af67 line 888: published total investment 592917.92 万元, the rows sum to 488707.12"
    )
    assert "  category 2 老年人福利类项目" in block and "  category 4 社会公益类项目" in block
    assert (
        "    category-total:8292033d570b line 2398: published total investment 172857.8 万元, the rows sum to 168647 万元 "
        "(difference -4210.8 万元)"
    ) in block
    assert lines[-1] == "FAILED: 6 errors, 4 warnings, 0 info"


def test_progress_findings_carry_exact_figures(cli: CliRun, engine: Engine) -> None:
    add_record(engine, "1-2", "2023-01", "in_progress", "200")
    add_record(engine, "1-2", "2023-02", "in_progress", "150.5")  # 1-2's total is 300 (line 952)
    data = json.loads(cli("check", "-f", "json", "--rule", "invested-over-total").stdout, parse_float=Decimal)
    (finding,) = data["findings"]
    assert (finding["code"], finding["scope"], finding["unit"]) == ("1-2", "project", "万元")
    assert (finding["published"], finding["computed"], finding["difference"]) == (D("300"), D("350.5"), D("50.5"))


@pytest.mark.slow
def test_the_check_process_imports_nothing_heavy(db_path: Path, workdir: Path) -> None:
    probe = (
        "import sys\n"
        "from tracker.cli import main\n"
        "try:\n"
        f"    main(['--db', {str(db_path)!r}, 'check', '--format', 'json'])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'openpyxl', 'xlsxwriter', 'rich')\n"
        "               or m.startswith('tracker.tui'))\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=workdir)
    assert done.stderr.strip().splitlines()[-1] == "1 []"
    assert json.loads(done.stdout)["counts"]["error"] == 6


# -- the same check on PostgreSQL ----------------------------------------------------------------------------------


def test_same_findings_on_postgres(pg_url: str, cli: CliRun, engine: Engine) -> None:
    pg_engine = make_engine(pg_url)
    try:
        for eng in (engine, pg_engine):  # the same crafted faults on both backends
            set_fields(eng, "1-1", planned_investment=D("1600.5"), finish_year=2026)
            set_fields(eng, "1-6", start_month=9)
            add_record(eng, "1-3", "2023-01", "in_progress", "50")
            add_record(eng, "1-3", "2023-02", "in_progress", "-80")
            add_record(eng, "1-2", "2023-03", "cancelled", "0")
            add_record(eng, "1-2", "2023-05", "in_progress", "400")
    finally:
        pg_engine.dispose()
    sqlite_out = cli("check", "-f", "json", "--as-of", "2023-06-30")
    pg_out = cli("check", "-f", "json", "--as-of", "2023-06-30", db=pg_url)
    assert (sqlite_out.exit_code, pg_out.exit_code) == (1, 1)
    assert pg_out.stdout == sqlite_out.stdout
    rules = [(f["rule"], f["code"]) for f in json.loads(pg_out.stdout)["findings"]]
    for expected in [("planned-over-total", "1-1"), ("finish-before-start", "1-6"), ("invested-below-zero", "1-3"),
                     ("invested-over-total", "1-2"), ("reported-after-cancelled", "1-2"),
                     ("finish-after-period", "1-1")]:
        assert expected in rules
