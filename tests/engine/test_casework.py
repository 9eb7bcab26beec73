"""The work process end to end on a real database, its invariants, and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from case_helpers import HOUSEHOLD, T0, Clock, actor, assessment, consent
from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, select

from wijkteamkit import Signal
from wijkteamkit.domain.case import HouseholdIn, PersonIn, PlanIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import (
    AccessDenied,
    ConflictError,
    ConsentRequired,
    IllegalTransition,
    NotFound,
    RuleViolation,
)
from wijkteamkit.store.tables import AuditEntryRow, EscalationRow, HouseholdRow, PlanRow

SIGNAL = Signal(reporter="gp", received_at=T0, summary="zorgen over schulden")
PLAN = PlanIn(
    goals=[{"domain": "financien", "goal": "Schulden op orde"}],
    actions=[
        {
            "description": "Budgetcursus in de wijk",
            "domain": "financien",
            "actor": "self",
            "rung": "algemene_voorziening",
            "provision": "schoonmaak",
        }
    ],
)
MAATWERK = PlanIn(
    goals=[{"domain": "huisvesting", "goal": "Zelfstandig blijven wonen"}],
    actions=[
        {
            "description": "Begeleiding",
            "domain": "huisvesting",
            "actor": "professional",
            "rung": "maatwerkvoorziening",
            "provision": "begeleiding",
        }
    ],
)


def rows(casework: Casework, table: Any) -> int:
    with Session(casework.engine) as db:
        return int(db.exec(select(func.count()).select_from(table)).one())


def to_assessed(worker: CaseSession) -> tuple[int, tuple[int, ...]]:
    household, signal = worker.receive_signal(SIGNAL, HOUSEHOLD)
    worker.triage(signal, integral=True)
    result = worker.record_assessment(household, assessment())
    return household, result.proposed


def to_final_plan(worker: CaseSession) -> tuple[int, int, tuple[int, ...]]:
    household, proposed = to_assessed(worker)
    worker.record_consent(consent(household))
    plan = worker.draft_plan(household, PLAN, case_director="Anna")
    worker.finalise_plan(plan, expected_version=1)
    return household, plan, proposed


def test_full_process_with_escalation_and_back(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household, _plan, proposed = to_final_plan(worker)
    assert len(proposed) == 1
    escalation = proposed[0]
    leader.confirm_escalation(escalation, "Mevr. de Vries", "Regieteam Zuid")
    file = worker.read_case(household)  # Anna is the case director
    assert file.plans[0].lead is not None and file.plans[0].lead.party == "regieteam"
    leader.de_escalate(escalation)
    file = worker.read_case(household)
    assert file.plans[0].lead is not None and file.plans[0].lead.party == "team-centrum"
    assert file.household.case_state == "final_plan"
    with Session(casework.engine) as db:
        row = db.get(EscalationRow, escalation)
        assert row is not None
        assert (row.state, row.responsible, row.confirmed_by) == ("ended", "Mevr. de Vries", "Lars")


def test_routing_assigns_the_team_of_the_postcode(casework: Casework, worker: CaseSession) -> None:
    household, _ = worker.receive_signal(SIGNAL, HOUSEHOLD)
    with Session(casework.engine) as db:
        row = db.get(HouseholdRow, household)
        assert row is not None and (row.team, row.neighbourhood) == ("team-centrum", "centrum")


def test_a_signal_no_team_serves_is_refused_and_nothing_written(
    casework: Casework, worker: CaseSession
) -> None:
    elsewhere = HouseholdIn(postcode="9999 ZZ", members=HOUSEHOLD.members)
    with pytest.raises(RuleViolation, match=r"\[routing\] no team serves postcode 9999ZZ"):
        worker.receive_signal(SIGNAL, elsewhere)
    assert rows(casework, HouseholdRow) == 0 and rows(casework, AuditEntryRow) == 0


def test_illegal_transition_names_the_rule_and_writes_nothing(
    casework: Casework, worker: CaseSession
) -> None:
    household, _signal = worker.receive_signal(SIGNAL, HOUSEHOLD)
    before = rows(casework, AuditEntryRow)
    with pytest.raises(
        IllegalTransition,
        match=r"\[transition\] case of household \d+: cannot go from "
        r"'signalled' to 'assessed'; allowed next: answered, home_visit",
    ):
        worker.record_assessment(household, assessment())
    assert rows(casework, AuditEntryRow) == before


def test_single_question_is_answered_without_a_home_visit(worker: CaseSession) -> None:
    household, signal = worker.receive_signal(SIGNAL, HOUSEHOLD)
    worker.triage(signal, integral=False)
    with pytest.raises(IllegalTransition, match="from 'answered'"):
        worker.record_assessment(household, assessment())


def test_one_active_plan_per_household(casework: Casework, worker: CaseSession) -> None:
    household, _plan, _ = to_final_plan(worker)
    with pytest.raises(RuleViolation, match=r"\[one-active-plan\]"):
        worker.draft_plan(household, PLAN, case_director="Bram")
    assert rows(casework, PlanRow) == 1


def test_a_plan_needs_a_case_director(worker: CaseSession) -> None:
    household, _ = to_assessed(worker)
    worker.record_consent(consent(household))
    for not_an_id in ("  ", "Anna de Vries", "x" * 81, "anna\x00"):
        with pytest.raises(RuleViolation, match=r"\[case-director\] .* named by their id"):
            worker.draft_plan(household, PLAN, case_director=not_an_id)
    assert worker.draft_plan(household, PLAN, case_director="mw-0412")


def test_maatwerk_needs_the_ladder_recorded(worker: CaseSession) -> None:
    household, _ = to_assessed(worker)
    worker.record_consent(consent(household))
    plan = worker.draft_plan(household, MAATWERK, case_director="Anna")
    with pytest.raises(RuleViolation, match=r"\[ladder\]"):
        worker.finalise_plan(plan, 1)
    justified = MAATWERK.model_copy(
        update={
            "ladder_considerations": {
                "own_strength": "Kan het niet zelf.",
                "network": "Netwerk is uitgeput.",
                "algemene_voorziening": "Geen algemene voorziening past.",
            }
        }
    )
    version = worker.revise_plan(plan, justified, 1)
    worker.finalise_plan(plan, version)


def test_escalation_needs_a_responsible_party(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    _household, _plan, proposed = to_final_plan(worker)
    with pytest.raises(RuleViolation, match=r"\[responsible-party\]"):
        leader.confirm_escalation(proposed[0], "", "Regieteam Zuid")
    with Session(casework.engine) as db:
        row = db.get(EscalationRow, proposed[0])
        assert row is not None and row.state == "proposed"


def test_only_the_team_leader_confirms_an_escalation(worker: CaseSession) -> None:
    _household, _plan, proposed = to_final_plan(worker)
    with pytest.raises(AccessDenied, match=r"\[role\]"):
        worker.confirm_escalation(proposed[0], "X", "Y")


def test_hand_over_without_consent_is_refused_and_audited(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household, proposed = to_assessed(worker)
    worker.record_consent(consent(household, recipients={"team-centrum"}))
    with pytest.raises(ConsentRequired, match="recipient_not_covered"):
        leader.confirm_escalation(proposed[0], "Mevr. de Vries", "Regieteam Zuid")
    with Session(casework.engine) as db:
        refused = db.exec(
            select(AuditEntryRow).where(AuditEntryRow.action == "disclosure.decided")
        ).all()
        assert [(e.outcome, e.reason) for e in refused] == [("deny", "recipient_not_covered")]


def test_invalid_bsn_is_rejected_before_anything_is_written() -> None:
    with pytest.raises(ValidationError, match="not a valid BSN"):
        PersonIn(role="head", birth_date="1970-01-01", bsn="123456789")  # type: ignore[arg-type]


def test_another_team_reads_only_what_consent_covers_and_refusals_are_audited(
    casework: Casework, worker: CaseSession
) -> None:
    household, _plan, _ = to_final_plan(worker)
    outsider = casework.as_actor(actor("worker", "Olga", team="team-centrum"))
    # same team, not the case director: reads through the consent decision (team is a recipient)
    assert outsider.read_case(household).granted == frozenset(
        {"financien", "huisvesting", "justitie", "sociaal-netwerk"}
    )
    worker.record_consent(
        consent(household, recipients={"regieteam"})
    )  # does not widen anything for others
    with Session(casework.engine) as db:
        before = db.exec(select(func.count()).select_from(AuditEntryRow)).one()
    stranger = CaseSession(casework, actor("worker", "Sven", team="team-elders"))
    with pytest.raises(
        ConsentRequired,
        match=r"team 'team-elders' may not read household \d+: recipient_not_covered",
    ):
        stranger.read_case(household)
    with Session(casework.engine) as db:
        after = db.exec(select(func.count()).select_from(AuditEntryRow)).one()
    assert after == before + 1


def test_another_municipality_never_sees_the_household(
    casework: Casework, worker: CaseSession
) -> None:
    household, _ = to_assessed(worker)
    with pytest.raises(AccessDenied, match=r"\[tenant\]"):
        casework.as_actor(actor(municipality="GM0002"))
    other = Casework(
        casework.engine,
        casework.loaded.__class__(
            casework.setup.model_copy(
                update={
                    "municipality": casework.setup.municipality.model_copy(
                        update={"code": "GM0002"}
                    )
                }
            ),
            casework.loaded.plugins,
        ),
        casework.clock,
    )
    intruder = CaseSession(other, actor(municipality="GM0002"))
    with pytest.raises(NotFound, match=f"no household {household}"):
        intruder.read_case(household)


def test_withdrawn_consent_stops_the_next_disclosure(worker: CaseSession, clock: Clock) -> None:
    household, _ = to_assessed(worker)
    given = worker.record_consent(consent(household, recipients={"team-centrum", "GGD"}))
    assert worker.disclose(household, "GGD", "casework", ["financien"]).permitted
    clock.advance(days=1)
    worker.withdraw_consent(given)
    decision = worker.disclose(household, "GGD", "casework", ["financien"])
    assert (decision.outcome, decision.reason.value) == ("deny", "withdrawn")


def test_partial_consent_grants_only_the_overlap(worker: CaseSession) -> None:
    household, _ = to_assessed(worker)
    worker.record_consent(consent(household, recipients={"GGD"}, scope=frozenset({"financien"})))
    decision = worker.disclose(household, "GGD", "casework", ["financien", "justitie"])
    assert (
        decision.permitted
        and decision.granted == {"financien"}
        and decision.reason.value == "partial_consent"
    )


def test_meldrecht_permits_veilig_thuis_without_consent(worker: CaseSession) -> None:
    household, _ = to_assessed(worker)
    decision = worker.disclose(
        household,
        "veilig-thuis",
        "melding",
        ["huiselijke-relaties"],
        legal_basis="meldrecht-veilig-thuis",
    )
    assert decision.permitted and decision.basis == "legal_basis:meldrecht-veilig-thuis"
    refused = worker.disclose(
        household, "GGD", "melding", ["huiselijke-relaties"], legal_basis="meldrecht-veilig-thuis"
    )
    assert refused.reason.value == "basis_recipient"


def test_resident_reads_all_of_their_own_plan_and_exports_with_audit(
    casework: Casework, worker: CaseSession
) -> None:
    household, _plan, _ = to_final_plan(worker)
    resident = casework.as_actor(actor("resident", "Bewoner", team=None, household=household))
    file = resident.read_case(household)
    assert file.granted is None and file.plans[0].goals
    export = resident.export_subject(household)
    actions = [e.action for e in export.audit]
    assert (
        actions[0] == "signal.received"
        and "plan.finalised" in actions
        and actions[-1] == "subject.exported"
    )
    with pytest.raises(NotFound):
        resident.read_case(household + 1)


def test_plan_conflict_second_writer_gets_an_error(casework: Casework, worker: CaseSession) -> None:
    household, _ = to_assessed(worker)
    worker.record_consent(consent(household))
    plan = worker.draft_plan(household, PLAN, case_director="Anna")
    colleague = casework.as_actor(actor("worker", "Bram"))
    assert worker.revise_plan(plan, MAATWERK, expected_version=1) == 2
    with pytest.raises(ConflictError, match=r"\[conflict\] plan \d+ is at version 2, not 1"):
        colleague.revise_plan(plan, PLAN, expected_version=1)
    assert worker.read_case(household).plans[0].goals[0].domain == "huisvesting"


def test_erasure_waits_for_the_retention_term(
    casework: Casework, worker: CaseSession, leader: CaseSession, clock: Clock
) -> None:
    household, _plan, _ = to_final_plan(worker)
    with pytest.raises(RuleViolation, match=r"\[retention\] household \d+ is not closed"):
        leader.erase_household(household)
    leader.close_case(household)
    with pytest.raises(RuleViolation, match=r"must be kept until"):
        leader.erase_household(household)
    clock.advance(days=366 * casework.setup.consent_policy.retention_years)
    leader.erase_household(household)
    assert rows(casework, HouseholdRow) == 0
    with Session(casework.engine) as db:
        last = db.exec(select(AuditEntryRow).order_by(AuditEntryRow.id.desc())).first()  # type: ignore[union-attr]
        assert last is not None and (last.action, last.subject) == ("household.erased", household)


def test_a_referral_shares_the_case_and_keeps_the_lead(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household, signal = worker.receive_signal(SIGNAL, HOUSEHOLD)
    worker.triage(signal, integral=True)
    proposed = worker.record_assessment(
        household, assessment({"lichamelijke-gezondheid": 1})
    ).proposed
    worker.record_consent(
        consent(
            household,
            recipients={"team-centrum", "ketenzorg"},
            scope=frozenset({"lichamelijke-gezondheid"}),
        )
    )
    worker.draft_plan(household, PLAN, case_director="Anna")
    (referral,) = proposed
    leader.confirm_escalation(referral, "Dr. Bakker", "Ketenzorg dementie")
    file = worker.read_case(household)
    assert file.plans[0].lead is not None and file.plans[0].lead.party == "team-centrum"
    assert (file.escalations[0].handover, file.escalations[0].state) == ("referral", "active")


def test_a_direct_rule_records_its_legal_basis(casework: Casework, worker: CaseSession) -> None:
    household, signal = worker.receive_signal(
        SIGNAL.model_copy(update={"indicators": frozenset({"domestic-violence"})}), HOUSEHOLD
    )
    worker.triage(signal, integral=True)
    (proposal,) = worker.record_assessment(
        household, assessment({"huiselijke-relaties": 1})
    ).proposed
    with Session(casework.engine) as db:
        row = db.get(EscalationRow, proposal)
        assert row is not None
        assert (row.target, row.direct, row.legal_basis) == (
            "veilig-thuis",
            True,
            "meldrecht-veilig-thuis",
        )
