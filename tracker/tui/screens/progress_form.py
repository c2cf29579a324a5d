"""``m`` on a project: record (or correct) one month's progress through
``tracker.progress.record_progress`` — what ``tracker progress`` calls: status, invested this
month, physical progress, problems, reporter; one audited, undoable transaction, refused if the
project changed since it was loaded. A validation message appears under the field it concerns.
On a conflict the form stays open with what was typed and takes the project's new version.

The form opens at the top, on the month, and the month defaults to the *last closed reporting month*
(:func:`tracker.schedule.last_complete_month`): the month before the as-of date's, or the as-of month
itself when the as-of date is its last day (a pinned ``as_of = 2023-06-30`` reports June; working on
2026-11-23 reports October). A line under the month says which month will be written, live, so
October's figures are not saved as November's. The two texts of a month (形象进度, 存在问题) may run
over several lines and are edited in a ``TextArea``, saved with their line breaks.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, Select, Static

from tracker.models import Project, Status
from tracker.safe_text import plain_text, visible
from tracker.schedule import last_complete_month, month_index, parse_month
from tracker.tui.i18n import status_label, tr
from tracker.tui.screens.form import ProjectFormScreen
from tracker.tui.widgets.form_field import FormField, text_area

FIELDS: tuple[str, ...] = ("month", "status", "invested", "progress_text", "problems", "reporter")


class ProgressFormScreen(ProjectFormScreen):
    """Dismisses with True when a month was recorded."""

    CSS_PATH = ["modal.tcss", "progress_form.tcss"]
    FORM = "progress"
    FIELDS = FIELDS
    FOCUS = "month"

    def __init__(self, code: str, project: Project) -> None:
        super().__init__(code, project)
        self.project_status = project.status

    def heading(self) -> Label:
        return Label(tr(self, "form.progress_title", code=self.code), classes="dialog-title", markup=False)

    def compose_fields(self) -> ComposeResult:
        app = self.tracker
        statuses: list[tuple[str, Any]] = [(status_label(app.language, s.value), s.value) for s in Status]
        month = Input(default_month(app.as_of), id="input-month")
        yield FormField("month", tr(self, "field.month"), month)
        yield Static(self.will_record(month.value), id="will-record", markup=False)
        yield FormField(
            "status",
            tr(self, "field.status"),
            Select(statuses, value=self.project_status, allow_blank=False, id="input-status"),
        )
        yield FormField("invested", tr(self, "field.invested"), Input("", placeholder="0", id="input-invested"))
        yield FormField("progress_text", tr(self, "field.progress_text"), text_area("progress_text"))
        yield FormField("problems", tr(self, "field.problems"), text_area("problems"))
        yield FormField("reporter", tr(self, "field.reporter"), Input(visible(app.actor), id="input-reporter"))

    def will_record(self, text: str) -> Text:
        """The line under the month: which month a save writes, or why the month cannot be read.
        Only a guide: :func:`tracker.progress.check_month` decides when saving."""
        try:
            year, month = parse_month(text)
        except ValueError:
            return plain_text(tr(self, "form.month_unreadable"), "bold red")
        if len(text.strip()) != 7:
            return plain_text(tr(self, "form.month_unreadable"), "bold red")
        as_of = self.tracker.as_of
        if month_index(year, month) > month_index(as_of.year, as_of.month):
            return plain_text(tr(self, "form.month_ahead", date=as_of.isoformat()), "bold red")
        return plain_text(tr(self, "form.will_record", year=f"{year:04d}", month=f"{month:02d}"), "bold")

    @on(Input.Changed, "#input-month")
    def _month_changed(self, event: Input.Changed) -> None:
        self.query_one("#will-record", Static).update(self.will_record(event.value))

    def submit(self) -> str | None:
        from tracker.progress import ProgressError, record_progress

        app = self.tracker
        status = self.query_one("#input-status", Select).value
        invested = self.value("invested").strip()
        try:
            result = record_progress(
                app.engine,
                self.code,
                self.value("month"),
                status=str(status) if isinstance(status, str) else None,
                invested=invested if invested else None,
                progress_text=self.value("progress_text"),
                problems=self.value("problems"),
                reporter=self.value("reporter"),
                expected_version=self.version,
                as_of=app.as_of,
            )
        except ProgressError as exc:
            self.refused(exc)
            return None
        return tr(self, "form.progress_saved", code=self.code, month=result.month)


def default_month(as_of: date) -> str:
    """``YYYY-MM`` of the last closed reporting month on ``as_of`` (see the module's docstring)."""
    index = last_complete_month(as_of)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
