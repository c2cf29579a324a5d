"""``e`` on a project: edit its fields through ``tracker.editing.edit_project`` (what ``tracker edit``
calls): validated field by field with the message under the field, saved in one audited,
undoable transaction, refused if the project changed since it was loaded.

On a conflict the form stays open: the fields the user did not touch take the new values, the ones
they typed keep what they typed, the detail behind is reloaded, and the form says so — the user
checks and saves again. Nothing is overwritten or lost silently.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, Label

from tracker.editing import EditError, edit_project, validate
from tracker.models import Project
from tracker.money import fmt_wan
from tracker.safe_text import visible
from tracker.tui.i18n import tr
from tracker.tui.screens.form import ProjectFormScreen
from tracker.tui.widgets.form_field import FormField, text_area

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

MULTILINE: frozenset[str] = frozenset({"content", "note"})
"""Fields that may hold line breaks (``tracker.editing`` checks them ``multiline=True``): edited in a
``TextArea`` that wraps inside the dialog (2-10's 建设内容 runs over eight lines), saved as typed."""


def form_values(project: Project) -> dict[str, str]:
    """A project's fields as the text the form shows (and ``edit_project`` parses back).

    A control character in a field (an old record; the entry points refuse them now) is shown as
    its escape (``\\x1b``), never sent to the terminal; the form saves only the fields the user
    changed, so an untouched field keeps its stored value exactly."""
    return {name: visible(value) for name, value in _raw_values(project).items()}


def _raw_values(project: Project) -> dict[str, str]:
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


def field_message(error: EditError, language: str | None = None) -> str:
    """``EditError`` reads ``field: message``; the form shows the message under the field, in the
    interface's language when the error has a catalogue message."""
    if error.cause is not None:
        return error.field_message(language)
    text = str(error)
    prefix = f"{error.field}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


class EditProjectScreen(ProjectFormScreen):
    """Dismisses with True when saved."""

    CSS_PATH = ["modal.tcss", "edit_project.tcss"]
    FORM = "edit"
    FIELDS = FIELDS
    FOCUS = "name"

    def __init__(self, code: str, project: Project) -> None:
        super().__init__(code, project)
        self.original = form_values(project)

    def heading(self) -> Label:
        return Label(
            tr(self, "form.edit_title", code=self.code, version=self.version),
            classes="dialog-title",
            id="edit-title",
            markup=False,
        )

    def compose_fields(self) -> ComposeResult:
        for field in FIELDS:
            value = self.original[field]
            control = text_area(field, value) if field in MULTILINE else Input(value=value, id=f"input-{field}")
            yield FormField(field, tr(self, f"field.{field}"), control)

    def changes(self) -> dict[str, str]:
        return {f: self.value(f) for f in FIELDS if self.value(f) != self.original[f]}

    def submit(self) -> str | None:
        changes = self.changes()
        if not changes:
            self.say(tr(self, "form.nothing_changed"), "yellow")
            return None
        errors: dict[str, str] = {}
        for field, value in changes.items():
            try:
                validate({field: value})
            except EditError as exc:
                errors[field] = field_message(exc, self.tracker.language)
        if errors:
            for field, message in errors.items():
                self.field(field).set_error(message)
            self.say(tr(self, "form.fix_errors"))
            return None
        app = self.tracker
        try:
            result = edit_project(app.engine, self.code, changes, expected_version=self.version, actor=app.actor)
        except EditError as exc:  # a rule across fields, e.g. finish before start
            if exc.field in FIELDS:
                self.field(exc.field).set_error(field_message(exc, app.language))
            self.say(exc.user_message(app.language))
            return None
        return tr(self, "form.saved", code=self.code, version=result.version)

    def reloaded(self, project: Project) -> None:
        """Someone else saved the project: reload underneath what was typed, and the title."""
        fresh = form_values(project)
        for field in FIELDS:
            if self.value(field) == self.original[field]:
                self.set_value(field, fresh[field])
        self.original = fresh
        self.query_one("#edit-title", Label).update(tr(self, "form.edit_title", code=self.code, version=self.version))
