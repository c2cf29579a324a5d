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
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import EXIT_FINDINGS, EXIT_OK, app, fail, state

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from tracker.checks import Acknowledgement, Finding, Report

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
    accept: Annotated[
        list[str] | None,
        typer.Option(
            "--accept",
            metavar="ID",
            help="Acknowledge this finding (its id, or a unique start of it; repeatable) with its current figures: "
            "it no longer fails the check until its figures change. Needs --reason; undo with `tracker undo`.",
        ),
    ] = None,
    accept_all: Annotated[
        bool,
        typer.Option("--accept-all", help="Acknowledge every finding that fails the check now (needs --reason)."),
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", metavar="TEXT", help="Why the findings are accepted (recorded).")
    ] = None,
    list_accepted: Annotated[
        bool, typer.Option("--list-accepted", help="List the accepted findings (rule, subject, figures, reason).")
    ] = False,
) -> None:
    """Recompute every total from the projects and hold it, and each project, to the published plan.

    Exit 0 when there is no error finding, 1 when there is (or a warning, with --strict),
    2 when the database or tracker.toml cannot be read or the call is wrong. A finding accepted with
    --accept is listed under "accepted" and fails nothing while its figures stay as accepted.
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
        run(ctx, fmt, strict, rules, list_rules, Acceptance(accept or [], accept_all, reason, list_accepted))
    finally:
        if collecting:
            gc.enable()


@dataclass(frozen=True)
class Acceptance:
    """What the call asks of acceptances: ``--accept``, ``--accept-all``, ``--reason``, ``--list-accepted``."""

    ids: list[str]
    all: bool
    reason: str | None
    listing: bool

    @property
    def accepting(self) -> bool:
        return bool(self.ids) or self.all


def run(
    ctx: typer.Context,
    fmt: str,
    strict: bool,
    rules: list[str] | None,
    list_rules: bool,
    acceptance: Acceptance | None = None,
) -> None:
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
        fail(str(exc), error=exc)
    acceptance = acceptance or Acceptance([], False, None, False)
    if acceptance.accepting and (list_rules or acceptance.listing):
        fail("--accept/--accept-all cannot be combined with --list-rules or --list-accepted")
    if acceptance.accepting and not (acceptance.reason or "").strip():
        fail("--accept and --accept-all need --reason TEXT (why the findings are known and accepted)")
    if acceptance.reason is not None and not acceptance.accepting:
        fail("--reason goes with --accept ID or --accept-all")
    if list_rules:
        print_rules(severities, fmt)
        raise typer.Exit(EXIT_OK)

    engine = st.engine()
    if acceptance.listing:
        try:
            print_acceptances(engine, fmt, only)
        finally:
            engine.dispose()
        raise typer.Exit(EXIT_OK)

    as_of = st.as_of
    from tracker.db import reading

    recorded: Recorded | None = None
    try:
        if acceptance.accepting:
            report, recorded = accept_findings(engine, st.actor(), acceptance, strict, as_of, severities, only)
        else:
            with reading(engine) as session:
                report = run_checks(session, as_of=as_of, severities=severities, only=only)
    except CheckError as exc:
        fail(f"{st.url}: {exc}")
    finally:
        engine.dispose()
    failed = report.failed(strict)
    if fmt == "json":
        from tracker.cli.output import print_json

        data = report_data(report, failed)
        if recorded is not None:
            data["recorded"] = recorded.as_dict()
        print_json(data)
    else:
        if recorded is not None:
            print_recorded(recorded)
        print_report(report, failed, strict, as_of.isoformat())
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


@dataclass(frozen=True)
class Recorded:
    """What ``--accept`` wrote: the operation (None when there was nothing to accept) and the ids."""

    operation_id: int | None
    ids: list[str]
    already: list[str]

    def as_dict(self) -> dict[str, object]:
        return {"operation_id": self.operation_id, "ids": self.ids, "already_accepted": self.already}


def _pick(report: Report, acceptance: Acceptance, strict: bool) -> tuple[list[Finding], list[str]]:
    """The findings to accept: those named (an exact id, or a start of one that only one finding has) and,
    with --accept-all, every finding that fails the check; plus the ids already accepted as they are."""
    from tracker.checks import ERROR, WARNING

    chosen: dict[str, Finding] = {}
    if acceptance.all:
        for finding in report.findings:
            if finding.severity == ERROR or (strict and finding.severity == WARNING):
                chosen.setdefault(finding.id, finding)
    already: list[str] = []
    open_ids = {f.id: f for f in report.findings}
    accepted_ids = [f.id for f, _ in report.accepted]
    for wanted in acceptance.ids:
        wanted = wanted.strip()
        if wanted in open_ids:
            chosen.setdefault(wanted, open_ids[wanted])
            continue
        if wanted in accepted_ids:
            already.append(wanted)
            continue
        matches = [i for i in open_ids if i.startswith(wanted)] if wanted else []
        if len(matches) == 1:
            chosen.setdefault(matches[0], open_ids[matches[0]])
            continue
        done = [i for i in accepted_ids if i.startswith(wanted)] if wanted else []
        if not matches and len(done) == 1:
            already.append(done[0])
            continue
        if matches:
            fail(f"--accept {wanted}: more than one finding has an id starting so ({', '.join(matches[:5])}…)")
        fail(f"--accept {wanted}: no current finding has this id (run `tracker check` to see the ids)")
    return list(chosen.values()), already


def accept_findings(
    engine: Engine,
    actor: str,
    acceptance: Acceptance,
    strict: bool,
    as_of: date,
    severities: dict[str, str],
    only: list[str] | None,
) -> tuple[Report, Recorded]:
    """Run the check and record the chosen findings as accepted, in one audited transaction (an ``accept``
    operation with one entry per acceptance written or updated), then report with them accepted."""
    import json

    from sqlmodel import select

    from tracker import audit
    from tracker.checks import partition, read_acceptances, run_checks
    from tracker.db import transaction
    from tracker.models import Acceptance as Row

    reason = (acceptance.reason or "").strip()
    with transaction(engine) as session:
        report = run_checks(session, as_of=as_of, severities=severities, only=only)
        chosen, already = _pick(report, acceptance, strict)
        if not chosen:
            return report, Recorded(None, [], already)
        noun = "finding" if len(chosen) == 1 else "findings"
        op = audit.begin(session, "accept", f"accept {len(chosen)} check {noun}: {reason}", actor)
        for finding in chosen:
            figures = json.dumps(finding.figures(), ensure_ascii=False, sort_keys=True)
            query = select(Row).where(Row.rule == finding.rule, Row.subject == finding.subject)
            row = session.exec(query).first()
            if row is None:
                row = Row(rule=finding.rule, subject=finding.subject, figures=figures, reason=reason, actor=op.actor)
                session.add(row)
                audit.log_insert(session, op, row, finding.code)
            else:  # accepted before with other figures: these figures now
                from tracker.models import utcnow

                before = audit.snapshot(row)
                row.figures, row.reason, row.actor, row.created_at = figures, reason, op.actor, utcnow()
                audit.log_update(session, op, row, before, finding.code)
        session.flush()
        operation_id = op.id
        updated = partition(
            report.everything(), report.checked, read_acceptances(session, rules=set(only or []) or None)
        )
    return updated, Recorded(operation_id, [f.id for f in chosen], already)


def report_data(report: Report, failed: bool) -> dict[str, object]:
    """The JSON document: ``ok``, ``counts``, ``findings`` (the contract), then ``checked``, then
    ``accepted`` (the findings accepted with their current figures, with who accepted them, when and why).
    ``counts`` and ``findings`` leave the accepted findings out; each finding carries ``acceptance``: the
    acceptance of other figures it has (its figures changed since), or null."""
    return {
        "ok": not failed,
        "counts": report.counts(),
        "findings": [
            finding.as_dict() | {"acceptance": _ack(report.superseded.get(finding.id))} for finding in report.findings
        ],
        "checked": report.checked.__dict__,
        "accepted": [
            finding.as_dict()
            | {"reason": ack.reason, "who": ack.who, "when": ack.when.isoformat(), "acceptance": _ack(ack)}
            for finding, ack in report.accepted
        ],
    }


def _ack(ack: Acknowledgement | None) -> dict[str, object] | None:
    return None if ack is None else ack.as_dict()


SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _group(finding: Finding, several_plans: bool) -> str:
    """The heading a finding is listed under: the plan's 总计 row, or its category."""
    prefix = f"{finding.plan} · " if several_plans else ""
    if finding.scope == "indicator":
        return f"{finding.plan} · 主要指标 (indicators)"
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
            out.print(f"    [{style}]{finding.id}[/]{line}: {markup_safe(finding.detail or finding.message)}")
            if (ack := report.superseded.get(finding.id)) is not None:
                out.print(
                    f"      [dim]an acceptance exists for other figures ({markup_safe(_figures_text(ack.figures))}), "
                    f"by {markup_safe(ack.who)} on {ack.when.date().isoformat()}: {markup_safe(ack.reason)}[/]"
                )
    if report.accepted:
        out.print()
        out.print(f"[green]ACCEPTED ({len(report.accepted)})[/]")
        heading = None
        for finding, ack in report.accepted:
            group = _group(finding, several_plans)
            if group != heading:
                heading = group
                out.print(f"  [bold]{markup_safe(group)}[/]")
            line = f" line {finding.line}" if finding.line else ""
            out.print(
                f"    [green]{finding.id}[/] ({finding.severity}){line}: "
                f"{markup_safe(finding.detail or finding.message)}"
            )
            out.print(
                f"      accepted by {markup_safe(ack.who)} on {ack.when.date().isoformat()}: {markup_safe(ack.reason)}"
            )
    out.print()
    verdict = "[bold red]FAILED[/]" if failed else "[bold green]OK[/]"
    tail = " (--strict: warnings fail too)" if strict else ""
    accepted = f", {len(report.accepted)} accepted" if report.accepted else ""
    out.print(
        f"{verdict}: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} info{accepted}{tail}"
    )


def _figures_text(figures: dict[str, object]) -> str:
    """An acceptance's figures in words: published, computed, difference (and unit), or its message."""
    unit = figures.get("unit")
    parts = [
        f"{name} {figures[name]}{' ' + str(unit) if unit else ''}"
        for name in ("published", "computed", "difference")
        if figures.get(name) is not None
    ]
    return ", ".join(parts) if parts else str(figures.get("message", ""))


def print_recorded(recorded: Recorded) -> None:
    """What --accept wrote, before the report."""
    from tracker.cli.output import console

    out = console()
    for finding_id in recorded.already:
        out.print(f"{finding_id} is already accepted with its current figures.")
    if recorded.operation_id is None:
        out.print("Nothing to accept: no finding fails the check that is not accepted already.")
    else:
        n = len(recorded.ids)
        out.print(
            f"Accepted {n} finding{'s' if n != 1 else ''} (operation {recorded.operation_id}; "
            "`tracker undo` takes it back)."
        )
    out.print()


def print_acceptances(engine: Engine, fmt: str, only: list[str] | None) -> None:
    """``--list-accepted``: every acceptance stored (of the --rule rules), oldest first."""
    from sqlalchemy.exc import SQLAlchemyError

    from tracker.checks import read_acceptances
    from tracker.db import reading

    try:
        with reading(engine) as session:
            acks = list(read_acceptances(session, rules=only).values())
    except SQLAlchemyError as exc:
        fail(f"cannot read the accepted findings: {exc.__class__.__name__}: {exc}")
    if fmt == "json":
        from tracker.cli.output import print_json

        print_json([ack.as_dict() for ack in acks])
        return
    from tracker.cli.output import console
    from tracker.safe_text import markup_safe

    out = console()
    if not acks:
        out.print("No accepted findings.")
        return
    out.print(f"ACCEPTED FINDINGS ({len(acks)})")
    for ack in acks:
        out.print(f"  [green]{ack.id}[/] #{ack.acceptance_id} {markup_safe(ack.subject)}")
        out.print(f"    {markup_safe(_figures_text(ack.figures))}")
        out.print(
            f"    accepted by {markup_safe(ack.who)} on {ack.when.isoformat(timespec='seconds')}: "
            f"{markup_safe(ack.reason)}"
        )


def print_rules(severities: dict[str, str], fmt: str) -> None:
    """The rule list with each rule's default and effective severity (after ``[check]``)."""
    from tracker.checks import RULE_LIST

    if fmt == "json":
        from tracker.cli.output import print_json

        print_json(
            [
                {
                    "id": r.id,
                    "severity": severities[r.id],
                    "default": r.severity,
                    "scope": r.scope,
                    "meaning": r.meaning,
                }
                for r in RULE_LIST
            ]
        )
        return
    from rich.table import Table

    from tracker.cli.output import console

    table = Table(title="tracker check rules", title_justify="left")
    for column in ("rule", "default", "in force", "scope", "meaning"):
        table.add_column(column, overflow="fold")
    for r in RULE_LIST:
        table.add_row(r.id, r.severity, severities[r.id], r.scope, r.meaning)
    console().print(table)
