"""Issue 10, compute in SQL: the check's row rules return only offenders, rollups are one GROUP BY, and
both agree with a plain Python reading of every row (small N), on SQLite and PostgreSQL.

The references below read every project into Python, as the check and the rollups did before, and
judge or sum them there; the SQL versions must find the same projects and the same figures.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.engine import Engine

from tracker.checks import RULES, Finding, run_checks
from tracker.db import make_engine, reading
from tracker.filters import where_clause
from tracker.models import Category, Plan, ProgressRecord, Project, Status
from tracker.money import social_capital
from tracker.rollups import UNPLACED, rollup

D = Decimal
AS_OF = date(2023, 6, 30)
STATUSES = {s.value for s in Status}


def _findings(engine: Engine, only: list[str] | None = None) -> list[Finding]:
    with reading(engine) as session:
        return run_checks(session, as_of=AS_OF, only=only).findings


def _set(engine: Engine, target: str, plan_id: int = 1, **values: object) -> None:
    with engine.begin() as conn:
        conn.execute(update(Project).where(Project.code == target, Project.plan_id == plan_id).values(**values))


def _project_id(engine: Engine, code: str, plan_id: int = 1) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(select(Project.id).where(Project.code == code, Project.plan_id == plan_id)).scalar_one()
        )


def _report(engine: Engine, code: str, month: str, status: str, invested: str, plan_id: int = 1) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(ProgressRecord).values(
                project_id=_project_id(engine, code, plan_id),
                month=month,
                status=status,
                invested=D(invested),
                progress_text="",
                problems="",
                reporter="t",
            )
        )


# -- each rule on a hand-made bad row: the finding as the check words it -----------------------------------

PLANTED: list[tuple[str, dict[str, object], str]] = [
    (
        "planned-over-total",
        {"planned_investment": D("2000")},
        "1-1 {name}: planned investment 2000 万元 exceeds the total 1500 万元",
    ),
    (
        "negative-amount",
        {"total_investment": D("-5"), "planned_investment": D("-5")},
        "1-1 {name}: negative amount: total -5 万元, planned -5 万元",
    ),
    ("share-out-of-range", {"social_share_pct": D("120")}, "1-1 {name}: social-capital share 120% is outside 0–100%"),
    (
        "finish-before-start",
        {"start_year": 2024, "start_month": 5, "finish_year": 2024, "finish_month": 3},
        "1-1 {name}: finishes 2024.3, before it starts 2024.5",
    ),
    (
        "outside-period",
        {"start_year": 2027, "start_month": None, "finish_year": 2028, "finish_month": None},
        "1-1 {name}: runs 2027–2028, entirely outside the plan period 2021–2025",
    ),
    (
        "start-before-period",
        {"start_year": 2019, "start_month": None},
        "1-1 {name}: starts 2019, before the plan period 2021–2025",
    ),
    (
        "finish-after-period",
        {"finish_year": 2027, "finish_month": 6},
        "1-1 {name}: finishes 2027.6, after the plan period 2021–2025",
    ),
    (
        "required-missing",
        {"owner": "  ", "finish_year": None},
        "1-1 {name}: required field empty: owner (建设主体), finish_year (竣工年份)",
    ),
    (
        "district-unplaced",
        {"district": ""},
        ("1-1 {name}: not placed in a district (owner {owner!r}); set it with `tracker edit 1-1 district=…`"),
    ),
    (
        "unknown-status",
        {"status": "finished"},
        "1-1 {name}: status 'finished' is not one of not_started, in_progress, completed, suspended, cancelled",
    ),
    (
        "completed-nothing-invested",
        {"status": "completed"},
        "1-1 {name}: status completed (已竣工) but 0 万元 invested to date",
    ),
]


@pytest.mark.parametrize(("rule", "values", "message"), PLANTED, ids=[p[0] for p in PLANTED])
def test_each_row_rule_on_a_planted_row(engine: Engine, rule: str, values: dict[str, object], message: str) -> None:
    with engine.connect() as conn:
        name, owner = conn.execute(select(Project.name, Project.owner).where(Project.code == "1-1")).one()
    clean = {(f.rule, f.code) for f in _findings(engine, [rule])}
    _set(engine, "1-1", **values)
    new = [f for f in _findings(engine, [rule]) if (f.rule, f.code) not in clean]
    assert [f.message for f in new] == [message.format(name=name, owner=owner)]
    assert new[0].severity == RULES[rule].severity and new[0].line is not None


def test_invested_rules_and_records(engine: Engine) -> None:
    _set(engine, "1-2", status="completed")
    _report(engine, "1-1", "2023-01", "in_progress", "1000")
    _report(engine, "1-1", "2023-02", "in_progress", "600")  # 1600 > total 1500
    _report(engine, "1-2", "2023-01", "completed", "0")  # completed, nothing invested
    _report(engine, "1-3", "2023-01", "in_progress", "50")
    _report(engine, "1-3", "2023-02", "in_progress", "-80")  # running total -30
    _report(engine, "1-3", "2023-03", "in_progress", "100")
    _report(engine, "1-4", "2023-01", "cancelled", "0")
    _report(engine, "1-4", "2023-02", "in_progress", "10")  # after cancelled
    _report(engine, "1-5", "2023-13", "in_progress", "1")  # bad month
    _report(engine, "1-6", "2023-09", "in_progress", "1")  # after the as-of date
    _report(engine, "1-7", "2023-01", "paused", "1")  # unknown status
    got = {
        (f.rule, f.code, f.month)
        for f in _findings(engine)
        if f.scope == "project" and f.rule not in ("district-unplaced", "start-before-period", "finish-after-period")
    }
    assert got == {
        ("invested-over-total", "1-1", None),
        ("completed-nothing-invested", "1-2", None),
        ("invested-below-zero", "1-3", "2023-02"),
        ("reported-after-cancelled", "1-4", "2023-02"),
        ("bad-month", "1-5", "2023-13"),
        ("future-month", "1-6", "2023-09"),
        ("unknown-status", "1-7", "2023-01"),
    }
    over = next(f for f in _findings(engine, ["invested-over-total"]))
    assert (over.published, over.computed, over.difference) == (D("1500"), D("1600"), D("100"))


def test_duplicates_with_spaces_and_exact_names(engine: Engine) -> None:
    with engine.connect() as conn:
        name = conn.execute(select(Project.name).where(Project.code == "1-2")).scalar_one()
    _set(engine, "1-3", code=" 1-2 ")  # a code shared once spaces are trimmed
    _set(engine, "1-4", name=name)  # an exact duplicate name
    _set(engine, "1-5", name=f" {name}")  # and one with a leading space
    codes = {(f.rule, f.code) for f in _findings(engine, ["duplicate-code", "duplicate-name"])}
    assert codes == {
        ("duplicate-code", "1-2"),
        ("duplicate-code", " 1-2 "),
        ("duplicate-name", "1-2"),
        ("duplicate-name", "1-4"),
        ("duplicate-name", "1-5"),
    }
    message = next(f.message for f in _findings(engine, ["duplicate-name"]) if f.code == "1-4")
    assert "is shared by 3 projects" in message


def test_a_clean_row_check_reads_no_clean_project(engine: Engine) -> None:
    """The row query returns offenders only: on the 87 projects, as many rows as findings."""
    from tracker import checks

    statements: list[str] = []
    from sqlalchemy import event

    def log(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", log)
    try:
        findings = _findings(engine, [r for r in RULES if r in checks.ROW_MESSAGES])
    finally:
        event.remove(engine, "before_cursor_execute", log)
    assert any("WHERE" in s and "typeof" in s for s in statements)
    assert len(findings) < 87


# -- a small generated portfolio with planted errors against a Python reference ----------------------------


def _scale(engine: Engine, copies: int) -> None:
    """Copies of plan 1 and its projects (as bench/tui_startup.py does), in SQL."""
    with engine.begin() as conn:
        columns = [c.name for c in Project.__table__.columns if c.name not in ("id", "plan_id", "code")]  # type: ignore[attr-defined]
        plan_columns = [c.name for c in Plan.__table__.columns if c.name not in ("id", "name")]  # type: ignore[attr-defined]
        for copy in range(1, copies + 1):
            conn.execute(
                text(
                    f"INSERT INTO plan (name, {', '.join(plan_columns)}) "
                    f"SELECT name || ' #{copy}', {', '.join(plan_columns)} FROM plan WHERE id = 1"
                )
            )
            plan_id = conn.execute(text("SELECT max(id) FROM plan")).scalar_one()
            conn.execute(
                text(
                    f"INSERT INTO project (plan_id, code, {', '.join(columns)}) "
                    f"SELECT :plan, 'c{copy}-' || code, {', '.join(columns)} FROM project WHERE plan_id = 1"
                ),
                {"plan": plan_id},
            )


def _plant(engine: Engine) -> None:
    _set(engine, "c1-2-3", plan_id=2, planned_investment=D("99999"))
    _set(engine, "c2-3-1", plan_id=3, total_investment=D("-1"), status="completed")
    _set(engine, "c2-4-2", plan_id=3, social_share_pct=D("-1"), start_year=2030)
    _set(engine, "c1-1-5", plan_id=2, nature="", district=None, status="bogus")
    _set(engine, "c3-2-7", plan_id=4, finish_year=2018, start_year=2019)
    _report(engine, "c3-2-8", "2023-01", "in_progress", "999999", plan_id=4)


def _reference(engine: Engine) -> set[tuple[str, str, str]]:
    """The project rules judged in Python from every row, as the check did before issue 10."""
    found: set[tuple[str, str, str]] = set()
    with engine.connect() as conn:
        invested: dict[int, Decimal] = defaultdict(Decimal)
        for pid, amount in conn.execute(select(ProgressRecord.project_id, ProgressRecord.invested)):
            invested[pid] += amount
        rows = conn.execute(
            select(Project, Plan.name.label("plan_name"), Plan.period_start, Plan.period_end).join(
                Plan, Plan.id == Project.plan_id
            )
        )
        for r in rows:

            def add(rule: str) -> None:
                found.add((rule, r.plan_name, r.code))  # noqa: B023

            def months(year: int | None, month: int | None, default: int) -> int | None:
                return None if year is None else year * 12 + (month or default)

            if r.planned_investment > r.total_investment:
                add("planned-over-total")
            if r.total_investment < 0 or r.planned_investment < 0:
                add("negative-amount")
            if r.social_share_pct is not None and not 0 <= r.social_share_pct <= 100:
                add("share-out-of-range")
            finish, start = months(r.finish_year, r.finish_month, 12), months(r.start_year, r.start_month, 1)
            if finish is not None and start is not None and finish < start:
                add("finish-before-start")
            outside = (r.start_year is not None and r.start_year > r.period_end) or (
                r.finish_year is not None and r.finish_year < r.period_start
            )
            if outside:
                add("outside-period")
            if r.start_year is not None and r.start_year < r.period_start and not outside:
                add("start-before-period")
            if r.finish_year is not None and r.finish_year > r.period_end and not outside:
                add("finish-after-period")
            if any(not (getattr(r, f) or "").strip() for f in ("name", "nature", "owner", "content")) or (
                r.start_year is None or r.finish_year is None
            ):
                add("required-missing")
            if not (r.district or "").strip():
                add("district-unplaced")
            if r.status not in STATUSES:
                add("unknown-status")
            if invested[r.id] > r.total_investment:
                add("invested-over-total")
            if r.status == "completed" and invested[r.id] <= 0:
                add("completed-nothing-invested")
    return found


ROW_RULES = [
    r
    for r in RULES
    if RULES[r].scope == "project"
    and r
    not in (
        "duplicate-code",
        "duplicate-name",
        "invested-below-zero",
        "reported-after-cancelled",
        "future-month",
        "bad-month",
    )
]


def _row_findings(engine: Engine) -> set[tuple[str, str, str]]:
    return {(f.rule, f.plan, f.code or "") for f in _findings(engine, ROW_RULES) if f.month is None}


def test_planted_portfolio_matches_the_python_reference(engine: Engine) -> None:
    _scale(engine, 3)
    _plant(engine)
    got = _row_findings(engine)
    assert got == _reference(engine)
    assert {
        "planned-over-total",
        "negative-amount",
        "share-out-of-range",
        "outside-period",
        "required-missing",
        "unknown-status",
        "finish-before-start",
        "invested-over-total",
        "completed-nothing-invested",
    } <= {rule for rule, _, _ in got}


def test_findings_keep_the_published_order(engine: Engine) -> None:
    _scale(engine, 3)
    _plant(engine)
    findings = _findings(engine)
    severities = ["error", "warning", "info"]
    keys = [(severities.index(f.severity), f.order) for f in findings]
    assert keys == sorted(keys)


# -- rollups against a Python reference ---------------------------------------------------------------------


def _rollup_reference(engine: Engine, dim: str) -> dict[str, tuple[int, Decimal, Decimal, Decimal]]:
    sums: dict[str, list] = defaultdict(lambda: [0, D(0), D(0), D(0)])
    with engine.connect() as conn:
        for r in conn.execute(
            select(Project, Category.name.label("category")).join(Category, Category.id == Project.category_id)
        ):
            key = r.category if dim == "category" else (r.district or UNPLACED)
            for k in (key, "Total"):
                s = sums[k]
                s[0] += 1
                s[1] += r.total_investment
                s[2] += r.planned_investment
                s[3] += social_capital(r.total_investment, r.social_share_pct) if r.social_share_pct else D(0)
    return {k: tuple(v) for k, v in sums.items()}  # type: ignore[misc]


def _rollup(engine: Engine, dims: list[str], filter_text: str | None = None) -> dict[str, tuple]:
    with reading(engine) as session:
        where = where_clause(filter_text, as_of=AS_OF) if filter_text else None
        rows = rollup(session, dims, where, as_of=AS_OF)
    return {r.label: (r.count, r.total, r.planned, r.social_capital) for r in rows}


@pytest.mark.parametrize("dim", ["category", "district"])
@pytest.mark.parametrize("copies", [0, 3])
def test_rollup_equals_the_reference(engine: Engine, dim: str, copies: int) -> None:
    _scale(engine, copies)
    assert _rollup(engine, [dim]) == _rollup_reference(engine, dim)


def test_nested_rollup_subtotals_are_the_sums_of_their_groups(engine: Engine) -> None:
    _scale(engine, 2)
    with reading(engine) as session:
        rows = rollup(session, ["category", "district"], as_of=AS_OF)
    flat = _rollup(engine, ["category"])
    for row in rows:
        if row.level == 1:
            children = [c for c in rows if c.level == 2 and c.path[0] == row.path[0]]
            assert row.count == sum(c.count for c in children) == flat[row.label][0]
            assert row.total == sum((c.total for c in children), D(0)) == flat[row.label][1]
    assert rows[-1].path == () and rows[-1].count == 87 * 3


def test_filtered_rollup_joins_what_the_filter_reads(engine: Engine) -> None:
    by_district = _rollup(engine, ["district"], "category:2")
    assert by_district["Total"][0] == 50
    assert _rollup(engine, ["district"], "total>=1000000")["Total"] == (0, D(0), D(0), D(0))


def test_rollup_invested_with_progress(engine: Engine) -> None:
    _report(engine, "1-1", "2023-01", "in_progress", "100")
    _report(engine, "1-1", "2023-09", "in_progress", "50")  # after the as-of month: not counted
    _report(engine, "2-1", "2023-02", "in_progress", "7.5")
    with reading(engine) as session:
        rows = {r.label: r for r in rollup(session, ["category"], as_of=AS_OF)}
    assert rows["Total"].invested == D("107.5")
    assert sum((r.invested for k, r in rows.items() if k != "Total"), D(0)) == D("107.5")


# -- the same on PostgreSQL -------------------------------------------------------------------------------


def test_check_and_rollups_on_postgres(pg_url: str, tmp_path: Path, template_db: Path) -> None:
    import shutil

    lite_path = tmp_path / "lite.db"
    shutil.copyfile(template_db, lite_path)
    pg, lite = make_engine(pg_url), make_engine(f"sqlite:///{lite_path}")
    try:
        for eng in (pg, lite):
            _plant_small(eng)
        assert [f.as_dict() for f in _findings(pg)] == [f.as_dict() for f in _findings(lite)]
        assert _row_findings(pg) == _reference(pg)
        for dim in ("category", "district"):
            assert _rollup(pg, [dim]) == _rollup(lite, [dim]) == _rollup_reference(pg, dim)
        assert _rollup(pg, ["category", "district"], "status:in_progress") == _rollup(
            lite, ["category", "district"], "status:in_progress"
        )
    finally:
        pg.dispose()
        lite.dispose()


def _plant_small(engine: Engine) -> None:
    _set(engine, "1-2", planned_investment=D("99999"), status="in_progress")
    _set(engine, "2-3", status="completed")
    _set(engine, "3-1", nature=" ", finish_year=2030)
    _report(engine, "1-1", "2023-01", "in_progress", "2000")
    _report(engine, "2-4", "2023-01", "in_progress", "10")
    _report(engine, "2-4", "2023-02", "in_progress", "-20")
    _report(engine, "2-5", "2023-01", "cancelled", "0")
    _report(engine, "2-5", "2023-03", "in_progress", "0")
