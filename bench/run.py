"""`make bench`: every command of issue 10 at 87 projects and at 1M, against the raw `sqlite3` CLI.

Builds the big database ONCE with ``tracker generate`` (cached under ``bench/.cache`` or ``$BENCH_CACHE``,
keyed by the generator's parameters and the generator's own source, so a changed generator rebuilds), and
the 87-project database from the bundled plan with six months of progress (``bench/queries.py``). Then,
for each database, each command runs ``--runs`` times as a fresh process — ``tracker`` exactly as a user
runs it, output to /dev/null (or a pipe for ``list | head``) — interleaved with its raw ``sqlite3``
baseline on the same file: the same GROUP BY for rollups, the same filtered ``LIMIT 100`` page for
list, the same joined and ordered CSV export, the raw GROUP BY of the check's totals. Medians; peak
memory is each child's own maximum RSS (``os.wait4``); ratios are against the baseline measured in
the same run. Also the start-up floor ``python -c "import sqlmodel"`` and the 87-project commands as a
ratio to it, and the TUI's first paint and a filter keystroke in a pseudo-terminal.

Prints a Markdown table and writes it to ``bench/results.md``.

    .venv/bin/python bench/run.py [--runs 5] [--quick] [--projects 1000000] [--timeout 300] [--no-big]

``--quick``: 100,000 projects and 3 runs (about two minutes once built). Commands slower than
``--slow`` seconds on their first run are run once only (the figure says so).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import select
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

AS_OF = "2023-06-30"
MONTH = "2023-06"
SEED = 1
MONTHS = 6
MB = 1024  # ru_maxrss is in KiB on Linux

# -- the raw baselines: what the sqlite3 CLI does for the same question on the same file -----------------

RAW_ROLLUP_CATEGORY = """
SELECT c.ordinal, c.name, count(*), sum(p.total_investment), sum(p.planned_investment)
FROM project p JOIN category c ON c.id = p.category_id GROUP BY c.ordinal, c.name ORDER BY c.ordinal, c.name;
"""
RAW_ROLLUP_DISTRICT = """
SELECT p.district, count(*), sum(p.total_investment), sum(p.planned_investment)
FROM project p GROUP BY p.district ORDER BY p.district;
"""
_EXPORT_COLUMNS = """
p.code, pl.name, c.name, p.seq, p.name, p.nature, p.owner, p.district, p.content, p.note, p.start_text,
p.finish_text, p.start_year, p.start_month, p.finish_year, p.finish_month, p.total_investment,
p.planned_investment, p.social_share_pct, p.status"""
RAW_LIST_PAGE = f"""
SELECT {_EXPORT_COLUMNS},
  (SELECT sum(r.invested) FROM progressrecord r WHERE r.project_id = p.id),
  (SELECT max(r.month) FROM progressrecord r WHERE r.project_id = p.id)
FROM project p JOIN category c ON c.id = p.category_id JOIN plan pl ON pl.id = p.plan_id
WHERE p.total_investment >= 1000000000 ORDER BY pl.id, c.ordinal, p.seq LIMIT 100;
"""
RAW_EXPORT = f"""
SELECT {_EXPORT_COLUMNS}, t.invested, t.last_month
FROM project p JOIN category c ON c.id = p.category_id JOIN plan pl ON pl.id = p.plan_id
LEFT JOIN (SELECT project_id, sum(invested) AS invested, max(month) AS last_month FROM progressrecord
           GROUP BY project_id) t ON t.project_id = p.id
ORDER BY pl.id, c.ordinal, p.seq;
"""
RAW_CHECK = """
SELECT pl.id, pl.published_count, pl.published_total, pl.published_planned, s.n, s.total, s.planned
FROM plan pl LEFT JOIN (SELECT plan_id, count(*) AS n, sum(total_investment) AS total,
  sum(planned_investment) AS planned FROM project GROUP BY plan_id) s ON s.plan_id = pl.id ORDER BY pl.id;
SELECT c.id, c.published_count, c.published_total, c.published_planned, s.n, s.total, s.planned
FROM category c LEFT JOIN (SELECT category_id, count(*) AS n, sum(total_investment) AS total,
  sum(planned_investment) AS planned FROM project GROUP BY category_id) s ON s.category_id = c.id
ORDER BY c.plan_id, c.ordinal;
"""


@dataclass
class Sample:
    seconds: float
    rss_mb: float
    status: int
    first_line: float | None = None


@dataclass
class Row:
    label: str
    scale: str
    samples: list[Sample] = field(default_factory=list)
    raw: list[Sample] = field(default_factory=list)
    goal: str = ""
    met: bool | None = None
    note: str = ""
    value: float | None = None
    raw_value: float | None = None


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(
            next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1]
        )
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        ram = "unknown"
    cli = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True, check=False).stdout.split()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite (Python)": sqlite3.sqlite_version,
        "sqlite3 CLI": cli[0] if cli else "missing",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def run_once(argv: list[str], env: dict[str, str], timeout: float, stdin_sql: str | None = None) -> Sample:
    """One fresh process to completion: wall seconds, its own peak RSS, its exit status."""
    start = time.perf_counter()
    child = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE if stdin_sql else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    if stdin_sql:
        assert child.stdin is not None
        child.stdin.write(stdin_sql.encode())
        child.stdin.close()
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(child.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(child.pid, 0)
            child.returncode = -9
            return Sample(float("inf"), usage.ru_maxrss / MB, -9)
        time.sleep(0.002)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return Sample(elapsed, usage.ru_maxrss / MB, child.returncode)


def run_head(argv: list[str], env: dict[str, str], lines: int, timeout: float) -> Sample:
    """``argv | head -LINES``: seconds to the first line (``first_line``) and to line ``lines``, then the
    pipe is closed as head would close it. Peak RSS of the child until then."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    assert child.stdout is not None
    fd = child.stdout.fileno()
    seen = 0
    first = None
    ended = False
    buffer = b""
    while seen < lines:
        left = start + timeout - time.perf_counter()
        if left <= 0:
            break
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            break
        chunk = os.read(fd, 65536)
        now = time.perf_counter()
        if not chunk:  # fewer lines than asked for: head sees the end of the output
            ended = True
            first = first if first is not None else now - start
            break
        buffer += chunk
        count = buffer.count(b"\n")
        if count and first is None:
            first = now - start
        seen = count
    elapsed = time.perf_counter() - start if seen >= lines or ended else float("inf")
    child.stdout.close()  # head exits: the writer gets a broken pipe
    status, usage = reap(child.pid, 10)
    return Sample(elapsed, usage.ru_maxrss / MB, os.waitstatus_to_exitcode(status), first)


def reap(pid: int, seconds: float) -> tuple[int, os.struct_rusage]:
    """Wait up to ``seconds`` for a child (its own rusage included), then kill its process group."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        time.sleep(0.005)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _, status, usage = os.wait4(pid, 0)
    return status, usage


def median(samples: list[Sample], attr: str = "seconds") -> float | None:
    values = [getattr(s, attr) for s in samples if getattr(s, attr) is not None]
    return statistics.median(values) if values else None


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.python = sys.executable
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.tmp = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
        (self.tmp / "none.toml").write_text("", encoding="utf-8")
        self.env["TRACKER_CONFIG"] = str(self.tmp / "none.toml")
        self.rows: list[Row] = []

    def tracker(self, db: Path, *args: str) -> list[str]:
        return [self.python, "-m", "tracker", "--db", str(db), "--as-of", AS_OF, *args]

    def raw(self, db: Path, sql: str) -> list[str]:
        return ["sqlite3", "-csv", "-readonly", str(db), sql]

    # -- the databases ------------------------------------------------------------------------------------

    def small_db(self) -> Path:
        from queries import add_progress

        db = self.tmp / "87.db"
        done = subprocess.run(self.tracker(db, "init"), env=self.env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"bench: tracker init failed: {done.stderr}")
        add_progress(db)
        return db

    def big_db(self, projects: int) -> tuple[Path, str]:
        source = (ROOT / "tracker" / "generate.py").read_bytes()
        key = hashlib.sha256(json.dumps([projects, MONTHS, SEED, MONTH]).encode() + source).hexdigest()[:12]
        cache = Path(os.environ.get("BENCH_CACHE") or HERE / ".cache")
        cache.mkdir(parents=True, exist_ok=True)
        (cache / ".gitignore").write_text("*\n", encoding="utf-8")
        db = cache / f"generated-{projects}-{key}.db"
        meta = db.with_suffix(".json")
        if db.exists() and meta.exists():
            info = json.loads(meta.read_text())
            return (
                db,
                f"cached ({db.name}; built by `tracker generate` in {info['seconds']:.1f} s, peak {info['rss_mb']:.0f} MB)",
            )
        for old in cache.glob(f"generated-{projects}-*"):
            old.unlink()
        argv = self.tracker(
            db,
            "generate",
            "--projects",
            str(projects),
            "--progress-months",
            str(MONTHS),
            "--seed",
            str(SEED),
            "--through",
            MONTH,
        )
        print(f"bench: building {db} with tracker generate ({projects:,} projects, {MONTHS} months) …", flush=True)
        sample = run_once(argv, self.env, timeout=3600)
        if sample.status != 0:
            raise SystemExit(f"bench: tracker generate failed (exit {sample.status})")
        meta.write_text(json.dumps({"seconds": sample.seconds, "rss_mb": sample.rss_mb}))
        return db, f"built now by `tracker generate` in {sample.seconds:.1f} s, peak {sample.rss_mb:.0f} MB"

    # -- measuring -----------------------------------------------------------------------------------------

    def measure(
        self,
        label: str,
        scale: str,
        argv: list[str],
        raw: list[str] | None,
        goal: str,
        runs: int,
        *,
        head: int | None = None,
    ) -> Row:
        row = Row(label, scale, goal=goal)
        timeout = self.args.timeout
        # one warm-up of each (page cache, byte code), not counted
        if head:
            first = run_head(argv, self.env, head, timeout)
        else:
            first = run_once(argv, self.env, timeout)
        if raw:
            run_once(raw, self.env, timeout)
        todo = runs if first.seconds <= self.args.slow else 0
        if todo == 0:
            row.samples.append(first)
            row.note = "1 run (slow)" if first.seconds != float("inf") else f"timed out after {timeout:.0f} s"
            if raw:
                row.raw.append(run_once(raw, self.env, timeout))
        for _ in range(todo):
            row.samples.append(run_head(argv, self.env, head, timeout) if head else run_once(argv, self.env, timeout))
            if raw:
                row.raw.append(run_once(raw, self.env, timeout))
        bad = sorted({s.status for s in row.samples if s.status not in (0, 1)})
        if bad and not row.note:
            row.note = f"exit {', '.join(map(str, bad))}"
        self.rows.append(row)
        print(f"  {scale:>4} {label:<52} {fmt_s(median(row.samples))}  raw {fmt_s(median(row.raw))}", flush=True)
        return row

    def commands(self, db: Path, scale: str, runs: int, floor: float | None) -> None:
        out = self.tmp / "out"
        out.mkdir(exist_ok=True)
        rollup_goal = "≤ 1.5× raw"
        for by, sql in (("category", RAW_ROLLUP_CATEGORY), ("district", RAW_ROLLUP_DISTRICT)):
            row = self.measure(
                f"`rollup --by {by}`",
                scale,
                self.tracker(db, "rollup", "--by", by),
                self.raw(db, sql),
                rollup_goal,
                runs,
            )
            self.ratio_goal(row, 1.5)
        row = self.measure(
            "`list 'total>=1000' --format csv | head -100`",
            scale,
            self.tracker(db, "list", "total>=1000", "--format", "csv"),
            None,
            "first line ≤ floor + 0.2 s",
            runs,
            head=100,
        )
        row.raw = [run_head(self.raw(db, RAW_LIST_PAGE), self.env, 100, self.args.timeout) for _ in row.samples]
        row.value = median(row.samples, "first_line")
        row.raw_value = median(row.raw)
        if floor is not None and row.value is not None:
            row.met = row.value <= floor + 0.2
        row.note = (row.note + "; " if row.note else "") + f"100th line {fmt_s(median(row.samples))}"
        row = self.measure("`check`", scale, self.tracker(db, "check"), self.raw(db, RAW_CHECK), "≤ 3× raw", runs)
        self.ratio_goal(row, 3)
        row = self.measure(
            "`warnings --format json`", scale, self.tracker(db, "warnings", "--format", "json"), None, "≤ 10 s", runs
        )
        self.absolute_goal(row, 10)
        row = self.measure(
            "`export --format csv`",
            scale,
            self.tracker(db, "export", "--format", "csv"),
            self.raw(db, RAW_EXPORT),
            "≤ 2.5× raw",
            runs,
        )
        self.ratio_goal(row, 2.5)
        row = self.measure(
            "`export --format xlsx`",
            scale,
            self.tracker(db, "export", "--format", "xlsx", "--output", str(out / "export.xlsx")),
            self.raw(db, RAW_EXPORT),
            "≤ 200 MB (raw: the CSV export)",
            runs,
        )
        self.memory_only(row)
        for fmt in ("csv", "xlsx"):
            extra = ["--output", str(out / f"report.{fmt}")] if fmt == "xlsx" else []
            row = self.measure(
                f"`report --month {MONTH} --format {fmt}`",
                scale,
                self.tracker(db, "report", "--month", MONTH, "--format", fmt, *extra),
                None,
                "≤ 10 s",
                runs,
            )
            self.absolute_goal(row, 10)
        self.tui(db, scale, runs)

    def tui(self, db: Path, scale: str, runs: int) -> None:
        from tui_filter import measure_tui

        try:
            paints, filters, rss = measure_tui(db, runs, AS_OF, "韶山", self.args.timeout)
        except (RuntimeError, OSError) as exc:  # the TUI is being reworked: a failure is reported, not fatal
            for label in ("TUI first paint", "TUI filter `韶山` + Enter"):
                row = Row(label, scale, note=f"failed: {exc}")
                self.rows.append(row)
            print(f"  {scale:>4} TUI failed: {exc}", flush=True)
            return
        row = Row("TUI first paint", scale, [Sample(s, r, 0) for s, r in zip(paints, rss, strict=False)], goal="≤ 1 s")
        self.absolute_goal(row, 1)
        self.rows.append(row)
        row = Row(
            "TUI filter `韶山` + Enter (to the last repaint)",
            scale,
            [Sample(s, r, 0) for s, r in zip(filters, rss, strict=False)],
            goal="≤ 150 ms",
        )
        self.absolute_goal(row, 0.15)
        self.rows.append(row)
        print(
            f"  {scale:>4} TUI first paint {fmt_s(median(self.rows[-2].samples))}, "
            f"filter {fmt_s(median(self.rows[-1].samples))}",
            flush=True,
        )

    # -- goals ---------------------------------------------------------------------------------------------

    def ratio_goal(self, row: Row, limit: float) -> None:
        value, raw = median(row.samples), median(row.raw)
        row.met = None if value is None or not raw else value / raw <= limit and self._memory_ok(row)

    def absolute_goal(self, row: Row, limit: float) -> None:
        value = median(row.samples)
        row.met = None if value is None else value <= limit and self._memory_ok(row)

    def memory_only(self, row: Row) -> None:
        row.met = self._memory_ok(row) if row.samples else None

    @staticmethod
    def _memory_ok(row: Row) -> bool:
        return max(s.rss_mb for s in row.samples) <= 200

    # -- start-up ------------------------------------------------------------------------------------------

    def startup(self, db: Path, runs: int) -> tuple[float, list[tuple[str, float]]]:
        """``python -c "import sqlmodel"`` and each command at 87 projects, interleaved."""
        floor_cmd = [self.python, "-c", "import sqlmodel"]
        commands = {
            "check": self.tracker(db, "check", "--format", "json"),
            "export": self.tracker(db, "export", "--format", "csv"),
            "rollup": self.tracker(db, "rollup", "--by", "category"),
            "list": self.tracker(db, "list", "--format", "csv"),
        }
        for argv in (floor_cmd, *commands.values()):
            run_once(argv, self.env, 60)
        floor: list[float] = []
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            floor.append(run_once(floor_cmd, self.env, 60).seconds)
            for name, argv in commands.items():
                times[name].append(run_once(argv, self.env, 60).seconds)
        base = statistics.median(floor)
        return base, [(name, statistics.median(t)) for name, t in times.items()]


def fmt_s(value: float | None) -> str:
    if value is None:
        return "—"
    if value == float("inf"):
        return "timeout"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| command | projects | median | raw `sqlite3` | ratio | peak memory | goal | met |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        value = row.value if row.value is not None else median(row.samples)
        raw = row.raw_value if row.raw_value is not None else median(row.raw)
        ratio = f"{value / raw:.2f}×" if value not in (None, float("inf")) and raw else "—"
        peak = f"{max(s.rss_mb for s in row.samples):.0f} MB" if row.samples else "—"
        met = {True: "yes", False: "**no**", None: "—"}[row.met]
        shown = fmt_s(value)
        if row.label.startswith("`list"):
            shown = f"first line {shown}"
        note = f" ({row.note})" if row.note else ""
        label = row.label.replace("|", "\\|")
        lines.append(
            f"| {label}{note} | {row.scale} | {shown} | {fmt_s(raw)} | {ratio} | {peak} | {row.goal} | {met} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command (default 5; 3 with --quick)")
    parser.add_argument("--quick", action="store_true", help="100,000 projects and 3 runs")
    parser.add_argument("--projects", type=int, default=None, help="size of the big database (default 1,000,000)")
    parser.add_argument("--no-big", action="store_true", help="only the 87 projects")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run is stopped (default 300)")
    parser.add_argument("--slow", type=float, default=20, help="run once only what takes longer than this (s)")
    parser.add_argument("--output", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    if shutil.which("sqlite3") is None:
        print(
            "bench: the sqlite3 CLI is missing: `make bench` installs it (scripts/system-deps.sh bench)",
            file=sys.stderr,
        )
        return 2
    runs = args.runs if not (args.quick and args.runs == 5) else 3
    projects = args.projects or (100_000 if args.quick else 1_000_000)
    bench = Bench(args)
    info = machine()
    started = time.perf_counter()
    try:
        small = bench.small_db()
        print(f"bench: start-up floor and the 87 projects ({runs} runs each)", flush=True)
        floor, startup = bench.startup(small, max(runs, 5))
        bench.commands(small, "87", runs, floor)
        built = ""
        if not args.no_big:
            big, built = bench.big_db(projects)
            print(f"bench: {projects:,} projects ({built})", flush=True)
            bench.commands(big, f"{projects:,}", runs, floor)
    finally:
        shutil.rmtree(bench.tmp, ignore_errors=True)
    total = time.perf_counter() - started

    lines = [
        "## Benchmarks (`make bench`)",
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()) + ".",
        "",
        f"Medians of {runs} runs (fresh process each; as of {AS_OF}); raw = the `sqlite3` CLI on the same file "
        "in the same run; peak memory = the child's maximum RSS. The big database: "
        f"`tracker generate --projects {projects} --progress-months {MONTHS} --seed {SEED} --through {MONTH}`"
        + (f" — {built}." if built else "."),
        "",
        *table(bench.rows),
        "",
        (
            f"Start-up on the 87 projects (medians of {max(runs, 5)} interleaved runs): "
            f'`python -c "import sqlmodel"` {fmt_s(floor)}.'
        ),
        "",
        "| command | median | ratio to the floor | goal ≤ 1.25× |",
        "|---|---:|---:|---|",
        *(
            f"| `{name}` | {fmt_s(value)} | {value / floor:.2f}× | {'yes' if value / floor <= 1.25 else '**no**'} |"
            for name, value in startup
        ),
        "",
        f"Total bench time {total:.0f} s.",
    ]
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    args.output.write_text(text, encoding="utf-8")
    print(f"(written to {args.output})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
