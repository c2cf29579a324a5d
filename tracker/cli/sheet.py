"""``tracker sheet``: the month's fill-in sheets (填报表) for the districts (:mod:`tracker.sheets`).

``--output FILE.xlsx|FILE.csv`` writes one file for the FILTER; ``--by district --output DIR`` writes
one file per district into DIR (created if its parent exists), named ``2026-10 雨湖区 填报表.xlsx``
(``未划分`` for projects not placed). The file name's extension picks the format; ``--format`` that
contradicts it is an error (exit 2). Each file is written through a temporary file renamed when
complete.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli.app import EXIT_FINDINGS, app, fail, state
from tracker.cli.output import echo
from tracker.cli.query import FILTER_COMMAND, FilterWords

FORMATS = ("xlsx", "csv")


def _format(output: Path, fmt: str | None, by_district: bool) -> str:
    """The format: the file's extension (one file), else --format (default xlsx) for a folder."""
    if fmt is not None and fmt not in FORMATS:
        fail(f"--format must be xlsx or csv, not {fmt!r}")
    suffix = output.suffix.lower().lstrip(".")
    if by_district:
        if suffix in FORMATS and not output.is_dir():
            fail(f"--by district writes one file per district into a folder; {output} looks like a file name")
        return fmt or "xlsx"
    if suffix not in FORMATS:
        fail(f"--output {output}: give a file name ending in .xlsx or .csv (or --by district and a folder)")
    if fmt is not None and fmt != suffix:
        fail(f"--format {fmt} contradicts the file name {output.name} (.{suffix})")
    return suffix


def _folder(output: Path) -> Path:
    from tracker.errors import OutputError

    if output.exists() and not output.is_dir():
        raise OutputError(f"{output}: is not a folder; --by district writes one file per district into a folder")
    parent = output.parent if str(output.parent) else Path(".")
    if not output.exists():
        if not parent.is_dir():
            raise OutputError(f"{output}: the folder {parent} does not exist")
        try:
            output.mkdir()
        except OSError as exc:
            raise OutputError(f"{output}: cannot create the folder: {exc.strerror}") from exc
    return output


@app.command("sheet", context_settings=FILTER_COMMAND)
def sheet_command(
    ctx: typer.Context,
    words: FilterWords = None,
    month: Annotated[str | None, typer.Option("--month", help="The month to report, YYYY-MM (required).")] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="district: one file per district into the --output folder.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", help="FILE.xlsx or FILE.csv; with --by district, a folder (required).")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="xlsx or csv (default: the file's extension; xlsx for a folder).")
    ] = None,
) -> None:
    """Fill-in sheets for a month: the projects' fixed figures locked, the month's cells open.

    Send them to the districts; read the returns back with `tracker import-progress`.
    """
    from tracker import sheets
    from tracker.cli.output import check_output_path, output_file
    from tracker.cli.query import compile_filter, filter_text
    from tracker.db import reading
    from tracker.progress import ProgressError, check_month

    st = state(ctx)
    if month is None:
        fail("--month YYYY-MM is required")
    if output is None:
        fail("--output FILE.xlsx|FILE.csv (or a folder with --by district) is required")
    if by is not None and by != "district":
        fail(f"--by must be district, not {by!r}")
    by_district = by == "district"
    chosen = _format(output, fmt, by_district)
    try:
        month = check_month(month)
    except ProgressError as exc:
        fail(f"--month: {exc.message}")
    if not by_district:
        check_output_path(output)
    where = compile_filter(st, words)
    text = filter_text(words)
    engine = st.engine()
    written: list[tuple[Path, str, int]] = []
    with reading(engine) as session:
        if sheets.count(session, where) == 0:
            fail("no project matches the filter; no sheet written", EXIT_FINDINGS)
        if by_district:
            folder = _folder(output)
            targets = [
                (district, sheets.district_where(where, district), folder / sheets.file_name(month, district, chosen))
                for district in sheets.districts(session, where)
            ]
        else:
            targets = [(sheets.label_of(session, where), where, output)]
        for district, scope, path in targets:
            label = district if isinstance(district, str) else sheets.UNPLACED
            rows = sheets.rows(session, month, scope)
            if chosen == "csv":
                with output_file(path) as out:
                    count = sheets.write_csv(out, rows)
            else:
                title = sheets.title_for(session, scope, month, label, text)
                with output_file(path, binary=True) as out:
                    count = sheets.write_xlsx(out, title, rows)
            written.append((path, label, count))
    for path, label, count in written:
        echo(f"wrote {path} ({label}, {_projects(count)})", err=True)
    total = sum(count for _, _, count in written)
    echo(f"{len(written)} sheet(s) for {month}, {_projects(total)}", err=True)


def _projects(n: int) -> str:
    return f"{n} project" if n == 1 else f"{n} projects"
