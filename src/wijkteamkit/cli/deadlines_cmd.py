"""``wijkteamkit deadlines``: the Wmo 2015 requests whose statutory term is overdue or due
within a week, per team.

Exit codes: 0 listed (whether or not requests are listed: the list is the answer, not an error),
2 cannot run (unknown municipality, no or an unusable database, a bad date).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import Format, parse_date, plural, print_json
from .db_cmd import DatabaseOption, FormatOption
from .loader import command_session, load_one
from .plugins_cmd import PluginFileOption

if TYPE_CHECKING:
    from ..engine.requests import DeadlineList

LISTER = "cli-deadlines"
"""The actor id the command lists as: an auditor of the municipality, who sees every team."""

WITHIN = 7
"""Days ahead a term counts as due soon."""


def deadlines(
    municipality: Annotated[str, typer.Argument(help="CBS code or name.")],
    on: Annotated[
        str | None,
        typer.Option(
            help="List as the requests stood on this day (YYYY-MM-DD); default today.",
            show_default=False,
        ),
    ] = None,
    database: DatabaseOption = None,
    output: FormatOption = Format.TEXT,
    plugin_file: PluginFileOption = None,
) -> None:
    """List per team the open Wmo 2015 requests whose statutory term (investigation within six
    weeks of the report, decision within two weeks of the application) is overdue or due within
    a week; requests and households by id, provisions by key.

    Reads as the municipality's auditor and writes one audit entry (counts only).
    Exit 0 when listed, requests or not; 2 when it cannot run.
    """
    from ..domain.case import Role

    day = parse_date(on)
    loaded = load_one(municipality, plugin_file)
    with command_session(loaded, database, Role.AUDITOR, LISTER, "deadlines") as lister:
        result = lister.deadlines(day, WITHIN)
    if output is Format.JSON:
        print_json(document(result))
    else:
        _print(result, loaded.setup.municipality.name)


def document(result: DeadlineList) -> dict[str, Any]:
    """The stable JSON object of a deadlines list."""
    return {
        "ok": True,
        "municipality": result.municipality,
        "on": result.on.isoformat(),
        "within_days": result.within,
        "open_requests": result.open_requests,
        "listed": result.listed,
        "teams": [
            {
                "team": team.team,
                "listed": len(team.requests),
                "requests": [
                    {
                        "request": item.request,
                        "household": item.household,
                        "provision": item.provision,
                        "deadlines": [
                            {
                                "term": d.term,
                                "from": d.from_step.value,
                                "to": d.to_step.value,
                                "started": d.started.isoformat(),
                                "due": d.due.isoformat(),
                                "state": d.state.value,
                                "article": d.article,
                            }
                            for d in item.deadlines
                        ],
                    }
                    for item in team.requests
                ],
            }
            for team in result.teams
        ],
    }


def _print(result: DeadlineList, name: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    console.print(
        f"[bold]{result.municipality} {escape(name)}[/bold], as of {result.on}: "
        f"{plural(result.open_requests, 'open request')}, {result.listed} overdue or due "
        f"within {plural(result.within, 'day')}",
        highlight=False,
        soft_wrap=True,
    )
    for team in result.teams:
        console.print(
            f"[bold]{escape(team.team)}: {plural(len(team.requests), 'request')}[/bold]",
            highlight=False,
        )
        for item in team.requests:
            for d in item.deadlines:
                console.print(
                    f"  request {item.request}, household {item.household}, {item.provision}: "
                    f"{d.to_step.value} ({d.to_step.dutch}) due {d.due}, {d.state.value}"
                    + (f" ({escape(d.article)})" if d.article else ""),
                    highlight=False,
                    soft_wrap=True,
                )
