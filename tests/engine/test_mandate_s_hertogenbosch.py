"""The institutions' mandate on a real database, with the 's-Hertogenbosch plugin (GM0796).

's-Hertogenbosch declares that Cello, Van Neynsel, Reinier van Arkel (and the welfare
organisation of its illustrative members) mandate the team from 10 May 2016: an action a final
plan assigns to one of their professionals binds it; one for any other organisation (here a
housing corporation) is a request it accepts or declines, once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from case_helpers import Clock
from rls_harness import engine_transactions_as_bound_role
from sqlalchemy import func
from sqlmodel import Session, select

from wijkteamkit import Signal
from wijkteamkit.domain.case import Actor, AssessmentIn, ConsentIn, HouseholdIn, PersonIn, PlanIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import AccessDenied, NotFound, RuleViolation
from wijkteamkit.engine.responses import ActionResponseIn
from wijkteamkit.engine.views import ActionView
from wijkteamkit.loading import load
from wijkteamkit.store.database import open_database
from wijkteamkit.store.tables import ActionResponseRow, AuditEntryRow

AFTER_MANDATE = datetime(2016, 6, 1, 9, 0, tzinfo=UTC)
BEFORE_MANDATE = datetime(2016, 3, 1, 9, 0, tzinfo=UTC)
TEAM = "wijkteam-noord"
HOUSING = "Corona Wonen"
"""A housing corporation of the Coalitie Zorgzaam (004) that seconds nobody to the teams."""

SELF, BINDING, REQUEST, TEAM_WORK, SECOND_REQUEST = range(5)
PLAN = PlanIn(
    goals=[
        {"domain": "financien", "goal": "Schulden op orde"},
        {"domain": "huisvesting", "goal": "In de woning blijven"},
    ],
    actions=[
        {"description": "Post zelf openen", "domain": "financien", "actor": "self"},
        {
            "description": "Wekelijks huisbezoek",
            "domain": "huisvesting",
            "actor": "professional",
            "organisation": "Van Neynsel",
        },
        {
            "description": "Betalingsregeling huurachterstand",
            "domain": "huisvesting",
            "actor": "professional",
            "organisation": HOUSING,
        },
        {"description": "Budgetadvies", "domain": "financien", "actor": "professional"},
        {
            "description": "Woningaanpassing",
            "domain": "huisvesting",
            "actor": "professional",
            "organisation": "corona  wonen",
        },
    ],
)


def person(person_id: str, organisation: str, team: str = TEAM) -> Actor:
    return Actor(
        id=person_id,
        role="worker",
        municipality="GM0796",
        organisation=organisation,
        team=team,
    )


@pytest.fixture
def casework(
    database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Casework]:
    """'s-Hertogenbosch's own setup; on PostgreSQL as the row-level-security-bound role."""
    clock.now = AFTER_MANDATE
    report = load(["GM0796"])
    assert not report.errors
    engine = open_database(database_url)
    with engine_transactions_as_bound_role(engine, monkeypatch):
        yield Casework(engine, report.loaded[0], clock)
    engine.dispose()


@pytest.fixture
def director(casework: Casework) -> CaseSession:
    return casework.as_actor(person("w-001", "welzijnsorganisatie"))


@pytest.fixture
def housing(casework: Casework) -> CaseSession:
    return casework.as_actor(person("cw-017", HOUSING))


def concept_plan(director: CaseSession, now: datetime) -> tuple[int, int]:
    """A household of Noord with a concept plan: (household, plan)."""
    household = HouseholdIn(
        postcode="5221 AB", members=(PersonIn(role="head", birth_date=date(1970, 5, 1)),)
    )
    receipt = director.receive_signal(Signal(reporter="gp", received_at=now), household)
    household_id, signal = receipt
    director.triage(signal, integral=True)
    director.record_assessment(
        household_id, AssessmentIn(scores={"financien": 2, "huisvesting": 2}, held_at=now)
    )
    director.record_consent(
        ConsentIn(
            subject=household_id,
            purpose="casework",
            recipients=frozenset({TEAM}),
            scope=frozenset({"financien", "huisvesting"}),
            valid_from=now,
            form="written",
        )
    )
    return household_id, director.draft_plan(household_id, PLAN, case_director="w-001")


def final_plan(director: CaseSession, now: datetime = AFTER_MANDATE) -> tuple[int, int]:
    household, plan = concept_plan(director, now)
    director.finalise_plan(plan, expected_version=1)
    return household, plan


def actions(director: CaseSession, household: int) -> tuple[ActionView, ...]:
    (plan,) = director.read_case(household).plans
    return plan.actions


def responses(casework: Casework) -> int:
    with Session(casework.engine) as db:
        return int(db.exec(select(func.count()).select_from(ActionResponseRow)).one())


def audited(casework: Casework, action: str) -> list[Any]:
    with Session(casework.engine) as db:
        return list(db.exec(select(AuditEntryRow).where(AuditEntryRow.action == action)).all())


def test_the_plan_shows_which_actions_bind_and_which_ask(director: CaseSession) -> None:
    household, _ = final_plan(director)
    shown = actions(director, household)
    assert [a.standing for a in shown] == [None, "binding", "requested", "team", "requested"]
    assert [a.index for a in shown] == [0, 1, 2, 3, 4]
    assert [a.organisation for a in shown] == [
        None,
        "Van Neynsel",
        HOUSING,
        None,
        "corona  wonen",
    ]


def test_a_request_is_accepted_or_declined_and_the_plan_shows_it(
    casework: Casework, director: CaseSession, housing: CaseSession
) -> None:
    household, plan = final_plan(director)
    housing.respond_to_action(plan, REQUEST, "accepted")
    housing.respond_to_action(plan, SECOND_REQUEST, "declined")  # named in other spacing, case
    shown = actions(director, household)
    assert [a.standing for a in shown] == [None, "binding", "accepted", "team", "declined"]
    assert shown[REQUEST].responded_by == "cw-017"
    assert shown[REQUEST].responded_at == AFTER_MANDATE
    assert responses(casework) == 2
    assert [e.detail for e in audited(casework, "action.responded")] == [
        {"plan": plan, "action": REQUEST, "organisation": HOUSING, "response": "accepted"},
        {
            "plan": plan,
            "action": SECOND_REQUEST,
            "organisation": "corona  wonen",
            "response": "declined",
        },
    ]


def test_a_request_is_answered_once(
    casework: Casework, director: CaseSession, housing: CaseSession
) -> None:
    _, plan = final_plan(director)
    housing.respond_to_action(plan, REQUEST, "declined")
    with pytest.raises(RuleViolation) as refused:
        housing.respond_to_action(plan, REQUEST, "accepted")
    assert refused.value.rule == "one-response"
    assert responses(casework) == 1


def test_a_binding_action_cannot_be_declined(casework: Casework, director: CaseSession) -> None:
    household, plan = final_plan(director)
    van_neynsel = casework.as_actor(person("vn-003", "Van Neynsel"))
    for answer in ("declined", "accepted"):
        with pytest.raises(RuleViolation, match="binds 'Van Neynsel' under its mandate") as refused:
            van_neynsel.respond_to_action(plan, BINDING, answer)  # type: ignore[arg-type]
        assert refused.value.rule == "mandate"
    assert responses(casework) == 0 and not audited(casework, "action.responded")
    assert actions(director, household)[BINDING].standing == "binding"


def test_only_the_organisation_asked_answers_and_a_refusal_is_audited(
    casework: Casework, director: CaseSession
) -> None:
    _, plan = final_plan(director)
    cello = casework.as_actor(person("c-9", "Cello"))
    with pytest.raises(AccessDenied) as refused:
        cello.respond_to_action(plan, REQUEST, "declined")
    assert refused.value.rule == "organisation"
    assert responses(casework) == 0
    (entry,) = audited(casework, "access.refused")
    assert (entry.actor, entry.reason, entry.detail) == (
        "c-9",
        "organisation",
        {"plan": plan, "action": REQUEST},
    )


def test_the_households_own_actions_and_the_teams_work_ask_nobody(
    casework: Casework, director: CaseSession, housing: CaseSession
) -> None:
    _, plan = final_plan(director)
    for action in (SELF, TEAM_WORK):
        with pytest.raises(RuleViolation, match="assigned to no organisation") as refused:
            director.respond_to_action(plan, action, "accepted")
        assert refused.value.rule == "mandate"
    with pytest.raises(NotFound, match="no action 5"):
        housing.respond_to_action(plan, 5, "accepted")
    with pytest.raises(NotFound, match="no plan"):
        housing.respond_to_action(plan + 100, REQUEST, "accepted")
    with pytest.raises(RuleViolation) as invalid:
        housing.respond_to_action(plan, REQUEST, "maybe")  # type: ignore[arg-type]
    assert invalid.value.rule == "action-response"
    assert responses(casework) == 0


def test_a_concept_plan_is_not_answered_yet(
    casework: Casework, director: CaseSession, housing: CaseSession
) -> None:
    household, plan = concept_plan(director, AFTER_MANDATE)
    with pytest.raises(RuleViolation) as refused:
        housing.respond_to_action(plan, REQUEST, "accepted")
    assert refused.value.rule == "final-plan"
    assert actions(director, household)[REQUEST].standing == "requested"
    assert responses(casework) == 0


def test_another_teams_worker_cannot_answer(casework: Casework, director: CaseSession) -> None:
    _, plan = final_plan(director)
    elsewhere = casework.as_actor(person("cw-018", HOUSING, team="wijkteam-oost"))
    with pytest.raises(AccessDenied) as refused:
        elsewhere.respond_to_action(plan, REQUEST, "accepted")
    assert refused.value.rule == "team"
    assert responses(casework) == 0


def test_before_the_mandate_held_a_mandating_institution_was_asked(
    casework: Casework, clock: Clock
) -> None:
    clock.now = BEFORE_MANDATE  # the council decided on 10 May 2016
    director = casework.as_actor(person("w-001", "welzijnsorganisatie"))
    household, plan = final_plan(director, BEFORE_MANDATE)
    assert actions(director, household)[BINDING].standing == "requested"
    clock.now = AFTER_MANDATE  # the plan's date decides, not the day of the answer
    casework.as_actor(person("vn-003", "Van Neynsel")).respond_to_action(plan, BINDING, "declined")
    assert actions(director, household)[BINDING].standing == "declined"


def test_a_batch_answers_several_requests_or_none(
    casework: Casework, director: CaseSession, housing: CaseSession
) -> None:
    household, plan = final_plan(director)
    both = [
        ActionResponseIn(plan=plan, action=REQUEST, response="accepted"),
        ActionResponseIn(plan=plan, action=REQUEST, response="declined"),
    ]
    with (
        pytest.raises(RuleViolation, match=r"item 1: .*answered already") as refused,
        housing.batch() as batch,
    ):
        batch.respond_to_actions(both)
    assert refused.value.rule == "one-response"
    assert responses(casework) == 0
    with housing.batch() as batch:
        batch.respond_to_actions(
            [
                ActionResponseIn(plan=plan, action=REQUEST, response="accepted"),
                ActionResponseIn(plan=plan, action=SECOND_REQUEST, response="declined"),
            ]
        )
    shown = actions(director, household)
    assert (shown[REQUEST].standing, shown[SECOND_REQUEST].standing) == ("accepted", "declined")
    assert len(audited(casework, "action.responded")) == 2
