"""tracker check: the headless budget check (issue 3)."""

from __future__ import annotations
