"""The interactive intake shares the bulk intake's rules: a reference received before is the
first receipt, and a household without a BSN is found by its address. Plus the input models."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from case_helpers import T0, Clock, actor
from intake_helpers import SOURCE, end_state, report, two_teams
from pydantic import ValidationError
from rls_harness import engine_transactions_as_bound_role
from sqlmodel import Session

from wijkteamkit import Signal
from wijkteamkit.domain.case import HouseholdIn, PersonIn
from wijkteamkit.domain.signal import Debt
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import AccessDenied
from wijkteamkit.engine.intake import Intake, Outcome, intake_actor
from wijkteamkit.store import audit
from wijkteamkit.store.database import open_database
from wijkteamkit.testing import PluginHarness

HEAD = PersonIn(role="head", birth_date=date(1970, 5, 1))


@pytest.fixture
def town(database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Casework]:
    harness = PluginHarness()
    harness.register(two_teams())
    engine = open_database(database_url)
    with engine_transactions_as_bound_role(engine, monkeypatch):
        yield Casework(engine, harness.load(), clock)
    engine.dispose()


@pytest.fixture
def worker(town: Casework) -> CaseSession:
    return town.as_actor(actor())


def signal(reference: str | None = None, **fields: Any) -> Signal:
    source = SOURCE if reference is not None else None
    return Signal(
        reporter="debt_early_warning",
        received_at=T0,
        source=source,
        external_reference=reference,
        **fields,
    )


def at(number: int | None = 1, suffix: str | None = None, *members: PersonIn) -> HouseholdIn:
    return HouseholdIn(
        postcode="1234AB",
        house_number=number,
        house_number_suffix=suffix,
        members=members or (HEAD,),
    )


# --- a reference received before is the first receipt -----------------------------------------


def test_a_reference_received_twice_returns_the_first_receipt_and_writes_nothing(
    town: Casework, worker: CaseSession
) -> None:
    first = worker.receive_signal(signal("R1"), at(1))
    before = end_state(town.engine)
    again = worker.receive_signal(signal("R1", summary="nogmaals"), at(2))
    assert (again.household, again.signal) == (first.household, first.signal)
    assert end_state(town.engine) == before
    other = worker.receive_signal(signal("R2"), at(2))
    assert other.signal != first.signal


def test_a_signal_without_a_reference_is_received_every_time(worker: CaseSession) -> None:
    first = worker.receive_signal(signal(), at(None))
    assert worker.receive_signal(signal(), at(None)).signal != first.signal


def test_the_bulk_and_the_interactive_path_know_each_others_references(
    town: Casework, worker: CaseSession
) -> None:
    [bulk] = Intake(town, SOURCE).write([(2, report("R1"))])
    assert tuple(worker.receive_signal(signal("R1"), at(9))) == (bulk.household, bulk.signal)
    interactive = worker.receive_signal(signal("R2"), at(9))
    [again] = Intake(town, SOURCE).write([(2, report("R2"))])
    assert again.outcome is Outcome.DUPLICATE
    assert (again.household, again.signal) == tuple(interactive)


def test_a_reference_needs_its_source() -> None:
    with pytest.raises(ValidationError, match="needs the source"):
        Signal(reporter="gp", received_at=T0, external_reference="R1")
    assert Signal(reporter="gp", received_at=T0, source="huisarts").external_reference is None


# --- a household without a BSN is found by its address ----------------------------------------


def test_without_a_bsn_the_open_household_at_the_address_is_found(
    town: Casework, worker: CaseSession
) -> None:
    [bulk] = Intake(town, SOURCE).write([(2, report("R1", house_number=4))])
    found = worker.receive_signal(Signal(reporter="gp", received_at=T0), at(4))
    assert found.household == bulk.household
    entries = end_state(town.engine)["audit_entry"]
    assert [(e[5], e[7]) for e in entries][-2:] == [
        ("signal.matched", {"by": "address"}),
        ("signal.received", {"signal": found.signal, "reporter": "gp", "team": "team-centrum"}),
    ]
    elsewhere = worker.receive_signal(Signal(reporter="gp", received_at=T0), at(4, "B"))
    assert elsewhere.household != bulk.household


def test_with_a_bsn_or_without_a_house_number_no_address_is_matched(
    town: Casework, worker: CaseSession
) -> None:
    [bulk] = Intake(town, SOURCE).write([(2, report("R1", house_number=4))])
    with_bsn = at(4, None, PersonIn(role="head", birth_date=date(1970, 5, 1), bsn="111222333"))
    assert worker.receive_signal(Signal(reporter="gp", received_at=T0), with_bsn).household != (
        bulk.household
    )
    no_number = worker.receive_signal(Signal(reporter="gp", received_at=T0), at(None))
    assert no_number.household != bulk.household


def test_the_bulk_path_finds_the_household_the_interactive_path_made_at_an_address(
    town: Casework, worker: CaseSession
) -> None:
    made = worker.receive_signal(Signal(reporter="gp", received_at=T0), at(7, "a"))
    [bulk] = Intake(town, SOURCE).write(
        [(2, report("R1", house_number=7, house_number_suffix="A"))]
    )
    assert bulk.household == made.household
    household = end_state(town.engine)["household"][0]
    assert household[5:7] == (7, "A")


def test_an_interactive_debt_signal_keeps_the_debt_and_the_intake_account_may_send_it(
    town: Casework,
) -> None:
    debt = Debt(creditor_kind="water", creditor="Water NV", arrears_eur=Decimal("12.34"))
    account = town.as_actor(intake_actor("GM0001", SOURCE))
    receipt = account.receive_signal(signal("R1", debt=debt), at(1))
    stored = end_state(town.engine)["signal"][0]
    assert stored[8:] == (SOURCE, "R1", "water", "Water NV", 1234, None)
    with pytest.raises(AccessDenied):
        account.triage(receipt.signal, integral=True)
    with Session(town.engine) as db:
        assert audit.verify(db) == []


# --- the input models --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"house_number": 0}, "greater than or equal to 1"),
        ({"house_number": 100000}, "less than or equal to 99999"),
        ({"house_number": "12"}, "valid integer"),
        ({"house_number_suffix": "A"}, "needs a house_number"),
        ({"house_number": 1, "house_number_suffix": "A!"}, "should match pattern"),
        ({"house_number": 1, "house_number_suffix": "ABCDEFG"}, "should match pattern"),
    ],
)
def test_an_address_is_refused_when_implausible(fields: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        HouseholdIn(postcode="1234AB", members=(HEAD,), **fields)


def test_a_house_number_and_suffix_are_normalised() -> None:
    household = HouseholdIn(
        postcode="1234 ab", members=(HEAD,), house_number=12, house_number_suffix=" a-2 "
    )
    assert (household.postcode, household.house_number, household.house_number_suffix) == (
        "1234AB",
        12,
        "A2",
    )


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("phone", "06-12345678", "bel me"),
        ("phone", "+31 (0)6 1234 5678", "99"),
        ("email", "naam@example.nl", "x@y"),
        ("email", "a.b@c.nl", "a b@c.nl"),
    ],
)
def test_contact_details_are_plausible(field: str, good: str, bad: str) -> None:
    assert getattr(PersonIn(role="head", birth_date=date(1970, 1, 1), **{field: good}), field)
    with pytest.raises(ValidationError, match="not a plausible") as refused:
        PersonIn(role="head", birth_date=date(1970, 1, 1), **{field: bad})
    assert bad not in str(refused.value)  # the value is never repeated


def test_a_debt_is_zero_or_more_euros_in_cents() -> None:
    assert Debt(creditor_kind="energy", creditor="X", arrears_eur="0.10").arrears_cents == 10
    for amount in ("-1.00", "1.005", "NaN"):
        with pytest.raises(ValidationError):
            Debt(creditor_kind="energy", creditor="X", arrears_eur=amount)
    with pytest.raises(ValidationError):
        Debt(creditor_kind="gas", creditor="X", arrears_eur="1.00")


def test_the_resident_reads_the_address_contact_details_and_debt(town: Casework) -> None:
    [bulk] = Intake(town, SOURCE).write(
        [(2, report("R1", house_number_suffix="b", phone="06-12345678", email="a@b.nl"))]
    )
    resident = town.as_actor(actor("resident", "r-1", team=None, household=bulk.household))
    case = resident.read_case(bulk.household or 0)
    assert (case.household.house_number, case.household.house_number_suffix) == (1, "B")
    assert (case.members[0].phone, case.members[0].email) == ("06-12345678", "a@b.nl")
    [found] = case.signals
    assert (found.source, found.external_reference, found.creditor_kind, found.creditor) == (
        SOURCE,
        "R1",
        "energy",
        "Stroom BV",
    )
    assert (found.arrears_cents, found.arrears_since) == (12050, date(2015, 12, 1))


def test_ids_the_bulk_path_reserved_are_not_given_out_again(
    town: Casework, worker: CaseSession
) -> None:
    made = worker.receive_signal(Signal(reporter="gp", received_at=T0), at(None))
    bulk = Intake(town, SOURCE).write([(2, report("R1")), (3, report("R2", house_number=2))])
    assert [r.household for r in bulk] == [made.household + 1, made.household + 2]
    after = worker.receive_signal(Signal(reporter="gp", received_at=T0), at(None))
    assert after.household == made.household + 3
    assert after.signal == max(r.signal or 0 for r in bulk) + 1
