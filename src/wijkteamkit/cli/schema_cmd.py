"""``wijkteamkit schema``: the JSON Schema of the TOML plugin format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import fail


def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            help="Write the schema to this file instead of stdout.",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of a plugin written as TOML, for an editor to
    validate and complete plugin files with."""
    from ..schema import schema_text

    text = schema_text()
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"could not write {output}: {exc.strerror or exc}")
