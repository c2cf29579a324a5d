"""``tracker annual-plan CODE YEAR AMOUNT``: a project's annual plan investment (年度计划投资), read by ``report``.

Thin: parse, call :func:`tracker.progress.set_annual_plan`, print. A refused change exits 1.
"""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.app import EXIT_FINDINGS, app, fail, state
from tracker.cli.options import check_option
from tracker.cli.output import echo


@app.command("annual-plan")
def annual_plan(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Project code, e.g. 2-18.")],
    year: Annotated[int, typer.Argument(help="Calendar year, e.g. 2023.")],
    amount: Annotated[str | None, typer.Argument(help="年度计划投资 in 万元; leave out with --remove.")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the year's figure.")] = False,
    expect_version: Annotated[
        int | None, typer.Option("--expect-version", help="Refuse if the project is no longer at this version.")
    ] = None,
) -> None:
    """Set a project's annual plan investment (年度计划投资) for a year (used by `tracker report`)."""
    from tracker.concurrency import ConcurrentEditError
    from tracker.editing import UnknownProjectError
    from tracker.money import fmt_wan
    from tracker.progress import ProgressError, set_annual_plan

    if (amount is None) == (not remove):
        fail("give an AMOUNT, or --remove")
    check_option(expect_version, "--expect-version")
    st = state(ctx)
    try:
        result = set_annual_plan(st.engine(), code, year, amount, actor=st.actor(), expected_version=expect_version)
    except (ProgressError, UnknownProjectError, ConcurrentEditError) as exc:
        fail(str(exc).strip("'\""), EXIT_FINDINGS, error=exc)
    if result.operation_id is None:
        echo(f"{result.code} {year}: nothing to change")
        return
    shown = "removed" if result.planned is None else f"{fmt_wan(result.planned)} 万元"
    echo(f"{result.code} annual plan {year}: {shown} (operation {result.operation_id})")
