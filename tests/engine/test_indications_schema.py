"""Revision 0009 on SQLite and PostgreSQL: the indication table, downgraded and upgraded again
without touching the case rows around it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect, text

from wijkteamkit.store.database import alembic_config, open_database, upgrade


def _migrate(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _policies(engine: Engine) -> list[str]:
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT polname FROM pg_policy WHERE polrelid = 'indication'::regclass")
        )
        return sorted(row[0] for row in found)


def test_0009_downgrades_and_upgrades(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert "indication" in tables
        indexes = {i["name"] for i in inspect(engine).get_indexes("indication")}
        assert "ix_indication_ending" in indexes
        if engine.dialect.name == "postgresql":
            assert _policies(engine) == ["tenant_isolation", "tenant_maintenance"]
        _migrate(engine, "0008")
        assert "indication" not in set(inspect(engine).get_table_names())
        assert "household" in set(inspect(engine).get_table_names())
        upgrade(engine)
        assert "indication" in set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
