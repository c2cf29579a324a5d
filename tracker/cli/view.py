"""``tracker view save|list|delete``: saved views, named filters in tracker.toml ``[views]`` used as ``@name``.

Thin face over :mod:`tracker.views`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.app import app, fail, state
from tracker.cli.output import echo, print_json
from tracker.cli.query import FILTER_COMMAND, FilterWords

view_app = typer.Typer(help="Saved views: named filters in tracker.toml [views], used as @name.", no_args_is_help=True)
app.add_typer(view_app, name="view")


@view_app.command("save", context_settings=FILTER_COMMAND)
def view_save(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The view's name, used as @NAME.")],
    words: FilterWords = None,
) -> None:
    """Save FILTER as view NAME (replacing one of that name); the filter is checked first."""
    from tracker.cli.query import filter_text
    from tracker.config import ConfigError
    from tracker.views import ViewError, save

    st = state(ctx)
    text = filter_text(words)
    try:
        config = save(st.config, name, text)
    except (ViewError, ConfigError) as exc:
        fail(str(exc), error=exc)
    echo(f"saved view @{name} = {config.views[name]!r} in {config.path}")


@view_app.command("list")
def view_list(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """The saved views and their filters."""
    views = state(ctx).config.views
    if fmt == "json":
        print_json(views)
    elif fmt == "text":
        for name, text in views.items():
            echo(f"@{name}\t{text}")
    else:
        fail(f"--format must be text or json, not {fmt!r}")


@view_app.command("delete")
def view_delete(
    ctx: typer.Context, name: Annotated[str, typer.Argument(metavar="NAME", help="The view to delete.")]
) -> None:
    """Delete view NAME (refused while another view uses it)."""
    from tracker.config import ConfigError
    from tracker.views import ViewError, delete

    st = state(ctx)
    try:
        config = delete(st.config, name.lstrip("@"))
    except (ViewError, ConfigError) as exc:
        fail(str(exc), error=exc)
    echo(f"deleted view @{name.lstrip('@')} from {config.path}")
