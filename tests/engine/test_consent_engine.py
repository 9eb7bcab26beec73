"""Consent through the engine: written consent enforced, one folding, confirmable bundled rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from case_helpers import Clock, actor, assessment
from sample_town import SampleTown
from sqlmodel import Session, col, select

from wijkteamkit import Signal
from wijkteamkit.domain import ConsentPolicy
from wijkteamkit.domain.case import Actor, AssessmentIn, ConsentIn, HouseholdIn, PersonIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import ConsentRequired, RuleViolation
from wijkteamkit.store.database import open_database
from wijkteamkit.store.tables import AuditEntryRow, ConsentRow, DisclosureRow, EscalationRow
from wijkteamkit.testing import PluginHarness

HEAD = (PersonIn(role="head", birth_date=date(1960, 2, 2)),)


class WrittenOnly:
    def wijkteamkit_consent_policy(self) -> Any:
        return ConsentPolicy(exceptions=("meldrecht-veilig-thuis",), written_consent_required=True)


@pytest.fixture
def written(database_url: str, clock: Clock) -> Iterator[Casework]:
    harness = PluginHarness()
    harness.register(SampleTown())
    harness.register(WrittenOnly(), layer="local")
    engine = open_database(database_url)
    yield Casework(engine, harness.load(), clock)
    engine.dispose()


def _household(session: CaseSession, clock: Clock, postcode: str = "1234AB") -> int:
    household, signal = session.receive_signal(
        Signal(reporter="resident", received_at=clock.now),
        HouseholdIn(postcode=postcode, members=HEAD),
    )
    session.triage(signal, integral=True)
    session.record_assessment(household, assessment())
    return int(household)


def _consent(household: int, clock: Clock, **fields: Any) -> ConsentIn:
    base: dict[str, Any] = {
        "subject": household,
        "purpose": "casework",
        "recipients": {"regieteam"},
        "scope": {"financien"},
        "valid_from": clock.now,
        "form": "written",
    }
    return ConsentIn.model_validate({**base, **fields})


def _count(casework: Casework, table: Any, household: int) -> int:
    with Session(casework.engine) as db:
        return len(db.exec(select(table).where(table.household_id == household)).all())


def test_spoken_consent_is_refused_up_front_when_written_consent_is_required(
    written: Casework, clock: Clock
) -> None:
    worker = written.as_actor(actor())
    household = _household(worker, clock)
    with pytest.raises(RuleViolation, match="requires written consent") as refused:
        worker.record_consent(_consent(household, clock, form="spoken"))
    assert refused.value.rule == "written-consent"
    assert _count(written, ConsentRow, household) == 0
    worker.record_consent(_consent(household, clock, form="written"))
    assert _count(written, ConsentRow, household) == 1


def test_spoken_consent_recorded_before_the_policy_changed_permits_nothing(
    database_url: str, clock: Clock
) -> None:
    """A consent recorded while spoken consent sufficed stops counting once written is required."""
    engine = open_database(database_url)
    try:
        harness = PluginHarness()
        harness.register(SampleTown())
        before = Casework(engine, harness.load(), clock)
        worker = before.as_actor(actor())
        household = _household(worker, clock)
        worker.record_consent(_consent(household, clock, form="spoken"))
        clock.advance(minutes=1)
        assert _decision(
            worker.disclose(household, "regieteam", "casework", ["financien"])
        ).permitted
        harness.register(WrittenOnly(), layer="local")
        after = Casework(engine, harness.load(), clock).as_actor(actor())
        decision = _decision(after.disclose(household, "regieteam", "casework", ["financien"]))
        assert (decision.outcome, decision.reason.value) == ("deny", "written_consent_required")
        assert "written" in decision.explain()
    finally:
        engine.dispose()


def _decision(result: Any) -> Any:
    return getattr(result, "decision", result)


def test_recipients_and_purposes_are_stored_folded_and_match_in_any_spelling(
    casework: Casework, worker: CaseSession, clock: Clock
) -> None:
    household = _household(worker, clock)
    worker.record_consent(
        _consent(household, clock, recipients={"ＲＥＧＩＥＴＥＡＭ"}, purpose=" CaseWork")
    )
    with Session(casework.engine) as db:
        row = db.exec(select(ConsentRow).where(ConsentRow.household_id == household)).one()
    assert (row.recipients, row.purpose) == (["regieteam"], "casework")
    clock.advance(minutes=1)
    decision = _decision(worker.disclose(household, "Regieteam", "CASEWORK", ["Financien"]))
    assert decision.permitted and decision.granted == {"financien"}
    with Session(casework.engine) as db:
        disclosure = db.exec(
            select(DisclosureRow).where(DisclosureRow.household_id == household)
        ).one()
    assert (disclosure.recipient, disclosure.purpose) == ("regieteam", "casework")


def test_a_letter_that_folds_into_others_is_refused_and_nothing_is_written(
    casework: Casework, worker: CaseSession, clock: Clock
) -> None:
    household = _household(worker, clock)
    with pytest.raises(RuleViolation, match="'ß' as 'ss'") as refused:
        worker.record_consent(_consent(household, clock, recipients={"straße-team"}))
    assert "straße-team" not in str(refused.value)
    with pytest.raises(RuleViolation, match="recipient"):
        worker.disclose(household, "Straße-Team", "casework", ["financien"])
    assert _count(casework, ConsentRow, household) == 0
    assert _count(casework, DisclosureRow, household) == 0


def test_the_meldrecht_reaches_the_target_spelt_in_capitals(
    worker: CaseSession, clock: Clock
) -> None:
    household = _household(worker, clock)
    decision = _decision(
        worker.disclose(
            household,
            "Veilig-Thuis",
            "melding",
            ["financien"],
            legal_basis="Meldrecht-Veilig-Thuis",
        )
    )
    assert (decision.outcome, decision.reason.value) == ("permit", "legal_basis")
    refused = _decision(
        worker.disclose(
            household,
            "domestic_violence_service",
            "melding",
            ["financien"],
            legal_basis="meldrecht-veilig-thuis",
        )
    )
    assert (refused.outcome, refused.reason.value) == ("deny", "basis_recipient")


# --- Nijmegen: the direct rule to FACT can be confirmed once the resident consents -----------


@pytest.fixture
def nijmegen(database_url: str) -> Iterator[Casework]:
    casework = Casework.open(
        "nijmegen", database_url, clock=Clock(datetime(2012, 7, 2, 10, tzinfo=UTC))
    )
    yield casework
    casework.engine.dispose()


def test_the_nijmegen_rule_to_fact_is_confirmable_with_consent(nijmegen: Casework) -> None:
    setup = nijmegen.setup
    team = next(t for t in setup.teams if t.neighbourhood == "lindenholt")
    area = next(n for n in setup.neighbourhoods if n.key == "lindenholt")
    clock = nijmegen.clock
    assert isinstance(clock, Clock)

    def someone(role: str, who: str) -> CaseSession:
        return nijmegen.as_actor(
            Actor(
                id=who, role=role, municipality=setup.code, organisation="wijkteam", team=team.key
            )
        )

    worker, leader = someone("worker", "mw-1"), someone("team_leader", "tl-1")
    household, signal = worker.receive_signal(
        Signal(reporter="gp", received_at=clock.now),
        HouseholdIn(postcode=area.postcodes[0].split("-")[0] + "AB", members=HEAD),
    )
    worker.triage(signal, integral=True)
    worker.record_assessment(
        household,
        AssessmentIn(scores={"geestelijke-gezondheid": 1, "financien": 3}, held_at=clock.now),
    )
    with Session(nijmegen.engine) as db:
        fact = db.exec(
            select(EscalationRow).where(
                EscalationRow.household_id == household, EscalationRow.target == "fact"
            )
        ).one()
    assert fact.legal_basis is None
    assert fact.id is not None
    clock.advance(minutes=5)
    with pytest.raises(ConsentRequired):
        leader.confirm_escalation(fact.id, "fact-0042", "FACT Nijmegen")
    worker.record_consent(
        ConsentIn(
            subject=household,
            purpose="casework",
            recipients={"FACT"},
            scope={"geestelijke-gezondheid", "financien"},
            valid_from=clock.now,
            form="spoken",
        )
    )
    clock.advance(minutes=5)
    leader.confirm_escalation(fact.id, "fact-0042", "FACT Nijmegen")
    with Session(nijmegen.engine) as db:
        outcomes = db.exec(
            select(DisclosureRow.outcome, DisclosureRow.reason)
            .where(DisclosureRow.household_id == household, DisclosureRow.recipient == "fact")
            .order_by(col(DisclosureRow.id))
        ).all()
        confirmed = db.exec(
            select(AuditEntryRow).where(
                AuditEntryRow.subject == household, AuditEntryRow.action == "escalation.confirmed"
            )
        ).all()
    assert [tuple(o) for o in outcomes] == [("deny", "no_consent"), ("permit", "consent")]
    assert len(confirmed) == 1


def test_a_read_for_a_purpose_that_cannot_be_folded_is_a_rule_violation_not_a_raw_error(
    casework: Casework, worker: CaseSession, clock: Clock
) -> None:
    household = _household(worker, clock)
    colleague = casework.as_actor(actor("worker", "olga"))
    with pytest.raises(RuleViolation, match=r"\[disclosure\] .*purpose") as refused:
        colleague.read_case(household, purpose="straße")
    assert "straße" not in str(refused.value)
    assert _count(casework, DisclosureRow, household) == 0
