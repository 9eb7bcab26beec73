"""Rules about team leaders: who employs the leader agrees with the organisation named."""

from __future__ import annotations

from collections.abc import Iterator

from .finding import Check, Finding


def _names_municipality(organisation: str, municipality: str) -> bool:
    """Whether ``organisation`` is the municipality: its name, or ``Gemeente <name>...``."""
    org, name = organisation.casefold(), municipality.casefold()
    return org == name or org.startswith(f"gemeente {name}")


def leader_employers(check: Check) -> Iterator[Finding]:
    """A leader employed by the municipality works for the municipality; one employed by an
    institution does not (Nijmegen tried both: Uitvoeringsnotitie §4.3)."""
    municipality = check.setup.municipality.name
    for team in check.setup.teams:
        leader = team.leader
        if leader is None:
            continue
        is_municipality = _names_municipality(leader.organisation, municipality)
        if (leader.employer == "municipality") == is_municipality:
            continue
        said = "the municipality" if leader.employer == "municipality" else "an institution"
        named = "the municipality" if is_municipality else "another organisation"
        yield check.finding(
            "error",
            "leader-employer",
            f"teams/{team.key}/leader",
            f"the leader of team {team.key!r} is employed by {said} (employer="
            f"{leader.employer!r}) but organisation {leader.organisation!r} is {named}; write "
            f"the employing organisation ('Gemeente {municipality}' for the municipality) or "
            "correct employer.",
        )
