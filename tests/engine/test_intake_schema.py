"""Revision 0006 on SQLite and PostgreSQL: it downgrades and upgrades without touching case rows,
references go with their signal, and the lookups use their indexes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from case_helpers import Clock
from intake_helpers import SOURCE, report, two_teams
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from wijkteamkit.engine.casework import Casework
from wijkteamkit.engine.intake import Intake
from wijkteamkit.store.database import alembic_config, open_database, upgrade
from wijkteamkit.testing import PluginHarness

NEW_COLUMNS = {
    "household": {"house_number", "house_number_suffix"},
    "person": {"phone", "email"},
    "signal": {
        "source",
        "external_reference",
        "creditor_kind",
        "creditor",
        "arrears_cents",
        "arrears_since",
    },
}


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


def ingest(engine: Engine, *reports: object) -> None:
    harness = PluginHarness()
    harness.register(two_teams())
    Intake(Casework(engine, harness.load(), Clock()), SOURCE).write(list(enumerate(reports, 2)))  # type: ignore[arg-type]


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def columns(engine: Engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as connection:
        return tuple(
            connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("household", "person", "signal", "audit_entry")
        )


def test_0006_downgrades_and_upgrades_keeping_every_case_row(engine: Engine) -> None:
    ingest(engine, report("R1"), report("R2", house_number=2, phone="06-12345678"))
    before = counts(engine)
    downgrade(engine, "0005")
    assert "signal_reference" not in inspect(engine).get_table_names()
    for table, added in NEW_COLUMNS.items():
        assert not added & columns(engine, table), table
    assert counts(engine) == before
    upgrade(engine)
    for table, added in NEW_COLUMNS.items():
        assert added <= columns(engine, table), table
    assert counts(engine) == before


def test_0006_does_not_downgrade_while_a_birth_date_is_unknown(engine: Engine) -> None:
    ingest(engine, report("R1", birth_date=None))
    before = counts(engine)
    with pytest.raises(SQLAlchemyError):
        downgrade(engine, "0005")
    assert "signal_reference" in inspect(engine).get_table_names()
    assert counts(engine) == before


def test_references_go_with_their_signal_and_household(engine: Engine) -> None:
    ingest(engine, report("R1"), report("R2"), report("R3", house_number=2))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM household WHERE id = 1"))  # as erasure does
        left = connection.execute(
            text("SELECT external_reference FROM signal_reference ORDER BY id")
        ).scalars()
        assert list(left) == ["R3"]


def test_a_reference_is_unique_per_municipality_and_source(engine: Engine) -> None:
    ingest(engine, report("R1"))
    insert = text(
        "INSERT INTO signal_reference (municipality, source, external_reference, signal_id)"
        " VALUES (:m, :s, 'R1', 1)"
    )
    with engine.begin() as connection:
        connection.execute(insert, {"m": "GM0001", "s": "andere-bron"})
        connection.execute(insert, {"m": "GM0002", "s": SOURCE})
    with pytest.raises(SQLAlchemyError), engine.begin() as connection:
        connection.execute(insert, {"m": "GM0001", "s": SOURCE})


def test_the_looked_up_column_leads_each_index(engine: Engine) -> None:
    """A chunk looks up many references (postcodes) at once: with them leading the index, that
    is an index condition even before PostgreSQL has statistics, which otherwise took
    (municipality, source) for selective and filtered every reference of the municipality."""
    inspector = inspect(engine)
    [unique] = inspector.get_unique_constraints("signal_reference")
    assert (unique["name"], unique["column_names"]) == (
        "one_signal_per_reference",
        ["external_reference", "source", "municipality"],
    )
    [address] = [
        i for i in inspector.get_indexes("household") if i["name"] == "ix_household_address"
    ]
    assert address["column_names"] == [
        "postcode",
        "house_number",
        "house_number_suffix",
        "municipality",
    ]
