"""The Textual interface: ``tracker`` (or ``tracker tui``) opens :class:`tracker.tui.app.TrackerApp`.

This package's ``__init__`` imports nothing, so that importing a pure helper such as
:mod:`tracker.tui.i18n` or :mod:`tracker.tui.data` never pulls in Textual; only ``tracker.tui.app``,
the screens and the widgets do, and the CLI imports them inside ``launch`` alone.
"""
