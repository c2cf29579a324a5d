"""``tracker config get|set``: read or change one tracker.toml setting, checked before it is written.

Thin face over :mod:`tracker.config` (and :mod:`tracker.views` for ``views.NAME``).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.output import echo
from tracker.cli.query import FILTER_COMMAND

config_app = typer.Typer(help="Read or change tracker.toml settings.", no_args_is_help=True)
app.add_typer(config_app, name="config")


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@config_app.command("get")
def config_get(
    ctx: typer.Context,
    key: Annotated[
        str | None, typer.Argument(metavar="[KEY]", help="SECTION.KEY (or SECTION), e.g. warnings.stale_days; none for all.")
    ] = None,
) -> None:
    """Print a setting in force (the file's value, else the default); every setting without KEY."""
    from tracker.config import ConfigError

    config = state(ctx).config
    if key is None:
        for section, values in config.data.items():
            for name, value in values.items():
                echo(f"{section}.{name} = {_show(value)}")
        return
    section, _, name = key.partition(".")
    if not name and section in config.data:
        for sub, value in config.data[section].items():
            echo(f"{section}.{sub} = {_show(value)}")
        return
    try:
        echo(_show(config.get(key)))
    except ConfigError as exc:
        fail(str(exc), error=exc)


@config_app.command("set", context_settings=FILTER_COMMAND)
def config_set(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(metavar="KEY", help="SECTION.KEY, e.g. warnings.stale_days or views.mine.")],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The new value (a view's value is a filter).")],
) -> None:
    """Set one setting in tracker.toml, checked first; every other setting is kept as it was."""
    from tracker.config import ConfigError, coerce, update
    from tracker.views import ViewError, save

    st = state(ctx)
    section, _, name = key.partition(".")
    try:
        if section == "views":
            config = save(st.config, name, value)
        else:
            config = update(st.config, key, coerce(key, value))
    except (ConfigError, ViewError) as exc:
        fail(str(exc), error=exc)
    echo(f"{key} = {_show(config.get(key))} in {config.path}")
