"""Append-only on every path, on SQLite and PostgreSQL; and what verify catches without it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from case_helpers import T0, Clock, actor, consent
from sqlalchemy import Engine, text
from sqlmodel import Session, select
from tamper import (
    PROTECTED,
    attack,
    breaks,
    bsns,
    chain_breaks,
    close,
    drop_all_guards,
    drop_guards,
    household_with,
    populate,
    snapshot,
    sqlite_casework,
    undone,
)

from wijkteamkit.domain.case import Actor
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.store import audit
from wijkteamkit.store.tables import ConsentRow, DisclosureRow, WithdrawalRow


def _paths(engine: Engine) -> list[str]:
    extra = "TRUNCATE" if engine.dialect.name == "postgresql" else "REPLACE"
    return ["UPDATE", "DELETE", "UPSERT", extra]


def test_every_write_path_is_refused_with_the_guards_in_place(
    casework: Casework, worker: CaseSession
) -> None:
    populate(worker)
    engine = casework.engine
    before = snapshot(engine)
    outcomes: dict[str, str] = {}
    for table in PROTECTED:
        for path in _paths(engine):
            try:
                with engine.begin() as connection:
                    attack(connection, table, path)
                outcomes[f"{table} {path}"] = "ignored"
            except Exception as exc:  # noqa: BLE001 - the driver's error, whatever its class
                assert "append-only" in str(exc) or "only moves forward" in str(exc)
                outcomes[f"{table} {path}"] = "refused"
            assert snapshot(engine) == before, f"{table} {path} changed the table"
    # on SQLite an INSERT leaves an existing chain head as it is (the engine's ON CONFLICT DO
    # NOTHING relies on that); every other path is refused outright
    ignored = ["audit_head UPSERT", "audit_head REPLACE"] if engine.dialect.name == "sqlite" else []
    assert [k for k, v in outcomes.items() if v == "ignored"] == ignored
    assert len(outcomes) == 20
    assert breaks(engine) == []


def test_sqlite_replace_is_refused_even_without_recursive_triggers(tmp_path: Path) -> None:
    """A raw connection (not the engine's, so no PRAGMA recursive_triggers) is refused too."""

    with sqlite_casework(tmp_path) as casework:
        _raw_replace(casework)


def _raw_replace(casework: Casework) -> None:
    import sqlite3

    populate(casework.as_actor(actor()))
    before = snapshot(casework.engine)
    connection = sqlite3.connect(casework.engine.url.database or "", isolation_level=None)
    try:
        for table in ("consent", "consent_withdrawal", "disclosure", "audit_entry"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                connection.execute(f"REPLACE INTO {table} SELECT * FROM {table} LIMIT 1")
        connection.execute("REPLACE INTO audit_head SELECT municipality, 0, hash FROM audit_head")
        # a household replaced wholesale would cascade to its consents: refused as well
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("PRAGMA foreign_keys=ON")
            connection.execute("REPLACE INTO household SELECT * FROM household")
    finally:
        connection.close()
    assert snapshot(casework.engine) == before


def test_each_path_is_caught_by_verify_when_the_guards_are_dropped(
    casework: Casework, worker: CaseSession
) -> None:
    populate(worker)
    engine = casework.engine
    caught = []
    for table in PROTECTED:
        for path in _paths(engine):
            with undone(engine) as db:
                for guarded in PROTECTED:
                    drop_guards(db.connection(), guarded)
                attack(db.connection(), table, path)
                found = chain_breaks(db)
            assert found, f"{path} on {table} went unnoticed"
            caught.append((table, path))
    assert len(caught) == 20
    assert breaks(engine) == []  # every attack was rolled back


def test_deleting_a_withdrawal_is_refused_and_without_guards_caught(
    casework: Casework, worker: CaseSession
) -> None:
    """Deleting a withdrawal would silently revive the consent."""
    populate(worker)
    engine = casework.engine
    with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM consent_withdrawal"))
    drop_all_guards(engine)
    with engine.begin() as connection:
        withdrawal = connection.execute(text("SELECT min(id) FROM consent_withdrawal")).scalar()
        connection.execute(text("DELETE FROM consent_withdrawal"))
    (found,) = breaks(engine)
    assert found[1] == f"consent_withdrawal {withdrawal} is missing"


def test_a_row_inserted_behind_the_engine_is_caught(
    casework: Casework, worker: CaseSession
) -> None:
    household = populate(worker)
    with Session(casework.engine) as db:
        row = ConsentRow(
            municipality="GM0001",
            household_id=household,
            purpose="casework",
            recipients=["mallory"],
            scope=["financien"],
            valid_from=T0,
            form="written",
            given_at=T0,
            recorded_by="mallory",
        )
        db.add(row)
        db.commit()
        assert breaks(casework.engine) == [(0, f"consent {row.id} has no audit entry")]


def test_each_bound_record_matches_its_entry(casework: Casework, worker: CaseSession) -> None:
    populate(worker)
    with Session(casework.engine) as db:
        counts = [
            len(db.exec(select(table)).all())
            for table in (ConsentRow, WithdrawalRow, DisclosureRow)
        ]
        bound = [
            e.detail["record"]["table"]
            for e in db.exec(select(audit.AuditEntryRow)).all()
            if "record" in e.detail
        ]
    assert counts == [2, 1, 2]
    assert sorted(bound) == sorted(["consent"] * 2 + ["consent_withdrawal"] + ["disclosure"] * 2)


def test_erasure_passes_the_guards_and_verifies(
    casework: Casework, worker: CaseSession, leader: CaseSession, clock: Clock
) -> None:
    household = populate(worker)
    # the guards refuse the erasure's deletes unless its audit entry is the newest
    wholesale = [f"DELETE FROM household WHERE id = {household}"]
    if casework.engine.dialect.name == "postgresql":
        wholesale.append("TRUNCATE household CASCADE")
    for statement in wholesale:
        with pytest.raises(Exception, match="append-only"), casework.engine.begin() as connection:
            connection.execute(text(statement))
    close(worker, leader, household)
    clock.advance(days=366 * casework.setup.consent_policy.retention_years)
    leader.erase_household(household)
    with Session(casework.engine) as db:
        assert db.exec(select(ConsentRow)).all() == []
        assert audit.verify(db) == []


def test_an_old_erasure_does_not_open_the_guards(
    casework: Casework, worker: CaseSession, leader: CaseSession, clock: Clock
) -> None:
    """Once anything follows the erasure entry, a row of that household id is protected again
    (SQLite may reuse the id of the last household for the next one)."""
    household = populate(worker)
    close(worker, leader, household)
    clock.advance(days=366 * casework.setup.consent_policy.retention_years)
    leader.erase_household(household)
    second = populate(worker)
    with pytest.raises(Exception, match="append-only"), casework.engine.begin() as connection:
        connection.execute(text(f"DELETE FROM consent WHERE household_id = {second}"))
    assert breaks(casework.engine) == []


def test_the_head_only_moves_forward(casework: Casework, worker: CaseSession) -> None:
    populate(worker)
    with casework.engine.begin() as connection:
        connection.execute(text("UPDATE audit_head SET seq = seq + 1"))  # forward: allowed
    with (
        pytest.raises(Exception, match="only moves forward"),
        casework.engine.begin() as connection,
    ):
        connection.execute(text("UPDATE audit_head SET seq = seq - 1"))
    # a head that points past the chain is itself caught
    assert [p for _, p in breaks(casework.engine)] == [
        "the chain's last entry is missing or changed"
    ]


def test_entries_are_appended_only_in_order(casework: Casework, worker: CaseSession) -> None:
    populate(worker)
    with (
        pytest.raises(Exception, match="only the next entry"),
        casework.engine.begin() as connection,
    ):
        connection.execute(
            text(
                "INSERT INTO audit_entry (municipality, seq, at, actor, actor_role, "
                "actor_organisation, action, detail, prev_hash, hash) SELECT municipality, "
                "seq + 5, at, actor, actor_role, actor_organisation, action, detail, hash, "
                "hash FROM audit_entry WHERE seq = (SELECT max(seq) FROM audit_entry)"
            )
        )


def test_deleting_the_head_is_caught(casework: Casework, worker: CaseSession) -> None:
    populate(worker)
    drop_all_guards(casework.engine)
    with casework.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_head"))
    assert breaks(casework.engine) == [(0, "the chain's head row is missing")]


def test_a_clock_in_any_time_zone_verifies(database_url: str) -> None:
    """One chain written by clocks in six time zones verifies (entries are hashed in UTC)."""
    from sample_town import SampleTown

    from wijkteamkit.store.database import open_database
    from wijkteamkit.testing import PluginHarness

    harness = PluginHarness()
    harness.register(SampleTown())
    loaded = harness.load()
    engine = open_database(database_url)
    try:
        for hours, number in zip((-11, -5, 0, 1, 5.5, 14), bsns(6), strict=True):
            zone = timezone(timedelta(hours=hours))
            casework = Casework(engine, loaded, Clock(T0.astimezone(zone)))
            populate(casework.as_actor(actor()), household_with(number))
        assert breaks(engine) == []
    finally:
        engine.dispose()


def test_a_naive_timestamp_is_refused(casework: Casework) -> None:
    someone: Actor = actor()
    with Session(casework.engine) as db, pytest.raises(ValueError, match="time zone"):
        audit.append(db, someone, "x.y", datetime(2020, 1, 1))
    assert audit.utc(datetime(2020, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))) == datetime(
        2020, 1, 1, tzinfo=UTC
    )


def test_consent_given_entry_binds_the_row_digest(casework: Casework, worker: CaseSession) -> None:
    """The digest covers every column: the same consent with one field changed differs."""
    from wijkteamkit.store.records import record_digest

    household = populate(worker)
    with Session(casework.engine) as db:
        row = db.exec(select(ConsentRow).where(ConsentRow.household_id == household)).first()
        assert row is not None
        digest = record_digest(row)
        for column, value in (("form", "spoken"), ("valid_to", T0), ("scope", ["x"])):
            changed = row.model_copy(update={column: value})
            assert record_digest(changed) != digest, column
    assert consent  # the helper the populate step uses


@pytest.mark.parametrize(
    ("column", "value"),
    [("at", "'garbage'"), ("detail", "'not json'"), ("detail", "'[1, 2]'")],
)
def test_a_value_written_by_hand_is_a_break_not_a_crash(
    tmp_path: Path, column: str, value: str
) -> None:
    """SQLite stores whatever it is given (PostgreSQL's column types refuse such values)."""
    with sqlite_casework(tmp_path) as casework:
        populate(casework.as_actor(actor()))
        drop_all_guards(casework.engine)
        with casework.engine.begin() as connection:
            connection.execute(text(f"UPDATE audit_entry SET {column} = {value} WHERE seq = 3"))
        found = breaks(casework.engine)
    assert found
    assert all("\n" not in problem for _, problem in found)


def test_concurrent_writers_append_in_order(casework: Casework) -> None:
    """Three sessions writing at once: the in-order trigger never refuses a real append, and
    the chain and every bound record verify."""
    import threading

    numbers = iter(bsns(12))
    batches = [[next(numbers) for _ in range(4)] for _ in range(3)]
    failures: list[BaseException] = []

    def write(batch: list[str]) -> None:
        try:
            session = casework.as_actor(actor())
            for number in batch:
                populate(session, household_with(number))
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert breaks(casework.engine) == []
    with Session(casework.engine) as db:
        assert audit.count(db) > 12 * 7
