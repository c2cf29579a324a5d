"""The footer, in the interface's language.

Textual's :class:`~textual.widgets.Footer` shows each binding's ``description``, a class-level
string. Bindings here carry an ``id`` (that is also what ``[keys]`` in tracker.toml remaps), and the
words for an id live in :mod:`tracker.tui.i18n`; this footer swaps them in as it composes, so the
footer follows a live zh/en switch and a remapped key shows its new key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tracker.tui.i18n import has_message, tr


class KeyBar(Footer):
    """A :class:`Footer` whose descriptions come from the binding ids."""

    def compose(self) -> ComposeResult:
        ids: dict[tuple[str, str], str] = {}
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.id:
                ids[(binding.key, binding.action)] = binding.id
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                binding_id = ids.get((widget.key, widget.action))
                if binding_id and has_message(f"key.{binding_id}"):
                    widget.description = tr(self, f"key.{binding_id}")
            yield widget
