"""Targets that accept: the engine proposes a target only for a household it accepts and refuses
(``target-accepts``) to confirm a hand-over to a target that does not accept the household on
its latest assessment and signals (on its signals alone when it has none). On SQLite and
PostgreSQL, interactive and batch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from batch_cycle_helpers import SIGNAL, consented, counts, new_household, snapshot
from case_helpers import T0, Clock, actor, assessment
from rls_harness import engine_transactions_as_bound_role
from sample_town import SampleTown, defaults
from sqlmodel import Session

from wijkteamkit import EscalationTarget
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import RuleViolation
from wijkteamkit.engine.screening import Hit, screen
from wijkteamkit.store.database import open_database
from wijkteamkit.store.tables import EscalationRow
from wijkteamkit.testing import PluginHarness

CONFIRMED = ("Mevr. de Vries", "Regieteam Zuid")
BETTER = {"financien": 2, "huisvesting": 4, "sociaal-netwerk": 4, "justitie": 5}
"""A reassessment with one problem domain left: the regieteam (3 or more) no longer accepts."""
FOUR = {"financien": 1, "huisvesting": 2, "sociaal-netwerk": 2, "justitie": 2}
"""Problems on four domains: what the narrow regieteam below accepts."""
REFUSED = r"\[target-accepts\] target 'regieteam' does not accept household \d+: it accepts 3\+"


def test_a_target_that_accepts_the_household_is_confirmed(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household, proposed = consented(worker)
    leader.confirm_escalation(proposed, *CONFIRMED)
    assert snapshot(casework, household)["escalations"][0][:2] == ("regieteam", "active")


def test_a_target_that_no_longer_accepts_is_refused_and_nothing_is_written(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household, proposed = consented(worker)
    assert worker.record_assessment(household, assessment(BETTER)).proposed == ()
    before, rows = counts(casework), snapshot(casework, household)
    with pytest.raises(RuleViolation, match=REFUSED) as refused:
        leader.confirm_escalation(proposed, *CONFIRMED)
    assert "its latest assessment and signals do not show" in str(refused.value)
    assert "financien" not in str(refused.value)
    assert counts(casework) == before and snapshot(casework, household) == rows
    worker.record_assessment(household, assessment())  # worse again: accepted
    leader.confirm_escalation(proposed, *CONFIRMED)
    assert snapshot(casework, household)["escalations"][0][1] == "active"


def test_a_batch_with_one_refused_hand_over_writes_nothing(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    (first, accepted), (second, refused) = consented(worker), consented(worker)
    worker.record_assessment(second, assessment(BETTER))
    before = counts(casework)
    rows = [snapshot(casework, h) for h in (first, second)]
    item_1 = r"\[target-accepts\] item 1: target 'regieteam' does not accept"
    with pytest.raises(RuleViolation, match=item_1), leader.batch() as batch:
        batch.confirm_escalations([(accepted, *CONFIRMED), (refused, *CONFIRMED)])
    assert counts(casework) == before
    assert [snapshot(casework, h) for h in (first, second)] == rows
    with leader.batch() as batch:
        batch.confirm_escalations([(accepted, *CONFIRMED)])
    assert snapshot(casework, first)["escalations"][0][1] == "active"


def _escalation(casework: Casework, household: int, target: str, **fields: Any) -> int:
    """An escalation written straight to the store (the engine proposes only after an
    assessment): how a household without one can have an escalation to confirm."""
    with Session(casework.engine) as db:
        row = EscalationRow(
            municipality="GM0001",
            household_id=household,
            rule="r",
            target=target,
            handover="transfer",
            state="proposed",
            proposed_at=T0,
            **fields,
        )
        db.add(row)
        db.commit()
        assert row.id is not None
        return row.id


def test_without_an_assessment_the_signals_alone_are_judged(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    flagged = SIGNAL.model_copy(update={"indicators": frozenset({"domestic-violence"})})
    household, _ = worker.receive_signal(flagged, new_household())
    regieteam = _escalation(casework, household, "regieteam")
    with pytest.raises(RuleViolation, match=REFUSED) as refused:
        leader.confirm_escalation(regieteam, *CONFIRMED)
    assert "its signals alone do not show" in str(refused.value)
    leader.reject_escalation(regieteam, "geen multiproblematiek")
    veilig_thuis = _escalation(
        casework, household, "veilig-thuis", direct=True, legal_basis="meldrecht-veilig-thuis"
    )
    leader.confirm_escalation(veilig_thuis, *CONFIRMED)
    assert snapshot(casework, household)["escalations"][1][:2] == ("veilig-thuis", "active")


@pytest.fixture
def narrow(database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Casework]:
    """The sample town with a regieteam that takes on households with 4 or more problems,
    while its rule fires at 3."""
    regieteam, *others = defaults()["escalation_targets"]
    four = {"kind": "problem_domains", "min_count": 4}
    targets = [EscalationTarget.model_validate({**regieteam.model_dump(), "accepts": four})]
    harness = PluginHarness()
    harness.register(SampleTown(escalation_targets=[*targets, *others]))
    engine = open_database(database_url)
    with engine_transactions_as_bound_role(engine, monkeypatch):
        yield Casework(engine, harness.load(), clock)
    engine.dispose()


def test_a_rule_proposes_nothing_to_a_target_that_does_not_accept(narrow: Casework) -> None:
    worker = narrow.as_actor(actor())
    household, signal = worker.receive_signal(SIGNAL, new_household())
    worker.triage(signal, integral=True)
    assert worker.record_assessment(household, assessment()).proposed == ()
    with worker.batch() as batch:
        (result,) = batch.record_assessments([(household, assessment(FOUR))])
    assert len(result.proposed) == 1
    assert snapshot(narrow, household)["escalations"][0][:2] == ("regieteam", "proposed")


def test_screening_lists_a_rule_only_where_its_target_accepts(narrow: Casework) -> None:
    worker, leader = narrow.as_actor(actor()), narrow.as_actor(actor("team_leader", "Lars"))
    (three, first), (four, second) = (
        worker.receive_signal(SIGNAL, new_household()) for _ in range(2)
    )
    worker.triage(first, integral=True)
    worker.triage(second, integral=True)
    assert worker.record_assessment(three, assessment()).proposed == ()
    (proposed,) = worker.record_assessment(four, assessment(FOUR)).proposed
    leader.reject_escalation(proposed, "het netwerk vangt het op")
    result = screen(narrow, actor("team_leader", "Lars"))
    listed = {h.household: h.hits for t in result.teams for h in t.households}
    assert listed == {four: (Hit("multi", "regieteam"),)}
