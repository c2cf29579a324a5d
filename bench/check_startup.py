"""How long a scheduled ``tracker check`` takes, measured against Python importing SQLModel.

A cron job pays for the whole process: interpreter start, imports, the queries, the JSON. The goal
is that ``tracker check --format json`` on the 87 projects costs at most 1.25× a bare
``python -c "import sqlmodel"``, which it can only meet if nothing heavy (Textual, the TUI, the
spreadsheet writers) is imported on the way. Both commands run interleaved in the same run, so a
busy machine slows both alike; medians are compared.

Also verifies, in a subprocess, that importing ``tracker.cli`` and running the check never loads
Textual, openpyxl, xlsxwriter or the TUI package (exits 1 if it does).

    .venv/bin/python bench/check_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORBIDDEN = ("textual", "openpyxl", "xlsxwriter", "tracker.tui")
GOAL = 1.25

PROBE = """
import io, sys, contextlib
from tracker.cli import main
out = io.StringIO()
try:
    with contextlib.redirect_stdout(out):
        main(["--db", sys.argv[1], "check", "--format", "json"])
except SystemExit as exc:
    code = exc.code
else:
    code = 0
watched = sys.argv[2].split(",")
loaded = sorted(w for w in watched if any(m == w or m.startswith(w + ".") for m in sys.modules))
print(code, ",".join(loaded))
"""


UNTUNED = """
import atexit, gc, sys
atexit.register(gc.unfreeze)  # atexit runs last-in first-out: this undoes the check's freeze at exit
gc.disable = lambda: None     # and the check's pause of the collector
from tracker.cli import main
main(["--db", sys.argv[1], "check", "--format", "json"])
"""
"""For comparison only: the same check with the collector left alone (what the tuning saves)."""


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall-clock seconds of one whole process, and its exit status."""
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each command (default 15)")
    args = parser.parse_args()

    python = sys.executable
    # As installed (pip compiles the package), the modules' byte code is cached: let the warm-up runs
    # write the cache even where PYTHONDONTWRITEBYTECODE is set, or every run would recompile.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_") and k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "tracker.db"
        env["TRACKER_CONFIG"] = str(Path(folder) / "none.toml")
        Path(env["TRACKER_CONFIG"]).write_text("", encoding="utf-8")
        init = subprocess.run(
            [python, "-m", "tracker", "--db", str(db), "init"], env=env, capture_output=True, text=True, check=False
        )
        if init.returncode != 0:
            print(init.stderr, file=sys.stderr)
            return 2

        probe = subprocess.run(
            [python, "-c", PROBE, str(db), ",".join(FORBIDDEN)], env=env, capture_output=True, text=True, check=False
        )
        status, _, loaded = probe.stdout.strip().partition(" ")
        print(f"check exit status on the bundled data: {status} (1 expected: the published totals disagree)")
        print(f"heavy modules loaded by tracker.cli + check: {loaded or 'none'} "
              f"(must be none of {', '.join(FORBIDDEN)})")
        rich = subprocess.run(
            [python, "-c", PROBE, str(db), "rich"], env=env, capture_output=True, text=True, check=False
        ).stdout.split()[1:]
        print(f"Rich loaded on the JSON path: {'yes' if rich else 'no'} (only text output needs it)")

        check_cmd = [python, "-m", "tracker", "--db", str(db), "check", "--format", "json"]
        base_cmd = [python, "-c", "import sqlmodel"]
        untuned_cmd = [python, "-c", UNTUNED, str(db)]
        timed(check_cmd, env), timed(base_cmd, env), timed(untuned_cmd, env)  # warm the caches, write .pyc
        check_times: list[float] = []
        base_times: list[float] = []
        untuned_times: list[float] = []
        for _ in range(args.runs):
            seconds, code = timed(check_cmd, env)
            if code not in (0, 1):
                print(f"tracker check failed with exit status {code}", file=sys.stderr)
                return 2
            check_times.append(seconds)
            base_times.append(timed(base_cmd, env)[0])
            untuned_times.append(timed(untuned_cmd, env)[0])

    check_ms = statistics.median(check_times) * 1000
    base_ms = statistics.median(base_times) * 1000
    untuned_ms = statistics.median(untuned_times) * 1000
    ratio = check_ms / base_ms
    print(f"runs: {args.runs} of each, interleaved")
    print(f"python -c 'import sqlmodel'                  median {base_ms:7.1f} ms")
    print(f"tracker check --format json (87 projects)     median {check_ms:7.1f} ms")
    print(f"  the same, collector left alone (reference)  median {untuned_ms:7.1f} ms  ({untuned_ms / base_ms:.2f}×)")
    print(f"ratio {ratio:.2f}× (goal ≤ {GOAL}×): {'met' if ratio <= GOAL else 'NOT met'}")
    print(json.dumps({"runs": args.runs, "import_sqlmodel_ms": round(base_ms, 1), "check_ms": round(check_ms, 1),
                      "ratio": round(ratio, 3), "untuned_check_ms": round(untuned_ms, 1),
                      "untuned_ratio": round(untuned_ms / base_ms, 3),
                      "heavy_modules": loaded.split(",") if loaded else []}))
    return 1 if loaded else 0


if __name__ == "__main__":
    sys.exit(main())
