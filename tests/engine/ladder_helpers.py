"""The sample town with provisions that exercise the ladder and access rules, and a household
brought to the point where a plan may be drafted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from case_helpers import HOUSEHOLD, T0, Clock, assessment, consent
from rls_harness import engine_transactions_as_bound_role
from sample_town import SRC, SampleTown, defaults

from wijkteamkit import Provision, ProvisionFunding, Signal
from wijkteamkit.domain.case import PlanIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.store.database import open_database
from wijkteamkit.testing import PluginHarness

FUNDED = (ProvisionFunding(stream="wmo-2015", valid_from=date(2015, 1, 1)),)
EXTRA = (
    Provision(key="zonder-soort", name="Zonder soort", access="direct", funding=FUNDED, source=SRC),
    Provision(
        key="alleen-zin", name="Alleen in natura", kind="maatwerk", funding=FUNDED, source=SRC
    ),
    Provision(
        key="direct-maatwerk",
        name="Maatwerk zonder team",
        kind="maatwerk",
        access="direct",
        funding=FUNDED,
        source=SRC,
    ),
)
"""A provision without a kind, a maatwerkvoorziening in kind only, and one wrongly set to
direct access; the national layer adds begeleiding (maatwerk, zin or pgb, through the team) and
wijkverpleging (by referral, paid by the health insurer); the sample town has schoonmaak
(algemeen, direct)."""

SIGNAL = Signal(reporter="gp", received_at=T0, summary="zorgen")
CONSIDERED = {
    "own_strength": "Kan het niet zelf.",
    "network": "Het netwerk is uitgeput.",
    "algemene_voorziening": "Schoonmaakondersteuning is niet genoeg.",
}


@pytest.fixture
def casework(
    database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Casework]:
    """The sample town with :data:`EXTRA`; on PostgreSQL as a row-level-security-bound role."""
    harness = PluginHarness()
    harness.register(SampleTown(provisions=[*defaults()["provisions"], *EXTRA]))
    engine = open_database(database_url)
    with engine_transactions_as_bound_role(engine, monkeypatch):
        yield Casework(engine, harness.load(), clock)
    engine.dispose()


def consented(worker: CaseSession) -> int:
    """A household assessed at the kitchen table, with consent recorded: ready for a plan."""
    household, signal = worker.receive_signal(SIGNAL, HOUSEHOLD)
    worker.triage(signal, integral=True)
    worker.record_assessment(household, assessment())
    worker.record_consent(consent(household))
    return household


def action(**fields: Any) -> dict[str, Any]:
    """A plan action in the financien domain, by the resident unless told otherwise."""
    return {"description": "Actie", "domain": "financien", "actor": "self", **fields}


def plan(*actions: dict[str, Any], **fields: Any) -> PlanIn:
    """A plan with one goal and ``actions``."""
    return PlanIn.model_validate(
        {"goals": [{"domain": "financien", "goal": "Op orde"}], "actions": actions, **fields}
    )
