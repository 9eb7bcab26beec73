"""Helpers for the tampering tests: a populated case database, raw SQL as an attacker, the
guards dropped, and a chain rewritten with recomputed hashes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from case_helpers import HOUSEHOLD, T0, assessment, consent
from sqlalchemy import Connection, Engine, text
from sqlmodel import Session, select

from wijkteamkit import Signal
from wijkteamkit.domain.case import HouseholdIn, PlanIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.store import audit
from wijkteamkit.store.audit import _digest
from wijkteamkit.store.tables import AuditEntryRow, AuditHeadRow

PROTECTED = ("audit_entry", "audit_head", "consent", "consent_withdrawal", "disclosure")


@contextmanager
def sqlite_casework(folder: Path) -> Iterator[Casework]:
    """The sample town's engine on a new SQLite file (for tests that are SQLite's alone)."""
    from case_helpers import Clock
    from sample_town import SampleTown

    from wijkteamkit.store.database import open_database
    from wijkteamkit.testing import PluginHarness

    harness = PluginHarness()
    harness.register(SampleTown())
    engine = open_database(f"sqlite:///{folder / 'cases.db'}")
    try:
        yield Casework(engine, harness.load(), Clock())
    finally:
        engine.dispose()


def bsns(count: int) -> list[str]:
    """``count`` valid BSNs (the eleven test), all different."""
    from stdnum.nl import bsn

    return [n for n in (f"{i:09d}" for i in range(100000000, 100010000)) if bsn.is_valid(n)][:count]


def household_with(number: str) -> HouseholdIn:
    return HOUSEHOLD.model_copy(
        update={"members": (HOUSEHOLD.members[0].model_copy(update={"bsn": number}),)}
    )


def populate(worker: CaseSession, household_in: HouseholdIn = HOUSEHOLD) -> int:
    """A household with an assessment, two consents (one withdrawn) and two disclosures."""
    received = Signal(reporter="housing", received_at=T0)
    household, signal = worker.receive_signal(received, household_in)
    worker.triage(signal, integral=True)
    worker.record_assessment(household, assessment())
    kept = worker.record_consent(consent(household))
    withdrawn = worker.record_consent(consent(household, recipients={"schuldhulp"}))
    worker.disclose(household, "regieteam", "casework", ["financien"])
    worker.withdraw_consent(withdrawn)
    worker.disclose(household, "schuldhulp", "casework", ["financien"])
    assert kept != withdrawn
    return household


PLAN = PlanIn(
    goals=[{"domain": "financien", "goal": "Rust"}],
    actions=[
        {"description": "Zelf", "domain": "financien", "actor": "self", "rung": "own_strength"}
    ],
)


def close(worker: CaseSession, leader: CaseSession, household: int) -> None:
    """Take a populated household through a final plan to a closed case."""
    plan = worker.draft_plan(household, PLAN, case_director=worker.actor.id)
    worker.finalise_plan(plan, expected_version=1)
    leader.close_case(household)


def breaks(engine: Engine) -> list[tuple[int, str]]:
    with Session(engine) as db:
        return [(b.seq, b.problem) for b in audit.verify(db)]


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every protected table, to show a refused attack changed nothing."""
    with engine.connect() as connection:
        return {
            table: sorted(
                tuple(str(v) for v in row)
                for row in connection.execute(text(f"SELECT * FROM {table}"))
            )
            for table in PROTECTED
        }


def drop_guards(connection: Connection, table: str) -> None:
    """Remove every trigger on ``table``, as a superuser (or the table's owner) could."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        return
    names = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {"t": table},
    ).scalars()
    for name in list(names):
        connection.execute(text(f"DROP TRIGGER {name}"))


def drop_all_guards(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in PROTECTED:
            drop_guards(connection, table)


def _copy_columns(connection: Connection, table: str) -> list[str]:
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = :t "
                "ORDER BY ordinal_position"
            ),
            {"t": table},
        )
        return [r[0] for r in rows]
    return [r[1] for r in connection.execute(text(f"PRAGMA table_info({table})"))]


REWRITE = {
    "audit_entry": ("actor", "'mallory'"),
    "audit_head": ("seq", "1"),
    "consent": ("purpose", "'marketing'"),
    "consent_withdrawal": ("recorded_by", "'mallory'"),
    "disclosure": ("recipient", "'mallory'"),
}
"""The column each attack changes, and its new value."""

KEY = {"audit_head": "municipality"}


def _target(connection: Connection, table: str) -> str:
    """A WHERE clause naming one existing row of ``table`` (the first)."""
    key = KEY.get(table, "id")
    value = connection.execute(text(f"SELECT min({key}) FROM {table}")).scalar_one()
    return f"{key} = '{value}'" if isinstance(value, str) else f"{key} = {value}"


def attack(connection: Connection, table: str, path: str) -> None:
    """Change or remove a row of ``table`` by ``path``: UPDATE, DELETE, REPLACE (SQLite's
    ``INSERT OR REPLACE`` of an existing key with changed content), UPSERT (``INSERT ... ON
    CONFLICT DO UPDATE``) or TRUNCATE (PostgreSQL)."""
    column, value = REWRITE[table]
    where = _target(connection, table)
    key = KEY.get(table, "id")
    if path == "UPDATE":
        connection.execute(text(f"UPDATE {table} SET {column} = {value} WHERE {where}"))
    elif path == "DELETE":
        connection.execute(text(f"DELETE FROM {table} WHERE {where}"))
    elif path == "TRUNCATE":
        connection.execute(text(f"TRUNCATE {table} CASCADE"))
    else:
        columns = _copy_columns(connection, table)
        chosen = ", ".join(value if c == column else c for c in columns)
        insert = f"INTO {table} ({', '.join(columns)}) SELECT {chosen} FROM {table} WHERE {where}"
        if path == "REPLACE":
            connection.execute(text(f"INSERT OR REPLACE {insert}"))
        else:  # UPSERT
            connection.execute(
                text(
                    f"INSERT {insert} {'AND true ' if connection.dialect.name == 'sqlite' else ''}"
                    f"ON CONFLICT ({key}) DO UPDATE SET {column} = excluded.{column}"
                )
            )


@contextmanager
def undone(engine: Engine) -> Iterator[Session]:
    """A session on one transaction that is rolled back at the end, whatever it did: an attack
    can be tried, checked and forgotten without building a new database."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            with Session(bind=connection) as db:
                yield db
        finally:
            transaction.rollback()


def chain_breaks(db: Session) -> list[tuple[int, str]]:
    return [(b.seq, b.problem) for b in audit.verify(db)]


def rewrite_chain(db: Session, change: str, at: int = 2) -> None:
    """Rewrite the GM0001 chain from entry ``at`` on and recompute every hash and the head, so
    the chain verifies again: only a checkpoint can tell. ``change`` is ``edit``, ``reorder``
    (swap entries ``at`` and ``at + 1``), ``insert`` (a new entry at ``at``) or ``truncate``
    (drop every entry from ``at`` on). The guards must be dropped first."""
    entries = list(
        db.exec(
            select(AuditEntryRow)
            .where(AuditEntryRow.municipality == "GM0001")
            .order_by(AuditEntryRow.seq)  # type: ignore[arg-type]
        )
    )
    content = [e.model_dump(exclude={"id", "seq", "prev_hash", "hash"}) for e in entries]
    index = at - 1
    if change == "edit":
        content[index]["actor"] = "mallory"
    elif change == "reorder":
        content[index], content[index + 1] = content[index + 1], content[index]
    elif change == "insert":
        content.insert(index, {**content[index], "action": "access.read", "detail": {}})
    elif change == "truncate":
        del content[index:]
    for entry in entries:
        db.delete(entry)
    db.flush()
    previous = audit.GENESIS
    for seq, fields in enumerate(content, start=1):
        entry = AuditEntryRow(**fields, seq=seq, prev_hash=previous, hash="")
        entry.hash = _digest(entry)
        db.add(entry)
        db.flush()
        previous = entry.hash
    head = db.get(AuditHeadRow, "GM0001")
    assert head is not None
    head.seq, head.hash = len(content), previous
    db.flush()
