"""``m`` on a project: record (or correct) one month's progress through
``tracker.progress.record_progress`` — what ``tracker progress`` calls: status, invested this
month, physical progress, problems, reporter; one audited, undoable transaction, refused if the
project changed since it was loaded. A validation message appears under the field it concerns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from tracker.db import reading
from tracker.editing import ConcurrentEditError, UnknownProjectError
from tracker.models import Project, Status
from tracker.portfolio import find
from tracker.tui.i18n import status_label, tr
from tracker.tui.widgets.form_field import FormField

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp

FIELDS: tuple[str, ...] = ("month", "status", "invested", "progress_text", "problems", "reporter")


class ProgressFormScreen(ModalScreen[bool]):
    """Dismisses with True when a month was recorded."""

    CSS_PATH = ["modal.tcss", "progress_form.tcss"]
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, code: str, project: Project) -> None:
        super().__init__()
        self.code = code
        self.version = project.version
        self.project_status = project.status

    @property
    def tracker(self) -> TrackerApp:
        return cast("TrackerApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.tracker
        language = app.language
        statuses: list[tuple[str, Any]] = [(status_label(language, s.value), s.value) for s in Status]
        with Vertical(classes="dialog", id="progress-dialog"):
            yield Label(tr(self, "form.progress_title", code=self.code), classes="dialog-title", markup=False)
            with VerticalScroll(id="progress-fields"):
                yield FormField("month", tr(self, "field.month"), Input(app.as_of.strftime("%Y-%m"), id="input-month"))
                yield FormField(
                    "status",
                    tr(self, "field.status"),
                    Select(statuses, value=self.project_status, allow_blank=False, id="input-status"),
                )
                yield FormField("invested", tr(self, "field.invested"), Input("", placeholder="0", id="input-invested"))
                yield FormField("progress_text", tr(self, "field.progress_text"), Input("", id="input-progress_text"))
                yield FormField("problems", tr(self, "field.problems"), Input("", id="input-problems"))
                yield FormField("reporter", tr(self, "field.reporter"), Input(app.actor, id="input-reporter"))
            yield Static("", id="form-message", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(tr(self, "form.save"), variant="primary", id="save")
                yield Button(tr(self, "form.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#input-invested", Input).focus()

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def value(self, name: str) -> str:
        return self.query_one(f"#input-{name}", Input).value

    def say(self, message: str, style: str = "bold red") -> None:
        self.query_one("#form-message", Static).update(Text(message, style=style))

    @property
    def message(self) -> str:
        return str(self.query_one("#form-message", Static).render())

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_save(self) -> None:
        from tracker.progress import ProgressError, record_progress

        for name in FIELDS:
            self.field(name).set_error(None)
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
                self.field(exc.field).set_error(exc.message)
                self.say(tr(self, "form.fix_errors"))
            else:
                self.say(str(exc))
            return
        except ConcurrentEditError:
            self.conflict()
            return
        except UnknownProjectError:
            self.say(tr(self, "detail.gone", code=self.code))
            return
        app.say(tr(self, "form.progress_saved", code=self.code, month=result.month))
        self.dismiss(True)

    def conflict(self) -> None:
        """The project changed since it was loaded: take its new version, keep what was typed."""
        app = self.tracker
        with reading(app.engine) as session:
            row = find(session, self.code)
        if row is None:
            self.say(tr(self, "detail.gone", code=self.code))
            return
        self.version = row.project.version
        message = tr(self, "form.conflict", code=self.code, version=self.version)
        self.say(message)
        app.say(message, "warning")
        app.data_changed()
