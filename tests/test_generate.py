"""``tracker generate`` (issue 10): synthetic portfolios that pass the check, exactly and reproducibly.

Small N throughout; the speed goal (1M projects with 6 months of progress in under 60 s) is measured
by ``make bench``, never here.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests.conftest import CliRun, run_main
from tracker.db import make_engine, reading
from tracker.districts import load_gazetteer
from tracker.models import Category, Operation, Plan, ProgressRecord, Project

AS_OF = "2026-01-31"


def gen(db: Path | str, *args: str, as_of: str = AS_OF) -> object:
    return run_main(["--db", str(db), "--as-of", as_of, "generate", *args])


def run(db: Path | str, *args: str, as_of: str = AS_OF) -> object:
    return run_main(["--db", str(db), "--as-of", as_of, *args])


@pytest.fixture
def fresh(workdir: Path) -> Path:
    return workdir / "gen.db"


def test_counts_are_exact_and_the_check_is_clean(fresh: Path) -> None:
    result = gen(
        fresh, "--projects", "500", "--plans", "7", "--progress-months", "4", "--seed", "11", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["projects"], data["plans"], data["categories"], data["progress_records"]) == (500, 7, 35, 2000)
    engine = make_engine(f"sqlite:///{fresh}")
    with reading(engine) as s:
        assert s.exec(select(func.count(Project.id))).one() == 500
        assert s.exec(select(func.count(Plan.id))).one() == 7
        assert s.exec(select(func.count(ProgressRecord.id))).one() == 2000
        per_plan = list(s.exec(select(func.count(Project.id)).group_by(Project.plan_id)))
        assert sorted(per_plan) == [71, 71, 71, 71, 72, 72, 72]
        months = list(s.exec(select(ProgressRecord.month).distinct().order_by(ProgressRecord.month)))
        assert len(months) == 4 and months[-1] == data["through"]
    engine.dispose()
    check = run(fresh, "check", "--strict", "--format", "json")
    assert check.exit_code == 0, check.output
    assert json.loads(check.stdout)["findings"] == []


def test_every_value_is_in_bounds_and_the_sums_agree_to_the_fen(fresh: Path) -> None:
    assert gen(fresh, "--projects", "300", "--seed", "5").exit_code == 0
    engine = make_engine(f"sqlite:///{fresh}")
    cent = Decimal("0.01")
    with reading(engine) as s:
        districts = set(load_gazetteer().all_names)
        codes: dict[int, set[str]] = defaultdict(set)
        names: dict[int, set[str]] = defaultdict(set)
        for p in s.exec(select(Project)):
            assert 2019 <= p.start_year <= p.finish_year <= 2027
            assert Decimal(0) < p.total_investment <= Decimal(1_000_000)
            assert Decimal(0) <= p.planned_investment <= p.total_investment
            assert p.total_investment == p.total_investment.quantize(cent)
            assert p.planned_investment == p.planned_investment.quantize(cent)
            assert p.social_share_pct is None or Decimal(0) <= p.social_share_pct <= Decimal(100)
            assert p.district in districts and p.name and p.owner and p.content and p.nature
            assert p.code not in codes[p.plan_id] and p.name not in names[p.plan_id]
            codes[p.plan_id].add(p.code)
            names[p.plan_id].add(p.name)
        running: dict[int, Decimal] = defaultdict(Decimal)
        totals = dict(s.exec(select(Project.id, Project.total_investment)).all())
        for r in s.exec(select(ProgressRecord).order_by(ProgressRecord.project_id, ProgressRecord.month)):
            assert r.invested == r.invested.quantize(cent)
            running[r.project_id] += r.invested
            assert Decimal(0) <= running[r.project_id] <= totals[r.project_id]
        for c in s.exec(select(Category)):
            rows = s.exec(
                select(
                    func.count(Project.id), func.sum(Project.total_investment), func.sum(Project.planned_investment)
                ).where(Project.category_id == c.id)
            ).one()
            assert (c.published_count, c.published_total, c.published_planned) == (
                rows[0],
                rows[1] or Decimal(0),
                rows[2] or Decimal(0),
            )
    engine.dispose()


def test_same_seed_same_export_other_seed_other_export(workdir: Path) -> None:
    def export(name: str, seed: str) -> str:
        assert gen(workdir / name, "--projects", "200", "--seed", seed).exit_code == 0
        out = run(workdir / name, "export", "--format", "csv")
        assert out.exit_code == 0
        return out.stdout

    first, again, other = export("a.db", "42"), export("b.db", "42"), export("c.db", "43")
    assert first == again
    assert first != other
    rows = list(csv.DictReader(io.StringIO(first.lstrip("\ufeff"))))
    assert len(rows) == 200
    assert all(len(r["total_investment"].partition(".")[2]) <= 2 for r in rows)


@pytest.mark.parametrize("planted", [1, 3])
def test_planted_errors_are_exactly_the_findings(fresh: Path, planted: int) -> None:
    result = gen(fresh, "--projects", "400", "--seed", "9", "--plant-errors", str(planted), "--format", "json")
    assert result.exit_code == 0, result.output
    where = json.loads(result.stdout)["planted"]
    assert len(where) == planted
    check = run(fresh, "check", "--format", "json")
    assert check.exit_code == 1
    findings = json.loads(check.stdout)["findings"]
    assert len(findings) == planted
    assert {f["rule"] for f in findings} == {"category-total"}
    assert {f["severity"] for f in findings} == {"error"}
    assert all(Decimal(str(f["difference"])) == Decimal(-1) for f in findings)
    assert sorted(f"{f['plan']} / {f['category_ordinal']}" for f in findings) == sorted(where)


def test_refuses_a_database_with_projects_unless_append(cli: CliRun, db_path: Path) -> None:
    refused = gen(db_path, "--projects", "10")
    assert refused.exit_code == 1 and "--append" in refused.stderr
    engine = make_engine(f"sqlite:///{db_path}")
    with reading(engine) as s:
        assert s.exec(select(func.count(Project.id))).one() == 87
    engine.dispose()
    added = gen(db_path, "--projects", "10", "--append", "--seed", "1")
    assert added.exit_code == 0, added.output
    engine = make_engine(f"sqlite:///{db_path}")
    with reading(engine) as s:
        assert s.exec(select(func.count(Project.id))).one() == 97
        assert s.exec(select(func.count(Plan.id))).one() == 2
    engine.dispose()


def test_one_operation_without_entries_and_undo_refuses(fresh: Path) -> None:
    assert gen(fresh, "--projects", "30").exit_code == 0
    history = run(fresh, "history")
    assert history.exit_code == 0 and "generate" in history.stdout
    engine = make_engine(f"sqlite:///{fresh}")
    with reading(engine) as s:
        kinds = list(s.exec(select(Operation.kind)))
    engine.dispose()
    assert kinds == ["generate"]
    undo = run(fresh, "undo")
    assert undo.exit_code == 1 and "cannot be undone" in undo.stderr
    assert run(fresh, "list", "--format", "csv").stdout.count("\n") == 31


@pytest.mark.parametrize(
    "args",
    [
        ("--projects", "0"),
        ("--projects", "5000001"),
        ("--projects", "10", "--plans", "0"),
        ("--projects", "10", "--plans", "11"),
        ("--projects", "10", "--progress-months", "121"),
        ("--projects", "10", "--progress-months", "-1"),
        ("--projects", "10", "--plant-errors", "6"),
        ("--projects", "10", "--seed", "-1"),
        ("--projects", "10", "--through", "2023-6"),
        ("--projects", "10", "--through", "2027-01"),
        ("--projects", "10", "--format", "xml"),
    ],
)
def test_options_out_of_bounds_exit_2_and_make_no_file(fresh: Path, args: tuple[str, ...]) -> None:
    result = gen(fresh, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("tracker: ")
    assert not fresh.exists()


def test_through_and_no_progress(fresh: Path, workdir: Path) -> None:
    result = gen(fresh, "--projects", "50", "--through", "2024-03", "--progress-months", "3", "--format", "json")
    assert json.loads(result.stdout)["through"] == "2024-03"
    engine = make_engine(f"sqlite:///{fresh}")
    with reading(engine) as s:
        assert list(s.exec(select(ProgressRecord.month).distinct().order_by(ProgressRecord.month))) == [
            "2024-01",
            "2024-02",
            "2024-03",
        ]
    engine.dispose()
    none = gen(workdir / "none.db", "--projects", "50", "--progress-months", "0", "--format", "json")
    assert json.loads(none.stdout)["progress_records"] == 0
    assert run(workdir / "none.db", "check", "--strict").exit_code == 0


def test_default_through_never_passes_the_as_of_date(fresh: Path) -> None:
    result = gen(fresh, "--projects", "20", "--seed", "35", "--format", "json", as_of="2023-02-15")
    assert json.loads(result.stdout)["through"] == "2023-02"
    assert run(fresh, "check", as_of="2023-02-15").exit_code == 0


def test_a_failure_leaves_nothing(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One transaction: a failure after the projects are written leaves no row and no new file."""
    from tracker import generate

    def boom(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(generate, "_insert_progress", boom)
    result = gen(fresh, "--projects", "100")
    assert result.exit_code == 3
    assert not fresh.exists()


def test_a_failure_in_an_existing_database_leaves_it_as_it_was(
    cli: CliRun, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker import generate

    before = cli("export", "--format", "csv").stdout

    def boom(*args: object, **kwargs: object) -> list[str]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(generate, "_plant", boom)
    assert gen(db_path, "--projects", "100", "--append").exit_code == 3
    assert cli("export", "--format", "csv").stdout == before
    assert "generate" not in cli("history").stdout


def test_generate_on_postgres(pg_server: str, workdir: Path) -> None:
    from tests.pgserver import create_database, drop_database

    url = create_database(pg_server, "gen1")
    try:
        result = gen(url, "--projects", "300", "--seed", "7", "--plant-errors", "2", "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["progress_records"] == 1800
        check = run(url, "check", "--format", "json")
        assert check.exit_code == 1
        assert [f["rule"] for f in json.loads(check.stdout)["findings"]] == ["category-total"] * 2
        sqlite_db = workdir / "same.db"
        assert gen(sqlite_db, "--projects", "300", "--seed", "7", "--plant-errors", "2").exit_code == 0
        assert run(url, "export", "--format", "csv").stdout == run(sqlite_db, "export", "--format", "csv").stdout
    finally:
        drop_database(pg_server, "gen1")


def test_a_generated_plan_name_that_is_taken_is_refused(db_path: Path, workdir: Path) -> None:
    import sqlite3

    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE plan SET name = '长沙市“十四五”民政事业发展规划 #2'")
    refused = gen(db_path, "--projects", "10", "--append")
    assert refused.exit_code == 1 and "already exists" in refused.stderr
