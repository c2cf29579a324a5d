"""A plan's main indicators (主要指标): reading their published targets and judging their status.

Pure modules (no database, no UI): :mod:`tracker.indicators.targets` reads a target cell's text,
:mod:`tracker.indicators.status` judges an indicator against its target and its path.
"""
