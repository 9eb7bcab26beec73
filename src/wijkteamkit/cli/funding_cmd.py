"""``wijkteamkit funding``: which stream pays for a provision, on which date."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import ExitCode, Format, fail, parse_date, print_json
from .plugins_cmd import PluginFileOption

if TYPE_CHECKING:
    from ..loading import LoadedMunicipality

funding_app = typer.Typer(
    help="Funding streams of provisions across the 2015 reform.", no_args_is_help=True
)


@funding_app.command("resolve")
def resolve(
    provision: Annotated[str, typer.Argument(help="Provision key, e.g. begeleiding.")],
    municipality: Annotated[str, typer.Option("--municipality", "-m", help="CBS code or name.")],
    on: Annotated[str, typer.Option(help="The date (YYYY-MM-DD).")],
    delivery: Annotated[str, typer.Option(help="zin or pgb.")] = "zin",
    plugin_file: PluginFileOption = None,
    output: Annotated[Format, typer.Option("--format", help="text or json.")] = Format.TEXT,
) -> None:
    """Which stream, funder and law pay for PROVISION on a date; exit 1 with why when nothing does."""
    from ..domain import Delivery
    from ..money.funding import FundingRefused, resolve_funding
    from .loader import load_one

    when = parse_date(on)
    assert when is not None
    try:
        kind = Delivery(delivery.lower())
    except ValueError:
        fail(f"--delivery {delivery!r} is not zin or pgb")
    loaded = load_one(municipality, plugin_file)
    if loaded.setup.get("provisions", provision) is None:
        known = ", ".join(sorted(p.key for p in loaded.setup.provisions)) or "none"
        fail(f"{loaded.setup.municipality.name} has no provision {provision!r}; known: {known}")
    try:
        answer = resolve_funding(
            loaded.setup,
            provision,
            when,
            kind,
            _funding_hook(loaded),
        )
    except FundingRefused as exc:
        if output is Format.JSON:
            print_json(
                {"ok": False, "provision": provision, "on": when.isoformat(), "reason": str(exc)}
            )
        else:
            typer.echo(f"refused: {exc}")
        raise typer.Exit(ExitCode.FINDINGS) from None
    if output is Format.JSON:
        print_json({"ok": True, **answer.model_dump(mode="json")})
    else:
        typer.echo(
            f"{answer.provision} on {answer.on} ({answer.delivery.value.upper()}): {answer.stream_name}, "
            f"paid by {answer.funder} ({answer.funder_kind}); basis: {answer.legal_basis}"
        )


@funding_app.command("matrix")
def matrix(
    municipality: Annotated[str, typer.Argument(help="CBS code or name.")],
    on: Annotated[str, typer.Option(help="The date (YYYY-MM-DD).")],
    compare: Annotated[
        str | None,
        typer.Option(help="A second date: show what moved between the two.", show_default=False),
    ] = None,
    plugin_file: PluginFileOption = None,
    output: Annotated[str, typer.Option("--format", help="text, json or csv.")] = "text",
) -> None:
    """Every provision with its stream, funder and law on a date (and on a second one, to compare)."""
    from ..money.funding import funding_matrix
    from .loader import load_one

    if output not in ("text", "json", "csv"):
        fail(f"--format {output!r} is not text, json or csv")
    first = parse_date(on)
    second = parse_date(compare, "--compare")
    assert first is not None
    loaded = load_one(municipality, plugin_file)
    hook = _funding_hook(loaded)
    rows = funding_matrix(loaded.setup, first, hook)
    if second is not None:
        later = {r["provision"]: r for r in funding_matrix(loaded.setup, second, hook)}
        for row in rows:
            other = later[row["provision"]]
            row["stream_then"], row["funder_then"], row["law_then"] = (
                other["stream"],
                other["funder"],
                other["law"],
            )
            row["moved"] = (row["stream"], row["funder"]) != (other["stream"], other["funder"])
    if output == "json":
        print_json(
            {
                "municipality": loaded.setup.code,
                "on": first.isoformat(),
                "compare": second.isoformat() if second else None,
                "provisions": rows,
            }
        )
    elif output == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["provision"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        _print_matrix(loaded.setup.municipality.name, first, second, rows)


def _funding_hook(loaded: LoadedMunicipality) -> Callable[..., Any]:
    """``wijkteamkit_resolve_funding``; a plugin answering something unusable is named."""
    from ..money.funding import Resolution
    from .loader import behaviour_hook

    def check(answer: Any) -> object:
        return answer if isinstance(answer, Resolution) else Resolution.model_validate(answer)

    return behaviour_hook(loaded, "wijkteamkit_resolve_funding", check)


def _print_matrix(name: str, first: object, second: object, rows: list[dict[str, object]]) -> None:
    from rich.console import Console
    from rich.table import Table

    title = f"Funding in {name} on {first}" + (f" and on {second}" if second else "")
    table = Table(title=title, title_justify="left")
    columns = ["provision", "kind", "stream", "funder", "law"]
    if second:
        columns += ["stream then", "funder then", "moved"]
    for column in columns:
        table.add_column(column, overflow="fold")
    for r in rows:
        cells = [
            str(r["provision"]),
            str(r["kind"]),
            str(r["stream"] or "—"),
            str(r["funder"] or "not funded"),
            str(r["law"] or ""),
        ]
        if second:
            cells += [
                str(r["stream_then"] or "—"),
                str(r["funder_then"] or ""),
                "yes" if r["moved"] else "",
            ]
        table.add_row(*cells)
    Console().print(table)
