"""The footer, in the interface's language, never wider than the terminal.

Textual's :class:`~textual.widgets.Footer` shows each binding's ``description``, a class-level
string. Bindings here carry an ``id`` (that is also what ``[keys]`` in tracker.toml remaps), and the
words for an id live in :mod:`tracker.tui.i18n`; this footer swaps them in as it composes, so the
footer follows a live zh/en switch and a remapped key shows its new key.

At 80 columns the keys of a view and the app's keys do not all fit, and a plain Footer lets the last
ones run under the command-palette key, cutting a Chinese character in half (``^p   令``). This one
measures every entry (Chinese characters are two cells) and leaves out whole entries from the end —
the app-wide keys, which ``?`` lists anyway — until the rest fits beside the palette key; a resize
measures again.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tracker.tui.i18n import has_message, tr

GUTTER = 2
"""Cells between two entries of the footer."""


def entry_width(widget: Widget) -> int:
    """Cells an entry takes in the compact footer: key, a space, description, and the gutter."""
    from rich.cells import cell_len

    if isinstance(widget, FooterKey):
        description = 1 + cell_len(widget.description) if widget.description else 0
        return cell_len(widget.key_display) + description + GUTTER
    return 0


def fitting(widgets: list[Widget], width: int) -> list[Widget]:
    """``widgets`` without the entries (from the end, the palette key kept) that do not fit ``width``."""
    palette = [w for w in widgets if w.has_class("-command-palette")]
    others = [w for w in widgets if not w.has_class("-command-palette")]
    room = width - sum(entry_width(w) + 1 for w in palette)  # the palette key has a one-cell border
    while others and sum(entry_width(w) for w in others) > room:
        others.pop()
    return [*others, *palette]


class KeyBar(Footer):
    """A :class:`Footer` whose descriptions come from the binding ids, cut to whole entries."""

    _width = 0

    def compose(self) -> ComposeResult:
        ids: dict[tuple[str, str], str] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.id:
                ids[(binding.key, binding.action)] = binding.id
        widgets: list[Widget] = []
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                binding_id = ids.get((widget.key, widget.action))
                if binding_id and has_message(f"key.{binding_id}"):
                    widget.description = tr(self, f"key.{binding_id}")
            widgets.append(widget)
        self._width = self.app.size.width
        yield from fitting(widgets, self._width)

    def on_resize(self) -> None:
        if self.app.size.width != self._width and self.is_attached:
            self.call_after_refresh(self.recompose)
