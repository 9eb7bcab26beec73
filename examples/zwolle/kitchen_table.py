"""Zwolle, 2015: the kitchen-table conversation gives access to household help (a
maatwerkvoorziening); the plan records why the lower rungs of the ladder do not suffice."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, date, datetime

from wijkteamkit import (
    Actor,
    AssessmentIn,
    Casework,
    ConsentIn,
    HouseholdIn,
    PersonIn,
    PlanIn,
    ProvisionKind,
    Signal,
)
from wijkteamkit.money.funding import resolve_funding

url = os.environ.get("WIJKTEAMKIT_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/zwolle.db"
casework = Casework.open("zwolle", url)
setup = casework.setup
team = setup.teams[0]
area = next(n for n in setup.neighbourhoods if n.key == team.neighbourhood)
help_at_home = next(
    p
    for p in setup.provisions
    if p.kind is ProvisionKind.MAATWERK and p.access == "team" and p.iwmo_category == "01"
)
worker = casework.as_actor(
    Actor(
        id="e-2201",
        role="worker",
        municipality=setup.code,
        organisation="wijkteam",
        team=team.key,
    )
)
now = datetime(2015, 3, 2, 9, 30, tzinfo=UTC)
casework.clock = lambda: now

household, signal = worker.receive_signal(
    Signal(reporter="resident", received_at=now, summary="redt het huishouden niet meer"),
    HouseholdIn(
        postcode=area.postcodes[0].split("-")[0] + "CD",
        members=[PersonIn(role="head", birth_date=date(1936, 9, 1))],
    ),
)
worker.triage(signal, integral=True)
worker.record_assessment(
    household, AssessmentIn(scores={"instrumentele-adl": 2, "sociaal-netwerk": 3}, held_at=now)
)
worker.record_consent(
    ConsentIn(
        subject=household,
        purpose="casework",
        recipients={team.key},
        scope={"instrumentele-adl"},
        valid_from=now,
        form="written",
    )
)
plan = worker.draft_plan(
    household,
    PlanIn(
        goals=[{"domain": "instrumentele-adl", "goal": "Een schoon en leefbaar huis"}],
        actions=[
            {
                "description": help_at_home.name,
                "domain": "instrumentele-adl",
                "actor": "professional",
                "provision": help_at_home.key,
            }
        ],
        ladder_considerations={
            "own_strength": "Kan het zware huishoudelijke werk niet meer zelf.",
            "network": "Geen netwerk in de buurt.",
            "algemene_voorziening": "Schoonmaakondersteuning alleen is niet genoeg.",
        },
    ),
    case_director="e-2201",
)
worker.finalise_plan(plan, expected_version=1)
paid = resolve_funding(setup, help_at_home.key, now.date())
print(
    f"household {household}: {help_at_home.name} via team {team.key}, paid from {paid.stream_name} "
    f"by {paid.funder}; database {url}"
)
casework.engine.dispose()
