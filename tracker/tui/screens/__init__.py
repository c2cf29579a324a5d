"""One module per screen; each screen with styles has its .tcss beside it (CSS_PATH)."""
