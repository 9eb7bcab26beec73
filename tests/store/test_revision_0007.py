"""Revision 0007: the index of a team's households in id order, and its downgrade."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from wijkteamkit.store.database import alembic_config, open_database, upgrade

LISTING = ("ix_household_team_listing", ("municipality", "team", "id"))


def _household_indexes(engine: Engine) -> dict[str, tuple[str, ...]]:
    return {
        ix["name"] or "": tuple(c or "" for c in ix["column_names"])
        for ix in inspect(engine).get_indexes("household")
    }


def test_revision_0007_adds_the_team_listing_index_and_downgrades_cleanly(
    database_url: str,
) -> None:
    engine = open_database(database_url)
    name, columns = LISTING
    assert _household_indexes(engine)[name] == columns
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    after_downgrade = _household_indexes(engine)
    assert name not in after_downgrade
    assert after_downgrade["ix_household_listing"] == ("municipality", "team", "case_state")
    upgrade(engine)
    assert _household_indexes(engine)[name] == columns
    engine.dispose()
