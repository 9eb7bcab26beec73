"""Revision 0008: the direct_grant table comes and goes with its revision, keeps the case rows,
and on PostgreSQL is forced under the tenant policies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from case_helpers import HOUSEHOLD, Clock, actor
from ladder_helpers import SIGNAL
from sample_town import SampleTown
from sqlalchemy import Engine, inspect, text

from wijkteamkit.engine.casework import Casework
from wijkteamkit.store.database import alembic_config, open_database, upgrade
from wijkteamkit.testing import PluginHarness


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_0008_downgrades_and_upgrades_keeping_the_households(engine: Engine) -> None:
    harness = PluginHarness()
    harness.register(SampleTown())
    worker = Casework(engine, harness.load(), Clock()).as_actor(actor())
    household = worker.receive_signal(SIGNAL, HOUSEHOLD).household
    worker.grant_direct_provision(household, "schoonmaak")
    assert count(engine, "direct_grant") == 1
    downgrade(engine, "0007")
    assert "direct_grant" not in inspect(engine).get_table_names()
    assert count(engine, "household") == 1
    upgrade(engine)
    assert count(engine, "direct_grant") == 0 and count(engine, "household") == 1
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            forced = connection.execute(
                text(
                    "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
                    "WHERE relname = 'direct_grant'"
                )
            ).one()
            policies = connection.execute(
                text("SELECT policyname FROM pg_policies WHERE tablename = 'direct_grant'")
            ).scalars()
            assert tuple(forced) == (True, True)
            assert sorted(policies) == ["tenant_isolation", "tenant_maintenance"]
