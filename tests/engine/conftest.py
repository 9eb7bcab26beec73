"""Engine fixtures: the same tests on SQLite (always) and PostgreSQL (where it runs)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from case_helpers import Clock, actor
from rls_harness import engine_transactions_as_bound_role
from sample_town import SampleTown

from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.store.database import open_database
from wijkteamkit.testing import PluginHarness

POSTGRES_URL_ENV = "WIJKTEAMKIT_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "WIJKTEAMKIT_REQUIRE_POSTGRES"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_admin_url() -> str:
    return os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES)


def _fresh_postgres_database() -> tuple[str, str] | None:
    """Create an empty database on the test server; ``None`` when the server is unreachable."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(_postgres_admin_url())
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"wtk_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        if os.environ.get(REQUIRE_POSTGRES_ENV):
            pytest.fail(
                f"PostgreSQL is required here ({REQUIRE_POSTGRES_ENV} is set) but unreachable: {exc}"
            )
        return None
    return admin.set(database=name).render_as_string(hide_password=False), dsn


def _drop_postgres_database(url: str, admin_dsn: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[str]:
    """A fresh, empty database: an SQLite file, or a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/cases.db"
        return
    created = _fresh_postgres_database()
    if created is None:
        pytest.skip(f"PostgreSQL not reachable at {_postgres_admin_url()} (set {POSTGRES_URL_ENV})")
    url, admin = created
    yield url
    _drop_postgres_database(url, admin)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def casework(
    database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Casework]:
    """On PostgreSQL the engine's transactions run as a row-level-security-bound role."""
    harness = PluginHarness()
    harness.register(SampleTown())
    engine = open_database(database_url)
    with engine_transactions_as_bound_role(engine, monkeypatch):
        yield Casework(engine, harness.load(), clock)
    engine.dispose()


@pytest.fixture
def worker(casework: Casework) -> CaseSession:
    return casework.as_actor(actor())


@pytest.fixture
def leader(casework: Casework) -> CaseSession:
    return casework.as_actor(actor("team_leader", "Lars"))
