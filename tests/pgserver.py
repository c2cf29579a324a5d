"""A throwaway PostgreSQL server for the tests: its own data folder, a Unix socket, no TCP port.

Uses the Debian server binaries (scripts/system-deps.sh installs them). As root, the cluster runs
as the ``postgres`` user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class NoPostgres(RuntimeError):
    pass


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise NoPostgres("PostgreSQL server binaries not found: run `make test` (scripts/system-deps.sh installs them)")
    return Path(found[-1]).parent


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a private server; yield an SQLAlchemy URL to a fresh database ``tracker``; stop and delete it."""
    bindir = _bindir()
    root = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        for path in (root, sock):
            os.chown(path, pw.pw_uid, pw.pw_gid)
    run = lambda *cmd: subprocess.run(_as_server_user([str(c) for c in cmd]), check=True, capture_output=True, text=True)
    try:
        run(bindir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")
        run(bindir / "pg_ctl", "-D", data, "-w", "-l", root / "log", "-o", f"-k {sock} -c listen_addresses='' -p 54329", "start")
        run(bindir / "createdb", "-h", sock, "-p", "54329", "-U", "postgres", "tracker")
        yield f"postgresql+psycopg://postgres@/tracker?host={sock}&port=54329"
    except subprocess.CalledProcessError as exc:
        raise NoPostgres(f"could not start PostgreSQL: {exc.stderr or exc.stdout}") from exc
    finally:
        subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
