"""Synthetic portfolios for measuring and testing: ``tracker generate`` (issue 10).

Fills a database with ``K`` plans of about 87 projects each, shaped like the bundled Xiangtan plan:
five categories per plan (儿童福利, 老年人福利, 城乡社区治理, 社会公益, 残障人福利), districts from
``data/districts.toml``, years within the plan period 2021–2025 (start ≤ finish), money in 万元 with at
most two decimals within the bounds, shares 0–100 % or empty, statuses, and ``M`` monthly progress
records per project ending at a fixed month. Everything is drawn from ``random.Random(seed)`` and from
integer arithmetic in SQL, so the same seed on the same database gives the same portfolio.

What ``tracker check`` sees, by construction:

- every published figure is *computed from the rows* in SQL once they are written (category and plan
  counts, totals and planned totals: ``UPDATE … SET published_total = (SELECT SUM(…))`` over integer fen),
  so the budget rules agree to the fen;
- every row obeys the row rules: planned ≤ total, no negative amount, share within 0–100, start ≤ finish,
  both within the plan period (so neither ``start-before-period`` nor ``finish-after-period`` warns),
  every required field filled, codes and names unique within a plan, every project placed in a district;
- progress: a month's amount is ``⌊units × w / (100 M)⌋`` hundredths of a 万元 (``units`` = the total in
  hundredths of a 万元, ``0 ≤ w ≤ 100``), so the running total never falls below 0 nor exceeds the total;
  a completed project's last month reports the remainder (to date = its total, so it never warns
  "completed but nothing invested"); a suspended or cancelled project reports 0 in its last month, with
  that status; a project not started reports 0 each month. The project's status is that of its latest
  month, as ``tracker progress`` keeps it. No month is later than the as-of date.

So ``tracker check`` (even ``--strict``) finds nothing. ``plant_errors=K`` then adds 1.00 万元 to the
published total investment of K distinct categories chosen by the seed: the check reports exactly K
findings, all ``category-total`` errors with ``difference`` −1.00 万元 (the plan totals, computed from the
projects, still agree).

Writes are set-based: plans, categories and projects by ``executemany`` in batches of
:data:`BATCH` rows; the progress records by one ``INSERT … SELECT`` per month; the published totals by
one ``UPDATE`` per level — all in ONE transaction, so a failure (or a killed process) leaves nothing of
the run. The run is recorded in the history as one operation of kind ``generate`` without row entries
(a million rows of audit would double the database): ``tracker undo`` refuses it, and says why.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, and_, case, func, insert, literal, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import column, table

from tracker.bounds import MAX_AMOUNT_WAN
from tracker.districts import load_gazetteer
from tracker.errors import RefusedError, UsageError
from tracker.models import Category, Operation, Plan, ProgressRecord, Status
from tracker.schedule import month_index

MAX_PROJECTS = 5_000_000
MAX_MONTHS = 120
PLAN_SIZE = 87
"""Projects per plan by default, like the bundled plan."""
PERIOD = (2021, 2025)
"""The plan period of every generated plan (十四五)."""
BATCH = 20_000
"""Rows per ``executemany``."""
FEN_PER_CENT_WAN = 10_000
"""Fen in 0.01 万元: generated amounts are whole hundredths of a 万元 (two decimals)."""
PLANTED_WAN_FEN = 100 * FEN_PER_CENT_WAN
"""What ``plant_errors`` adds to a category's published total: 1.00 万元."""

CATEGORIES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    (
        "儿童福利类项目",
        8,
        ("儿童福利院改扩建项目", "未成年人救助保护中心提质改造项目", "儿童之家建设项目", "未成年人保护工作站建设项目"),
    ),
    (
        "老年人福利类项目",
        50,
        (
            "敬老院改扩建项目",
            "社会福利中心建设项目",
            "居家养老服务中心建设项目",
            "特困人员供养服务设施提质改造项目",
            "养老服务综合体建设项目",
            "医养结合养老院建设项目",
            "老年人日间照料中心建设项目",
            "农村幸福院建设项目",
        ),
    ),
    (
        "城乡社区治理类项目",
        7,
        ("社区综合服务设施建设项目", "村级综合服务平台提质项目", "社区党群服务中心改造项目", "智慧社区建设项目"),
    ),
    (
        "社会公益类项目",
        18,
        (
            "殡仪馆改扩建项目",
            "公益性公墓建设项目",
            "救助管理站建设项目",
            "婚姻登记中心标准化建设项目",
            "慈善超市建设项目",
            "烈士陵园提质改造项目",
        ),
    ),
    (
        "残障人福利类项目",
        4,
        ("残疾人康复中心建设项目", "精神病人福利院建设项目", "残疾人托养中心建设项目"),
    ),
)
"""(name, weight in the bundled plan, what a project of it builds)."""

NUMERALS = "一二三四五六七八九十"
CITIES = (
    "湘潭市",
    "长沙市",
    "株洲市",
    "衡阳市",
    "邵阳市",
    "岳阳市",
    "常德市",
    "张家界市",
    "益阳市",
    "郴州市",
    "永州市",
    "怀化市",
    "娄底市",
)
NATURES = (("新建", 55), ("改扩建", 27), ("续建", 6), ("改建", 6), ("新建、改建", 3), ("新建或续建", 3))
OWNERS = ("民政局", "人民政府", "社会福利中心", "民政事务中心")
CONTENTS = (
    "新建综合楼一栋,总建筑面积{area}平方米,设置床位{beds}张。",
    "改造房屋{area}平方米,完善消防、无障碍及适老化设施,新增床位{beds}张。",
    "建设服务用房{area}平方米,配套室外活动场地及附属设施。",
    "提质改造{area}平方米,购置康复、护理设备,床位{beds}张。",
)
SHARES = (500, 1000, 2000, 2400, 3000, 3330, 4000, 924, 5000, 9500, 10000, 0)
"""Social-capital shares in basis points (hundredths of 1 %): 5 %, 10 %, … 9.24 %, …, 100 %, 0 %."""
PROGRESS_TEXT = {
    Status.NOT_STARTED.value: "前期工作推进中",
    Status.IN_PROGRESS.value: "主体工程施工中",
    Status.COMPLETED.value: "已竣工验收",
    Status.SUSPENDED.value: "资金未到位,暂停施工",
    Status.CANCELLED.value: "经研究取消建设",
}


class GenerateError(RefusedError, RuntimeError):
    """The database already holds projects (and ``append`` was not given), or a generated name is taken."""


@dataclass(frozen=True)
class Options:
    projects: int
    plans: int | None = None
    """Default: one plan per :data:`PLAN_SIZE` projects (at least one)."""
    months: int = 6
    seed: int = 0
    plant_errors: int = 0
    through: str | None = None
    """``YYYY-MM``, the last month of progress; default derived from the seed (2023-01 … 2025-12)."""
    append: bool = False

    @property
    def plan_count(self) -> int:
        return self.plans if self.plans is not None else max(1, round(self.projects / PLAN_SIZE))


@dataclass
class Result:
    plans: int
    categories: int
    projects: int
    progress_records: int
    through: str | None
    planted: list[str] = field(default_factory=list)
    """``plan name / category ordinal`` of each category whose published total was planted."""
    operation_id: int | None = None


Progress = Callable[[str, int, int], None]
"""``(phase, done, total)``: phases ``projects`` (rows) and ``progress`` (months)."""


def check_options(options: Options, as_of: Any) -> str | None:
    """Bounds of every option (:class:`UsageError`, exit 2); returns the last month of progress."""
    from tracker.bounds import check_int

    check_int(options.projects, "--projects", 1, MAX_PROJECTS, error=UsageError)
    check_int(options.plan_count, "--plans", 1, options.projects, error=UsageError)
    check_int(options.months, "--progress-months", 0, MAX_MONTHS, error=UsageError)
    check_int(options.seed, "--seed", 0, 2**63 - 1, error=UsageError)
    check_int(options.plant_errors, "--plant-errors", 0, len(CATEGORIES) * options.plan_count, error=UsageError)
    if options.through is not None:
        from tracker.progress import ProgressError, check_month

        try:
            through = check_month(options.through, as_of)
        except ProgressError as exc:
            raise UsageError(f"--through: {exc}") from exc
    else:
        index = month_index(2023, 1) + options.seed % 36
        if as_of is not None:
            index = min(index, month_index(as_of.year, as_of.month))
        through = f"{index // 12:04d}-{index % 12 + 1:02d}"
    if options.months and int(through[:4]) - options.months // 12 - 1 < 1900:
        raise UsageError(f"--through {through} with {options.months} months starts before 1900")
    return through if options.months else None


def _months(through: str, count: int) -> list[str]:
    """The ``count`` months ending at ``through``, oldest first."""
    last = month_index(int(through[:4]), int(through[5:7]))
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(last - count + 1, last + 1)]


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split by ``weights`` (largest remainder): the parts add up exactly."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _weighted(rnd: random.Random, choices: Sequence[tuple[str, int]]) -> Callable[[], str]:
    values = [c for c, _ in choices]
    cumulative = []
    acc = 0
    for _, w in choices:
        acc += w
        cumulative.append(acc)
    return lambda: rnd.choices(values, cum_weights=cumulative)[0]


def _money_fen(rnd: random.Random) -> int:
    """A total investment in fen: log-uniform between 10 and 200,000 万元, mostly whole 万元, some with cents."""
    wan = int(10 ** rnd.uniform(1, 5.3))
    cents = rnd.randrange(1, 100) if rnd.random() < 0.1 else 0
    fen = (wan * 100 + cents) * FEN_PER_CENT_WAN
    return min(fen, int(MAX_AMOUNT_WAN) * 100 * FEN_PER_CENT_WAN)


def _plan_sizes(options: Options) -> list[int]:
    k = options.plan_count
    base, extra = divmod(options.projects, k)
    return [base + (1 if i < extra else 0) for i in range(k)]


PROJECT_COLUMNS = (
    "plan_id",
    "category_id",
    "seq",
    "code",
    "name",
    "nature",
    "owner",
    "district",
    "district_source",
    "content",
    "note",
    "start_text",
    "finish_text",
    "start_year",
    "start_month",
    "finish_year",
    "finish_month",
    "total_investment",
    "planned_investment",
    "social_share_pct",
    "status",
    "version",
    "created_at",
    "updated_at",
    "source_first_line",
    "source_last_line",
)


def _driver_insert(conn: Connection, name: str, columns: Sequence[str]) -> Callable[[list[tuple[Any, ...]]], None]:
    """``executemany`` of positional rows straight to the driver (bound parameters, no per-row SQLAlchemy
    processing: every value is already what the column stores — fen, basis points, the dialect's own
    timestamp). Falls back to Core ``insert`` with dictionaries for a driver whose paramstyle is unusual."""
    marker = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(conn.dialect.paramstyle)
    if marker is None:  # pragma: no cover - neither sqlite3 nor psycopg
        light = table(name, *(column(c) for c in columns))

        def core(rows: list[tuple[Any, ...]]) -> None:
            conn.execute(insert(light), [dict(zip(columns, row, strict=True)) for row in rows])

        return core
    sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"

    def driver(rows: list[tuple[Any, ...]]) -> None:
        conn.exec_driver_sql(sql, rows)

    return driver


class _Names:
    """Project names unique within a plan: a repeated name gets （二期）, （三期）, … ."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def unique(self, name: str) -> str:
        n = self.seen.get(name, 0) + 1
        self.seen[name] = n
        if n == 1:
            return name
        phase = NUMERALS[n - 1] if n <= 10 else str(n)
        return f"{name[:-2]}（{phase}期）项目" if name.endswith("项目") else f"{name}（{phase}期）"


def _project_status(rnd: random.Random, finish_year: int, start_year: int, through: str | None) -> str:
    """A status that fits the years and the last month reported (or the as-of year without progress)."""
    year = int(through[:4]) if through else 2023
    roll = rnd.random()
    if roll < 0.02:
        return Status.SUSPENDED.value
    if roll < 0.03:
        return Status.CANCELLED.value
    if start_year > year:
        return Status.NOT_STARTED.value
    if finish_year < year and through is not None:
        return Status.COMPLETED.value if roll < 0.85 else Status.IN_PROGRESS.value
    return Status.IN_PROGRESS.value if roll < 0.9 else Status.NOT_STARTED.value


def _timestamp(conn: Connection, value: datetime) -> Any:
    """``value`` as the dialect stores a timezone-aware DateTime (a string on SQLite, as is elsewhere)."""
    from sqlalchemy import DateTime

    processor = DateTime(timezone=True).dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return processor(value) if processor else value


def generate(
    engine: Engine,
    options: Options,
    *,
    as_of: Any = None,
    actor: str = "",
    progress: Progress | None = None,
) -> Result:
    """Generate ``options`` into the database of ``engine`` (its tables exist) in one transaction."""
    through = check_options(options, as_of)
    report = progress or (lambda phase, done, total: None)
    with engine.begin() as conn:
        return _generate(conn, options, through, actor, report)


def _generate(conn: Connection, options: Options, through: str | None, actor: str, report: Progress) -> Result:
    from tracker.audit import current_actor

    # Plain-typed views of the tables for arithmetic in SQL: the model's money columns would read a bound
    # 10000 as 10000 万元 (fen × 10⁶); here every figure is already a whole number of fen.
    P = table(
        "project",
        column("id", Integer()),
        column("plan_id", Integer()),
        column("category_id", Integer()),
        column("seq", Integer()),
        column("status", String()),
        column("total_investment", BigInteger()),
        column("planned_investment", BigInteger()),
    )
    C = Category.__table__  # type: ignore[attr-defined]
    PL = Plan.__table__  # type: ignore[attr-defined]
    O = Operation.__table__  # type: ignore[attr-defined]

    empty = conn.execute(select(P.c.id).limit(1)).first() is None
    if not options.append and not empty:
        raise GenerateError(
            "the database already holds projects; pass --append to add the generated plans to them "
            "(nothing is ever removed)"
        )
    rnd = random.Random(options.seed)
    now = datetime.now(UTC)
    stamp = _timestamp(conn, now)
    sizes = _plan_sizes(options)
    months = _months(through, options.months) if through else []
    summary = (
        f"generated {options.projects} projects in {len(sizes)} plans, {len(months)} months of progress"
        f"{f' through {through}' if through else ''} (seed {options.seed}"
        f"{f', {options.plant_errors} planted errors' if options.plant_errors else ''}); not undoable"
    )
    operation_id = conn.execute(
        insert(O).values(kind="generate", summary=summary, actor=current_actor(actor), created_at=now).returning(O.c.id)
    ).scalar_one()

    before_plan = conn.execute(select(func.coalesce(func.max(PL.c.id), 0))).scalar_one()
    before_project = conn.execute(select(func.coalesce(func.max(P.c.id), 0))).scalar_one()
    offset = conn.execute(select(func.count()).select_from(PL)).scalar_one()
    plan_names = [
        f"{CITIES[(offset + k) % len(CITIES)]}“十四五”民政事业发展规划 #{offset + k + 1}" for k in range(len(sizes))
    ]
    for start in range(0, len(plan_names), 1000):
        taken = conn.execute(select(PL.c.name).where(PL.c.name.in_(plan_names[start : start + 1000])).limit(1)).first()
        if taken:
            raise GenerateError(
                f"a plan named {taken[0]!r} already exists; generated plans must be new (nothing written)"
            )

    # plans, then their categories with the published counts; totals are filled in from the rows below
    insert_plans = _driver_insert(
        conn,
        "plan",
        ("name", "region", "period_start", "period_end", "source_document", "published_line", "imported_at"),
    )
    document = f"generated by tracker generate --seed {options.seed}"
    for start in range(0, len(sizes), BATCH):
        insert_plans(
            [
                (name, name.split("“")[0], PERIOD[0], PERIOD[1], document, 1, stamp)
                for name in plan_names[start : start + BATCH]
            ]
        )
    plan_ids = dict(conn.execute(select(PL.c.name, PL.c.id).where(PL.c.id > before_plan)).all())

    splits: list[list[int]] = []
    category_rows: list[tuple[Any, ...]] = []
    for k, size in enumerate(sizes):
        weights = [w * rnd.uniform(0.7, 1.3) for _, w, _ in CATEGORIES]
        split = _apportion(size, weights)
        splits.append(split)
        line = 2
        for ordinal, ((name, _, _), count) in enumerate(zip(CATEGORIES, split, strict=True), start=1):
            category_rows.append((plan_ids[plan_names[k]], ordinal, name, count, line))
            line += count + 1
    insert_categories = _driver_insert(
        conn, "category", ("plan_id", "ordinal", "name", "published_count", "source_line")
    )
    for start in range(0, len(category_rows), BATCH):
        insert_categories(category_rows[start : start + BATCH])
    category_ids = {
        (plan_id, ordinal): cid
        for cid, plan_id, ordinal in conn.execute(
            select(C.c.id, C.c.plan_id, C.c.ordinal).where(C.c.plan_id > before_plan)
        )
    }

    # projects
    gaz = load_gazetteer()
    places: list[tuple[str, str, str]] = [(gaz.city_level, gaz.city, gaz.city)]  # (district, place, owner prefix)
    for d in gaz.districts:
        places.append((d.name, d.name, d.name))
        places.extend((d.name, d.name + t, d.name) for t in d.townships)
    nature = _weighted(rnd, NATURES)
    insert_projects = _driver_insert(conn, "project", PROJECT_COLUMNS)
    # Into an empty table, building the plain secondary indexes once at the end is about three times faster
    # than updating them row by row (names and codes arrive in no order). Same transaction: all or nothing.
    deferred = _drop_plain_indexes(conn, "project") if empty else []

    def batches() -> Iterator[list[tuple[Any, ...]]]:
        batch: list[tuple[Any, ...]] = []
        for k, split in enumerate(splits):
            plan_id = plan_ids[plan_names[k]]
            names = _Names()
            line = 2
            for ordinal, ((_, _, builds), count) in enumerate(zip(CATEGORIES, split, strict=True), start=1):
                category_id = category_ids[(plan_id, ordinal)]
                line += 1
                for seq in range(1, count + 1):
                    batch.append(
                        _project(
                            rnd,
                            places,
                            builds,
                            nature,
                            names,
                            plan_id,
                            category_id,
                            ordinal,
                            seq,
                            line,
                            through,
                            stamp,
                        )
                    )
                    line += 1
                    if len(batch) >= BATCH:
                        yield batch
                        batch = []
        if batch:
            yield batch

    done = 0
    report("projects", 0, options.projects)
    for batch in _ahead(batches()):
        insert_projects(batch)
        done += len(batch)
        report("projects", done, options.projects)

    _create_indexes(conn, "project", deferred)
    report("indexes", 1, 2)
    new_projects = P.c.id > before_project
    no_records = conn.execute(select(column("id")).select_from(table("progressrecord")).limit(1)).first() is None
    deferred = _drop_plain_indexes(conn, "progressrecord") if months and no_records else []
    records = _insert_progress(conn, P, new_projects, done, months, report)
    _create_indexes(conn, "progressrecord", deferred)
    report("indexes", 2, 2)

    # the published figures, computed from the rows just written (exact integer sums)
    def sums(key: Any, value: Any) -> Any:
        return select(func.coalesce(func.sum(P.c[value]), literal(0, BigInteger()))).where(key).scalar_subquery()

    def count(key: Any) -> Any:
        return select(func.count(P.c.id)).where(key).scalar_subquery()

    light_c = table(
        "category",
        column("id"),
        column("plan_id"),
        column("published_count"),
        column("published_total"),
        column("published_planned"),
    )
    in_category = P.c.category_id == light_c.c.id
    conn.execute(
        update(light_c)
        .where(light_c.c.plan_id > before_plan)
        .values(
            published_count=count(in_category),
            published_total=sums(in_category, "total_investment"),
            published_planned=sums(in_category, "planned_investment"),
        )
    )
    light_pl = table(
        "plan", column("id"), column("published_count"), column("published_total"), column("published_planned")
    )
    in_plan = P.c.plan_id == light_pl.c.id
    conn.execute(
        update(light_pl)
        .where(light_pl.c.id > before_plan)
        .values(
            published_count=count(in_plan),
            published_total=sums(in_plan, "total_investment"),
            published_planned=sums(in_plan, "planned_investment"),
        )
    )

    names_by_id = {plan_id: name for name, plan_id in plan_ids.items()}
    planted = _plant(conn, rnd, light_c, options.plant_errors, category_rows, category_ids, names_by_id)
    return Result(len(sizes), len(category_rows), done, records, through, planted, operation_id)


def _ahead(items: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """``items``, produced by a worker thread up to ``depth`` ahead: the next batch of rows is drawn in Python
    while the driver writes this one (sqlite3 and psycopg release the GIL while they work). Same order, same
    values; an error in the worker is raised here; leaving early stops the worker."""
    import queue
    import threading

    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(message: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                box.put(message, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not offer(("item", item)):
                    return
            offer(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer and raised there
            offer(("error", exc))

    worker = threading.Thread(target=work, name="generate-rows", daemon=True)
    worker.start()
    try:
        while True:
            kind, value = box.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        worker.join(timeout=5)


def _drop_plain_indexes(conn: Connection, name: str) -> list[tuple[str, list[str]]]:
    """Drop the non-unique indexes of ``name`` on plain columns (and nothing else: unique, partial and
    expression indexes stay), returning what :func:`_create_indexes` needs to build them again."""
    from sqlalchemy import inspect

    dropped = []
    for index in inspect(conn).get_indexes(name):
        columns = index.get("column_names") or []
        plain = (
            not index.get("unique")
            and columns
            and all(columns)
            and not index.get("expressions")
            and not index.get("column_sorting")
            and not any(v for v in (index.get("dialect_options") or {}).values())
            and not index.get("duplicates_constraint")
        )
        if plain and index["name"]:
            dropped.append((index["name"], list(columns)))
    for index_name, columns in dropped:
        _index(name, index_name, columns).drop(conn)
    return dropped


def _create_indexes(conn: Connection, name: str, indexes: list[tuple[str, list[str]]]) -> None:
    for index_name, columns in indexes:
        _index(name, index_name, columns).create(conn)


def _index(table_name: str, index_name: str, columns: list[str]) -> Any:
    """An :class:`~sqlalchemy.Index` on a throwaway copy of the table (the models' metadata is left alone)."""
    from sqlalchemy import Column, Index, MetaData, Table

    copy = Table(table_name, MetaData(), *(Column(c, Integer()) for c in columns))
    return Index(index_name, *(copy.c[c] for c in columns))


def _project(
    rnd: random.Random,
    places: Sequence[tuple[str, str, str]],
    builds: Sequence[str],
    nature: Callable[[], str],
    names: _Names,
    plan_id: int,
    category_id: int,
    ordinal: int,
    seq: int,
    line: int,
    through: str | None,
    stamp: Any,
) -> tuple[Any, ...]:
    district, place, owner_prefix = places[rnd.randrange(len(places))]
    what = builds[rnd.randrange(len(builds))]
    name = names.unique(place + what)
    owner = owner_prefix + OWNERS[rnd.randrange(len(OWNERS))]
    start = PERIOD[0] + min(int(rnd.expovariate(0.9)), PERIOD[1] - PERIOD[0])
    finish = start + min(int(rnd.expovariate(0.6)), PERIOD[1] - start)
    start_month = finish_month = None
    start_text, finish_text = str(start), str(finish)
    if rnd.random() < 0.03:  # a few published as 2021.1 – 2021.8
        start_month = rnd.randrange(1, 13)
        finish_month = rnd.randrange(start_month if finish == start else 1, 13)
        start_text, finish_text = f"{start}.{start_month}", f"{finish}.{finish_month}"
    total = _money_fen(rnd)
    planned = (
        total if rnd.random() < 0.8 else total * rnd.randrange(30, 100) // 100 // FEN_PER_CENT_WAN * FEN_PER_CENT_WAN
    )
    share = None
    if rnd.random() < 0.12:
        share = SHARES[rnd.randrange(len(SHARES))]
    area = rnd.randrange(5, 300) * 100
    content = CONTENTS[rnd.randrange(len(CONTENTS))].format(area=area, beds=rnd.randrange(2, 60) * 5)
    note = "“十四五”计划期间分期实施" if rnd.random() < 0.03 else ""
    status = _project_status(rnd, finish, start, through)
    return (
        plan_id,
        category_id,
        seq,
        f"{ordinal}-{seq}",
        name,
        nature(),
        owner,
        district,
        "gazetteer",
        content,
        note,
        start_text,
        finish_text,
        start,
        start_month,
        finish,
        finish_month,
        total,
        planned,
        share,
        status,
        1,
        stamp,
        stamp,
        line,
        line,
    )


def _insert_progress(
    conn: Connection, P: Any, new_projects: Any, projects: int, months: list[str], report: Progress
) -> int:
    """Every record in ONE ``INSERT … SELECT`` over the new projects × the months, in (project, month) order
    so that the (project_id, month) indexes only ever grow at their end. Amounts are integer SQL arithmetic
    on the total in hundredths of a 万元 (``units``):

    - in progress (any month but a last one that says otherwise): ``⌊units × w / (100 M)⌋`` with
      ``w = (seq·7919 + units mod 9973 + category_id mod 89 + k·104729 + k²·31) mod 101`` — at most ``units / M``
      a month, so never more than the total;
    - completed: ``⌊units / M⌋`` a month, the last month the rest (to date = the total, exactly);
    - not started: 0 every month; suspended or cancelled: 0 in the last month, which carries that status.
    """
    if not months:
        return 0
    from sqlalchemy import true, union_all

    m = len(months)
    record_type = ProgressRecord.__table__.c.recorded_at.type  # type: ignore[attr-defined]
    calendar = union_all(
        *(
            select(
                literal(k, Integer()).label("k"),
                literal(month, String()).label("month"),
                literal(datetime(int(month[:4]), int(month[5:7]), 28, 12, 0, tzinfo=UTC), record_type).label("at"),
            )
            for k, month in enumerate(months, start=1)
        )
    ).subquery("calendar")
    k = calendar.c.k
    last = k == m
    units = P.c.total_investment // FEN_PER_CENT_WAN  # the total in hundredths of a 万元
    status = P.c.status
    zero = literal(0, BigInteger())
    weight = (P.c.seq * 7919 + units % 9973 + P.c.category_id % 89 + k * 104729 + k * k * 31) % 101
    share = (units * weight) // (m * 100) * FEN_PER_CENT_WAN
    instalment = units // m * FEN_PER_CENT_WAN
    stopped = (Status.SUSPENDED.value, Status.CANCELLED.value)
    invested = case(
        (status == Status.NOT_STARTED.value, zero),
        (and_(last, status.in_(stopped)), zero),
        (and_(last, status == Status.COMPLETED.value), P.c.total_investment - instalment * (m - 1)),
        (status == Status.COMPLETED.value, instalment),
        else_=share,
    )
    month_status = case(
        (last, status),
        (status == Status.NOT_STARTED.value, literal(Status.NOT_STARTED.value, String())),
        else_=literal(Status.IN_PROGRESS.value, String()),
    )
    text = case(
        *((month_status == value, literal(words, String())) for value, words in PROGRESS_TEXT.items()),
        else_=literal("", String()),
    )
    query = (
        select(
            P.c.id,
            calendar.c.month,
            month_status,
            invested,
            text,
            literal("", String()),
            literal("generate", String()),
            calendar.c.at,
        )
        # a LEFT JOIN (the calendar always has rows, so it is an inner join) keeps SQLite from turning the
        # loop inside out: projects outer in id order, the months of each sorted in place
        .select_from(P.outerjoin(calendar, true()))
        .where(new_projects)
        .order_by(P.c.id, k)
    )
    names = ("project_id", "month", "status", "invested", "progress_text", "problems", "reporter", "recorded_at")
    report("progress", 0, 1)
    result = conn.execute(insert(table("progressrecord", *(column(n) for n in names))).from_select(names, query))
    report("progress", 1, 1)
    # every new project × every month; psycopg does not report the rowcount of INSERT … SELECT
    return result.rowcount if result.rowcount and result.rowcount > 0 else projects * m


def _plant(
    conn: Connection,
    rnd: random.Random,
    light_c: Any,
    count: int,
    category_rows: list[tuple[Any, ...]],
    category_ids: dict[tuple[int, int], int],
    plan_names: dict[int, str],
) -> list[str]:
    """Add 1.00 万元 to the published total of ``count`` distinct categories chosen by the seed."""
    if not count:
        return []
    chosen = sorted(rnd.sample(range(len(category_rows)), count))
    planted = []
    for start in range(0, len(chosen), 500):
        part = [category_rows[i] for i in chosen[start : start + 500]]
        ids = [category_ids[(row[0], row[1])] for row in part]
        conn.execute(
            update(light_c)
            .where(light_c.c.id.in_(ids))
            .values(published_total=light_c.c.published_total + PLANTED_WAN_FEN)
        )
        planted.extend(f"{plan_names[row[0]]} / {row[1]}" for row in part)
    return planted
