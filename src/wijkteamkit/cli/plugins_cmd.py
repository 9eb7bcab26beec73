"""``wijkteamkit plugins``: every discovered plugin, its layer, origin and hooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .common import CliError, ExitCode, Format, error_line, plural, print_json

PluginFileOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--plugin-file",
        help="A local plugin file to load as well (repeatable).",
        show_default=False,
    ),
]


def plugins(
    plugin_file: PluginFileOption = None,
    output: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.TEXT,
) -> None:
    """List every plugin: its layer, distribution and version or file, and its hooks."""
    from ..inventory import inventory

    entries, errors = inventory(plugin_file or [])
    problems = len(errors) + sum(1 for e in entries if not e["ok"])
    document: dict[str, Any] = {"ok": not problems, "plugins": entries, "errors": errors}
    failed = (
        CliError(
            f"{plural(problems, 'plugin problem')}; fix or remove each plugin named above",
            ExitCode.CANNOT_RUN,
            "load",
            in_document=True,
        )
        if problems
        else None
    )
    if failed is not None:
        document["error"] = failed.error_object()
    if output is Format.JSON:
        print_json(document)
    else:
        _print_table(entries)
        for error in errors:  # the JSON document lists them; text lists them on stderr
            error_line(f"{error['plugin']}: {error['message']}")
    if failed is not None:
        raise failed


def _print_table(entries: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="wijkteamkit plugins", show_lines=False)
    for column in ("name", "layer", "from", "hooks", "status"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        origin = entry["file"] or " ".join(
            x for x in (entry["distribution"], entry["version"]) if x
        )
        status = "ok" if entry["ok"] else f"[red]failed:[/red] {entry['error']}"
        hooks = ", ".join(h.removeprefix("wijkteamkit_") for h in entry["hooks"])
        table.add_row(entry["name"], entry["layer"], origin, hooks, status)
    Console().print(table)
