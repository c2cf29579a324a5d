"""The officer's daily screen: the Textual application that ``tracker`` opens.

The app owns what all views share — the database engine, the settings, the as-of date, the actor
recorded in the audit log, the filter text, the interface language — and the app-wide keys. The
views are Textual *modes* (each keeps its own screen stack, so a detail opened from the warnings
stays in the warnings view): portfolio ``1``, rollups ``2``, warnings ``3``, timeline ``4``, budget
check ``5``. A number key always lands on the top of its view (the list, not a detail left open there).

Every change goes through the domain functions the CLI uses (``tracker.editing.edit_project``,
``tracker.progress.record_progress``, ``tracker.history.undo_last`` and ``redo_last``, ``tracker.views``,
``tracker.config.update``): one transaction, audited, undoable, version-checked. Every binding has an
``id``; ``[keys]`` in tracker.toml maps ids to other keys (``App.set_keymap``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy.engine import Engine
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tracker.config import Config
from tracker.db import reading
from tracker.errors import in_language
from tracker.tui import data
from tracker.tui.i18n import LANGUAGES, other_language, translate

if TYPE_CHECKING:
    from sqlmodel import Session

    from tracker.warnings import WarningSettings


def _portfolio() -> Screen[Any]:
    from tracker.tui.screens.portfolio import PortfolioScreen

    return PortfolioScreen()


def _rollups() -> Screen[Any]:
    from tracker.tui.screens.rollups import RollupsScreen  # imports textual-plotext: only when opened

    return RollupsScreen()


def _warnings() -> Screen[Any]:
    from tracker.tui.screens.warnings import WarningsScreen

    return WarningsScreen()


def _check() -> Screen[Any]:
    from tracker.tui.screens.check import CheckScreen

    return CheckScreen()


def _indicators() -> Screen[Any]:
    from tracker.tui.screens.indicators import IndicatorsScreen

    return IndicatorsScreen()


def _timeline() -> Screen[Any]:
    from tracker.tui.screens.timeline import TimelineScreen

    return TimelineScreen()


VIEWS: tuple[str, ...] = ("portfolio", "rollups", "warnings", "timeline", "check", "indicators")


class TrackerApp(App[None], inherit_bindings=False):
    """The TUI. Build it with what the CLI resolved (``State``) and ``run()`` it."""

    CSS_PATH = "app.tcss"
    MODES: ClassVar[dict[str, Any]] = {
        "portfolio": _portfolio,
        "rollups": _rollups,
        "warnings": _warnings,
        "timeline": _timeline,
        "check": _check,
        "indicators": _indicators,
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("ctrl+q", "quit", "Quit", id="quit_now", show=False, priority=True),
        Binding("ctrl+c", "help_quit", "Quit hint", id="quit_hint", show=False, system=True),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+p", "command_palette", "Commands", id="palette", show=False, priority=True),
        Binding("1", "show_view('portfolio')", "Projects", id="view_portfolio"),
        Binding("2", "show_view('rollups')", "Rollups", id="view_rollups"),
        Binding("3", "show_view('warnings')", "Warnings", id="view_warnings"),
        Binding("4", "show_view('timeline')", "Timeline", id="view_timeline"),
        Binding("5", "show_view('check')", "Check", id="view_check"),
        Binding("6", "show_view('indicators')", "Indicators", id="view_indicators"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("U", "redo", "Redo", id="redo", show=False),
        Binding("l", "toggle_language", "zh/en", id="language"),
    ]

    def __init__(
        self,
        engine: Engine,
        config: Config,
        as_of: date,
        actor: str,
        *,
        language: str | None = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.config = config
        self.as_of = as_of
        self.actor = actor
        from tracker.preferences import load_preferences

        self.preferences = load_preferences()
        """This person's interface choices (tracker.preferences), never the shared tracker.toml's."""
        chosen = language or self.preferences.language or str(config.get("general.language"))
        self.language = chosen if chosen in LANGUAGES else "zh"
        self.filter_text = ""
        self.data_generation = 0
        """Rises on every change made from the TUI (and on a detected outside change): screens
        showing an older generation reload when they are next shown."""
        self.messages: list[str] = []
        """What the app told the user, newest last (also shown as notifications)."""
        self.keymap: dict[str, str] = dict(config.section("keys"))
        self.started_at = time.perf_counter()
        self.interactive_after: float | None = None
        """Seconds from construction to the first page of projects on screen."""

    # -- shared helpers --------------------------------------------------------------------

    def t(self, key: str, **values: object) -> str:
        return translate(self.language, key, **values)

    def say(self, message: str, severity: str = "information") -> None:
        """Tell the user something (a notification), and keep it in :attr:`messages`.

        The message may carry data (a code, an error quoting a cell): it is shown as plain text,
        never as markup, with control characters as escapes."""
        from tracker.safe_text import visible

        message = visible(message)
        self.messages.append(message)
        self.notify(message, severity=severity, markup=False)  # type: ignore[arg-type]

    @cached_property
    def warning_settings(self) -> WarningSettings:
        from tracker.warnings import WarningSettings

        return WarningSettings.from_config(self.config)

    def query_for(self, filter_text: str, sort_text: str = "", subject: str = "project") -> data.Query:
        """Filter and sort text → a query, by the CLI's parser (raises its ``FilterError``); ``subject`` is
        what the view lists (``any``: projects and indicators, the warnings view)."""
        if not filter_text.strip() and not sort_text.strip():
            return data.Query()
        return data.build_query(
            filter_text, sort_text, views=self.config.views, as_of=self.as_of, settings=self.warning_settings,
            subject=subject,
        )

    def lights(self, session: Session, ids: list[int]) -> dict[int, str] | None:
        """Worst warning per project id for one page; None when the warning rules are not installed."""
        try:
            return data.lights(session, ids, self.as_of, self.warning_settings)
        except ImportError:
            return None

    def data_changed(self) -> None:
        """Something was written: every screen of the current view reloads now, the others when shown."""
        from tracker.tui.screens.base import TrackerScreen

        self.data_generation += 1
        for screen in self.screen_stack:
            if isinstance(screen, TrackerScreen):
                screen.refresh_data()

    def remember(self, key: str, value: Any) -> bool:
        """Save one interface choice in the preferences file; say so (and go on) when it cannot be."""
        from dataclasses import replace

        from tracker.preferences import save_preference

        try:
            save_preference(key, value)
        except OSError as exc:
            self.say(self.t("app.preference_not_saved", error=exc), "warning")
            return False
        stored = tuple(value) if isinstance(value, (list, tuple)) else value
        self.preferences = replace(self.preferences, **{key: stored})
        return True

    def _theme_chosen(self, theme: Any) -> None:
        """The user picked a theme (the palette's "Change theme"): remember it for next time."""
        name = getattr(theme, "name", None)
        if isinstance(name, str) and name != self.preferences.theme:
            self.remember("theme", name)

    def set_config(self, config: Config) -> None:
        """Settings were written (a saved view, the language): use the new ones."""
        self.config = config
        self.__dict__.pop("warning_settings", None)

    # -- lifecycle -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.title = self.t("app.title")
        if self.preferences.theme and self.preferences.theme in self.available_themes:
            self.theme = self.preferences.theme
        self.theme_changed_signal.subscribe(self, self._theme_chosen)
        if self.preferences.ignored:
            self.say(self.t("app.preferences_ignored", what="; ".join(self.preferences.ignored)), "warning")
        if self.keymap:
            self.set_keymap(self.keymap)
        self.switch_mode("portfolio")

    def first_page_shown(self) -> None:
        """Called by the portfolio once its first page is drawn: the app is interactive."""
        if self.interactive_after is None:
            self.interactive_after = time.perf_counter() - self.started_at
            self.call_later(self._check_keymap)

    def _check_keymap(self) -> None:
        """Say which ``[keys]`` ids match no binding (a typo would otherwise remap nothing, silently).
        Done after the first page is up: it imports every screen to know every id."""
        unknown = sorted(set(self.keymap) - set(self.binding_ids()))
        if unknown:
            self.say(self.t("app.unknown_key_ids", ids=", ".join(unknown)), "warning")

    @classmethod
    def binding_ids(cls) -> list[str]:
        """Every binding id of the app and its screens and widgets (what ``[keys]`` may remap)."""
        from tracker.tui.screens.help import all_bindings

        return [binding.id for _, binding in all_bindings() if binding.id]

    # -- actions ---------------------------------------------------------------------------

    def action_show_view(self, view: str) -> None:
        """Go to the top of a view: its own list, not a detail left open in it (a number key always
        lands on the same screen). A form or dialog left open there is kept: its typed input is not
        thrown away by a key press."""
        from textual.screen import ModalScreen

        if view not in VIEWS:
            return
        if self.current_mode != view:
            self.switch_mode(view)
        while len(self.screen_stack) > 1 and not isinstance(self.screen_stack[-1], ModalScreen):
            self.pop_screen()

    def open_project(self, project: int | str) -> None:
        """Show a project's detail: by id (what the lists know), or by code (the first project with
        that code in published order; a code repeats across plans)."""
        from tracker.tui.screens.detail import DetailScreen

        self.push_screen(DetailScreen(project))

    pending_indicator: int | None = None
    """The indicator the indicators view should put its cursor on when its rows arrive."""

    def open_indicator(self, indicator_id: int | None) -> None:
        """Show the indicators view with its cursor on ``indicator_id`` (a warning's Enter)."""
        from tracker.tui.screens.indicators import IndicatorsScreen

        self.pending_indicator = indicator_id
        self.action_show_view("indicators")
        if isinstance(self.screen, IndicatorsScreen):
            self.screen.select_pending()

    def action_help(self) -> None:
        from tracker.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_language(self) -> None:
        self.set_language(other_language(self.language))

    def set_language(self, language: str) -> None:
        """Switch the interface language now and remember it in this person's preferences file (never
        in the shared tracker.toml: one officer's screen must not change a script's output or the
        office's settings)."""
        from tracker.tui.screens.base import TrackerScreen

        self.language = language
        self.title = self.t("app.title")
        if self.remember("language", language):
            self.say(self.t("app.language_set"))
        for screen in self.screen_stack:
            if isinstance(screen, TrackerScreen):
                self.run_worker(screen.apply_language(), group="language")
            else:
                self.run_worker(screen.recompose(), group="language")
        self.refresh_bindings()

    def action_undo(self) -> None:
        from tracker.tui.screens.confirm import ConfirmScreen

        try:
            summary = self._last_operation_summary()
        except ImportError as exc:
            self.say(self.t("app.not_available", module=exc.name or "tracker.history"), "warning")
            return
        if summary is None:
            self.say(self.t("undo.nothing"), "warning")
            return
        self.push_screen(
            ConfirmScreen(self.t("undo.title"), self.t("undo.confirm", summary=summary)),
            self._undo_confirmed,
        )

    def _last_operation_summary(self) -> str | None:
        from tracker.history import undoable

        with reading(self.engine) as session:
            operation = undoable(session)
        if operation is None:
            return None
        from tracker.operation_text import describe  # the summary in the interface's language

        return describe(operation.kind, operation.summary, self.language)

    def _undo_confirmed(self, confirmed: bool | None) -> None:
        if not confirmed:
            return
        from tracker.history import UndoError, undo_last

        try:
            result = undo_last(self.engine, self.actor)
        except UndoError as exc:
            self.say(self.t("undo.failed", error=in_language(exc, self.language)), "error")
            return
        from tracker.operation_text import describe

        self.say(self.t("undo.done", summary=describe(result.kind, result.summary, self.language)))
        self.data_changed()

    def action_next_theme(self) -> None:
        """The palette's theme command: the next of Textual's themes (remembered as this person's choice)."""
        themes = sorted(self.available_themes)
        current = themes.index(self.theme) if self.theme in themes else -1
        self.theme = themes[(current + 1) % len(themes)]
        self.say(self.t("app.theme_set", theme=self.theme))

    def action_redo(self) -> None:
        """``U``: ask before putting back the most recently undone operation (read in a worker)."""
        self._find_redo()

    @work(thread=True, exclusive=True, group="redo", exit_on_error=False)
    def _find_redo(self) -> None:
        from tracker.history import redo_target

        with reading(self.engine) as session:
            target = redo_target(session)
            summary = None if target is None else self._describe(target)
        self.call_from_thread(self._redo_found, summary)

    def _describe(self, operation: Any) -> str:
        from tracker.operation_text import describe

        return describe(operation.kind, operation.summary, self.language)

    def _redo_found(self, summary: str | None) -> None:
        from tracker.tui.screens.confirm import ConfirmScreen

        if summary is None:
            self.say(self.t("redo.nothing"), "warning")
            return
        self.push_screen(
            ConfirmScreen(self.t("redo.title"), self.t("redo.confirm", summary=summary)), self._redo_confirmed
        )

    def _redo_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self._run_redo()

    @work(thread=True, exclusive=True, group="redo", exit_on_error=False)
    def _run_redo(self) -> None:
        from tracker.history import UndoError, redo_last

        try:
            result = redo_last(self.engine, self.actor)
        except UndoError as exc:
            self.call_from_thread(self.say, self.t("redo.failed", error=in_language(exc, self.language)), "error")
            return
        self.call_from_thread(self._redone, result.kind, result.summary)

    def _redone(self, kind: str, summary: str) -> None:
        from tracker.operation_text import describe

        self.say(self.t("redo.done", summary=describe(kind, summary, self.language)))
        self.data_changed()

    def on_worker_state_changed(self, event: Any) -> None:
        """A redo worker that failed unexpectedly (the database unreadable): say so, never crash."""
        from textual.worker import WorkerState

        if event.worker.group == "redo" and event.state == WorkerState.ERROR:
            self.say(self.t("app.read_failed", error=event.worker.error), "error")

    def action_choose_view(self) -> None:
        from tracker.tui.screens.view_picker import ViewPickerScreen

        self.push_screen(ViewPickerScreen(self.config.views), self._view_chosen)

    def _view_chosen(self, name: str | None) -> None:
        if name:
            self.apply_filter(f"@{name}")

    def apply_filter(self, text: str) -> None:
        """Set the shared filter and show it in the current view (a control character in it, say from
        a view name in tracker.toml, as its escape: the filter bar shows exactly what is parsed)."""
        from tracker.safe_text import visible
        from tracker.tui.screens.base import FilteredScreen

        text = visible(text)
        self.filter_text = text
        screen = self.screen
        if isinstance(screen, FilteredScreen):
            screen.filter_bar().input.value = text
            screen.new_list()
            screen.refresh_data()

    def action_save_view(self) -> None:
        from tracker.tui.screens.save_view import SaveViewScreen

        if not self.filter_text.strip():
            self.say(self.t("views.empty_filter"), "warning")
            return
        self.push_screen(SaveViewScreen(self.filter_text))

    def action_clear_filter(self) -> None:
        self.apply_filter("")

    # -- command palette -------------------------------------------------------------------

    def action_command_palette(self) -> None:
        """Textual's palette, with its search prompt in the interface's language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=self.t("palette.placeholder")))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every palette entry, in the interface's language. Textual's own entries are English, so
        the two worth keeping (quit, screenshot) are said again here and the rest (theme, its keys
        panel, maximize: English screens of their own) left out. The language command's title holds
        both languages' words for it, so "language", "语言", "中文" and "English" all find it."""
        t = self.t
        yield SystemCommand(t("view.portfolio"), t("cmd.portfolio"), lambda: self.action_show_view("portfolio"))
        yield SystemCommand(t("view.rollups"), t("cmd.rollups"), lambda: self.action_show_view("rollups"))
        yield SystemCommand(t("view.warnings"), t("cmd.warnings"), lambda: self.action_show_view("warnings"))
        yield SystemCommand(t("view.timeline"), t("cmd.timeline"), lambda: self.action_show_view("timeline"))
        yield SystemCommand(t("view.check"), t("cmd.check"), lambda: self.action_show_view("check"))
        yield SystemCommand(t("view.indicators"), t("cmd.indicators"), lambda: self.action_show_view("indicators"))
        yield SystemCommand(t("key.choose_view"), t("cmd.choose_view"), self.action_choose_view)
        yield SystemCommand(t("key.save_view"), t("cmd.save_view"), self.action_save_view)
        yield SystemCommand(t("filter.label"), t("cmd.clear_filter"), self.action_clear_filter)
        yield SystemCommand(t("key.undo"), t("cmd.undo"), self.action_undo)
        yield SystemCommand(t("key.redo"), t("cmd.redo"), self.action_redo)
        yield SystemCommand(t("key.language_long"), t("cmd.language"), self.action_toggle_language)
        yield SystemCommand(t("key.theme"), t("cmd.theme"), self.action_next_theme)
        yield SystemCommand(t("key.help"), t("cmd.help"), self.action_help)
        screenshot = lambda: self.set_timer(0.1, self.deliver_screenshot)  # noqa: E731 - as Textual's own entry
        yield SystemCommand(t("key.screenshot"), t("cmd.screenshot"), screenshot)
        yield SystemCommand(t("key.quit"), t("cmd.quit"), self.action_quit)
