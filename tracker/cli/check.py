"""``tracker check``: the headless budget check that cron jobs and CI trust (issue 3).

Thin on purpose: read the settings, run :func:`tracker.checks.run_checks`, print, exit. The exit
status is the contract — 0 no error finding, 1 an error finding (or a warning with ``--strict``),
2 the database or the configuration could not be read, or the call was wrong. The JSON path
imports neither Rich nor anything of the TUI or the spreadsheet writers, so a scheduled check
starts nearly as fast as Python can import SQLModel.
"""

from __future__ import annotations

import atexit
import gc
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import EXIT_FINDINGS, EXIT_OK, app, fail, state

if TYPE_CHECKING:
    from tracker.checks import Finding, Report

FORMATS = ("text", "json")


@app.command("check")
def check(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="text (grouped, for people) or json (for scripts).")
    ] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")] = False,
    rules: Annotated[
        list[str] | None,
        typer.Option("--rule", "-r", metavar="ID", help="Run only this rule (repeatable); see --list-rules."),
    ] = None,
    list_rules: Annotated[
        bool, typer.Option("--list-rules", help="List the rules with their severities and exit.")
    ] = False,
) -> None:
    """Recompute every total from the projects and hold it, and each project, to the published plan.

    Exit 0 when there is no error finding, 1 when there is (or a warning, with --strict),
    2 when the database or tracker.toml cannot be read or the call is wrong.
    """
    # Start-up allocates several hundred thousand objects (SQLAlchemy, pydantic, the models) that live
    # until the process ends. Letting the cyclic collector walk them again and again while importing,
    # and once more at interpreter shutdown, costs a scheduled check about a third of its run time
    # (see bench/check_startup.py). So: no collection while the check runs (nothing here builds
    # garbage cycles worth collecting; the collector is back on before returning, for callers that
    # live on, such as tests), and at exit the survivors are frozen, which spares the shutdown
    # collection — the check holds no open file or connection that relies on a finaliser.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    collecting = gc.isenabled()
    gc.disable()
    try:
        run(ctx, fmt, strict, rules, list_rules)
    finally:
        if collecting:
            gc.enable()


def run(ctx: typer.Context, fmt: str, strict: bool, rules: list[str] | None, list_rules: bool) -> None:
    """The check proper: settings, rules, database, report, exit status."""
    from tracker.checks import CheckConfigError, CheckError, effective_severities, run_checks, validate_rule_ids

    if fmt not in FORMATS:
        fail(f"--format must be {' or '.join(FORMATS)}, not {fmt!r}")
    st = state(ctx)
    config = st.config
    try:
        severities = effective_severities(config.section("check"), where=f"{config.path or 'configuration'}: [check]")
        only = validate_rule_ids(rules) if rules else None
    except CheckConfigError as exc:
        fail(str(exc))
    if list_rules:
        print_rules(severities, fmt)
        raise typer.Exit(EXIT_OK)

    as_of = st.as_of
    engine = st.engine()
    from tracker.db import reading

    try:
        with reading(engine) as session:
            report = run_checks(session, as_of=as_of, severities=severities, only=only)
    except CheckError as exc:
        fail(f"{st.url}: {exc}")
    finally:
        engine.dispose()
    failed = report.failed(strict)
    if fmt == "json":
        from tracker.cli.output import print_json

        print_json(report_data(report, failed))
    else:
        print_report(report, failed, strict, as_of.isoformat())
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def report_data(report: Report, failed: bool) -> dict[str, object]:
    """The JSON document: ``ok``, ``counts``, ``findings`` (the contract), then ``checked``."""
    return {
        "ok": not failed,
        "counts": report.counts(),
        "findings": [finding.as_dict() for finding in report.findings],
        "checked": report.checked.__dict__,
    }


SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _group(finding: Finding, several_plans: bool) -> str:
    """The heading a finding is listed under: the plan's 总计 row, or its category."""
    prefix = f"{finding.plan} · " if several_plans else ""
    if finding.category_ordinal is None:
        return f"{finding.plan} · 总计 (plan)"
    return f"{prefix}category {finding.category_ordinal} {finding.category}"


def print_report(report: Report, failed: bool, strict: bool, as_of: str) -> None:
    """Findings grouped by severity, then by scope (the plan's totals, then each category in order)."""
    from tracker.cli.output import console
    from tracker.safe_text import markup_safe

    out = console()
    c = report.checked
    out.print(
        f"Checked {c.plans} plan{'s' if c.plans != 1 else ''}, {c.categories} categories, {c.projects} projects, "
        f"{c.progress_records} progress records (as of {as_of})."
    )
    several_plans = c.plans > 1
    counts = report.counts()
    for severity, style in SEVERITY_STYLE.items():
        found = [f for f in report.findings if f.severity == severity]
        if not found:
            continue
        out.print()
        plural = "S" if len(found) != 1 else ""
        out.print(f"[{style}]{severity.upper()}{plural} ({len(found)})[/]")
        heading = None
        for finding in found:
            group = _group(finding, several_plans)
            if group != heading:
                heading = group
                out.print(f"  [bold]{markup_safe(group)}[/]")
            line = f" line {finding.line}" if finding.line else ""
            out.print(f"    [{style}]{finding.rule}[/]{line}: {markup_safe(finding.detail or finding.message)}")
    out.print()
    verdict = "[bold red]FAILED[/]" if failed else "[bold green]OK[/]"
    tail = " (--strict: warnings fail too)" if strict else ""
    out.print(f"{verdict}: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} info{tail}")


def print_rules(severities: dict[str, str], fmt: str) -> None:
    """The rule list with each rule's default and effective severity (after ``[check]``)."""
    from tracker.checks import RULE_LIST

    if fmt == "json":
        from tracker.cli.output import print_json

        print_json([
            {"id": r.id, "severity": severities[r.id], "default": r.severity, "scope": r.scope, "meaning": r.meaning}
            for r in RULE_LIST
        ])
        return
    from rich.table import Table

    from tracker.cli.output import console

    table = Table(title="tracker check rules", title_justify="left")
    for column in ("rule", "default", "in force", "scope", "meaning"):
        table.add_column(column, overflow="fold")
    for r in RULE_LIST:
        table.add_row(r.id, r.severity, severities[r.id], r.scope, r.meaning)
    console().print(table)
