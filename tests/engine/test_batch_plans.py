"""Plans through the batch path: the same rows and audit entries as one at a time, all or
nothing, items named in errors, and the version guard."""

from __future__ import annotations

import pytest
from batch_cycle_helpers import PLAN, chain_intact, consented, counts, snapshot

from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import AccessDenied, ConflictError, RuleViolation
from wijkteamkit.engine.lookups import Plan
from wijkteamkit.engine.plans import change_plans
from wijkteamkit.engine.process import PlanState


def test_drafting_finalising_and_closing_in_a_batch_writes_what_one_at_a_time_writes(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    alone = [consented(worker)[0] for _ in range(2)]
    batched = [consented(worker)[0] for _ in range(2)]
    for household in alone:
        plan = worker.draft_plan(household, PLAN, "Anna")
        worker.finalise_plan(plan, 1)
    with worker.batch() as batch:
        plans = batch.draft_plans([(h, PLAN, "Anna") for h in batched])
        batch.finalise_plans([(p, 1) for p in plans])
    assert [snapshot(casework, h) for h in batched] == [snapshot(casework, h) for h in alone]
    leader.close_case(alone[0])
    with leader.batch() as batch:
        batch.close_cases([batched[0]])
    assert snapshot(casework, batched[0]) == snapshot(casework, alone[0])
    assert snapshot(casework, batched[0])["case"] == ("closed", True)
    assert chain_intact(casework)


def test_one_bad_item_writes_nothing_and_is_named(casework: Casework, worker: CaseSession) -> None:
    first, second = consented(worker)[0], consented(worker)[0]
    worker.draft_plan(second, PLAN, "Anna")
    before = counts(casework)
    with (
        pytest.raises(RuleViolation, match=r"item 1: household \d+ already has an active plan"),
        worker.batch() as batch,
    ):
        batch.draft_plans([(first, PLAN, "Anna"), (second, PLAN, "Anna")])
    assert counts(casework) == before
    assert snapshot(casework, first)["case"] == ("consent_recorded", False)


def test_a_bad_case_director_is_refused_before_anything_is_read(worker: CaseSession) -> None:
    household = consented(worker)[0]
    with (
        pytest.raises(RuleViolation, match=r"item 1: \[case-director\]|\[case-director\] item 1"),
        worker.batch() as batch,
    ):
        batch.draft_plans([(household, PLAN, "Anna"), (household, PLAN, "Anna de Vries")])


def test_the_same_household_twice_in_one_batch_gets_one_plan(worker: CaseSession) -> None:
    household = consented(worker)[0]
    with (
        pytest.raises(RuleViolation, match=r"item 1: .*already has an active plan"),
        worker.batch() as batch,
    ):
        batch.draft_plans([(household, PLAN, "Anna"), (household, PLAN, "Anna")])


def test_a_stale_version_in_a_batch_is_a_conflict_and_nothing_is_written(
    casework: Casework, worker: CaseSession
) -> None:
    households = [consented(worker)[0] for _ in range(2)]
    plans = [worker.draft_plan(h, PLAN, "Anna") for h in households]
    before = counts(casework)
    with (
        pytest.raises(ConflictError, match=r"item 1: .*plan \d+ is at version 1, not 2"),
        worker.batch() as batch,
    ):
        batch.finalise_plans([(plans[0], 1), (plans[1], 2)])
    assert counts(casework) == before
    assert [snapshot(casework, h)["plans"][0][0] for h in households] == ["concept", "concept"]
    with worker.batch() as batch:
        batch.finalise_plans([(p, 1) for p in plans])
    assert [snapshot(casework, h)["plans"][0][0] for h in households] == ["final", "final"]


def test_a_write_based_on_a_stale_read_is_refused_by_the_version_column(
    casework: Casework, worker: CaseSession
) -> None:
    household = consented(worker)[0]
    plan = worker.draft_plan(household, PLAN, "Anna")
    worker.set_case_director(plan, "Bram", 1)  # now at version 2
    stale = Plan(plan, household, "team-centrum", "concept", "Bram", "team-centrum", 1)
    with (
        pytest.raises(ConflictError, match="changed by someone else"),
        worker.context.transaction("test") as tx,
    ):
        change_plans(tx, [stale], state=PlanState.FINAL)
    assert snapshot(casework, household)["plans"][0][0] == "concept"
    current = Plan(plan, household, "team-centrum", "concept", "Bram", "team-centrum", 2)
    with worker.context.transaction("test") as tx:
        change_plans(tx, [current], state=PlanState.FINAL)
    assert snapshot(casework, household)["plans"][0][0] == "final"


def test_a_refusal_in_a_batch_keeps_only_itself(casework: Casework, worker: CaseSession) -> None:
    ours = consented(worker)[0]
    before = counts(casework)
    with pytest.raises(AccessDenied, match="a worker may not do this"), worker.batch() as batch:
        batch.draft_plans([(ours, PLAN, "Anna")])
        batch.close_cases([ours])  # a team leader or case director closes
    after = counts(casework)
    assert after["plan"] == before["plan"]
    assert after["audit_entry"] == before["audit_entry"] + 1
    assert snapshot(casework, ours)["audit"][-1] == ("access.refused", "deny")
    assert snapshot(casework, ours)["case"] == ("consent_recorded", False)
    assert chain_intact(casework)


def test_closing_a_batch_with_an_escalated_case_is_refused(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    calm, proposed_calm = consented(worker)
    escalated, proposed = consented(worker)
    with worker.batch() as batch:
        batch.draft_plans([(calm, PLAN, "Anna"), (escalated, PLAN, "Anna")])
    leader.confirm_escalation(proposed, "Mevr. de Vries", "Regieteam Zuid")
    before = counts(casework)
    with (
        pytest.raises(RuleViolation, match=r"item 1: .*de-escalate before closing"),
        leader.batch() as batch,
    ):
        batch.close_cases([calm, escalated])
    assert counts(casework) == before
    with leader.batch() as batch:
        batch.de_escalate([proposed])
        batch.reject_escalations([(proposed_calm, "het gezin redt het zelf")])
        batch.close_cases([calm, escalated])
    assert (
        snapshot(casework, calm)["case"]
        == snapshot(casework, escalated)["case"]
        == (
            "closed",
            True,
        )
    )
