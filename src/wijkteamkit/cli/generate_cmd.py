"""``wijkteamkit generate``: synthetic data for a municipality's setup, for tests, demos and
benchmarks. Everything it makes is made up."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .common import fail
from .plugins_cmd import PluginFileOption

generate_app = typer.Typer(
    help="Synthetic, reproducible data for a municipality's setup (tests, demos, benchmarks).",
    no_args_is_help=True,
)

MAX_ROWS = 10_000_000
"""The largest feed `generate feed` makes."""


@generate_app.command("feed")
def feed(
    municipality: Annotated[str, typer.Argument(help="CBS code (GM0268) or name (nijmegen).")],
    rows: Annotated[int, typer.Option("--rows", help="Data rows to write.", show_default=False)],
    bad_share: Annotated[
        float, typer.Option("--bad-share", help="Share of bad rows, 0 to 1, spread evenly.")
    ] = 0.05,
    seed: Annotated[int, typer.Option("--seed", help="The same seed makes the same bytes.")] = 1,
    feed_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="csv or jsonl; default: from --output's name (.jsonl, .ndjson), else csv.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", help="The file to write; default: stdout.", show_default=False),
    ] = None,
    plugin_file: PluginFileOption = None,
) -> None:
    """Write a synthetic debt early-warning feed (see docs/intake.md) for the municipality.

    Addresses lie in its neighbourhoods' postcodes; households repeat with several creditors,
    creditors report again; `--bad-share` of the rows are bad, of every kind. Streams: any
    size runs in constant memory.
    """
    from ..intake.feed import FeedError
    from ..intake.feed import feed_format as format_of
    from ..intake.generate import GenerateError, write_feed
    from .loader import load_one

    if not 0 <= rows <= MAX_ROWS:
        fail(f"--rows {rows} is out of range; give 0 to {MAX_ROWS}")
    if not 0 <= bad_share <= 1:
        fail(f"--bad-share {bad_share} is out of range; give a share from 0 to 1, e.g. 0.05")
    try:
        if feed_format is None and output is not None and output.suffix in (".jsonl", ".ndjson"):
            kind = format_of(output)
        else:
            kind = format_of("", feed_format or "csv")
    except FeedError as exc:
        fail(f"--format: {exc}")
    setup = load_one(municipality, plugin_file).setup
    try:
        if output is None:
            write_feed(sys.stdout.buffer, setup, rows, bad_share, seed, kind)
        else:
            with open(output, "wb") as out:
                write_feed(out, setup, rows, bad_share, seed, kind)
    except GenerateError as exc:
        fail(str(exc))
