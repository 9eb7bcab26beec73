"""The synthetic caseload's actors: per team a worker, a team leader and a case director."""

from __future__ import annotations

from ..domain import MunicipalitySetup
from ..domain.case import Actor, Role

PREFIX = {Role.WORKER: "w", Role.TEAM_LEADER: "tl", Role.CASE_DIRECTOR: "cd"}
"""Actor ids are ``<prefix>-<team>-1``: ids, never names."""


def actor_id(team: str, role: Role) -> str:
    """The id of the team's one synthetic actor in ``role``."""
    return f"{PREFIX[role]}-{team[:74]}-1"


def actor(setup: MunicipalitySetup, team: str, role: Role) -> Actor:
    """The team's synthetic actor in ``role``, working for the team's organisation."""
    found = next((t for t in setup.teams if t.key == team), None)
    organisation = (
        found.leader.organisation if found and found.leader else None
    ) or setup.municipality.name
    return Actor(
        id=actor_id(team, role),
        role=role,
        municipality=setup.code,
        organisation=organisation,
        team=team,
    )
