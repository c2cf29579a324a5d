"""What the project forms (edit a project, record a month's progress) share.

Both forms save one project through a domain function that is refused when the project changed
since the form was loaded (``expected_version``), and both must answer the user the same way: the
same dialog frame and keys, the message line under the fields, "the project is gone" when it was
deleted, and on a conflict a reload of the project's version (the form stays open with what was
typed) so the user checks and saves again. Kept here once so the two forms cannot drift apart;
each form only says which fields it has, how it saves, and what else a conflict refreshes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from tracker.db import reading
from tracker.editing import ConcurrentEditError, UnknownProjectError
from tracker.errors import TrackerError
from tracker.models import Project
from tracker.portfolio import find
from tracker.safe_text import plain_text
from tracker.tui.i18n import tr
from tracker.tui.widgets.form_field import FormField

if TYPE_CHECKING:
    from tracker.tui.app import TrackerApp


SHORT_BELOW = 30
"""Terminal height under which a form's dialog gives up its spacing for its fields."""


class ProjectFormScreen(ModalScreen[bool]):
    """A modal form over one project; dismisses with True when saved, False when cancelled.

    Subclasses set ``FORM`` (the prefix of the dialog's ids), ``FIELDS``, ``FOCUS`` and implement
    :meth:`heading`, :meth:`compose_fields` and :meth:`submit`.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="save"),
        Binding("escape", "cancel", "Cancel", id="cancel"),
    ]

    FORM: str = ""
    """The dialog is ``#{FORM}-dialog`` and its scrolling field list ``#{FORM}-fields``."""
    FIELDS: tuple[str, ...] = ()
    """The form's fields: each is a ``FormField`` ``#field-{name}`` around an ``#input-{name}``."""
    FOCUS: str = ""
    """The field focused when the form opens."""

    def __init__(self, code: str, project: Project) -> None:
        super().__init__()
        self.code = code
        self.version = project.version

    @property
    def tracker(self) -> TrackerApp:
        return cast("TrackerApp", self.app)

    # -- drawing ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id=f"{self.FORM}-dialog"):
            yield self.heading()
            with VerticalScroll(id=f"{self.FORM}-fields"):
                yield from self.compose_fields()
            yield Static("", id="form-message", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(tr(self, "form.save"), variant="primary", id="save")
                yield Button(tr(self, "form.cancel"), id="cancel")

    def on_resize(self) -> None:
        """On a short terminal (80×24) the dialog takes the whole height and drops its spacing, so the
        first fields — the month and the status of a month's progress — are on screen when it opens."""
        self.set_class(self.size.height < SHORT_BELOW, "-short")

    def heading(self) -> Label:
        """The dialog's title line."""
        raise NotImplementedError

    def compose_fields(self) -> ComposeResult:
        """The form's ``FormField`` widgets, in order."""
        raise NotImplementedError

    def on_mount(self) -> None:
        """Open at the top of the form (the first fields say what is being written), focused on FOCUS."""
        self.query_one(f"#input-{self.FOCUS}").focus(scroll_visible=False)
        self.query_one(f"#{self.FORM}-fields", VerticalScroll).scroll_home(animate=False)

    # -- the widgets --------------------------------------------------------------------------

    def input(self, field: str) -> Input:
        return self.query_one(f"#input-{field}", Input)

    def value(self, field: str) -> str:
        """What a field holds: an ``Input``'s value or a ``TextArea``'s text (line breaks kept exactly)."""
        control = self.query_one(f"#input-{field}")
        return control.text if isinstance(control, TextArea) else cast(Input, control).value

    def set_value(self, field: str, value: str) -> None:
        control = self.query_one(f"#input-{field}")
        if isinstance(control, TextArea):
            control.text = value
        else:
            cast(Input, control).value = value

    def field(self, field: str) -> FormField:
        return self.query_one(f"#field-{field}", FormField)

    def say(self, message: str, style: str = "bold red") -> None:
        """The message line under the fields (it may quote what was typed: shown, never obeyed)."""
        self.query_one("#form-message", Static).update(plain_text(message, style))

    @property
    def message(self) -> str:
        return str(self.query_one("#form-message", Static).render())

    # -- saving -------------------------------------------------------------------------------

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
        for field in self.FIELDS:
            self.field(field).set_error(None)
        try:
            saved = self.submit()
        except ConcurrentEditError:
            self.conflict()
            return
        except UnknownProjectError:
            self.say(tr(self, "detail.gone", code=self.code))
            return
        except TrackerError as exc:  # any other refusal of the domain: beside its field when it names one
            self.refused(exc)
            return
        if saved is None:
            return
        self.tracker.say(saved)
        self.dismiss(True)

    def refused(self, exc: TrackerError) -> None:
        """A domain refusal: under the field it names (``exc.field``), else on the message line."""
        field = getattr(exc, "field", None)
        message = error_message(exc, getattr(self.app, "language", None))
        if field in self.FIELDS:
            self.field(field).set_error(message)
            self.say(tr(self, "form.fix_errors"))
        else:
            self.say(message)

    def submit(self) -> str | None:
        """Save through the domain with ``expected_version=self.version``; return what the app
        says when saved, or None when the form said why it did not save (the form stays open).
        A conflict or a deleted project is raised to :meth:`action_save`."""
        raise NotImplementedError

    def conflict(self) -> None:
        """The project changed since it was loaded: take its new version and tell the user."""
        app = self.tracker
        with reading(app.engine) as session:
            row = find(session, self.code)
        if row is None:
            self.say(tr(self, "detail.gone", code=self.code))
            return
        self.version = row.project.version
        self.reloaded(row.project)
        message = tr(self, "form.conflict", code=self.code, version=self.version)
        self.say(message)
        app.say(message, "warning")
        app.data_changed()

    def reloaded(self, project: Project) -> None:
        """After a conflict, show what else changed in ``project`` (already at its new version)."""


def error_message(exc: TrackerError, language: str | None = None) -> str:
    """A domain error as the form shows it under its field, in the interface's ``language`` (the
    domain's catalogue message where it has one): without the ``field: `` prefix the domain's
    messages carry for the CLI."""
    if getattr(exc, "field", None) and callable(getattr(exc, "field_message", None)):
        return exc.field_message(language)  # type: ignore[attr-defined]
    text = exc.user_message(language)
    field = getattr(exc, "field", None)
    prefix = f"{field}: "
    return text[len(prefix) :] if field and text.startswith(prefix) else text
