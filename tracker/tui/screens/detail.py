"""One project: every field, the published lines it was read from, its warnings with their reasons,
and its month-by-month progress; ``e`` edits its fields, ``m`` records a month's progress.

The screen remembers the version it showed; the forms send it as ``expected_version``, so a change
made meanwhile by someone else is refused by the domain and reported here, never overwritten.

The project is known by id (a code repeats in every plan); everything it shows is read in a worker
thread and drawn when it arrives (a read for an older request — say before a quick ``r`` — is
dropped).
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Header, Label, Static
from textual.worker import get_current_worker

from tracker.db import reading
from tracker.models import Project
from tracker.money import percent_of, social_capital
from tracker.numbers import fmt_percent, fmt_share
from tracker.portfolio import ProjectRow
from tracker.safe_text import plain_text, visible
from tracker.schedule import time_pace
from tracker.tui import data, render
from tracker.tui.i18n import status_label
from tracker.tui.screens.base import TrackerScreen
from tracker.tui.widgets.key_bar import KeyBar
from tracker.tui.widgets.progress_history import ProgressHistory


def _as_read(published: str, reading: str) -> str:
    """The cell as published, and how it was read when that differs (``2021-2023 → 2023``)."""
    return published if published == reading else f"{published}  → {reading}"


class DetailScreen(TrackerScreen):
    CSS_PATH = "detail.tcss"
    AUTO_FOCUS = "#detail-body"
    VIEW = "detail.title"

    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("e", "edit", "Edit", id="edit"),
        Binding("m", "record_progress", "Record month", id="record_progress"),
        Binding("r", "reload", "Reload", id="reload"),
    ]

    class Read(Message):
        """What the detail shows, read in a worker: None for a project that is gone."""

        def __init__(self, request: int, read: tuple[ProjectRow, list[Any], list[Any] | None, Any] | None) -> None:
            super().__init__()
            self.request, self.read = request, read

    def __init__(self, project: int | str) -> None:
        super().__init__()
        self.project_id: int | None = project if isinstance(project, int) else None
        self.code = "" if isinstance(project, int) else project
        """The project's code, for people (known once read when opened by id)."""
        self.row: ProjectRow | None = None
        self.version: int | None = None
        self._announce = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="detail-body"):
            yield Static("", id="heading", markup=False)
            yield Label(self.t("detail.fields"), classes="section", markup=False)
            yield Static("", id="fields", markup=False)
            yield Label("", id="source-title", classes="section", markup=False)
            yield Static("", id="source", markup=False)
            yield Label(self.t("detail.warnings"), classes="section", markup=False)
            yield Static("", id="warnings", markup=False)
            yield Label(self.t("detail.history"), classes="section", markup=False)
            yield ProgressHistory(id="history")
            yield Static("", id="no-history", markup=False)
        yield KeyBar()

    def reload(self) -> None:
        self.read_project(self.new_request())

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def read_project(self, request: int) -> None:
        app = self.tracker
        with reading(app.engine) as session:
            if self.project_id is None:
                self.project_id = data.project_id_for(session, self.code)
            row = data.project(session, self.project_id) if self.project_id is not None else None
            if row is None:
                read = None
            else:
                records = data.progress_records(session, row.project.id)  # type: ignore[arg-type]
                warnings = self._warnings(session, row.project.id)  # type: ignore[arg-type]
                read = (row, records, warnings, self._source(session, row))
        if not get_current_worker().is_cancelled:
            self.post_message(self.Read(request, read))

    @on(Read)
    def _read(self, message: Read) -> None:
        if not self.arrived(message.request):
            return
        app = self.tracker
        if message.read is None:
            self.row, self.version = None, None
            self.query_one("#heading", Static).update(Text(self.t("detail.gone", code=self.code), style="bold red"))
            return
        row, records, warnings, source = message.read
        self.row = row
        p = row.project
        self.code, self.version = p.code, p.version
        heading = Text.assemble(
            plain_text(f"{p.code}  ", "bold", single_line=True),
            plain_text(p.name, "bold", single_line=True),
            "   ",
            plain_text(status_label(app.language, p.status), "italic", single_line=True),
        )
        self.query_one("#heading", Static).update(heading)
        self.query_one("#fields", Static).update(self._fields_table(row))
        self._show_source(row, source)
        self._show_warnings(warnings)
        self.query_one("#history", ProgressHistory).show(records)
        self.query_one("#no-history", Static).update("" if records else self.t("detail.no_history"))
        if self._announce:
            self._announce = False
            self.tracker.say(self.t("detail.reloaded", code=self.code, version=self.version))

    def _warnings(self, session: Any, project_id: int) -> list[Any] | None:
        try:
            return data.warnings_for(
                session, self.tracker.as_of, self.tracker.warning_settings, Project.id == project_id
            )  # type: ignore[arg-type]
        except ImportError:
            return None

    def _source(self, session: Any, row: ProjectRow) -> tuple[str, list[tuple[int, str]] | None] | None:
        """The plan's document and the project's published lines in it (None: no lines recorded)."""
        from tracker.models import Plan

        p = row.project
        if p.source_first_line is None or p.source_last_line is None:
            return None
        plan = session.get(Plan, p.plan_id)
        document = plan.source_document if plan is not None else ""
        return document, data.source_lines(document, p.source_first_line, p.source_last_line)

    def field_values(self, row: ProjectRow) -> list[tuple[str, str]]:
        """(i18n key, text) for every field, in the order the plan's table prints them."""
        p = row.project
        language = self.tracker.language
        pace = (
            fmt_percent(time_pace(p.start_year, p.start_month, p.finish_year, p.finish_month, self.tracker.as_of))
            if p.start_year is not None and p.finish_year is not None
            else ""
        )
        progress = percent_of(row.invested_to_date, p.total_investment)
        return [
            ("field.code", p.code),
            ("field.plan", row.plan),
            ("field.category", f"{row.category_ordinal}. {row.category}"),
            ("field.seq", str(p.seq)),
            ("field.name", p.name),
            ("field.nature", p.nature),
            ("field.owner", p.owner),
            ("field.district", p.district or "—"),
            ("field.district_source", self.t(f"district_source.{p.district_source or 'none'}")),
            ("field.content", p.content),
            ("field.note", p.note),
            ("field.start", _as_read(p.start_text, render.point(p.start_year, p.start_month))),
            ("field.finish", _as_read(p.finish_text, render.point(p.finish_year, p.finish_month))),
            ("field.total_investment", render.money(p.total_investment).plain),
            ("field.planned_investment", render.money(p.planned_investment).plain),
            ("field.social_share_pct", fmt_share(p.social_share_pct)),
            ("field.social_capital", render.money(social_capital(p.total_investment, p.social_share_pct)).plain),
            ("field.status", status_label(language, p.status)),
            ("field.invested_to_date", render.money(row.invested_to_date).plain),
            ("field.progress_pct", fmt_percent(progress)),
            ("field.time_pace", pace),
            ("field.last_report_month", row.last_report_month or ""),
            ("field.version", str(p.version)),
            ("field.updated_at", p.updated_at.strftime("%Y-%m-%d %H:%M") if p.updated_at else ""),
        ]

    def _fields_table(self, row: ProjectRow) -> Table:
        """Label and value per field; values are data, so ``Text`` (a Rich table reads ``str`` as markup)."""
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for key, value in self.field_values(row):
            table.add_row(self.t(key), plain_text(value))
        return table

    def _show_source(self, row: ProjectRow, source: tuple[str, list[tuple[int, str]] | None] | None) -> None:
        p = row.project
        title = self.query_one("#source-title", Label)
        body = self.query_one("#source", Static)
        if source is None or p.source_first_line is None or p.source_last_line is None:
            title.update(self.t("detail.no_source"))
            body.update("")
            return
        document, lines = source
        title.update(self.t("detail.source", first=p.source_first_line, last=p.source_last_line, document=document))
        if lines is None:
            body.update(self.t("detail.source_missing", document=document))
            return
        text = Text()
        for number, line in lines:
            text.append(f"{number:>5} │ ", style="dim")
            text.append(visible(line) + "\n")
        body.update(text)

    def _show_warnings(self, warnings: list[Any] | None) -> None:
        widget = self.query_one("#warnings", Static)
        if warnings is None:
            widget.update(self.t("app.not_available", module="tracker.warnings"))
            return
        if not warnings:
            widget.update(Text.assemble(render.light(None), " ", self.t("detail.no_warnings")))
            return
        text = Text()
        for item in warnings:
            text.append_text(render.light(item.severity))
            text.append(f" {self.t('severity.' + item.severity)}  ")
            text.append(self.t(f"rule.{item.rule}"), style="bold")
            text.append(f"  {visible(item.reason(self.tracker.language), single_line=True)}\n")
        widget.update(text)

    # -- actions ------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self._announce = True  # said when the fresh read arrives
        self.refresh_data()

    def action_edit(self) -> None:
        from tracker.tui.screens.edit_project import EditProjectScreen

        if self.row is not None:
            self.app.push_screen(EditProjectScreen(self.code, self.row.project), self._form_closed)

    def action_record_progress(self) -> None:
        from tracker.tui.screens.progress_form import ProgressFormScreen

        if self.row is not None:
            self.app.push_screen(ProgressFormScreen(self.code, self.row.project), self._form_closed)

    def _form_closed(self, saved: bool | None) -> None:
        if saved:
            self.tracker.data_changed()
