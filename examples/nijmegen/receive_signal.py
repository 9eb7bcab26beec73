"""Nijmegen, 2012: a GP signals a household in Lindenholt; the team visits, records consent and
finalises a plan. Shows the calls a municipal case system makes into wijkteamkit."""

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
    Signal,
)

url = os.environ.get("WIJKTEAMKIT_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/nijmegen.db"
casework = Casework.open("nijmegen", url)
setup = casework.setup
team = next(t for t in setup.teams if t.neighbourhood == "lindenholt")
area = next(n for n in setup.neighbourhoods if n.key == "lindenholt")
worker = casework.as_actor(
    Actor(
        id="mw-1043",
        role="worker",
        municipality=setup.code,
        organisation="maatschappelijk werk",
        team=team.key,
    )
)
now = datetime(2012, 7, 2, 10, 0, tzinfo=UTC)
casework.clock = lambda: now

household, signal = worker.receive_signal(
    Signal(reporter="gp", received_at=now, summary="eenzaamheid en schulden"),
    HouseholdIn(
        postcode=area.postcodes[0].split("-")[0] + "AB",
        members=[PersonIn(role="head", birth_date=date(1948, 3, 14))],
    ),
)
worker.triage(signal, integral=True)
result = worker.record_assessment(
    household,
    AssessmentIn(
        scores={"financien": 2, "sociaal-netwerk": 2, "lichamelijke-gezondheid": 3},
        held_at=now,
        informal_carers=("dochter",),
    ),
)
worker.record_consent(
    ConsentIn(
        subject=household,
        purpose="casework",
        recipients={team.key},
        scope={"financien", "sociaal-netwerk"},
        valid_from=now,
        form="spoken",
    )
)
plan = worker.draft_plan(
    household,
    PlanIn(
        goals=[{"domain": "sociaal-netwerk", "goal": "Wekelijks contact met de buurt"}],
        actions=[
            {
                "description": "Dochter gaat mee naar de buurtlunch",
                "domain": "sociaal-netwerk",
                "actor": "informal_carer",
                "rung": "network",
            }
        ],
    ),
    case_director="mw-1043",
)
worker.finalise_plan(plan, expected_version=1)
print(
    f"household {household} in {area.name}: team {team.key}, plan {plan} final; "
    f"escalations proposed: {len(result.proposed)}; database {url}"
)
casework.engine.dispose()
