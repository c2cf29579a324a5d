"""The same program on PostgreSQL, chosen by a database URL: import, exact sums, export, edits.

Runs against a private server started for the session (tests/pgserver.py); it fails rather than
skips when PostgreSQL is missing, because a skipped test is not a passed one. Each test has a database
of its own (``pg_url`` copies the imported plan), so the edit below cannot leak into the export
comparison whatever order the tests run in.
"""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import select

from tests.conftest import CliRun
from tracker.db import make_engine, reading
from tracker.models import Project


def test_import_and_exact_sums_on_postgres(pg_url: str) -> None:
    engine = make_engine(pg_url)
    with reading(engine) as s:
        count, total, planned = s.exec(
            select(func.count(Project.id), func.sum(Project.total_investment), func.sum(Project.planned_investment))
        ).one()
    engine.dispose()
    # the rows of annex 1 sum to 488707.12 / 475403.12 (hand sums in tests/test_import_plan.py)
    assert (count, total, planned) == (87, Decimal("488707.12"), Decimal("475403.12"))


def test_export_is_identical_on_both_backends(pg_url: str, cli: CliRun) -> None:
    sqlite_json = cli("export", "--format", "json").stdout
    pg_json = cli("export", "--format", "json", db=pg_url).stdout
    assert len(json.loads(pg_json)) == 87
    assert pg_json == sqlite_json


def test_edit_and_version_on_postgres(pg_url: str, cli: CliRun) -> None:
    assert cli("edit", "4-11", "district=湘潭县", db=pg_url).exit_code == 0
    shown = json.loads(cli("show", "4-11", "--format", "json", db=pg_url).stdout)
    assert (shown["district"], shown["version"]) == ("湘潭县", 2)
    stale = cli("edit", "4-11", "note=x", "--expect-version", "1", db=pg_url)
    assert stale.exit_code == 1 and "changed by someone else" in stale.stderr


def test_init_is_idempotent_on_postgres(pg_url: str, cli: CliRun) -> None:
    again = cli("init", db=pg_url)
    assert again.exit_code == 0 and "nothing changed" in again.stdout


def test_indicators_warnings_and_their_filter_are_identical_on_both_backends(pg_url: str, cli: CliRun) -> None:
    """Issue 13 on PostgreSQL: the Jiading table imported, 9 recorded for 社区长者食堂 (2022; the path
    expects 9.6, so at risk); the list, its filter (SQL part and status part) and the warnings read the
    same on both backends."""
    from tracker.paths import data_dir

    jiading = str(data_dir() / "plans" / "jiading.txt")
    for db in (None, pg_url):
        assert cli("import-indicators", jiading, db=db).exit_code == 0
        ids = {r["seq"]: r["id"] for r in json.loads(cli("indicator", "list", "--format", "json", "plan:嘉定", db=db).stdout)}
        assert cli("indicator", "record", str(ids["2"]), "--year", "2022", "9", db=db).exit_code == 0
    for words in (("plan:嘉定",), ("attribute:约束性", "-+no_data"), ("+at_risk", "or", "name:床位")):
        sqlite_rows = json.loads(cli("--as-of", "2023-06-30", "indicator", "list", "--format", "json", *words).stdout)
        pg_rows = json.loads(cli("--as-of", "2023-06-30", "indicator", "list", "--format", "json", *words, db=pg_url).stdout)
        assert [(r["seq"], r["status"]) for r in pg_rows] == [(r["seq"], r["status"]) for r in sqlite_rows]
    assert len(pg_rows) == 4  # 社区长者食堂 (at risk) and 4, 5, 6, whose names say 床位
    sqlite_warnings = cli("--as-of", "2023-06-30", "warnings", "--format", "json", "plan:嘉定")
    pg_warnings = cli("--as-of", "2023-06-30", "warnings", "--format", "json", "plan:嘉定", db=pg_url)
    assert pg_warnings.exit_code == sqlite_warnings.exit_code == 1
    items = json.loads(pg_warnings.stdout)["items"]
    assert [(i["name"], i["rule"], i["severity"]) for i in items] == [("社区长者食堂", "indicator_at_risk", "red")]
    assert [(i["name"], i["rule"]) for i in json.loads(sqlite_warnings.stdout)["items"]] == [("社区长者食堂", "indicator_at_risk")]
