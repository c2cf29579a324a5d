"""tracker rollup, warnings, view, config (issue 4)."""

from __future__ import annotations
