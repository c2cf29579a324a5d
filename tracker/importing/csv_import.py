"""``tracker import-csv``: update projects by code, and add new ones, from a CSV in the export's shape.

The file is what ``tracker export --format csv`` writes (or Excel saved after someone edited it):

- encoding: UTF-8 with or without a BOM, else GB18030 (a superset of GBK, what Excel in China
  saves); tried in that order, strictly;
- the header names columns of :data:`tracker.export.EXPORT_KEYS`, in any order; ``code`` is
  required; an unknown or repeated column is an error;
- editable columns: ``name nature owner district content note start_text finish_text
  total_investment planned_investment social_share_pct`` (validated by :mod:`tracker.editing`, the
  same rules as ``tracker edit``), and ``status`` for a project without progress records (once
  it has records its status follows them — record a month with ``tracker progress``);
- columns that follow others must agree with them when filled in: ``start_year``/``start_month``
  with ``start_text``, ``finish_*`` with ``finish_text``, ``seq`` with the code, ``category`` and
  ``plan`` with the project's; computed columns (``social_capital``, ``invested_to_date``,
  ``progress_pct``, ``last_report_month``) are ignored;
- a new project's code is ``C-N``: category ordinal C, number N (which guards against a
  spreadsheet that turned ``2-18`` into a date); it needs a name, a category, start and finish,
  and both amounts;
- text cells neutralised against formula injection (``'=…``) are read back as written.

Every row is checked before anything is written; if any is bad nothing is written and every error
is reported as ``file:line:column: message`` (a cell with control characters or over-long text is
one). Nothing is removed unless asked: with ``prune``, projects of the plan(s) the file covers that it
does not list are removed, except those with progress records or annual plans (kept and reported). A good file is applied in one transaction as one
audited operation (``tracker undo`` reverses the whole import). Rows equal to the database change
nothing, so ``export`` → ``import-csv`` → ``export`` is lossless and the middle step is a no-op.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from tracker import audit
from tracker.bounds import BoundsError, check_text
from tracker.concurrency import claim
from tracker.db import transaction
from tracker.editing import EditError, validate
from tracker.errors import RefusedError
from tracker.excel import unneutralise
from tracker.export import EXPORT_KEYS
from tracker.importing.load import Kept, ProjectRef, keep_reason
from tracker.models import Category, Plan, ProgressRecord, Project, Status

ENCODINGS = ("utf-8-sig", "gb18030")
CODE_RE = re.compile(r"^(?P<category>[0-9]{1,2})-(?P<number>[0-9]{1,4})$")

EDIT_FIELDS: dict[str, str] = {
    "name": "name",
    "nature": "nature",
    "owner": "owner",
    "district": "district",
    "content": "content",
    "note": "note",
    "start_text": "start",
    "finish_text": "finish",
    "total_investment": "total_investment",
    "planned_investment": "planned_investment",
    "social_share_pct": "social_share_pct",
}
"""CSV column → the :mod:`tracker.editing` field that validates it."""

DERIVED_FROM_TEXT = {
    "start_year": "start_text",
    "start_month": "start_text",
    "finish_year": "finish_text",
    "finish_month": "finish_text",
}
COMPUTED = frozenset({"social_capital", "invested_to_date", "progress_pct", "last_report_month"})
MULTILINE_COLUMNS = frozenset({"content", "note"})
"""Columns whose cells may hold line breaks and tabs; in every other cell they are refused."""
REQUIRED_FOR_NEW = ("name", "category", "start_text", "finish_text", "total_investment", "planned_investment")


@dataclass(frozen=True)
class CsvError:
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class CsvImportError(RefusedError, ValueError):
    """The file has bad rows; nothing was written. ``errors`` lists every one."""

    def __init__(self, errors: list[CsvError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class CsvImportResult:
    path: str
    encoding: str
    rows: int
    created: list[str] = field(default_factory=list)
    updated: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    unchanged: int = 0
    operation_id: int | None = None
    dry_run: bool = False
    removed: list[ProjectRef] = field(default_factory=list)
    """With ``prune``: projects of the covered plans the file does not list (removed, or would be)."""
    kept: list[Kept] = field(default_factory=list)
    """With ``prune``: projects the file does not list that stay because records hang on them."""


def decode(data: bytes, path: str) -> tuple[str, str]:
    """The file's text and the encoding that read it (UTF-8 with/without BOM, else GB18030)."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise CsvImportError([CsvError(path, 1, 1, "the file is neither UTF-8 nor GBK/GB18030 text")])


@dataclass
class _Row:
    line: int
    cells: dict[str, str]
    columns: dict[str, int]

    def col(self, name: str) -> int:
        return self.columns.get(name, 1)


@dataclass
class _Planned:
    """What one good row will do."""

    code: str
    project: Project | None
    values: dict[str, Any]


def read_rows(text: str, path: str) -> tuple[list[str], list[_Row], list[CsvError]]:
    """Header and rows with the physical line each row starts on; structural errors."""
    errors: list[CsvError] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return [], [], [CsvError(path, 1, 1, "the file is empty")]
    except csv.Error as exc:
        return [], [], [CsvError(path, 1, 1, f"not CSV: {exc}")]
    header = [h.strip() for h in header]
    columns: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        if name not in EXPORT_KEYS:
            errors.append(CsvError(path, 1, i, f"unknown column {name!r}; expected columns of `tracker export`"))
        elif name in columns:
            errors.append(CsvError(path, 1, i, f"column {name!r} appears twice (first in column {columns[name]})"))
        else:
            columns[name] = i
    if "code" not in columns:
        errors.append(CsvError(path, 1, 1, "no 'code' column: rows are matched by project code"))
    rows: list[_Row] = []
    line = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(CsvError(path, reader.line_num, 1, f"not CSV: {exc}"))
            break
        start, line = line, reader.line_num + 1
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            errors.append(
                CsvError(
                    path,
                    start,
                    min(len(fields), len(header)) + 1,
                    f"expected {len(header)} fields like the header, found {len(fields)}",
                )
            )
            continue
        cells = {name: unneutralise(_layout(fields[i - 1], name)) for name, i in columns.items()}
        cell_errors = [
            CsvError(path, start, columns[name], message)
            for name, text in cells.items()
            if (message := _bad_text(text, name))
        ]
        if cell_errors:
            errors.extend(cell_errors)
            continue
        rows.append(_Row(start, cells, columns))
    return header, rows, errors


def _layout(text: str, column: str) -> str:
    """A line break saved by Excel on Windows (CR LF) inside a multi-line cell is a line feed."""
    return text.replace("\r\n", "\n") if column in MULTILINE_COLUMNS else text


def _bad_text(text: str, column: str) -> str | None:
    """Why ``text`` may not be stored in ``column`` (control characters, over-long), or None."""
    try:
        check_text(text, column, multiline=column in MULTILINE_COLUMNS)
    except BoundsError as exc:
        return str(exc)
    return None


class _Checker:
    """Validates rows against the database and plans the changes; collects every error."""

    def __init__(self, session: Session, path: str) -> None:
        self.session = session
        self.path = path
        self.errors: list[CsvError] = []
        self.plans = {p.name: p for p in session.exec(select(Plan))}
        self.categories: dict[tuple[int, str], Category] = {
            (c.plan_id, c.name): c for c in session.exec(select(Category))
        }
        self.categories_by_ordinal: dict[tuple[int, int], Category] = {
            (c.plan_id, c.ordinal): c for c in self.categories.values()
        }
        self.projects = {p.code: p for p in session.exec(select(Project))}
        self.with_records: set[int] = set(session.exec(select(ProgressRecord.project_id).distinct()))

    def error(self, row: _Row, column: str, message: str) -> None:
        self.errors.append(CsvError(self.path, row.line, row.col(column), f"{column}: {message}"))

    def check(self, row: _Row) -> _Planned | None:
        code = row.cells.get("code", "").strip()
        if not code:
            self.error(row, "code", "is empty")
            return None
        project = self.projects.get(code)
        before = len(self.errors)
        values: dict[str, Any] = {}
        for column, field_name in EDIT_FIELDS.items():
            if column not in row.cells:
                continue
            text = row.cells[column]
            if column == "district" and not text.strip():
                values["district"] = None
                continue
            try:
                values |= validate({field_name: text})
            except EditError as exc:
                message = str(exc).split(": ", 1)[-1]
                self.error(row, column, message)
                continue
        self._check_derived(row, values)
        plan = self._plan(row, project)
        category = self._category(row, project, plan, code)
        if project is None:
            self._check_new(row, code, values, category)
        else:
            self._check_seq(row, str(project.seq))
        status = self._status(row, project)
        if status is not None:
            values["status"] = status
        if len(self.errors) > before:
            return None
        if project is None:
            assert plan is not None and category is not None
            match = CODE_RE.match(code)
            assert match is not None
            values |= {"plan_id": plan.id, "category_id": category.id, "seq": int(match.group("number"))}
            if values.get("district"):
                values["district_source"] = "user"
        elif "district" in values and values["district"] != project.district:
            values["district_source"] = "user" if values["district"] else None
        if "start_year" in values and "finish_year" in values and values["finish_year"] < values["start_year"]:
            self.error(row, "finish_text", "is before the start")
            return None
        return _Planned(code, project, values)

    def _check_derived(self, row: _Row, values: dict[str, Any]) -> None:
        for column, source in DERIVED_FROM_TEXT.items():
            text = row.cells.get(column, "").strip()
            if not text or column not in values:
                continue
            expected = values[column]
            if text != ("" if expected is None else str(expected)):
                self.error(
                    row,
                    column,
                    f"{text!r} disagrees with {source} {row.cells[source].strip()!r} "
                    f"(it follows {source}; fix or clear it)",
                )

    def _check_seq(self, row: _Row, expected: str) -> None:
        text = row.cells.get("seq", "").strip()
        if text and text != expected:
            self.error(row, "seq", f"{text!r} disagrees with the code (number {expected}); the code cannot change")

    def _plan(self, row: _Row, project: Project | None) -> Plan | None:
        name = row.cells.get("plan", "").strip()
        if project is not None:
            current = next((p for p in self.plans.values() if p.id == project.plan_id), None)
            if name and current is not None and name != current.name:
                self.error(row, "plan", f"{name!r}: project {project.code} belongs to {current.name!r} and cannot move")
            return current
        if name:
            if name not in self.plans:
                self.error(row, "plan", f"no plan {name!r}; import the plan first")
            return self.plans.get(name)
        if len(self.plans) == 1:
            return next(iter(self.plans.values()))
        self.error(row, "plan", "is empty and there is not exactly one plan to add the project to")
        return None

    def _category(self, row: _Row, project: Project | None, plan: Plan | None, code: str) -> Category | None:
        name = row.cells.get("category", "").strip()
        if plan is None or plan.id is None:
            return None
        if project is not None:
            current = next(c for c in self.categories.values() if c.id == project.category_id)
            if name and name != current.name:
                self.error(
                    row,
                    "category",
                    f"{name!r}: project {code} is in {current.name!r}; a project cannot change category",
                )
            return current
        if not name:
            return None  # reported by _check_new
        category = self.categories.get((plan.id, name))
        if category is None:
            known = ", ".join(c.name for (pid, _), c in self.categories.items() if pid == plan.id)
            self.error(row, "category", f"no category {name!r} in {plan.name}; expected one of {known}")
        return category

    def _check_new(self, row: _Row, code: str, values: dict[str, Any], category: Category | None) -> None:
        for column in REQUIRED_FOR_NEW:
            if not row.cells.get(column, "").strip():
                self.error(row, column, f"a new project ({code}) needs a value")
        match = CODE_RE.match(code)
        if match is None:
            self.error(
                row,
                "code",
                f"{code!r} is not a project code (category-number, e.g. 2-51); "
                "was it turned into a date by a spreadsheet?",
            )
            return
        if category is not None and int(match.group("category")) != category.ordinal:
            self.error(row, "code", f"{code} does not start with the ordinal of {category.name!r} ({category.ordinal})")
        self._check_seq(row, str(int(match.group("number"))))
        if category is not None:
            taken = self.session.exec(
                select(func.count())
                .select_from(Project)
                .where(Project.category_id == category.id, Project.seq == int(match.group("number")))
            ).one()
            if taken:
                self.error(row, "code", f"number {int(match.group('number'))} is already used in {category.name!r}")

    def _status(self, row: _Row, project: Project | None) -> str | None:
        text = row.cells.get("status", "").strip()
        if not text:
            return None
        try:
            status = Status.parse(text).value
        except ValueError as exc:
            self.error(row, "status", str(exc))
            return None
        if project is not None and project.id in self.with_records and status != project.status:
            self.error(
                row,
                "status",
                f"{status}: project {project.code} has progress records and its status follows "
                f"them ({project.status}); record a month with `tracker progress` instead",
            )
            return None
        return status


def plan_import(session: Session, text: str, path: str) -> tuple[int, list[_Planned]]:
    """Check every row; raise :class:`CsvImportError` with all errors, else return the planned rows."""
    _header, rows, errors = read_rows(text, path)
    checker = _Checker(session, path)
    checker.errors.extend(errors)
    planned: list[_Planned] = []
    seen: dict[str, int] = {}
    if not errors or all(e.line != 1 for e in errors):
        for row in rows:
            code = row.cells.get("code", "").strip()
            if code and code in seen:
                checker.error(row, "code", f"{code} appears twice (first on line {seen[code]})")
                continue
            seen[code] = row.line
            result = checker.check(row)
            if result is not None:
                planned.append(result)
    if checker.errors:
        raise CsvImportError(sorted(checker.errors, key=lambda e: (e.line, e.column)))
    return len(rows), planned


def _prune(session: Session, planned: list[_Planned], listed: set[str], result: CsvImportResult) -> list[Project]:
    """The projects ``prune`` removes: those of the plans the file covers that it does not list, less
    those with progress records or annual plans (reported as kept)."""
    plan_ids = {item.project.plan_id if item.project is not None else item.values["plan_id"] for item in planned}
    if not plan_ids:
        return []
    removable: list[Project] = []
    candidates = session.exec(select(Project).where(Project.plan_id.in_(plan_ids)).order_by(Project.id))  # type: ignore[attr-defined]
    for project in candidates:
        if project.code in listed:
            continue
        reason = keep_reason(session, project)
        if reason is not None:
            result.kept.append(Kept(project.code, project.name, reason))
            continue
        removable.append(project)
        result.removed.append(ProjectRef(project.code, project.name))
    return removable


def import_csv(
    engine: Engine, path: Path, *, actor: str = "", dry_run: bool = False, prune: bool = False
) -> CsvImportResult:
    """Check then apply ``path`` in one transaction (nothing is written on any error or a dry run).

    Without ``prune`` nothing is ever removed: a file listing some projects updates those only.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CsvImportError([CsvError(str(path), 1, 1, f"cannot read the file: {exc.strerror or exc}")]) from exc
    text, encoding = decode(data, str(path))
    with transaction(engine) as session:
        count, planned = plan_import(session, text, str(path))
        result = CsvImportResult(str(path), encoding, count, dry_run=dry_run)
        changes: list[tuple[_Planned, dict[str, tuple[Any, Any]]]] = []
        for item in planned:
            if item.project is None:
                result.created.append(item.code)
                changes.append((item, {}))
                continue
            diff = {k: (getattr(item.project, k), v) for k, v in item.values.items() if getattr(item.project, k) != v}
            if diff:
                result.updated[item.code] = diff
                changes.append((item, diff))
            else:
                result.unchanged += 1
        removable = _prune(session, planned, {item.code for item in planned}, result) if prune else []
        if dry_run or not (changes or removable):
            return result
        summary = f"import-csv {path.name}: {len(result.created)} created, {len(result.updated)} updated"
        if removable:
            summary += f", {len(removable)} removed"
        op = audit.begin(session, "import-csv", summary, actor)
        for project in removable:
            audit.log_delete(session, op, project, project.code)
            session.delete(project)
        for item, diff in changes:
            if item.project is None:
                project = Project(code=item.code, **item.values)
                session.add(project)
                audit.log_insert(session, op, project, item.code)
                continue
            project = item.project
            before = audit.snapshot(project)
            for name, (_, new) in diff.items():
                setattr(project, name, new)
            claim(session, project, before["version"])
            audit.log_update(session, op, project, before, item.code)
        result.operation_id = op.id
        return result
