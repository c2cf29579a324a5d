"""One module per widget; a widget with styles reads its .tcss beside it into DEFAULT_CSS."""
