"""Revision 0003 on a database that already holds what it forbids, and the translation of
database errors into casework errors (without a database: driver errors built by hand)."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import (
    DataError,
    IntegrityError,
    InvalidRequestError,
    OperationalError,
    StatementError,
)

from wijkteamkit.engine.dberrors import translate
from wijkteamkit.engine.errors import ConflictError, RuleViolation, StorageError
from wijkteamkit.store.database import alembic_config, connect, upgrade

ROW = (
    "INSERT INTO escalation (id, municipality, household_id, rule, target, handover, state,"
    " direct, proposed_at) VALUES (:id, 'GM0001', :household, 'r', :target, :handover, :state,"
    " false, '2016-03-01 09:00:00')"
)


def test_revision_0003_resolves_old_duplicates_oldest_kept(database_url: str) -> None:
    engine = connect(database_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    before = [
        (1, 1, "regieteam", "transfer", "active"),
        (2, 1, "veilig-thuis", "transfer", "active"),  # a second active transfer
        (3, 1, "regieteam", "transfer", "proposed"),  # a proposal beside an active one
        (4, 2, "ketenzorg", "referral", "proposed"),
        (5, 2, "ketenzorg", "referral", "proposed"),  # a duplicate proposal
        (6, 2, "regieteam", "transfer", "ended"),
        (7, 2, "regieteam", "transfer", "proposed"),  # after an ended one: fine
    ]
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO household (id, municipality, postcode, case_state, created_at)"
                " VALUES (1, 'GM0001', '1234AB', 'final_plan', '2016-03-01 09:00:00'),"
                " (2, 'GM0001', '1234AB', 'assessed', '2016-03-01 09:00:00')"
            )
        )
        for id_, household, target, handover, state in before:
            connection.execute(
                text(ROW),
                {
                    "id": id_,
                    "household": household,
                    "target": target,
                    "handover": handover,
                    "state": state,
                },
            )
    upgrade(engine)
    with engine.connect() as connection:
        after = dict(connection.execute(text("SELECT id, state FROM escalation ORDER BY id")).all())
        versions = set(connection.execute(text("SELECT version FROM escalation")).scalars())
    assert after == {
        1: "active",
        2: "ended",
        3: "rejected",
        4: "proposed",
        5: "rejected",
        6: "ended",
        7: "proposed",
    }
    assert versions == {1}
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE escalation SET state = 'active' WHERE id = 2"))
    engine.dispose()


def test_revision_0003_downgrades_and_upgrades_again(database_url: str) -> None:
    engine = connect(database_url)
    upgrade(engine)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    with engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("escalation")}
        indexes = {i["name"] for i in inspect(connection).get_indexes("escalation")}
    assert "version" not in columns and "one_active_transfer_per_household" not in indexes
    upgrade(engine)
    with engine.connect() as connection:
        indexes = {i["name"] for i in inspect(connection).get_indexes("escalation")}
    assert {"one_active_transfer_per_household", "one_open_proposal_per_target"} <= indexes
    engine.dispose()


class Diag:
    def __init__(self, constraint: str | None) -> None:
        self.constraint_name = constraint


class PgError(Exception):
    """Stands in for a psycopg error: a SQLSTATE and diagnostics, and a message with values."""

    def __init__(self, sqlstate: str, constraint: str | None = None) -> None:
        super().__init__("DETAIL: Key (bsn)=(100000034) already exists; Fenna")
        self.sqlstate = sqlstate
        self.diag = Diag(constraint)


SECRET = "INSERT INTO person (name, bsn) VALUES ('Fenna', '100000034')"
PARAMS = {"name": "Fenna", "bsn": "100000034"}


def test_a_row_deleted_under_the_operation_is_a_conflict() -> None:
    gone = InvalidRequestError("Could not refresh instance '<EscalationRow at 0x7f>'")
    assert type(translate(gone, "de_escalate")) is ConflictError
    other = InvalidRequestError("This session is in 'prepared' state")
    assert type(translate(other, "de_escalate")) is StorageError


@pytest.mark.parametrize(
    ("error", "expected", "rule"),
    [
        (
            IntegrityError(SECRET, PARAMS, PgError("23505", "one_open_proposal_per_target")),
            ConflictError,
            "conflict",
        ),
        (
            IntegrityError(SECRET, PARAMS, PgError("23505", "one_active_transfer_per_household")),
            RuleViolation,
            "one-active-transfer",
        ),
        (
            IntegrityError(SECRET, PARAMS, PgError("23505", "one_active_plan_per_household")),
            RuleViolation,
            "one-active-plan",
        ),
        (
            IntegrityError(SECRET, PARAMS, PgError("23505", "some_other_key")),
            ConflictError,
            "conflict",
        ),
        (IntegrityError(SECRET, PARAMS, PgError("23503")), ConflictError, "conflict"),
        (IntegrityError(SECRET, PARAMS, PgError("23514", "a_check")), StorageError, "database"),
        (OperationalError(SECRET, PARAMS, PgError("40P01")), ConflictError, "conflict"),
        (OperationalError(SECRET, PARAMS, PgError("40001")), ConflictError, "conflict"),
        (OperationalError(SECRET, PARAMS, PgError("08006")), StorageError, "database"),
        (DataError(SECRET, PARAMS, PgError("22001")), StorageError, "database"),
        (
            OperationalError(SECRET, PARAMS, Exception("database is locked")),
            ConflictError,
            "conflict",
        ),
        (
            IntegrityError(
                SECRET,
                PARAMS,
                Exception("UNIQUE constraint failed: escalation.household_id, escalation.target"),
            ),
            ConflictError,
            "conflict",
        ),
        (
            IntegrityError(
                SECRET, PARAMS, Exception("UNIQUE constraint failed: escalation.household_id")
            ),
            RuleViolation,
            "one-active-transfer",
        ),
        (
            IntegrityError(SECRET, PARAMS, Exception("NOT NULL constraint failed: person.name")),
            StorageError,
            "database",
        ),
        (
            IntegrityError(SECRET, PARAMS, Exception("Fenna 100000034 refused by a trigger")),
            StorageError,
            "database",
        ),
        (
            StatementError("bind failed for Fenna", SECRET, PARAMS, ValueError("Fenna")),
            StorageError,
            "database",
        ),
    ],
)
def test_translation_names_the_rule_and_never_the_values(
    error: StatementError, expected: type[Exception], rule: str, caplog: Any
) -> None:
    translated = translate(error, "receive_signal")
    assert type(translated) is expected and translated.rule == rule
    shown = [str(translated), *(r.getMessage() for r in caplog.records)]
    for secret in ("Fenna", "100000034", "INSERT", "person (name"):
        assert not any(secret in s for s in shown), secret
