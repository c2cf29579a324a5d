"""``m`` on a project: record (or correct) one month's progress through
``tracker.progress.record_progress`` — what ``tracker progress`` calls: status, invested this
month, physical progress, problems, reporter; one audited, undoable transaction, refused if the
project changed since it was loaded. A validation message appears under the field it concerns.
On a conflict the form stays open with what was typed and takes the project's new version.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input, Label, Select

from tracker.models import Project, Status
from tracker.safe_text import visible
from tracker.tui.i18n import status_label, tr
from tracker.tui.screens.form import ProjectFormScreen
from tracker.tui.widgets.form_field import FormField

FIELDS: tuple[str, ...] = ("month", "status", "invested", "progress_text", "problems", "reporter")


class ProgressFormScreen(ProjectFormScreen):
    """Dismisses with True when a month was recorded."""

    CSS_PATH = ["modal.tcss", "progress_form.tcss"]
    FORM = "progress"
    FIELDS = FIELDS
    FOCUS = "invested"

    def __init__(self, code: str, project: Project) -> None:
        super().__init__(code, project)
        self.project_status = project.status

    def heading(self) -> Label:
        return Label(tr(self, "form.progress_title", code=self.code), classes="dialog-title", markup=False)

    def compose_fields(self) -> ComposeResult:
        app = self.tracker
        statuses: list[tuple[str, Any]] = [(status_label(app.language, s.value), s.value) for s in Status]
        yield FormField("month", tr(self, "field.month"), Input(app.as_of.strftime("%Y-%m"), id="input-month"))
        yield FormField(
            "status",
            tr(self, "field.status"),
            Select(statuses, value=self.project_status, allow_blank=False, id="input-status"),
        )
        yield FormField("invested", tr(self, "field.invested"), Input("", placeholder="0", id="input-invested"))
        yield FormField("progress_text", tr(self, "field.progress_text"), Input("", id="input-progress_text"))
        yield FormField("problems", tr(self, "field.problems"), Input("", id="input-problems"))
        yield FormField("reporter", tr(self, "field.reporter"), Input(visible(app.actor), id="input-reporter"))

    def value(self, name: str) -> str:
        return self.input(name).value

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
            if exc.field in FIELDS:
                self.field(exc.field).set_error(exc.field_message(app.language))
                self.say(tr(self, "form.fix_errors"))
            else:
                self.say(exc.user_message(app.language))
            return None
        return tr(self, "form.progress_saved", code=self.code, month=result.month)
