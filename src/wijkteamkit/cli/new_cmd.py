"""``wijkteamkit new``: create a municipality plugin package with placeholder data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import fail


def new(
    name: Annotated[
        str,
        typer.Argument(
            help="The plugin's name, lower case (deventer); the package is wijkteamkit-NAME.",
            show_default=False,
        ),
    ],
    code: Annotated[
        str,
        typer.Option("--code", help="The municipality's CBS code (GM0150).", show_default=False),
    ],
    python: Annotated[
        bool, typer.Option("--python", help="Write the hooks in Python instead of a TOML file.")
    ] = False,
    directory: Annotated[
        Path,
        typer.Option("--directory", help="Create the package folder in this folder."),
    ] = Path(),
) -> None:
    """Create wijkteamkit-NAME/, an installable plugin package whose placeholder data validate.

    Exit 0 when created, 2 for an unusable name or code or an existing folder.
    """
    from ..scaffold import ScaffoldError, plugin_package, write

    try:
        package = plugin_package(name, code, python)
    except ScaffoldError as exc:
        fail(str(exc))
    try:
        folder = write(package, directory)
    except ScaffoldError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"could not create {directory / package.dist}: {exc.strerror or exc}", kind="os")
    kind = "Python" if python else "TOML"
    lines = [
        f"Created {folder}: a {kind} plugin for {package.title} ({package.code}) "
        "with placeholder data.",
        *(f"  {path}" for path in package.files()),
        "Next:",
        f'  python -m pip install -e "{folder}[test]"',
        f"  wijkteamkit validate {name} --strict    # lists each placeholder to replace",
        f"  python -m pytest {folder}",
        f"See {folder / 'README.md'}.",
    ]
    typer.echo("\n".join(lines))
