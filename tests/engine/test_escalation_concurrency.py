"""Escalation under concurrency: guarded transitions, one active transfer, one open proposal.

The multi-process test spawns real OS processes that act at the same moment (a barrier) on
SQLite and PostgreSQL; the others check each rule, and its database backstop, in one process.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from case_helpers import T0, actor, assessment, consent
from concurrency_helpers import run
from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from wijkteamkit import Signal
from wijkteamkit.domain.case import HouseholdIn, PersonIn, PlanIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import IllegalTransition, RuleViolation
from wijkteamkit.store import audit
from wijkteamkit.store.tables import AuditEntryRow, EscalationRow, HouseholdRow, PlanRow

PLAN = PlanIn(
    goals=[{"domain": "financien", "goal": "Rust"}],
    actions=[
        {"description": "Zelf", "domain": "financien", "actor": "self", "rung": "own_strength"}
    ],
)
TARGETS = {"team-centrum", "regieteam", "veilig-thuis"}
LOSERS = {"IllegalTransition", "ConflictError"}


def household_with_two_transfers(
    worker: CaseSession, bsn: str = "100000009"
) -> tuple[int, int, int]:
    """A household with a plan and two proposed transfers: (household, to regieteam, to VT)."""
    household = assessed(worker, bsn)
    result = worker.record_assessment(household, assessment(indicators={"domestic-violence"}))
    worker.record_consent(consent(household, recipients=TARGETS))
    worker.draft_plan(household, PLAN, case_director="Anna")
    by_target = {_target(worker, e): e for e in result.proposed}
    return household, by_target["regieteam"], by_target["veilig-thuis"]


def assessed(worker: CaseSession, bsn: str) -> int:
    household, signal = worker.receive_signal(
        Signal(reporter="gp", received_at=T0),
        HouseholdIn(
            postcode="1234 AB",
            members=(PersonIn(role="head", birth_date=T0.date().replace(year=1970), bsn=bsn),),
        ),
    )
    worker.triage(signal, integral=True)
    return household


def intake(index: int) -> HouseholdIn:
    bsn = ("100000071", "100000083", "100000095", "100000101")[index]
    return HouseholdIn(
        postcode="1234 AB", members=(PersonIn(role="head", birth_date=date(1980, 1, 1), bsn=bsn),)
    )


def _target(session: CaseSession, escalation: int) -> str:
    with Session(session.casework.engine) as db:
        row = db.get(EscalationRow, escalation)
        assert row is not None
        return row.target


def lead(casework: Casework, household: int) -> str:
    with Session(casework.engine) as db:
        plan = db.exec(select(PlanRow).where(PlanRow.household_id == household)).one()
        return plan.lead


def open_escalations(casework: Casework, household: int) -> Counter[str]:
    with Session(casework.engine) as db:
        rows = db.exec(
            select(EscalationRow).where(
                EscalationRow.household_id == household,
                col(EscalationRow.state).in_(["proposed", "active"]),
            )
        ).all()
        return Counter(row.target for row in rows)


def test_processes_racing_on_one_escalation_exactly_one_wins(
    casework: Casework, worker: CaseSession, database_url: str
) -> None:
    h1, regie, vt = household_with_two_transfers(worker)
    h2, regie2, _vt2 = household_with_two_transfers(worker, "100000010")
    h3 = assessed(worker, "100000022")
    h4, regie4, vt4 = household_with_two_transfers(worker, "100000113")
    h5, regie5, _vt5 = household_with_two_transfers(worker, "100000125")
    confirm = ("team_leader", "confirm_escalation", (regie, "Mevr. de Vries", "Regieteam Zuid"))
    plans: list[list[Any]] = [
        [
            confirm,  # 0: everyone confirms the same escalation
            ("team_leader", "confirm_escalation", (vt, "Dhr. Smit", "Veilig Thuis"))
            if i % 2
            else ("team_leader", "de_escalate", (regie,)),  # 1: a second transfer vs its end
            ("team_leader", "de_escalate", (regie,)),  # 2: double de-escalation
            ("team_leader", "reject_escalation", (regie2, "niet nodig"))
            if i % 2
            else ("team_leader", "confirm_escalation", (regie2, "Mevr. Jansen", "Regieteam")),
            ("worker", "record_assessment", (h3, assessment())),  # 4: same assessment at once
            ("worker", "receive_signal", (Signal(reporter="gp", received_at=T0), h3)),
            ("worker", "receive_signal", (Signal(reporter="gp", received_at=T0), intake(i))),
            ("team_leader", "confirm_escalation", ((vt4, regie4)[i % 2], "Dhr. Smit", "Ontvanger")),
            ("team_leader", "confirm_escalation", (regie5, "Mevr. de Vries", "Regieteam"))
            if i % 2
            else ("team_leader", "close_case", (h5,)),  # 8: closing against escalating
        ]
        for i in range(4)
    ]
    outcomes = run(database_url, plans)
    raw = [text for round_ in outcomes for outcome, text in round_ if outcome.startswith("RAW")]
    assert raw == []

    first = Counter(outcome for outcome, _ in outcomes[0])
    assert first["ok"] == 1 and set(first) - {"ok"} <= LOSERS, first
    assert all("Mevr." not in message for _, message in outcomes[0])

    # round 1: children 0 and 2 end the transfer, 1 and 3 confirm a second one: exactly one
    # ending wins; a second transfer wins at most once, and only after the first has ended
    ending = Counter(outcome for outcome, _ in outcomes[1][0::2])
    second = Counter(outcome for outcome, _ in outcomes[1][1::2])
    assert ending["ok"] == 1 and set(ending) - {"ok"} <= LOSERS, ending
    assert second["ok"] <= 1 and set(second) - {"ok"} <= LOSERS | {"RuleViolation"}, second
    assert Counter(outcome for outcome, _ in outcomes[2]) == {"IllegalTransition": 4}
    with Session(casework.engine) as db:
        states = {
            row.id: row.state
            for row in db.exec(select(EscalationRow).where(EscalationRow.household_id == h1))
        }
    assert states[regie] == "ended"
    active_transfers = [e for e in (regie, vt) if states[e] == "active"]
    assert len(active_transfers) <= 1
    assert lead(casework, h1) == ("veilig-thuis" if states[vt] == "active" else "team-centrum")

    fourth = Counter(outcome for outcome, _ in outcomes[3])
    assert fourth["ok"] == 1 and set(fourth) - {"ok"} <= LOSERS, fourth
    with Session(casework.engine) as db:
        row = db.get(EscalationRow, regie2)
        assert row is not None and row.state in ("active", "rejected")
    assert lead(casework, h2) == ("regieteam" if row.state == "active" else "team-centrum")

    assert Counter(outcome for outcome, _ in outcomes[4]) == {"ok": 4}
    assert open_escalations(casework, h3) == {"regieteam": 1}
    assert Counter(outcome for outcome, _ in outcomes[5]) == {"ok": 4}
    assert Counter(outcome for outcome, _ in outcomes[6]) == {"ok": 4}  # four new households
    with Session(casework.engine) as db:
        assert db.exec(select(func.count()).select_from(HouseholdRow)).one() == 9
    # round 7: two different transfers of one household confirmed at once: one of them wins
    racing = Counter(outcome for outcome, _ in outcomes[7])
    assert racing["ok"] == 1 and set(racing) - {"ok"} <= LOSERS | {"RuleViolation"}, racing
    assert sum(open_escalations(casework, h4).values()) == 2
    with Session(casework.engine) as db:
        active = db.exec(
            select(EscalationRow).where(
                EscalationRow.household_id == h4, EscalationRow.state == "active"
            )
        ).one()
    assert lead(casework, h4) == active.target
    # round 8: a case is never closed with an active escalation
    with Session(casework.engine) as db:
        closed = db.exec(select(HouseholdRow.case_state).where(HouseholdRow.id == h5)).one()
        escalated = db.exec(select(EscalationRow.state).where(EscalationRow.id == regie5)).one()
    assert (closed, escalated) in (("closed", "proposed"), ("concept_plan", "active")), outcomes[8]
    assert sum(outcome == "ok" for outcome, _ in outcomes[8]) == 1
    with Session(casework.engine) as db:
        assert audit.verify(db) == []


def test_a_second_transfer_is_refused_naming_the_active_one(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household, regie, vt = household_with_two_transfers(worker)
    leader.confirm_escalation(regie, "Mevr. de Vries", "Regieteam Zuid")
    with pytest.raises(RuleViolation, match=rf"escalation {regie} to 'regieteam'") as refused:
        leader.confirm_escalation(vt, "Dhr. Smit", "Veilig Thuis")
    assert refused.value.rule == "one-active-transfer"
    assert lead(casework, household) == "regieteam"
    leader.de_escalate(regie)
    assert lead(casework, household) == "team-centrum"
    leader.confirm_escalation(vt, "Dhr. Smit", "Veilig Thuis")
    assert lead(casework, household) == "veilig-thuis"


def test_de_escalation_hands_the_lead_back_exactly_once(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household, regie, _vt = household_with_two_transfers(worker)
    leader.confirm_escalation(regie, "Mevr. de Vries", "Regieteam Zuid")
    leader.de_escalate(regie)
    with pytest.raises(IllegalTransition):
        leader.de_escalate(regie)
    with pytest.raises(IllegalTransition):
        leader.confirm_escalation(regie, "Mevr. de Vries", "Regieteam Zuid")
    assert lead(casework, household) == "team-centrum"


def test_de_escalation_never_leaves_the_lead_with_the_target(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household, regie, _vt = household_with_two_transfers(worker)
    leader.confirm_escalation(regie, "Mevr. de Vries", "Regieteam Zuid")
    with (
        casework.engine.begin() as connection
    ):  # a damaged history: the "previous" lead is the target
        connection.execute(
            text("UPDATE escalation SET previous_lead = 'regieteam' WHERE id = :id"), {"id": regie}
        )
    leader.de_escalate(regie)
    assert lead(casework, household) == "team-centrum"


def test_the_database_refuses_a_second_active_transfer(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    _household, regie, vt = household_with_two_transfers(worker)
    leader.confirm_escalation(regie, "Mevr. de Vries", "Regieteam Zuid")
    with pytest.raises(IntegrityError), casework.engine.begin() as connection:
        connection.execute(
            text("UPDATE escalation SET state = 'active' WHERE id = :id"), {"id": vt}
        )
    # a referral may be active beside the transfer
    with casework.engine.begin() as connection:
        connection.execute(
            text("UPDATE escalation SET state = 'active', handover = 'referral' WHERE id = :id"),
            {"id": vt},
        )


def test_the_database_refuses_a_second_open_proposal_for_a_target(
    casework: Casework, worker: CaseSession
) -> None:
    _household, regie, _vt = household_with_two_transfers(worker)
    copy = (
        "INSERT INTO escalation (municipality, household_id, plan_id, rule, target, handover,"
        " state, direct, legal_basis, proposed_at, version) SELECT municipality, household_id,"
        " plan_id, rule, target, handover, :state, direct, legal_basis, proposed_at, 1"
        " FROM escalation WHERE id = :id"
    )
    with pytest.raises(IntegrityError), casework.engine.begin() as connection:
        connection.execute(text(copy), {"id": regie, "state": "proposed"})
    with casework.engine.begin() as connection:  # closed ones may repeat
        connection.execute(text(copy), {"id": regie, "state": "rejected"})


def test_a_reassessment_proposes_nothing_twice(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household, regie, vt = household_with_two_transfers(worker)
    again = worker.record_assessment(household, assessment(indicators={"domestic-violence"}))
    assert again.proposed == ()
    leader.reject_escalation(regie, "niet nodig")
    third = worker.record_assessment(household, assessment())
    assert [_target(worker, e) for e in third.proposed] == ["regieteam"]
    assert open_escalations(casework, household) == {"regieteam": 1, "veilig-thuis": 1}
    assert vt not in third.proposed


def test_a_transition_on_a_stale_read_is_a_conflict(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    _household, regie, _vt = household_with_two_transfers(worker)
    with Session(casework.engine, expire_on_commit=False) as stale:
        row = stale.get(EscalationRow, regie)
        assert row is not None and row.version == 1
        stale.commit()  # the read is over; the row object keeps what it read
        leader.reject_escalation(regie, "niet nodig")
        row.state = "active"
        with pytest.raises(Exception) as caught:
            stale.commit()
        assert type(caught.value).__name__ == "StaleDataError"
    with Session(casework.engine) as db:
        fresh = db.get(EscalationRow, regie)
        assert fresh is not None and (fresh.state, fresh.version) == ("rejected", 2)


def test_the_unique_index_surfaces_as_a_rule_not_a_database_error(
    casework: Casework, worker: CaseSession, leader: CaseSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    household, regie, vt = household_with_two_transfers(worker)
    leader.confirm_escalation(regie, "Mevr. de Vries", "Regieteam Zuid")
    session = casework.as_actor(actor("team_leader", "Lars"))

    def skip_the_check(_db: Any, _row: Any) -> None:  # as if a racing confirm had passed it
        return None

    monkeypatch.setattr("wijkteamkit.engine.escalations._refuse_second_transfer", skip_the_check)
    with pytest.raises(RuleViolation) as refused:
        session.confirm_escalation(vt, "Dhr. Smit", "Veilig Thuis")
    assert refused.value.rule == "one-active-transfer"
    assert "Dhr. Smit" not in str(refused.value)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
    assert lead(casework, household) == "regieteam"
    with Session(casework.engine) as db:
        count = db.exec(
            select(func.count()).where(
                EscalationRow.household_id == household, EscalationRow.state == "active"
            )
        ).one()
        assert count == 1


def test_a_plan_drafted_during_a_transfer_starts_with_the_target_and_gets_it_back(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household = assessed(worker, "100000046")
    (regie,) = worker.record_assessment(household, assessment()).proposed
    worker.record_consent(consent(household, recipients=TARGETS))
    leader.confirm_escalation(regie, "Mevr. de Vries", "Regieteam Zuid")  # no plan yet
    worker.draft_plan(household, PLAN, case_director="Anna")
    assert lead(casework, household) == "regieteam"
    leader.de_escalate(regie)
    assert lead(casework, household) == "team-centrum"


def test_an_escalation_of_a_closed_case_is_not_confirmed(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household, regie, _vt = household_with_two_transfers(worker)
    leader.close_case(household)
    with pytest.raises(IllegalTransition, match="closed"):
        leader.confirm_escalation(regie, "Mevr. de Vries", "Regieteam Zuid")
    leader.reject_escalation(regie, "de zaak is gesloten")


def test_the_reason_for_rejecting_is_kept_on_the_escalation_not_in_the_audit_log(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    _household, regie, _vt = household_with_two_transfers(worker)
    for bad in ("", "niet\x00nodig", "x" * 4001):
        with pytest.raises(RuleViolation, match=r"\[rejection\]") as refused:
            leader.reject_escalation(regie, bad)
        assert "niet" not in str(refused.value) and "xxxx" not in str(refused.value)
    leader.reject_escalation(regie, "mevrouw J. weigert, zoon regelt het")
    with Session(casework.engine) as db:
        row = db.get(EscalationRow, regie)
        assert row is not None and row.rejected_because == "mevrouw J. weigert, zoon regelt het"
        details = db.exec(select(AuditEntryRow.detail)).all()
    assert not any("weigert" in str(detail) for detail in details)


def test_the_responsible_party_is_one_line_within_the_limits(
    worker: CaseSession, leader: CaseSession
) -> None:
    _household, regie, _vt = household_with_two_transfers(worker)
    for responsible, organisation in (("r\x00", "Regieteam"), ("r-1", "x" * 201), (" ", "R")):
        with pytest.raises(RuleViolation, match=r"\[responsible-party\]"):
            leader.confirm_escalation(regie, responsible, organisation)
