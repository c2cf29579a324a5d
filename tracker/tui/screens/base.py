"""What every screen of the app shares: the language, staying fresh, and (for the list views) the
filter bar.

A screen is *stale* when the interface language changed or the data changed (an edit, a month's
progress, an undo — the app counts them in ``data_generation``) since it last drew itself; it
redraws when it becomes visible again, so screens hidden in other views never do work nobody sees.

Screens read the database in Textual thread workers (``@work(thread=True, exclusive=True, …)``),
never on the UI thread: a worker posts what it read as a message stamped with the screen's request
number, and the screen shows it only if no newer request was made meanwhile — a slow query that
finishes after a newer keystroke's is dropped. A worker that fails is reported here, once for every
screen: the error's message (escaped) in a notification, never a crash.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, cast

from textual import on
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from tracker.tui.i18n import translate
from tracker.tui.widgets.filter_bar import FilterBar

LOADING_AFTER = 0.2
"""Seconds a read may take before its widget shows a loading indicator."""


class Stale(Exception):
    """A worker's read was interrupted because a newer request superseded it."""


if TYPE_CHECKING:
    from sqlmodel import Session

    from tracker.tui.app import TrackerApp
    from tracker.tui.data import Query


class TrackerScreen(Screen[None]):
    """A full screen of the app; subclasses implement :meth:`reload` (and may override ``compose``)."""

    VIEW: str = ""
    """The i18n key of the view's name, shown in the header."""

    def __init__(self) -> None:
        super().__init__()
        self._language: str | None = None
        self._generation = -1
        self.request = 0
        """Rises with every read the screen starts: a result stamped with an older number is stale."""
        self.pending: int | None = None
        """The read whose (main) result has not arrived yet, if any."""
        self._reads: set[Any] = set()
        self._reads_lock = threading.Lock()

    def new_request(self) -> int:
        """Start a read: its number, which its result must carry to be shown. The reads still
        running for older requests are interrupted in the database (their results would be dropped
        anyway, and a count over a million rows would hold a core for seconds)."""
        self.request += 1
        self.pending = self.request
        with self._reads_lock:
            for connection in self._reads:
                stop = getattr(connection, "interrupt", None) or getattr(connection, "cancel", None)  # SQLite, psycopg
                if stop is not None:
                    with suppress(Exception):  # an interruption is best effort
                        stop()
        return self.request

    @contextmanager
    def interruptible(self, session: Session, request: int) -> Iterator[None]:
        """Run a worker's reads so that a newer request interrupts them; an interrupted read of a
        stale request ends the worker quietly (an error of a current one is reported as any other)."""
        from sqlalchemy.exc import DBAPIError

        connection = session.connection().connection.dbapi_connection
        with self._reads_lock:
            self._reads.add(connection)
        try:
            yield
        except DBAPIError:
            if self.current(request):
                raise
            raise Stale() from None
        finally:
            with self._reads_lock:  # out of the set before the connection goes back to the pool
                self._reads.discard(connection)

    def loading_later(self, widget: Widget, request: int) -> None:
        """Show ``widget`` as loading if read ``request`` is still pending after a moment (a quick
        read never flickers)."""

        def still_loading() -> None:
            if self.pending == request and not widget.loading:
                widget.loading = True  # a loading widget cannot hold the focus: :meth:`loaded` gives it back

        self.set_timer(LOADING_AFTER, still_loading)

    def loaded(self, widget: Widget) -> None:
        """Take down ``widget``'s loading indicator, and give it back the focus it had (a loading
        widget cannot hold the focus; the screen's list is where the focus belongs when nothing has it)."""
        if not widget.loading:
            return
        widget.loading = False

        def restore() -> None:
            if self.focused is None and widget.focusable:  # never taken from where the user put it
                widget.focus()

        self.call_after_refresh(restore)

    def arrived(self, request: int) -> bool:
        """The main result of read ``request`` arrived: whether to show it (False: it is stale)."""
        if request != self.request:
            return False
        self.pending = None
        return True

    def current(self, request: int) -> bool:
        """Whether a result of read ``request`` is still wanted (no newer read was started since)."""
        return request == self.request

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A read that failed: say why (a domain error's own message; anything else as an internal
        error), stop showing it as loading, keep what is on screen."""
        if event.state != WorkerState.ERROR:
            return
        from tracker.errors import TrackerError

        error = event.worker.error
        if isinstance(error, Stale):
            return
        if isinstance(error, TrackerError):
            message = self.t("app.read_failed", error=error.user_message(self.tracker.language))
        else:
            message = self.t("app.internal_error", error=f"{type(error).__name__}: {error}")
        self.read_failed()
        self.tracker.say(message, "error")

    def read_failed(self) -> None:
        """A read failed: take down loading indicators (the screen keeps what it showed)."""
        self.pending = None
        for widget in self.query("*"):
            self.loaded(widget)

    @property
    def tracker(self) -> TrackerApp:
        return cast("TrackerApp", self.app)

    def t(self, key: str, **values: object) -> str:
        return translate(self.tracker.language, key, **values)

    def on_mount(self) -> None:
        self._set_titles()
        self.refresh_data()

    def on_screen_resume(self) -> None:
        if self._language is None:
            return  # not drawn yet: on_mount will
        if self._language != self.tracker.language:
            self.run_worker(self.apply_language(), exclusive=True, group="language")
        elif self._generation != self.tracker.data_generation:
            self.refresh_data()

    def refresh_data(self) -> None:
        """Reload from the database and remember which data generation is shown."""
        self._language = self.tracker.language
        self._generation = self.tracker.data_generation
        self.reload()

    async def apply_language(self) -> None:
        """Redraw every label in the current language (compose again, then reload the data)."""
        await self.recompose()
        self._set_titles()
        self.refresh_data()
        self.refresh_bindings()  # the new footer draws itself when the bindings are published
        if self.AUTO_FOCUS:
            for widget in self.query(self.AUTO_FOCUS):
                if widget.focusable:
                    widget.focus()
                    break

    def _set_titles(self) -> None:
        self.title = self.t("app.title")
        parts = [self.t(self.VIEW)] if self.VIEW else []
        parts.append(self.t("app.as_of", date=self.tracker.as_of.isoformat()))
        self.sub_title = " · ".join(parts)

    def reload(self) -> None:
        """Read what the screen shows from the database."""


class FilteredScreen(TrackerScreen):
    """A list view with the filter bar; the filter text is shared by every view of the app."""

    _shown_filter: str | None = None
    _keep_cursor = True
    SUBJECT = "project"
    """What the view lists, for the filter (:data:`tracker.filters.Subject`): a term that does not apply
    (``+behind`` in a projects view) is shown as an error under the caret."""

    def keep_cursor(self) -> bool:
        """Whether the next reload should put the cursor back on the project it was on: yes after
        an edit or an undo (the same list, fresher), no after a new filter or sort (a new list,
        shown from its top)."""
        keep, self._keep_cursor = self._keep_cursor, True
        return keep

    def new_list(self) -> None:
        """The next reload shows a different list (another filter or sort)."""
        self._keep_cursor = False

    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    def current_query(self, sort_text: str = "") -> Query | None:
        """The app's filter as a query; on bad syntax show the parser's message with its caret
        under the offending part, and return None (the screen keeps its last good result)."""
        from tracker.filters import FilterError

        text = self.tracker.filter_text
        try:
            query = self.tracker.query_for(text, sort_text, self.SUBJECT)
        except FilterError as exc:
            message = exc.user_message(self.tracker.language)
            self.filter_bar().show_error(f"{self.t('filter.error')}{message}\n{exc.caret(text)}")
            return None
        self.filter_bar().clear_error()
        return query

    def action_focus_filter(self) -> None:
        self.filter_bar().input.focus()

    @on(FilterBar.Changed)
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        event.stop()
        if event.text == self._shown_filter and self._generation == self.tracker.data_generation:
            return
        self.tracker.filter_text = event.text
        self.new_list()
        self.refresh_data()

    @on(FilterBar.Done)
    def _filter_done(self, event: FilterBar.Done) -> None:
        event.stop()
        self.focus_main()

    def focus_main(self) -> None:
        """Put the focus on the screen's list: the widget it focuses when shown (``AUTO_FOCUS``)."""
        if self.AUTO_FOCUS:
            self.query_one(self.AUTO_FOCUS).focus()

    def on_screen_resume(self) -> None:
        """Shown again: also reload when the filter was changed in another view (it is shared).

        Textual calls :meth:`TrackerScreen.on_screen_resume` as well (a handler of every class of the MRO
        runs), so this one only acts where that one does not: same language, same data, another filter."""
        if (
            self._language is not None
            and self._language == self.tracker.language
            and self._generation == self.tracker.data_generation
            and self._shown_filter is not None
            and self._shown_filter != self.tracker.filter_text
        ):
            self.refresh_data()

    def refresh_data(self) -> None:
        bar = self.filter_bar()
        if bar.text != self.tracker.filter_text:  # changed in another view
            bar.input.value = self.tracker.filter_text
            self.new_list()
        self._shown_filter = self.tracker.filter_text
        super().refresh_data()
