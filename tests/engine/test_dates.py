"""Dates that govern, on SQLite and PostgreSQL: the setup as it stands on the transaction's day,
a team's start and its case registration (docs/casework.md, "Dates that govern")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from case_helpers import Clock, actor, consent
from intake_helpers import NOORD, SOURCE, report, two_teams
from rls_harness import engine_transactions_as_bound_role
from sample_town import SRC
from sqlalchemy import func
from sqlmodel import Session, select

from wijkteamkit import EscalationRule, EscalationTarget, Signal
from wijkteamkit.domain.case import AssessmentIn, HouseholdIn, PersonIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import RuleViolation
from wijkteamkit.engine.intake import Intake
from wijkteamkit.store.database import open_database
from wijkteamkit.store.tables import AuditEntryRow, EscalationRow, HouseholdRow
from wijkteamkit.testing import PluginHarness

START = datetime(2014, 6, 2, 9, 0, tzinfo=UTC)
HEAD = (PersonIn(role="head", birth_date=date(1970, 5, 1)),)
CENTRUM_HOUSEHOLD = HouseholdIn(postcode="1234 AB", members=HEAD)
NOORD_HOUSEHOLD = HouseholdIn(postcode="5678 AB", members=HEAD)
"""New households each time: no BSN and no house number to match an open one by."""
MELDPUNT = EscalationTarget(
    key="meldpunt",
    name="Meldpunt tot 2015",
    kind="other",
    level="city",
    handover="referral",
    valid_to=date(2014, 12, 31),
    source=SRC,
)
UNDATED = EscalationRule(
    key="justitie-meldpunt",
    name="Justice involved: refer to the meldpunt (no end date: it outlives its target)",
    when={"kind": "flagged", "indicator": "justice-involved"},
    target="meldpunt",
    source=SRC,
)


def dated_town() -> Any:
    """Two teams; Noord's starts in September 2014 (month-precise) and registers cases from
    December; a referral target that ends with 2014 and an undated rule to it."""
    town = two_teams()
    parts = town.parts
    parts["neighbourhoods"] = [
        n.model_copy(update={"team_start": date(2014, 9, 1), "team_start_precision": "month"})
        if n.key == "noord"
        else n
        for n in parts["neighbourhoods"]
    ]
    parts["teams"] = [
        t.model_copy(update={"case_registration_from": date(2014, 12, 1)}) if t.key == NOORD else t
        for t in parts["teams"]
    ]
    parts["escalation_targets"] = [*parts["escalation_targets"], MELDPUNT]
    parts["escalation_rules"] = [*parts["escalation_rules"], UNDATED]
    return town


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def town(database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Casework]:
    harness = PluginHarness()
    harness.register(dated_town())
    engine = open_database(database_url)
    with engine_transactions_as_bound_role(engine, monkeypatch):
        yield Casework(engine, harness.load(), clock)
    engine.dispose()


def count(casework: Casework, table: Any) -> int:
    with Session(casework.engine) as db:
        return int(db.exec(select(func.count()).select_from(table)).one())


def refusals(casework: Casework) -> list[tuple[str, str | None]]:
    with Session(casework.engine) as db:
        query = select(AuditEntryRow.action, AuditEntryRow.reason).order_by(AuditEntryRow.seq)
        return [(a, r) for a, r in db.exec(query) if a == "signal.refused"]


def signal(clock: Clock, *indicators: str) -> Signal:
    return Signal(reporter="police", received_at=clock.now, indicators=frozenset(indicators))


def assessed(worker: CaseSession, clock: Clock, scores: dict[str, int], *flags: str) -> Any:
    household, received = worker.receive_signal(signal(clock, *flags), CENTRUM_HOUSEHOLD)
    worker.triage(received, integral=True)
    return household, worker.record_assessment(
        household, AssessmentIn(scores=scores, held_at=clock.now)
    )


def targets(casework: Casework, escalations: tuple[int, ...]) -> list[str]:
    with Session(casework.engine) as db:
        return [row.target for e in escalations if (row := db.get(EscalationRow, e)) is not None]


# --- the setup as it stands on the day -------------------------------------------------------


def test_veilig_thuis_is_proposed_only_from_2015(town: Casework, clock: Clock) -> None:
    worker = town.as_actor(actor())
    _, before = assessed(worker, clock, {"huiselijke-relaties": 1}, "domestic-violence")
    assert targets(town, before.proposed) == []
    clock.now = datetime(2015, 1, 5, 9, 0, tzinfo=UTC)  # the same session, a new day's setup
    _, after = assessed(worker, clock, {"huiselijke-relaties": 1}, "domestic-violence")
    assert targets(town, after.proposed) == ["veilig-thuis"]


def test_the_meldrecht_permits_a_report_to_veilig_thuis_only_from_2015(
    town: Casework, clock: Clock
) -> None:
    worker = town.as_actor(actor())
    household, _ = assessed(worker, clock, {"huiselijke-relaties": 1}, "domestic-violence")

    def report() -> Any:
        return worker.disclose(
            household,
            "veilig-thuis",
            "melding",
            ["huiselijke-relaties"],
            legal_basis="meldrecht-veilig-thuis",
        )

    before = report()
    assert (before.outcome, before.reason.value) == ("deny", "basis_not_in_force")
    clock.now = datetime(2015, 1, 1, 8, 0, tzinfo=UTC)
    after = report()
    assert after.permitted and after.basis == "legal_basis:meldrecht-veilig-thuis"


def test_the_setup_of_a_day_is_built_once(town: Casework) -> None:
    day = date(2014, 6, 2)
    assert town.on(day) is town.on(day)
    assert [t.key for t in town.on(day).setup.escalation_targets if t.key == "veilig-thuis"] == []
    assert "veilig-thuis" in town.on(date(2015, 1, 1)).policy.recipient_kinds


def test_a_target_no_longer_valid_is_not_confirmed(town: Casework, clock: Clock) -> None:
    worker, leader = town.as_actor(actor()), town.as_actor(actor("team_leader", "Lars"))
    proposals = []
    for _ in range(2):
        household, result = assessed(worker, clock, {"justitie": 2}, "justice-involved")
        worker.record_consent(
            consent(
                household, recipients={"meldpunt"}, scope=frozenset({"justitie"}), valid_from=START
            )
        )
        assert targets(town, result.proposed) == ["meldpunt"]
        proposals.append(result.proposed[0])
    leader.confirm_escalation(proposals[0], "mp-1", "Meldpunt")  # still valid in 2014
    clock.now = datetime(2015, 1, 2, 9, 0, tzinfo=UTC)
    with pytest.raises(RuleViolation, match=r"\[target-not-valid\] escalation \d+ hands over to "):
        leader.confirm_escalation(proposals[1], "mp-1", "Meldpunt")
    with Session(town.engine) as db:
        row = db.get(EscalationRow, proposals[1])
        assert row is not None and row.state == "proposed"


def test_a_rule_outliving_its_target_refuses_the_assessment_it_fires_on(
    town: Casework, clock: Clock
) -> None:
    worker = town.as_actor(actor())
    clock.now = datetime(2015, 1, 2, 9, 0, tzinfo=UTC)
    household, received = worker.receive_signal(signal(clock), CENTRUM_HOUSEHOLD)
    worker.triage(received, integral=True)
    quiet = AssessmentIn(scores={"justitie": 4}, held_at=clock.now)
    assert worker.record_assessment(household, quiet).proposed == ()
    flagged = quiet.model_copy(update={"indicators": frozenset({"justice-involved"})})
    with pytest.raises(RuleViolation, match=r"\[target-not-valid\] rule 'justitie-meldpunt'"):
        worker.record_assessment(household, flagged)


# --- a team receives signals from its start --------------------------------------------------


def test_a_signal_before_the_team_starts_is_refused_with_the_month_and_audited(
    town: Casework, clock: Clock
) -> None:
    worker = town.as_actor(actor())
    with pytest.raises(
        RuleViolation,
        match=r"\[team-not-started\] the team of Noord starts in September 2014; a signal "
        r"received on 2014-06-02 comes before it",
    ):
        worker.receive_signal(signal(clock), NOORD_HOUSEHOLD)
    assert count(town, HouseholdRow) == 0
    assert refusals(town) == [("signal.refused", "team-not-started")]


def test_the_start_is_judged_on_the_local_date_of_receipt(town: Casework, clock: Clock) -> None:
    worker = town.as_actor(actor())
    clock.now = datetime(2014, 8, 31, 21, 30, tzinfo=UTC)  # 23:30 on 31 August in Nijmegen
    with pytest.raises(RuleViolation, match="team-not-started"):
        worker.receive_signal(signal(clock), NOORD_HOUSEHOLD)
    clock.now = datetime(2014, 8, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 September
    household, _ = worker.receive_signal(signal(clock), NOORD_HOUSEHOLD)
    with Session(town.engine) as db:
        row = db.get(HouseholdRow, household)
        assert row is not None and row.team == NOORD


def test_a_batch_with_a_signal_before_the_start_writes_nothing(
    town: Casework, clock: Clock
) -> None:
    worker = town.as_actor(actor())
    items = [(signal(clock), CENTRUM_HOUSEHOLD), (signal(clock), NOORD_HOUSEHOLD)]
    refused = pytest.raises(RuleViolation, match=r"\[team-not-started\] item 1: the team of Noord")
    with refused, worker.batch() as batch:
        batch.receive_signals(items)
    assert count(town, HouseholdRow) == 0
    assert refusals(town) == [("signal.refused", "team-not-started")]
    clock.now = datetime(2014, 9, 1, 9, 0, tzinfo=UTC)
    with worker.batch() as batch:
        receipts = batch.receive_signals(items)
    assert len(receipts) == 2 and count(town, HouseholdRow) == 2


def test_the_intake_rejects_a_row_before_the_start_with_the_reason(
    town: Casework, clock: Clock
) -> None:
    dated = {"today": date(2014, 6, 2), "signal_date": "2014-05-01", "arrears_since": "2014-03-01"}
    reports = [report("R1", postcode="5678AB", **dated), report("R2", **dated)]
    outcomes = Intake(town, SOURCE).write(list(enumerate(reports, 2)))
    assert [o.outcome.value for o in outcomes] == ["rejected", "accepted"]
    assert "[team-not-started] the team of Noord starts in September 2014" in outcomes[0].reasons[0]
    clock.now = datetime(2014, 9, 1, 9, 0, tzinfo=UTC)
    again = Intake(town, SOURCE).write([(2, reports[0])])
    assert [o.outcome.value for o in again] == ["accepted"]


# --- case registration -----------------------------------------------------------------------


def test_households_say_whether_they_count_in_the_case_registration(
    town: Casework, clock: Clock
) -> None:
    noord = town.as_actor(actor(team=NOORD))
    clock.now = datetime(2014, 9, 1, 9, 0, tzinfo=UTC)
    early, _ = noord.receive_signal(signal(clock), NOORD_HOUSEHOLD)
    clock.now = datetime(2014, 12, 1, 9, 0, tzinfo=UTC)
    registered, _ = noord.receive_signal(signal(clock), NOORD_HOUSEHOLD)
    listed = {h.id: h.registered for h in noord.households().items}
    assert listed == {early: False, registered: True}
    centrum = town.as_actor(actor())  # a team without a registration date: every case counts
    centrum.receive_signal(signal(clock), CENTRUM_HOUSEHOLD)
    assert [h.registered for h in centrum.households().items] == [True]
