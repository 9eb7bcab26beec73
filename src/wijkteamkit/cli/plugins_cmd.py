"""``wijkteamkit plugins``: every discovered plugin, its layer, origin and hooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .common import EXIT_LOAD, Format, error_document, print_json, report_error, run

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
    failed = len(errors) + sum(1 for e in entries if not e["ok"])
    message = f"{failed} plugin problem(s); fix or remove the plugin(s) named above"
    document: dict[str, Any] = {"ok": not failed, "plugins": entries, "errors": errors}
    if failed:
        document["error"] = error_document(message, EXIT_LOAD, "load")["error"]
    if output is Format.JSON:
        print_json(document)
    else:
        _print_table(entries, errors)
    if failed:
        run.json_errors = False  # the document above already carries the error
        report_error(message, EXIT_LOAD, "load")
        raise typer.Exit(EXIT_LOAD)


def _print_table(entries: list[dict[str, Any]], errors: list[dict[str, Any]]) -> None:
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
    console = Console()
    console.print(table)
    for error in errors:
        console.print(f"[red]error:[/red] {error['plugin']}: {error['message']}", highlight=False)
