"""``tracker progress`` (issue 5); ``history`` lives in :mod:`tracker.cli.history`, ``undo`` and ``redo``
in :mod:`tracker.cli.undo`.

Thin: the command parses its options, calls one domain function (:mod:`tracker.progress`) and prints
the result. A refused change (bad value, unknown project, stale version) exits 1; a usage error exits 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.app import EXIT_FINDINGS, app, fail, state
from tracker.cli.options import TextOrJson, check_option
from tracker.cli.options import check_format as _check_format
from tracker.cli.output import console, echo, print_json

if TYPE_CHECKING:
    from tracker.models import ProgressRecord

__all__ = ["TextOrJson", "check_option", "progress"]


# --------------------------------------------------------------------------------------------
# progress


@app.command("progress")
def progress(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Project code, e.g. 2-18.")],
    month: Annotated[
        str | None, typer.Option("--month", help="YYYY-MM. Without it: list the project's records.")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="not_started/in_progress/completed/suspended/cancelled or 未开工/在建/已竣工/停缓建/取消."
        ),
    ] = None,
    invested: Annotated[
        str | None,
        typer.Option(
            "--invested", help="Invested this month, 万元 (exact; 0 allowed; negative corrects an earlier month)."
        ),
    ] = None,
    progress_text: Annotated[str | None, typer.Option("--progress-text", help="形象进度: physical progress.")] = None,
    problems: Annotated[str | None, typer.Option("--problems", help="存在问题: problems.")] = None,
    reporter: Annotated[
        str | None, typer.Option("--reporter", help="Who reports (default general.reporter or the login name).")
    ] = None,
    expect_version: Annotated[
        int | None, typer.Option("--expect-version", help="Refuse if the project is no longer at this version.")
    ] = None,
    fmt: TextOrJson = "text",
) -> None:
    """Record (or correct) a project's progress for one month; without --month, list its records."""
    from tracker.concurrency import ConcurrentEditError
    from tracker.editing import UnknownProjectError
    from tracker.progress import ProgressError, record_progress

    _check_format(fmt, ("text", "json"))
    check_option(expect_version, "--expect-version")
    st = state(ctx)
    engine = st.engine()
    if month is None:
        if any(v is not None for v in (status, invested, progress_text, problems, expect_version)):
            fail("--month is required to record progress")
        _list_progress(engine, code, fmt)
        return
    try:
        result = record_progress(
            engine,
            code,
            month,
            status=status,
            invested=invested,
            progress_text=progress_text,
            problems=problems,
            reporter=reporter or st.actor(),
            expected_version=expect_version,
            as_of=st.as_of,
        )
    except (ProgressError, UnknownProjectError, ConcurrentEditError) as exc:
        fail(str(exc).strip("'\""), EXIT_FINDINGS, error=exc)
    if fmt == "json":
        print_json(
            {
                "code": result.code,
                "month": result.month,
                "status": result.status,
                "invested": result.invested,
                "invested_to_date": result.invested_to_date,
                "project_status": result.project_status,
                "version": result.version,
                "operation_id": result.operation_id,
                "corrected": result.corrected,
                "changed": {k: {"old": old, "new": new} for k, (old, new) in result.changed.items()},
            }
        )
        return
    from tracker.models import Status
    from tracker.money import fmt_wan

    if result.operation_id is None:
        echo(f"{result.code} {result.month}: nothing to change (version {result.version})")
        return
    verb = "corrected" if result.corrected else "recorded"
    echo(
        f"{result.code} {result.month} {verb}: {Status(result.status).zh}, {fmt_wan(result.invested)} 万元 this month, "
        f"{fmt_wan(result.invested_to_date)} 万元 to date; project is {Status(result.project_status).zh}, "
        f"version {result.version} (operation {result.operation_id})"
    )


def _list_progress(engine: Any, code: str, fmt: str) -> None:
    from tracker.db import reading
    from tracker.editing import UnknownProjectError
    from tracker.progress import project_progress

    try:
        with reading(engine) as session:
            records = project_progress(session, code)
    except UnknownProjectError as exc:
        fail(str(exc).strip("'\""), EXIT_FINDINGS, error=exc)
    data = [_record_data(r) for r in records]
    if fmt == "json":
        print_json(data)
        return
    _print_records(code, records)


def _record_data(r: ProgressRecord) -> dict[str, Any]:
    return {
        "month": r.month,
        "status": r.status,
        "invested": r.invested,
        "progress_text": r.progress_text,
        "problems": r.problems,
        "reporter": r.reporter,
        "recorded_at": r.recorded_at.isoformat(),
    }


def _print_records(code: str, records: list[ProgressRecord]) -> None:
    """A project's monthly records as a table; the texts reported are ``Text`` (never markup)."""
    from decimal import Decimal

    from rich.table import Table

    from tracker.numbers import fmt_money
    from tracker.safe_text import plain_text

    table = Table(title=plain_text(f"{code}: {len(records)} monthly records"), title_justify="left")
    for column in ("month", "status", "invested 万元", "to date 万元", "形象进度", "存在问题", "reporter"):
        table.add_column(column, justify="right" if "万元" in column else "left", overflow="fold")
    running = Decimal(0)
    for r in records:
        running += r.invested
        cells = (
            r.month,
            _status_zh(r.status),
            fmt_money(r.invested),
            fmt_money(running),
            r.progress_text,
            r.problems,
            r.reporter,
        )
        table.add_row(*(plain_text(cell) for cell in cells))
    console().print(table)


def _status_zh(value: str) -> str:
    """``在建`` for ``in_progress``; a value that is no status (edited in the database) as it is."""
    from tracker.models import Status

    try:
        return Status(value).zh
    except ValueError:
        return value
