"""``wijkteamkit screen``: the households an escalation rule fires for, with no escalation open.

Exit codes: 0 screened (whether or not households are listed: the list is the answer, not an
error), 2 cannot run (unknown municipality, no or an unusable database, a bad date).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import Format, parse_date, plural, print_json
from .db_cmd import DatabaseOption, FormatOption
from .loader import command_session, load_one
from .per_team import print_per_team, team_title
from .plugins_cmd import PluginFileOption

if TYPE_CHECKING:
    from ..engine.screening import Screening

SCREENER = "cli-screen"
"""The actor id the command screens as: an auditor of the municipality, who sees every team."""


def screen(
    municipality: Annotated[str, typer.Argument(help="CBS code or name.")],
    on: Annotated[
        str | None,
        typer.Option(
            help="Screen as the caseload stood on this day (YYYY-MM-DD); default today.",
            show_default=False,
        ),
    ] = None,
    database: DatabaseOption = None,
    output: FormatOption = Format.TEXT,
    plugin_file: PluginFileOption = None,
) -> None:
    """List per team the open households where an escalation rule fires on the latest
    assessment (and the household's signals) but no escalation to its target is open.

    Reads the caseload as the municipality's auditor and writes one audit entry (counts only).
    Exit 0 when screened, listed households or not; 2 when it cannot run.
    """
    from ..domain.case import Role
    from ..engine.screening import screen as screen_caseload

    day = parse_date(on)
    loaded = load_one(municipality, plugin_file)
    with command_session(loaded, database, Role.AUDITOR, SCREENER, "screen") as screener:
        result = screen_caseload(screener.casework, screener.actor, day)
    if output is Format.JSON:
        print_json(document(result))
    else:
        _print(result, loaded.setup.municipality.name)


def document(result: Screening) -> dict[str, Any]:
    """The stable JSON object of a screening."""
    return {
        "ok": True,
        "municipality": result.municipality,
        "on": result.on.isoformat(),
        "open_households": result.open_households,
        "assessed": result.assessed,
        "listed": result.listed,
        "teams": [
            {
                "team": team.team,
                "listed": len(team.households),
                "households": [
                    {
                        "household": item.household,
                        "hits": [{"rule": h.rule, "target": h.target} for h in item.hits],
                    }
                    for item in team.households
                ],
            }
            for team in result.teams
        ],
    }


def _print(result: Screening, name: str) -> None:
    print_per_team(
        f"{result.municipality} {name}, as of {result.on}: "
        f"{plural(result.open_households, 'open household')}, {result.assessed} with an "
        f"assessment, {result.listed} listed",
        ("household", "rules", "targets"),
        [
            (
                team_title(team.team, len(team.households), "household"),
                [
                    (
                        str(item.household),
                        ", ".join(h.rule for h in item.hits),
                        ", ".join(dict.fromkeys(h.target for h in item.hits)),
                    )
                    for item in team.households
                ],
            )
            for team in result.teams
        ],
    )
