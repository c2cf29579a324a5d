"""tracker: a terminal portfolio tracker for the key projects of a civil-affairs five-year plan.

The package's import is deliberately empty: ``tracker.cli`` for commands, the domain modules
(``models``, ``importing``, ``filters``, ``rollups``, ``warnings``, ``checks``, ``export``) for code.
"""

__version__ = "0.1.0"
