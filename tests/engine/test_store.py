"""The store: migrations equal the models, the audit chain detects tampering, optimistic locking."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from case_helpers import HOUSEHOLD, T0, assessment, consent
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from wijkteamkit import Signal
from wijkteamkit.domain.case import PlanIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.context import Tx
from wijkteamkit.engine.errors import ConflictError
from wijkteamkit.engine.plans import PlanOps
from wijkteamkit.store import audit
from wijkteamkit.store.database import DatabaseError, open_database

PLAN = PlanIn(
    goals=[{"domain": "financien", "goal": "Rust"}],
    actions=[
        {"description": "Zelf", "domain": "financien", "actor": "self", "rung": "own_strength"}
    ],
)


def test_migrated_schema_equals_the_models(database_url: str) -> None:
    engine = open_database(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    open_database(database_url).dispose()  # a second open is a no-op upgrade
    engine.dispose()


def test_bad_database_url_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="is not a database URL"):
        open_database("not a url")
    with pytest.raises(DatabaseError, match="unsupported database 'mysql'"):
        open_database("mysql://localhost/x")


def _populate(worker: CaseSession) -> int:
    household, signal = worker.receive_signal(Signal(reporter="housing", received_at=T0), HOUSEHOLD)
    worker.triage(signal, integral=True)
    worker.record_assessment(household, assessment())
    worker.record_consent(consent(household))
    return household


def _tamper(casework: Casework) -> None:
    """Edit the third audit entry behind the triggers' back, as an attacker with DB access could."""
    with casework.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER audit_entry_no_update"))
        connection.execute(text("UPDATE audit_entry SET actor = 'Mallory' WHERE seq = 3"))


def test_audit_verify_detects_an_edited_row(casework: Casework, worker: CaseSession) -> None:
    _populate(worker)
    with Session(casework.engine) as db:
        assert audit.verify(db) == []
    with casework.engine.connect() as connection, pytest.raises(Exception, match="append-only"):
        connection.execute(text("UPDATE audit_entry SET actor = 'Mallory' WHERE seq = 3"))
    _tamper(casework)
    with Session(casework.engine) as db:
        (problem,) = audit.verify(db)
    assert (problem.municipality, problem.seq, problem.problem) == (
        "GM0001",
        3,
        "content does not match its hash",
    )


def test_audit_verify_detects_a_removed_last_entry(casework: Casework, worker: CaseSession) -> None:
    _populate(worker)
    with casework.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER audit_entry_no_delete"))
        connection.execute(
            text("DELETE FROM audit_entry WHERE seq = (SELECT max(seq) FROM audit_entry)")
        )
    with Session(casework.engine) as db:
        # the last entry recorded the consent: its row is now unaccounted for as well
        assert [b.problem for b in audit.verify(db)] == [
            "the chain's last entry is missing or changed",
            "consent 1 has no audit entry",
        ]


def test_two_writers_at_once_second_gets_a_conflict(
    casework: Casework, worker: CaseSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both read version 1 in their own transaction and connection, then both write."""
    household = _populate(worker)
    plan = worker.draft_plan(household, PLAN, case_director="Anna")
    if casework.engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers; the race is tested on PostgreSQL")
    barrier = threading.Barrier(2, timeout=10)
    original = PlanOps._plan_for_change

    def read_then_wait(self: PlanOps, tx: Tx, plan_id: int, expected: int) -> Any:
        row = original(self, tx, plan_id, expected)
        barrier.wait()
        return row

    monkeypatch.setattr(PlanOps, "_plan_for_change", read_then_wait)
    outcomes: dict[str, str] = {}

    def revise(name: str, director: str) -> None:
        session = casework.as_actor(worker.actor.model_copy(update={"person": name}))
        try:
            session.set_case_director(plan, director, expected_version=1)
            outcomes[name] = "ok"
        except ConflictError:
            outcomes[name] = "conflict"

    threads = [
        threading.Thread(target=revise, args=(n, d))
        for n, d in (("Anna", "Bram"), ("Bram", "Cees"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["conflict", "ok"]
    winner = "Bram" if outcomes["Anna"] == "ok" else "Cees"
    monkeypatch.undo()
    assert worker.read_case(household).plans[0].case_director == winner
    with Session(casework.engine) as db:
        assert audit.verify(db) == []
