"""``tracker generate``: fill the database with synthetic plans for measuring and testing (issue 10).

Thin: checks the options, creates the database when needed (like ``init``), runs
:func:`tracker.generate.generate` in one transaction with a Rich progress bar when stderr is a terminal,
and prints what was written.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.output import echo, print_json


@app.command("generate")
def generate(
    ctx: typer.Context,
    projects: Annotated[int, typer.Option("--projects", "-n", help="How many projects (1–5,000,000).")],
    plans: Annotated[
        int | None, typer.Option("--plans", help="How many plans (default: one per 87 projects; 1 to --projects).")
    ] = None,
    months: Annotated[int, typer.Option("--progress-months", help="Monthly progress records per project (0–120).")] = 6,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same portfolio.")] = 0,
    plant_errors: Annotated[
        int,
        typer.Option(
            "--plant-errors",
            help="Make this many categories' published totals 1.00 万元 too high (check then reports each).",
        ),
    ] = 0,
    through: Annotated[
        str | None,
        typer.Option("--through", metavar="YYYY-MM", help="The last month of progress (default from the seed)."),
    ] = None,
    append: Annotated[
        bool, typer.Option("--append", help="Add to a database that already holds projects (never removes any).")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Generate synthetic plans, projects and monthly progress (one transaction; `check` passes on them).

    Refuses a database that already holds projects unless --append. Recorded in the history as one
    operation without row entries; `tracker undo` refuses to reverse it.
    """
    from tracker.db import DatabaseError, create_schema, make_engine, new_database_file
    from tracker.generate import Options, check_options
    from tracker.generate import generate as run

    if fmt not in ("text", "json"):
        fail(f"--format must be text or json, not {fmt!r}")
    st = state(ctx)
    options = Options(projects, plans, months, seed, plant_errors, through, append)
    as_of = st.as_of
    check_options(options, as_of)  # exit 2 before any file is made
    try:
        with new_database_file(st.url, st.file_mode):
            engine = make_engine(st.url)
            try:
                create_schema(engine)
                with _progress_bar() as report:
                    result = run(engine, options, as_of=as_of, actor=st.actor(), progress=report)
            finally:
                engine.dispose()
    except DatabaseError as exc:
        fail(str(exc), error=exc)
    data = {
        "plans": result.plans,
        "categories": result.categories,
        "projects": result.projects,
        "progress_records": result.progress_records,
        "through": result.through,
        "seed": seed,
        "planted": result.planted,
        "operation_id": result.operation_id,
    }
    if fmt == "json":
        print_json(data)
        return
    months_text = f", {result.progress_records:,} progress records through {result.through}" if result.through else ""
    echo(
        f"Generated {result.projects:,} projects in {result.plans:,} plans ({result.categories:,} categories){months_text}."
    )
    if result.planted:
        echo(f"Planted {len(result.planted)} error(s): category published total + 1.00 万元 in:")
        for where in result.planted:
            echo(f"  {where}")


class _progress_bar:
    """A Rich progress bar on stderr when it is a terminal; otherwise nothing is drawn."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Any:
        if not sys.stderr.isatty():
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.bar.__enter__()
        return self.report

    def report(self, phase: str, done: int, total: int) -> None:
        if phase not in self.tasks:
            label = {"projects": "projects", "progress": "months of progress"}.get(phase, phase)
            self.tasks[phase] = self.bar.add_task(label, total=total)
        self.bar.update(self.tasks[phase], completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
