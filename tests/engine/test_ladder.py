"""The ladder, derived and enforced, on SQLite and PostgreSQL: a provision's kind decides an
action's rung, a label that contradicts it is refused, a plan using a maatwerkvoorziening is
final only with a consideration of each lower rung, a personal budget only where one is offered."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from ladder_helpers import CONSIDERED, SIGNAL, action, casework, consented, plan
from sqlalchemy import update
from sqlmodel import Session

from wijkteamkit.domain.case import HouseholdIn, PersonIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import IllegalTransition, RuleViolation
from wijkteamkit.store.tables import PlanRow

__all__ = ["casework"]  # the fixture with the ladder's provisions


def stored_actions(casework: Casework, plan_id: int) -> list[dict[str, Any]]:
    with Session(casework.engine) as db:
        row = db.get(PlanRow, plan_id)
        assert row is not None
        return list(row.content["actions"])


def test_a_provision_decides_the_rung_not_the_label(
    casework: Casework, worker: CaseSession
) -> None:
    household = consented(worker)
    mislabelled = plan(
        action(actor="professional", provision="begeleiding", rung="algemene_voorziening")
    )
    with pytest.raises(
        RuleViolation,
        match=r"\[rung\] action 1 is labelled algemene_voorziening, "
        r"but its provision 'begeleiding' is maatwerk, so its rung is maatwerkvoorziening",
    ):
        worker.draft_plan(household, mislabelled, case_director="Anna")
    drafted = worker.draft_plan(
        household,
        plan(
            action(actor="professional", provision="begeleiding"),
            action(provision="schoonmaak", rung="algemene_voorziening"),
        ),
        case_director="Anna",
    )
    rungs = [a["rung"] for a in stored_actions(casework, drafted)]
    assert rungs == ["maatwerkvoorziening", "algemene_voorziening"]
    assert [a.rung for a in worker.read_case(household).plans[0].actions] == rungs


def test_without_a_provision_who_acts_decides_the_rung(
    casework: Casework, worker: CaseSession
) -> None:
    household = consented(worker)
    with pytest.raises(RuleViolation, match=r"\[rung\] action 1 is labelled network, but self"):
        worker.draft_plan(household, plan(action(rung="network")), case_director="Anna")
    drafted = worker.draft_plan(
        household,
        plan(
            *(
                action(actor=by)
                for by in ("self", "informal_carer", "network", "volunteer", "professional")
            )
        ),
        case_director="Anna",
    )
    assert [a["rung"] for a in stored_actions(casework, drafted)] == [
        "own_strength",
        "network",
        "network",
        "network",
        "algemene_voorziening",
    ]
    worker.finalise_plan(drafted, 1)  # no maatwerkvoorziening: nothing to consider


def test_maatwerk_is_final_only_with_every_lower_rung_considered(worker: CaseSession) -> None:
    household = consented(worker)
    maatwerk = action(actor="professional", provision="begeleiding")
    drafted = worker.draft_plan(household, plan(maatwerk), case_director="Anna")
    with pytest.raises(
        RuleViolation,
        match=r"\[ladder\] .*: own_strength, network, "
        r"algemene_voorziening \(ladder_considerations\)",
    ):
        worker.finalise_plan(drafted, 1)
    partly = {"own_strength": "Kan het niet zelf.", "algemene_voorziening": "Past niet."}
    version = worker.revise_plan(drafted, plan(maatwerk, ladder_considerations=partly), 1)
    with pytest.raises(RuleViolation, match=r"\[ladder\] .*not suffice: network \("):
        worker.finalise_plan(drafted, version)
    version = worker.revise_plan(drafted, plan(maatwerk, ladder_considerations=CONSIDERED), version)
    worker.finalise_plan(drafted, version)
    shown = worker.read_case(household).plans[0].ladder_considerations
    assert [(c.rung, c.reveals) for c in shown] == [
        (rung, frozenset({"financien"})) for rung in CONSIDERED
    ]


def test_a_stored_label_and_a_legacy_justification_satisfy_nothing(
    casework: Casework, worker: CaseSession
) -> None:
    """A plan stored before rungs were derived: begeleiding labelled algemene_voorziening with a
    single ladder_justification. It stays readable and is refused until revised."""
    household = consented(worker)
    drafted = worker.draft_plan(household, plan(action()), case_director="Anna")
    legacy = {
        "goals": [{"domain": "financien", "goal": "Op orde"}],
        "actions": [
            action(actor="professional", provision="begeleiding", rung="algemene_voorziening")
        ],
        "ladder_justification": "Netwerk is uitgeput.",
    }
    with Session(casework.engine) as db:
        db.execute(update(PlanRow).where(PlanRow.id == drafted).values(content=legacy))
        db.commit()
    read = worker.read_case(household).plans[0]
    assert read.ladder_justification is not None and read.actions[0].rung == "algemene_voorziening"
    with pytest.raises(RuleViolation, match=r"\[ladder\] .*: own_strength, network, algemene_"):
        worker.finalise_plan(drafted, 1)
    with pytest.raises(ValueError, match="ladder_justification is no longer accepted"):
        plan(action(), ladder_justification="Netwerk is uitgeput.")


def test_a_provision_without_a_kind_is_refused(worker: CaseSession) -> None:
    household = consented(worker)
    with pytest.raises(
        RuleViolation, match=r"\[provision-kind\] provision 'zonder-soort' has no kind"
    ):
        worker.draft_plan(household, plan(action(provision="zonder-soort")), case_director="Anna")
    assert worker.draft_plan(household, plan(action(provision="schoonmaak")), case_director="Anna")


def test_a_personal_budget_only_where_one_is_offered(worker: CaseSession) -> None:
    household = consented(worker)
    refused = {
        "schoonmaak": r"is an algemene voorziening: open access, no personal budget",
        "alleen-zin": r"is delivered in kind \(zin\) only",
        None: r"a persoonsgebonden budget \(pgb\) pays for a provision",
    }
    for provision, reason in refused.items():
        pgb = action(actor="professional", provision=provision, delivery="pgb")
        with pytest.raises(RuleViolation, match=rf"\[pgb\] .*{reason}"):
            worker.draft_plan(household, plan(pgb), case_director="Anna")
    pgb = action(actor="professional", provision="begeleiding", delivery="pgb")
    drafted = worker.draft_plan(
        household, plan(pgb, ladder_considerations=CONSIDERED), case_director="Anna"
    )
    worker.finalise_plan(drafted, 1)
    assert worker.read_case(household).plans[0].actions[0].delivery == "pgb"


def test_a_team_provision_is_planned_only_after_the_kitchen_table(worker: CaseSession) -> None:
    """Drafting needs an assessed case with consent: no plan, so no begeleiding, before it."""
    other = HouseholdIn(
        postcode="1234 AB", members=(PersonIn(role="head", birth_date=date(1980, 1, 1)),)
    )
    household, signal = worker.receive_signal(SIGNAL, other)
    worker.triage(signal, integral=True)
    begeleiding = plan(action(actor="professional", provision="begeleiding"))
    with pytest.raises(IllegalTransition, match="cannot go from 'home_visit' to 'concept_plan'"):
        worker.draft_plan(household, begeleiding, case_director="Anna")
    assert worker.draft_plan(consented(worker), begeleiding, case_director="Anna")


def test_considerations_are_about_the_lower_rungs_and_kept_in_ladder_order() -> None:
    with pytest.raises(ValueError, match="about the rungs below a maatwerkvoorziening"):
        plan(action(), ladder_considerations={"maatwerkvoorziening": "Waarom niet?"})
    given = plan(action(), ladder_considerations=dict(reversed(CONSIDERED.items())))
    assert list(given.model_dump(mode="json")["ladder_considerations"]) == list(CONSIDERED)
