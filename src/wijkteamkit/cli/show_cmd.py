"""``wijkteamkit show``: the merged setup of one municipality."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from .common import fail, parse_date, print_json
from .plugins_cmd import PluginFileOption

if TYPE_CHECKING:
    from ..domain import MunicipalitySetup


class ShowFormat(StrEnum):
    """Output format of ``show``: the two of every command, and a TOML plugin."""

    TEXT = "text"
    JSON = "json"
    TOML = "toml"


def show(
    municipality: Annotated[str, typer.Argument(help="CBS code (GM0268) or name (nijmegen).")],
    plugin_file: PluginFileOption = None,
    on: Annotated[
        str | None,
        typer.Option(
            help="Show the setup as it stands on this date (YYYY-MM-DD): only the escalation "
            "targets and rules, laws, legal bases, streams and funding valid then; default: "
            "the setup's reference date, else today. Refused with --format toml.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        ShowFormat,
        typer.Option(
            "--format",
            help="text, json (the setup model's dump) or toml (a plugin file that reproduces "
            "the whole setup, undated, on the national and regional layers).",
        ),
    ] = ShowFormat.TEXT,
) -> None:
    """Show a municipality's merged setup as it stands on a date, as tables or as the setup
    model's JSON dump; or write it as a TOML plugin."""
    from ..validation import default_date
    from .loader import load_one

    when = parse_date(on)
    if output is ShowFormat.TOML and when is not None:
        fail(
            "--on does not apply to --format toml, which writes the whole dated setup; leave --on out"
        )
    setup = load_one(municipality, plugin_file).setup
    if output is ShowFormat.TOML:
        _write_toml(setup)
        return
    when = when or default_date(setup)
    setup = setup.on(when)
    if output is ShowFormat.JSON:
        print_json(setup.model_dump(mode="json"))
    else:
        from .render import render_setup

        render_setup(setup, when)


def _write_toml(setup: MunicipalitySetup) -> None:
    from ..loading import MunicipalityLoadError, layers_below
    from ..toml_writer import dumps

    try:
        below = layers_below(setup.municipality)
    except MunicipalityLoadError as exc:
        fail(
            "could not load the layers below: " + "; ".join(str(e) for e in exc.errors), kind="load"
        )
    sys.stdout.write(dumps(setup, below))
