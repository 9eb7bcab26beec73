"""Escalations through the batch path: confirm, reject and de-escalate write what one at a time
writes, a denied hand-over keeps only the denials, and the guarded transitions still hold."""

from __future__ import annotations

import pytest
from batch_cycle_helpers import PLAN, chain_intact, consented, counts, snapshot
from case_helpers import actor, assessment

from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import (
    AccessDenied,
    ConflictError,
    ConsentRequired,
    IllegalTransition,
    NotFound,
    RuleViolation,
)
from wijkteamkit.engine.escalations import _change

CONFIRMED = ("Mevr. de Vries", "Regieteam Zuid")


def planned(worker: CaseSession, recipients: set[str] | None = None) -> tuple[int, int]:
    household, proposed = consented(worker, recipients)
    worker.draft_plan(household, PLAN, "Anna")
    return household, proposed


def test_confirming_and_de_escalating_in_a_batch_writes_what_one_at_a_time_writes(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    alone = [planned(worker) for _ in range(2)]
    batched = [planned(worker) for _ in range(2)]
    for _, escalation in alone:
        leader.confirm_escalation(escalation, *CONFIRMED)
    with leader.batch() as batch:
        batch.confirm_escalations([(e, *CONFIRMED) for _, e in batched])
    confirmed = [snapshot(casework, h) for h, _ in alone]
    assert [snapshot(casework, h) for h, _ in batched] == confirmed
    assert confirmed[0]["plans"][0][3] == "regieteam"  # the transfer moved the lead
    leader.de_escalate(alone[0][1])
    with leader.batch() as batch:
        batch.de_escalate([batched[0][1]])
    assert snapshot(casework, batched[0][0]) == snapshot(casework, alone[0][0])
    assert snapshot(casework, batched[0][0])["plans"][0][3] == "team-centrum"
    assert chain_intact(casework)


def test_rejecting_in_a_batch_writes_what_one_at_a_time_writes(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    (one, first), (other, second) = consented(worker), consented(worker)
    leader.reject_escalation(first, "het netwerk vangt het op")
    with leader.batch() as batch:
        batch.reject_escalations([(second, "het netwerk vangt het op")])
    assert snapshot(casework, other) == snapshot(casework, one)
    assert snapshot(casework, one)["escalations"][0][1] == "rejected"


def test_a_denied_hand_over_refuses_the_batch_and_keeps_only_the_denial(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    covered, allowed = planned(worker)
    uncovered, denied = planned(worker, recipients={"team-centrum"})
    before = counts(casework)
    with (
        pytest.raises(ConsentRequired, match=r"item 1: hand-over .*recipient_not_covered"),
        leader.batch() as batch,
    ):
        batch.confirm_escalations([(allowed, *CONFIRMED), (denied, *CONFIRMED)])
    after = counts(casework)
    assert after["disclosure"] == before["disclosure"] + 1
    assert after["audit_entry"] == before["audit_entry"] + 1
    assert snapshot(casework, uncovered)["disclosures"][-1][3:5] == (
        "deny",
        "recipient_not_covered",
    )
    assert snapshot(casework, covered)["disclosures"] == []
    assert snapshot(casework, covered)["escalations"][0][1] == "proposed"
    assert chain_intact(casework)
    with leader.batch() as batch:
        batch.confirm_escalations([(allowed, *CONFIRMED)])
    assert snapshot(casework, covered)["escalations"][0][1] == "active"


def test_confirming_twice_in_one_batch_is_an_illegal_transition(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    _, escalation = planned(worker)
    before = counts(casework)
    with (
        pytest.raises(IllegalTransition, match=r"item 1: escalation .*'active' to 'active'"),
        leader.batch() as batch,
    ):
        batch.confirm_escalations([(escalation, *CONFIRMED), (escalation, *CONFIRMED)])
    assert counts(casework) == before


def test_a_batch_names_the_unknown_escalation_and_the_missing_responsible_party(
    worker: CaseSession, leader: CaseSession
) -> None:
    _, escalation = planned(worker)
    with pytest.raises(NotFound, match="item 1: no escalation 99999"), leader.batch() as batch:
        batch.confirm_escalations([(escalation, *CONFIRMED), (99999, *CONFIRMED)])
    with pytest.raises(RuleViolation, match=r"item 0: .*responsible party"), leader.batch() as b:
        b.confirm_escalations([(escalation, "", "Regieteam"), (escalation, *CONFIRMED)])


def test_only_a_team_leader_confirms_in_a_batch_and_the_refusal_is_audited(
    casework: Casework, worker: CaseSession
) -> None:
    household, escalation = planned(worker)
    before = counts(casework)
    with pytest.raises(AccessDenied, match="may not do this"), worker.batch() as batch:
        batch.confirm_escalations([(escalation, *CONFIRMED)])
    assert counts(casework)["audit_entry"] == before["audit_entry"] + 1
    assert snapshot(casework, household)["audit"][-1] == ("access.refused", "deny")


def test_a_stale_escalation_write_is_refused_by_the_version_column(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household, escalation = planned(worker)
    leader.reject_escalation(escalation, "niet nodig")  # version 1 -> 2
    stale = {"b_id": escalation, "b_version": 1, "state": "active"}
    with (
        pytest.raises(ConflictError, match="changed by someone else"),
        leader.context.transaction("test") as tx,
    ):
        _change(tx, [stale])
    assert snapshot(casework, household)["escalations"][0][1] == "rejected"
    with leader.context.transaction("test") as tx:
        _change(tx, [{**stale, "b_version": 2, "state": "rejected"}])
    assert snapshot(casework, household)["escalations"][0][7] == 3


def test_a_second_transfer_in_the_same_batch_is_refused(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household, escalation = planned(worker)
    (veilig_thuis,) = worker.record_assessment(
        household, assessment(indicators=("domestic-violence",))
    ).proposed  # a direct transfer under meldrecht
    with (
        pytest.raises(RuleViolation, match=r"item 1: .*already has an active transfer"),
        leader.batch() as batch,
    ):
        batch.confirm_escalations([(escalation, *CONFIRMED), (veilig_thuis, *CONFIRMED)])
    assert [e[1] for e in snapshot(casework, household)["escalations"]] == ["proposed"] * 2
    with leader.batch() as batch:
        batch.confirm_escalations([(veilig_thuis, "J. Jansen", "Veilig Thuis")])
        batch.de_escalate([veilig_thuis])
        batch.confirm_escalations([(escalation, *CONFIRMED)])
    assert [e[1] for e in snapshot(casework, household)["escalations"]] == ["active", "ended"]


def test_another_team_leader_cannot_reach_the_escalation(
    casework: Casework, worker: CaseSession
) -> None:
    _, escalation = planned(worker)
    elders = CaseSession(casework, actor("team_leader", "Tess", team="team-elders"))
    with pytest.raises(AccessDenied, match="another team's"), elders.batch() as batch:
        batch.de_escalate([escalation])
