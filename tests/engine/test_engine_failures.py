"""Failures at the engine boundary: database errors without personal data, SQLite contention as
a conflict, and event hooks that raise after commit (logged and reported, never raised)."""

from __future__ import annotations

import logging
import sqlite3
import traceback
from datetime import date
from typing import Any

import pytest
from case_helpers import T0, Clock, actor
from sample_town import SampleTown
from sqlalchemy import event, text
from sqlmodel import Session, select

from wijkteamkit import Signal
from wijkteamkit.domain.case import HouseholdIn, PersonIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import CaseworkError, ConflictError, StorageError
from wijkteamkit.engine.results import HookFailure, OperationResult, SignalReceipt
from wijkteamkit.store.database import connect
from wijkteamkit.store.tables import HouseholdRow
from wijkteamkit.testing import PluginHarness

BSN = "100000034"
NAME = "Fenna Zuidwijk-Oosterhout"
SUMMARY = "vermoeden van huiselijk geweld bij Fenna, kenmerk QX-7741"
PERSONAL = (BSN, NAME, "QX-7741", "huiselijk geweld")

FAILING_TRIGGER = {
    "sqlite": [
        "CREATE TRIGGER signal_boom BEFORE INSERT ON signal "
        "BEGIN SELECT RAISE(ABORT, 'signal refused'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION signal_boom() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'signal refused: %', NEW.summary; END $$",
        "CREATE TRIGGER signal_boom BEFORE INSERT ON signal "
        "FOR EACH ROW EXECUTE FUNCTION signal_boom()",
    ],
}


def intake() -> tuple[Signal, HouseholdIn]:
    return (
        Signal(reporter="police", received_at=T0, summary=SUMMARY),
        HouseholdIn(
            postcode="1234 AB",
            members=(PersonIn(role="head", birth_date=date(1970, 5, 1), bsn=BSN, name=NAME),),
        ),
    )


def assert_no_personal_data(error: BaseException, records: list[logging.LogRecord]) -> None:
    texts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    texts += [record.getMessage() for record in records]
    texts += [str(value) for record in records for value in vars(record).values()]
    for fragment in PERSONAL:
        assert not any(fragment in t for t in texts), fragment


def test_a_database_error_carries_no_personal_data(
    casework: Casework, worker: CaseSession, caplog: pytest.LogCaptureFixture
) -> None:
    with casework.engine.begin() as connection:
        for statement in FAILING_TRIGGER[connection.dialect.name]:
            connection.execute(text(statement))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StorageError) as failed:
        worker.receive_signal(*intake())
    assert failed.value.rule == "database"
    assert "nothing was written" in str(failed.value)
    assert_no_personal_data(failed.value, caplog.records)
    assert any(
        r.name == "wijkteamkit.engine" and "receive_signal" in r.getMessage()
        for r in caplog.records
    )
    with Session(casework.engine) as db:
        assert db.exec(select(HouseholdRow)).all() == []


def test_a_value_the_database_cannot_hold_carries_no_personal_data(
    casework: Casework, worker: CaseSession, caplog: pytest.LogCaptureFixture
) -> None:
    with casework.engine.begin() as connection:  # a column narrower than the model allows
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE signal ALTER COLUMN summary TYPE varchar(10)"))
        else:
            connection.execute(
                text(
                    "CREATE TRIGGER summary_width BEFORE INSERT ON signal WHEN length(NEW.summary)"
                    " > 10 BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: width'); END"
                )
            )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(CaseworkError) as failed:
        worker.receive_signal(*intake())
    assert isinstance(failed.value, StorageError)
    assert_no_personal_data(failed.value, caplog.records)


def test_sqlite_contention_is_a_conflict_not_a_database_error(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL writers wait on row locks; the race is covered by the process test")
    from wijkteamkit.store.database import open_database

    open_database(database_url).dispose()
    engine = connect(database_url)

    @event.listens_for(engine, "connect")
    def impatient(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    harness = PluginHarness()
    harness.register(SampleTown())
    casework = Casework(engine, harness.load(), Clock())
    blocker = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(ConflictError, match="busy") as busy:
            casework.as_actor(actor()).receive_signal(*intake())
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert_no_personal_data(busy.value, caplog.records)
    receipt = casework.as_actor(actor()).receive_signal(*intake())  # free again: it goes through
    assert receipt.household > 0
    engine.dispose()


def test_postgresql_waits_for_a_row_lock_only_so_long_then_reports_a_conflict(
    casework: Casework, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite writers queue on BEGIN IMMEDIATE; tested above")
    import psycopg
    from sqlalchemy.engine import make_url

    worker = casework.as_actor(actor())
    household, signal = worker.receive_signal(*intake())
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(dsn) as blocker:  # a transaction elsewhere holds the household's row
        blocker.execute("SELECT id FROM household WHERE id = %s FOR UPDATE", (household,))
        with pytest.raises(ConflictError, match="busy") as busy:
            worker.triage(signal, integral=True)
        blocker.rollback()
    assert_no_personal_data(busy.value, caplog.records)
    worker.triage(signal, integral=True)  # free again: it goes through


class Raising:
    """A plugin whose event hooks raise, with case data in the exception's text."""

    def wijkteamkit_signal_received(self, setup: Any, event: Any) -> None:
        raise ValueError(f"cannot forward {SUMMARY} about {NAME}")

    def wijkteamkit_escalated(self, setup: Any, event: Any) -> None:
        raise SystemExit(3)

    def wijkteamkit_disclosure_decided(self, setup: Any, event: Any) -> None:
        raise RuntimeError(f"{NAME} may not be forwarded")


class Listening:
    """A plugin that only listens, and must still hear every event."""

    def __init__(self) -> None:
        self.heard: list[str] = []

    def wijkteamkit_signal_received(self, setup: Any, event: Any) -> None:
        self.heard.append("signal")


@pytest.fixture
def noisy(database_url: str, clock: Clock) -> Any:
    from wijkteamkit.store.database import open_database

    listening = Listening()
    harness = PluginHarness()
    harness.register(SampleTown())
    harness.register(Raising(), name="raising", layer="local")
    harness.register(listening, name="listening", layer="local")
    engine = open_database(database_url)
    yield Casework(engine, harness.load(), clock), listening
    engine.dispose()


def test_a_hook_that_raises_after_commit_is_reported_not_raised(
    noisy: Any, caplog: pytest.LogCaptureFixture
) -> None:
    casework, listening = noisy
    caplog.set_level(logging.DEBUG)
    worker = casework.as_actor(actor())
    receipt = worker.receive_signal(*intake())
    assert isinstance(receipt, SignalReceipt)
    household, signal = receipt
    (failure,) = receipt.hook_failures
    assert isinstance(failure, HookFailure)
    assert (failure.hook, failure.error) == ("wijkteamkit_signal_received", "ValueError")
    assert "raising" in failure.plugin and "the change stands" in failure.message
    assert listening.heard == ["signal"]  # the other plugin still heard it
    with Session(casework.engine) as db:
        assert db.get(HouseholdRow, household) is not None  # committed
    records = [r for r in caplog.records if r.name == "wijkteamkit.engine"]
    assert records and all(r.levelno == logging.WARNING for r in records)
    assert_no_personal_data(ValueError(failure.message), caplog.records)
    assert worker.hook_failures == (failure,)
    clean = worker.triage(signal, integral=True)
    assert clean == OperationResult() and worker.hook_failures == ()


def test_a_hook_that_exits_after_a_confirmation_leaves_it_confirmed(noisy: Any) -> None:
    from test_escalation_concurrency import household_with_two_transfers, lead

    casework, _ = noisy
    household, regie, _vt = household_with_two_transfers(casework.as_actor(actor()))
    result = casework.as_actor(actor("team_leader", "Lars")).confirm_escalation(
        regie, "Mevr. de Vries", "Regieteam Zuid"
    )
    assert [(f.hook, f.error) for f in result.hook_failures] == [
        ("wijkteamkit_disclosure_decided", "RuntimeError"),  # the hand-over's decision
        ("wijkteamkit_escalated", "SystemExit"),
    ]
    assert lead(casework, household) == "regieteam"


def test_a_read_reports_its_hook_failures_on_the_session(noisy: Any) -> None:
    casework, _ = noisy
    worker = casework.as_actor(actor())
    household, _signal = worker.receive_signal(*intake())
    other = casework.as_actor(actor(person="bram"))  # not the case director: a decided read
    with pytest.raises(CaseworkError):  # no consent yet: refused, and the refusal announced
        other.read_case(household)
    assert [f.hook for f in other.hook_failures] == ["wijkteamkit_disclosure_decided"]


class Interrupting:
    def wijkteamkit_signal_received(self, setup: Any, event: Any) -> None:
        raise KeyboardInterrupt


def test_ctrl_c_in_a_hook_still_interrupts_but_the_change_stands(
    database_url: str, clock: Clock
) -> None:
    from wijkteamkit.store.database import open_database

    harness = PluginHarness()
    harness.register(SampleTown())
    harness.register(Interrupting(), name="interrupting", layer="local")
    engine = open_database(database_url)
    casework = Casework(engine, harness.load(), clock)
    with pytest.raises(KeyboardInterrupt):
        casework.as_actor(actor()).receive_signal(*intake())
    with Session(engine) as db:
        assert len(db.exec(select(HouseholdRow)).all()) == 1
    engine.dispose()


class BrokenRouting:
    """A local plugin whose routing hook fails, with case data in what it raises."""

    def __init__(self, raising: BaseException) -> None:
        self.raising = raising

    def wijkteamkit_route_signal(self, setup: Any, signal: Any) -> str | None:
        raise self.raising


@pytest.mark.parametrize(
    "raising",
    [ValueError(f"no team for {NAME}, {BSN}"), SystemExit(3), GeneratorExit()],
    ids=["ValueError", "SystemExit", "GeneratorExit"],
)
def test_a_failing_routing_hook_is_a_plugin_failure_and_nothing_is_written(
    database_url: str, clock: Clock, raising: BaseException, caplog: pytest.LogCaptureFixture
) -> None:
    from wijkteamkit.engine.errors import PluginFailure
    from wijkteamkit.store.database import open_database

    harness = PluginHarness()
    harness.register(SampleTown())
    harness.register(BrokenRouting(raising), name="broken-routing", layer="local")
    engine = open_database(database_url)
    casework = Casework(engine, harness.load(), clock)
    with pytest.raises(PluginFailure, match=r"\[plugin\] the routing hook") as failed:
        casework.as_actor(actor()).receive_signal(*intake())
    assert type(raising).__name__ in str(failed.value)
    assert_no_personal_data(failed.value, caplog.records)
    with Session(engine) as db:
        assert db.exec(select(HouseholdRow)).all() == []
    engine.dispose()
