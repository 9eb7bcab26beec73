"""``wijkteamkit keys``: every key a plugin can refer to, per collection, with who supplies it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .common import Format, fail, print_json
from .plugins_cmd import PluginFileOption

if TYPE_CHECKING:
    from ..keys import KeyEntry


def keys(
    municipality: Annotated[
        str | None,
        typer.Argument(help="CBS code (GM0268) or name (nijmegen); leave out with --national."),
    ] = None,
    national: Annotated[
        bool,
        typer.Option("--national", help="Only the national layer, before any municipality exists."),
    ] = False,
    plugin_file: PluginFileOption = None,
    output: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.TEXT,
) -> None:
    """List every key a plugin can refer to (laws, funding streams, provisions, life domains,
    legal bases, targets, teams, ...), per collection, with its name and the plugin that
    supplies it."""
    from ..keys import keys_of, national_setup
    from ..loading import MunicipalityLoadError

    if national == (municipality is not None):
        fail("give a municipality (GM0268 or nijmegen) or --national, not both or neither")
    if national and plugin_file:
        fail("--plugin-file needs a municipality; --national lists the national layer alone")
    if municipality is not None:
        from .loader import load_one

        setup = load_one(municipality, plugin_file).setup
    else:
        try:
            setup = national_setup()
        except MunicipalityLoadError as exc:
            fail("could not load the national layer: " + "; ".join(map(str, exc.errors)))
    found = keys_of(setup)
    if output is Format.JSON:
        print_json(
            {
                "municipality": None if national else setup.code,
                "collections": {
                    name: [{"key": e.key, "name": e.name, "origin": e.origin} for e in entries]
                    for name, entries in found.items()
                },
            }
        )
    else:
        _print(setup.municipality.name if not national else "the national layer", found)


def _print(title: str, found: dict[str, list[KeyEntry]]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    console.print(f"Keys of {escape(title)}", highlight=False)
    for collection, entries in found.items():
        if not entries:
            continue
        table = Table(title=f"{collection} ({len(entries)})", title_justify="left")
        for column in ("key", "name", "supplied by"):
            table.add_column(column, overflow="fold")
        for entry in entries:
            table.add_row(escape(entry.key), escape(entry.name), escape(entry.origin))
        console.print(table)
    empty = [collection for collection, entries in found.items() if not entries]
    if empty:
        console.print(f"No keys yet in: {', '.join(empty)}", highlight=False)
