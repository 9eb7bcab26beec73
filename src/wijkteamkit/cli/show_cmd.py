"""``wijkteamkit show``: the merged setup of one municipality."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import Format, parse_date, print_json
from .plugins_cmd import PluginFileOption


def show(
    municipality: Annotated[str, typer.Argument(help="CBS code (GM0268) or name (nijmegen).")],
    plugin_file: PluginFileOption = None,
    on: Annotated[
        str | None,
        typer.Option(
            help="Show the setup as it stands on this date (YYYY-MM-DD): only the escalation "
            "targets and rules, laws, legal bases, streams and funding valid then; default: "
            "the setup's reference date, else today.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Format, typer.Option("--format", help="text or json (the setup model's dump).")
    ] = Format.TEXT,
) -> None:
    """Show a municipality's merged setup as it stands on a date, as tables or as the setup
    model's JSON dump."""
    from ..validation import default_date
    from .loader import load_one

    when = parse_date(on)
    setup = load_one(municipality, plugin_file).setup
    when = when or default_date(setup)
    setup = setup.on(when)
    if output is Format.JSON:
        print_json(setup.model_dump(mode="json"))
    else:
        from .render import render_setup

        render_setup(setup, when)
