"""Rules about the institutions' mandate over their workers in a household."""

from __future__ import annotations

from collections.abc import Iterator

from ..domain.mandate import organisation_name
from .finding import Check, Finding


def mandates_without_members(check: Check) -> Iterator[Finding]:
    """A mandating organisation seconds at least one member to a team."""
    seconding = {
        organisation_name(member.organisation)
        for team in check.setup.teams
        for member in team.members
    }
    for mandate in check.setup.mandates:
        if organisation_name(mandate.organisation) not in seconding:
            yield check.finding(
                "warning",
                "mandate-without-members",
                f"mandates/{mandate.key}",
                f"mandate {mandate.key!r} names {mandate.organisation!r}, which seconds no "
                "member to any team; name the organisation as the teams' members do, or add "
                "its members to a team.",
            )
