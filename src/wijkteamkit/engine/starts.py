"""A team receives signals from the day it starts: its neighbourhood's ``team_start``.

A signal for a neighbourhood whose team has not started yet is refused, not held: before its
start nobody in the team can act on it, and the one who reports it must still be sent
elsewhere. The date compared is the day the engine receives the signal (the transaction's
local date), not the date the reporter wrote on it.
"""

from __future__ import annotations

from datetime import date

from ..domain import MunicipalitySetup, Neighbourhood
from .errors import RuleViolation

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def start_text(neighbourhood: Neighbourhood) -> str:
    """The team's start as precisely as it is known: ``1 April 2012`` or ``September 2012``."""
    start = neighbourhood.team_start
    if start is None:
        return "an unknown date"
    month = f"{_MONTHS[start.month - 1]} {start.year}"
    return month if neighbourhood.team_start_precision == "month" else f"{start.day} {month}"


def not_started(setup: MunicipalitySetup, team: str, on: date) -> RuleViolation | None:
    """Why ``team`` may not receive a signal on ``on`` (its neighbourhood's team starts after
    it), or ``None`` when it may. A month-precise start counts from the first of that month."""
    found = next((t for t in setup.teams if t.key == team), None)
    area = None if found is None else setup.get("neighbourhoods", found.neighbourhood)
    if not isinstance(area, Neighbourhood) or (start := area.team_starts_on) is None:
        return None
    if on >= start:
        return None
    return RuleViolation(
        f"the team of {area.name} starts {'in' if area.team_start_precision == 'month' else 'on'} "
        f"{start_text(area)}; a signal received on {on} "
        "comes before it: refer the reporter elsewhere until the team has started",
        rule="team-not-started",
    )
