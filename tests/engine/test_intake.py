"""The bulk intake of debt early-warning reports (engine/intake.py), on SQLite and PostgreSQL:
each rule with a case where it holds and one where it does not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from case_helpers import T0, Clock, actor
from intake_helpers import CENTRUM, NOORD, SOURCE, DebtIndicator, end_state, report, two_teams
from rls_harness import engine_transactions_as_bound_role
from sqlalchemy import text
from sqlmodel import Session

from wijkteamkit import Signal
from wijkteamkit.domain.case import Actor
from wijkteamkit.engine.casework import Casework
from wijkteamkit.engine.errors import AccessDenied, RuleViolation
from wijkteamkit.engine.intake import DEBT_INDICATOR, Intake, Outcome, RowOutcome, intake_actor
from wijkteamkit.intake.feed import DebtReport
from wijkteamkit.store import audit
from wijkteamkit.store.database import open_database
from wijkteamkit.testing import PluginHarness


class Events:
    """A plugin that records the signals announced."""

    def __init__(self) -> None:
        self.signals: list[tuple[int, int, str]] = []

    def wijkteamkit_signal_received(self, setup: Any, event: Any) -> None:
        self.signals.append((event.household, event.signal, event.team))


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def town(
    database_url: str, clock: Clock, events: Events, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Casework]:
    harness = PluginHarness()
    harness.register(two_teams())
    harness.register(events, layer="local")
    engine = open_database(database_url)
    with engine_transactions_as_bound_role(engine, monkeypatch):
        yield Casework(engine, harness.load(), clock)
    engine.dispose()


def write(casework: Casework, *reports: DebtReport, first_row: int = 2) -> list[RowOutcome]:
    return Intake(casework, SOURCE).write(list(enumerate(reports, first_row)))


def outcomes(results: list[RowOutcome]) -> list[str]:
    return [r.outcome.value for r in results]


def rows(casework: Casework, table: str) -> list[tuple[Any, ...]]:
    return end_state(casework.engine)[table]


def verified(casework: Casework) -> bool:
    with Session(casework.engine) as db:
        return audit.verify(db) == []


# --- references: the same report twice is received once ------------------------------------


def test_a_new_reference_is_accepted_and_the_same_one_again_is_a_duplicate(
    town: Casework,
) -> None:
    first = write(town, report("R1"))
    assert outcomes(first) == ["accepted"]
    before = end_state(town.engine)
    again = write(town, report("R1", arrears_eur="999.00"), first_row=7)
    assert again == [RowOutcome(7, Outcome.DUPLICATE, None, first[0].household, first[0].signal)]
    assert end_state(town.engine) == before  # nothing written, nothing audited


def test_a_reference_repeated_within_one_chunk_is_a_duplicate_of_the_first(
    town: Casework,
) -> None:
    results = write(town, report("R1"), report("R1", house_number=9), report("R2"))
    assert outcomes(results) == ["accepted", "duplicate", "merged"]
    assert (results[1].household, results[1].signal) == (results[0].household, results[0].signal)
    assert len(rows(town, "household")) == 1


def test_references_are_per_source(town: Casework) -> None:
    write(town, report("R1"))
    other = Intake(town, "andere-bron").write([(2, report("R1", creditor="Water NV"))])
    assert outcomes(other) == ["accepted"]


def test_a_merged_report_is_recognised_again(town: Casework) -> None:
    assert outcomes(write(town, report("R1"), report("R2", arrears_eur="80.00"))) == [
        "accepted",
        "merged",
    ]
    assert outcomes(write(town, report("R2", arrears_eur="80.00"))) == ["duplicate"]
    assert [r[3] for r in rows(town, "signal_reference")] == ["R1", "R2"]


# --- routing and dates ------------------------------------------------------------------------


def test_each_postcode_goes_to_its_team_and_an_unserved_one_is_rejected_with_the_reason(
    town: Casework,
) -> None:
    results = write(
        town,
        report("R1"),
        report("R2", postcode="5678CD"),
        report("R3", postcode="9999ZZ"),
    )
    assert [(r.outcome.value, r.team) for r in results] == [
        ("accepted", CENTRUM),
        ("accepted", NOORD),
        ("rejected", None),
    ]
    assert results[2].reasons and "no team serves postcode 9999ZZ" in results[2].reasons[0]
    assert [r[3] for r in rows(town, "household")] == [CENTRUM, NOORD]
    assert [r[6] for r in rows(town, "signal")] == [CENTRUM, NOORD]
    assert write(town, report("R3", postcode="9999ZZ"))[0].outcome is Outcome.REJECTED  # not kept


def test_a_report_dated_after_the_engines_clock_is_rejected(town: Casework, clock: Clock) -> None:
    clock.now = T0.replace(year=2015)  # the feed checked the machine's date; the engine its own
    results = write(town, report("R1"), report("R2", signal_date="2014-12-01", arrears_since=None))
    assert outcomes(results) == ["rejected", "accepted"]
    assert "[date] signal_date lies more than a day in the future" in results[0].reasons[0]


def test_a_birth_date_after_the_engines_today_is_rejected(town: Casework, clock: Clock) -> None:
    clock.now = T0.replace(year=2015, month=1, day=5)  # a report dated tomorrow is within slack
    tomorrow = {"signal_date": "2015-01-06", "arrears_since": None}
    results = write(
        town,
        report("R1", birth_date="2015-01-06", **tomorrow),
        report("R2", birth_date="2015-01-05", **tomorrow),
    )
    assert outcomes(results) == ["rejected", "accepted"]
    assert "[date] birth_date lies in the future" in results[0].reasons[0]


# --- households by address ---------------------------------------------------------------------


def test_one_address_is_one_household_and_another_suffix_is_another(town: Casework) -> None:
    results = write(
        town,
        report("R1", house_number=5),
        report("R2", house_number=5, creditor="Water NV", creditor_kind="water"),
        report("R3", house_number=5, house_number_suffix="a"),
        report("R4", house_number=6),
    )
    assert outcomes(results) == ["accepted"] * 4
    assert [r.household for r in results] == [1, 1, 2, 3]
    households = rows(town, "household")
    assert [(h[4], h[5], h[6]) for h in households] == [
        ("1234AB", 5, None),
        ("1234AB", 5, "A"),
        ("1234AB", 6, None),
    ]
    later = write(
        town, report("R5", house_number=5, creditor="Zorg", creditor_kind="health_insurer")
    )
    assert later[0].household == 1
    actions = [e[5] for e in rows(town, "audit_entry")]
    assert actions.count("signal.matched") == 2  # R2 and R5 found household 1 at its address


def test_a_closed_household_at_the_address_is_not_found(town: Casework) -> None:
    first = write(town, report("R1"))[0]
    with town.engine.begin() as connection:
        connection.execute(text("UPDATE household SET case_state = 'closed'"))
    second = write(town, report("R2"))[0]
    assert second.outcome is Outcome.ACCEPTED and second.household != first.household


def test_a_new_household_has_its_head_as_reported_and_the_audit_log_names_nobody(
    town: Casework,
) -> None:
    write(
        town,
        report("R1", phone="06-12345678", email="j.jansen@example.nl", house_number_suffix="b"),
    )
    [person] = rows(town, "person")
    assert person[1:] == (
        1,
        "head",
        date(1970, 5, 1),
        "J.P. Jansen",
        None,
        "06-12345678",
        "j.jansen@example.nl",
    )
    [household] = rows(town, "household")
    assert household[2:8] == ("centrum", CENTRUM, "1234AB", 1, "B", "signalled")
    entries = rows(town, "audit_entry")
    assert [(e[3], e[4], e[5], e[6]) for e in entries] == [
        (f"intake:{SOURCE}", "intake", "signal.received", 1)
    ]
    logged = json.dumps([list(map(str, e)) for e in entries])
    for personal in ("Jansen", "J.P.", "0612345678", "06-12345678", "example.nl", "Stroom"):
        assert personal not in logged


def test_a_report_without_a_birth_date_makes_a_head_whose_birth_date_is_unknown(
    town: Casework,
) -> None:
    write(town, report("R1", birth_date=None))
    assert rows(town, "person")[0][3] is None


# --- merging: one open signal per household and creditor ---------------------------------------


def test_a_second_report_of_the_same_creditor_updates_the_open_signal(town: Casework) -> None:
    results = write(
        town, report("R1"), report("R2", arrears_eur="300.00", arrears_since="2015-11-01")
    )
    assert outcomes(results) == ["accepted", "merged"]
    assert results[0].signal == results[1].signal
    [signal] = rows(town, "signal")
    assert signal[12:] == (30000, date(2015, 11, 1))
    assert "EUR 300.00" in signal[4] and signal[9] == "R1"  # received under its first reference
    later = write(town, report("R3", arrears_eur="0.00", arrears_since=None))
    assert outcomes(later) == ["merged"]
    assert rows(town, "signal")[0][12:] == (0, None)
    actions = [(e[5], e[6], e[7]) for e in rows(town, "audit_entry")]
    assert [a for a, _s, _d in actions] == ["signal.received", "signal.merged", "signal.merged"]
    assert all(detail_of(d) == {"signal": 1} for a, _s, d in actions if a == "signal.merged")


def detail_of(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def test_another_creditor_or_a_triaged_signal_is_not_merged(town: Casework) -> None:
    first = write(town, report("R1"), report("R2", creditor="Andere Stroom"))
    assert outcomes(first) == ["accepted", "accepted"]
    worker = town.as_actor(actor())
    worker.triage(first[0].signal or 0, integral=True)
    again = write(town, report("R3"))
    assert outcomes(again) == ["accepted"]
    assert again[0].signal not in (first[0].signal, first[1].signal)
    assert again[0].household == first[0].household


def test_an_answered_case_is_signalled_again_by_a_new_signal(town: Casework) -> None:
    [first] = write(town, report("R1"))
    town.as_actor(actor()).triage(first.signal or 0, integral=False)
    assert rows(town, "household")[0][7] == "answered"
    assert outcomes(write(town, report("R2", creditor="Water NV", creditor_kind="water"))) == [
        "accepted"
    ]
    assert rows(town, "household")[0][7] == "signalled"


# --- what a signal flags, who may write, what is announced --------------------------------------


def test_signals_flag_the_debt_indicator_only_when_the_setup_defines_it(
    database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = PluginHarness()
    harness.register(two_teams())
    harness.register(DebtIndicator(), layer="local")
    engine = open_database(database_url)
    with engine_transactions_as_bound_role(engine, monkeypatch):
        flagged = Casework(engine, harness.load(), clock)
        write(flagged, report("R1"))
        assert detail_of(rows(flagged, "signal")[0][5]) == [DEBT_INDICATOR]
    engine.dispose()


def test_without_the_indicator_a_signal_flags_nothing(town: Casework) -> None:
    write(town, report("R1"))
    assert detail_of(rows(town, "signal")[0][5]) == []


def test_only_the_intake_account_or_a_team_member_receives_a_feed(town: Casework) -> None:
    auditor = Actor(id="au-1", role="auditor", municipality="GM0001", organisation="Gemeente")
    with pytest.raises(AccessDenied, match="does not receive signals"):
        Intake(town, SOURCE, auditor).write([(2, report("R1"))])
    assert rows(town, "signal") == []
    assert [e[5] for e in rows(town, "audit_entry")] == ["access.refused"]
    assert outcomes(Intake(town, SOURCE, actor()).write([(2, report("R1"))])) == ["accepted"]


def test_an_intake_account_of_another_municipality_is_refused(town: Casework) -> None:
    with pytest.raises(AccessDenied, match="acts for GM0002"):
        Intake(town, SOURCE, intake_actor("GM0002", SOURCE))
    assert rows(town, "signal") == []


def test_the_intake_account_reads_nothing(town: Casework) -> None:
    [first] = write(town, report("R1"))
    reader = town.as_actor(intake_actor("GM0001", SOURCE))
    for read in (
        lambda: reader.read_case(first.household or 0),
        lambda: reader.households(),
        lambda: reader.audit_log(),
        lambda: reader.export_subject(first.household or 0),
        lambda: reader.triage(first.signal or 0, integral=True),
    ):
        with pytest.raises(AccessDenied):
            read()


def test_a_source_must_be_a_key(town: Casework) -> None:
    with pytest.raises(RuleViolation, match="source"):
        Intake(town, "Vroeg Signaal!")
    assert Intake(town, "vroeg-signaal").source == "vroeg-signaal"


def test_each_new_signal_is_announced_after_commit_and_a_merge_is_not(
    town: Casework, events: Events
) -> None:
    results = write(town, report("R1"), report("R2"), report("R3", postcode="5678CD"))
    assert events.signals == [(1, 1, CENTRUM), (2, 2, NOORD)]
    assert outcomes(results) == ["accepted", "merged", "accepted"]


def test_the_chain_verifies_after_a_mixed_chunk(town: Casework) -> None:
    write(
        town,
        report("R1"),
        report("R1"),
        report("R2"),
        report("R3", postcode="9999ZZ"),
        report("R4", house_number=2),
    )
    assert verified(town)


def test_the_interactive_path_sees_the_households_the_feed_made(town: Casework) -> None:
    [first] = write(town, report("R1"))
    worker = town.as_actor(actor())
    worker.receive_signal(Signal(reporter="gp", received_at=T0), first.household or 0)
    assert len(rows(town, "signal")) == 2
