"""The mandate's pure rules (standing, periods, the plan's date) and, on the sample town with a
mandate of its own, what a partial read and an erasure do with actions and their answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from case_helpers import T0, Clock, actor, assessment, consent
from pydantic import ValidationError
from rls_harness import engine_transactions_as_bound_role
from sample_town import SampleTown
from sqlalchemy import func
from sqlmodel import Session, select

from wijkteamkit import Mandate, Signal
from wijkteamkit.domain.case import HouseholdIn, PersonIn, PlanAction, PlanIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.mandate import Standing, mandate_of, plan_date, standing
from wijkteamkit.store.database import open_database
from wijkteamkit.store.tables import ActionResponseRow
from wijkteamkit.testing import PluginHarness

WELZIJN = "Welzijn Teststad"
"""The sample town's members' organisation, which mandates the team here."""
ZORG = "Zorg Teststad"
"""An organisation outside the team, asked by request."""

MANDATES = (
    Mandate(
        key="welzijn",
        organisation=WELZIJN,
        valid_from=date(2016, 1, 1),
        valid_to=date(2016, 12, 31),
    ),
)


class MandatingTown:
    """An overlay on the sample town: its members' organisation mandates the team in 2016."""

    def wijkteamkit_mandates(self) -> Any:
        return MANDATES


@pytest.mark.parametrize(
    ("by", "organisation", "on", "expected"),
    [
        ("self", None, date(2016, 6, 1), None),
        ("volunteer", None, date(2016, 6, 1), None),
        ("professional", None, date(2016, 6, 1), Standing.TEAM),
        ("professional", WELZIJN, date(2016, 6, 1), Standing.BINDING),
        ("professional", " welzijn   TESTSTAD ", date(2016, 6, 1), Standing.BINDING),
        ("professional", ZORG, date(2016, 6, 1), Standing.REQUESTED),
        ("professional", WELZIJN, date(2015, 12, 31), Standing.REQUESTED),
        ("professional", WELZIJN, date(2017, 1, 1), Standing.REQUESTED),
    ],
)
def test_standing_by_who_acts_for_which_organisation_on_which_day(
    by: str, organisation: str | None, on: date, expected: Standing | None
) -> None:
    assert standing(MANDATES, by, organisation, on) is expected


def test_the_mandate_found_is_the_one_holding_that_day() -> None:
    later = Mandate(key="welzijn-2017", organisation=WELZIJN, valid_from=date(2017, 1, 1))
    assert mandate_of((*MANDATES, later), WELZIJN, date(2017, 3, 1)) is later
    assert mandate_of((*MANDATES, later), ZORG, date(2017, 3, 1)) is None


def test_the_plans_date_is_the_dutch_day_it_became_final_else_drafted() -> None:
    drafted = datetime(2016, 5, 1, 12, tzinfo=UTC)
    assert plan_date(drafted, None) == date(2016, 5, 1)
    # 23:30 UTC on 9 May is 01:30 on 10 May in Amsterdam
    assert plan_date(drafted, datetime(2016, 5, 9, 23, 30, tzinfo=UTC)) == date(2016, 5, 10)


def test_only_a_professionals_action_names_an_organisation() -> None:
    action = {"description": "Huisbezoek", "domain": "huisvesting", "actor": "professional"}
    assert PlanAction.model_validate({**action, "organisation": ZORG}).organisation == ZORG
    with pytest.raises(ValidationError, match="only an action by a professional names"):
        PlanAction.model_validate({**action, "actor": "network", "organisation": ZORG})


@pytest.fixture
def casework(
    database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Casework]:
    harness = PluginHarness()
    harness.register(SampleTown())
    harness.register(MandatingTown(), layer="local")
    engine = open_database(database_url)
    with engine_transactions_as_bound_role(engine, monkeypatch):
        yield Casework(engine, harness.load(), clock)
    engine.dispose()


PLAN = PlanIn(
    goals=[{"domain": "huisvesting", "goal": "In de woning blijven"}],
    actions=[
        {
            "description": "Schuldhulp",
            "domain": "financien",
            "actor": "professional",
            "organisation": ZORG,
        },
        {
            "description": "Huisbezoek",
            "domain": "huisvesting",
            "actor": "professional",
            "organisation": WELZIJN,
        },
        {
            "description": "Woningaanpassing",
            "domain": "huisvesting",
            "actor": "professional",
            "organisation": ZORG,
        },
    ],
)


def final_plan(worker: CaseSession, scope: frozenset[str]) -> tuple[int, int]:
    household = HouseholdIn(
        postcode="1234 AB", members=(PersonIn(role="head", birth_date=date(1970, 5, 1)),)
    )
    household_id, signal = worker.receive_signal(Signal(reporter="gp", received_at=T0), household)
    worker.triage(signal, integral=True)
    worker.record_assessment(household_id, assessment({"financien": 2, "huisvesting": 2}))
    worker.record_consent(consent(household_id, recipients={"team-centrum"}, scope=scope))
    plan = worker.draft_plan(household_id, PLAN, case_director="Anna")
    worker.finalise_plan(plan, expected_version=1)
    return household_id, plan


def test_a_partial_read_keeps_each_actions_position_and_standing(
    casework: Casework, worker: CaseSession
) -> None:
    household, plan = final_plan(worker, frozenset({"huisvesting"}))
    casework.as_actor(
        actor(person="Zora").model_copy(update={"organisation": ZORG})
    ).respond_to_action(plan, 2, "accepted")
    colleague = casework.as_actor(actor(person="Olga"))  # not the case director
    read = colleague.read_case(household)
    assert read.granted == frozenset({"huisvesting"})
    (shown,) = read.plans
    assert [(a.index, a.organisation, a.standing) for a in shown.actions] == [
        (1, WELZIJN, "binding"),
        (2, ZORG, "accepted"),
    ]
    assert shown.actions[1].responded_by == "Zora"


def test_erasing_the_household_erases_its_answers(
    casework: Casework, worker: CaseSession, leader: CaseSession, clock: Clock
) -> None:
    household, plan = final_plan(worker, frozenset({"financien", "huisvesting"}))
    zorg = casework.as_actor(actor(person="Zora").model_copy(update={"organisation": ZORG}))
    zorg.respond_to_action(plan, 0, "declined")
    with Session(casework.engine) as db:
        assert db.exec(select(func.count()).select_from(ActionResponseRow)).one() == 1
    leader.close_case(household)
    clock.advance(days=366 * casework.setup.consent_policy.retention_years)
    leader.erase_household(household)
    with Session(casework.engine) as db:
        assert db.exec(select(func.count()).select_from(ActionResponseRow)).one() == 0
