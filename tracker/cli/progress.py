"""tracker progress, history, undo, report, import-csv (issue 5)."""

from __future__ import annotations
