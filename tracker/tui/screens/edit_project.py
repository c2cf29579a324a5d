"""``e`` on a project: edit its fields through ``tracker.editing.edit_project`` (what ``tracker edit``
calls): validated field by field with the message under the field, saved in one audited,
undoable transaction, refused if the project changed since it was loaded.

On a conflict the form stays open: the fields the user did not touch take the new values, the ones
they typed keep what they typed, the detail behind is reloaded, and the form says so — the user
checks and saves again. Nothing is overwritten or lost silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tracker.db import reading
from tracker.editing import ConcurrentEditError, EditError, UnknownProjectError, edit_project, validate
from tracker.models import Project
from tracker.money import fmt_wan
from tracker.portfolio import find
from tracker.tui.i18n import tr
from tracker.tui.widgets.form_field import FormField

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp

FIELDS: tuple[str, ...] = (
    "name",
    "nature",
    "owner",
    "district",
    "start",
    "finish",
    "total_investment",
    "planned_investment",
    "social_share_pct",
    "content",
    "note",
)
"""The editable fields (``tracker.editing.EDITABLE``) in the order of the plan's table."""


def form_values(project: Project) -> dict[str, str]:
    """A project's fields as the text the form shows (and ``edit_project`` parses back)."""
    return {
        "name": project.name,
        "nature": project.nature,
        "owner": project.owner,
        "district": project.district or "",
        "start": project.start_text,
        "finish": project.finish_text,
        "total_investment": fmt_wan(project.total_investment),
        "planned_investment": fmt_wan(project.planned_investment),
        "social_share_pct": fmt_wan(project.social_share_pct),
        "content": project.content,
        "note": project.note,
    }


def field_message(error: EditError) -> str:
    """``EditError`` reads ``field: message``; the form shows the message under the field."""
    text = str(error)
    prefix = f"{error.field}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


class EditProjectScreen(ModalScreen[bool]):
    """Dismisses with True when saved."""

    CSS_PATH = ["modal.tcss", "edit_project.tcss"]
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    def __init__(self, code: str, project: Project) -> None:
        super().__init__()
        self.code = code
        self.version = project.version
        self.original = form_values(project)

    @property
    def tracker(self) -> TrackerApp:
        return cast("TrackerApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="edit-dialog"):
            yield Label(
                tr(self, "form.edit_title", code=self.code, version=self.version),
                classes="dialog-title",
                id="edit-title",
                markup=False,
            )
            with VerticalScroll(id="edit-fields"):
                for field in FIELDS:
                    control = Input(value=self.original[field], id=f"input-{field}")
                    yield FormField(field, tr(self, f"field.{field}"), control)
            yield Static("", id="form-message", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(tr(self, "form.save"), variant="primary", id="save")
                yield Button(tr(self, "form.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#input-name", Input).focus()

    def input(self, field: str) -> Input:
        return self.query_one(f"#input-{field}", Input)

    def field(self, field: str) -> FormField:
        return self.query_one(f"#field-{field}", FormField)

    def say(self, message: str, style: str = "bold red") -> None:
        self.query_one("#form-message", Static).update(Text(message, style=style))

    @property
    def message(self) -> str:
        return str(self.query_one("#form-message", Static).render())

    def changes(self) -> dict[str, str]:
        return {f: self.input(f).value for f in FIELDS if self.input(f).value != self.original[f]}

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
        changes = self.changes()
        for field in FIELDS:
            self.field(field).set_error(None)
        if not changes:
            self.say(tr(self, "form.nothing_changed"), "yellow")
            return
        errors: dict[str, str] = {}
        for field, value in changes.items():
            try:
                validate({field: value})
            except EditError as exc:
                errors[field] = field_message(exc)
        if errors:
            for field, message in errors.items():
                self.field(field).set_error(message)
            self.say(tr(self, "form.fix_errors"))
            return
        app = self.tracker
        try:
            result = edit_project(app.engine, self.code, changes, expected_version=self.version, actor=app.actor)
        except EditError as exc:  # a rule across fields, e.g. finish before start
            if exc.field in FIELDS:
                self.field(exc.field).set_error(field_message(exc))
            self.say(str(exc))
            return
        except ConcurrentEditError:
            self.conflict()
            return
        except UnknownProjectError:
            self.say(tr(self, "detail.gone", code=self.code))
            return
        app.say(tr(self, "form.saved", code=self.code, version=result.version))
        self.dismiss(True)

    def conflict(self) -> None:
        """Someone else saved the project since it was loaded: reload underneath what was typed."""
        app = self.tracker
        with reading(app.engine) as session:
            row = find(session, self.code)
        if row is None:
            self.say(tr(self, "detail.gone", code=self.code))
            return
        fresh = form_values(row.project)
        for field in FIELDS:
            if self.input(field).value == self.original[field]:
                self.input(field).value = fresh[field]
        self.original = fresh
        self.version = row.project.version
        self.query_one("#edit-title", Label).update(tr(self, "form.edit_title", code=self.code, version=self.version))
        message = tr(self, "form.conflict", code=self.code, version=self.version)
        self.say(message)
        app.say(message, "warning")
        app.data_changed()
