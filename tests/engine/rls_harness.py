"""Run the engine's own transactions as a row-level-security-bound role on PostgreSQL.

The shared ``casework`` fixture migrates as the test superuser, then creates a role with the
attributes and grants docs/database.md gives the engine (NOSUPERUSER NOBYPASSRLS, not the owner,
SELECT/INSERT/UPDATE/DELETE only) and makes every transaction the engine binds to a municipality
run as that role (``SET LOCAL ROLE``). A missing grant or a transaction the policies would hide
from the engine then fails the whole engine suite, while a test's own inspection and tampering
(a plain ``Session(casework.engine)``) still runs as the superuser.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.orm import Session, SessionTransaction

from wijkteamkit.store import tenancy

DOC = Path(__file__).parents[2] / "docs" / "database.md"
POSTGRES_URL_ENV = "WIJKTEAMKIT_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "WIJKTEAMKIT_REQUIRE_POSTGRES"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
"""The test server, as in conftest.py (imported from here: ``conftest`` is ambiguous when
tests/store's conftest is loaded too)."""


def postgres_admin_url() -> str:
    """The test server's superuser URL."""
    return os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES)


def doc_sql(marker: str) -> list[str]:
    """The statements of the ``sql`` block after ``<!-- test: marker -->`` in docs/database.md."""
    match = re.search(rf"<!-- test: {marker} -->\n```sql\n(.*?)```", DOC.read_text(), re.S)
    assert match, f"docs/database.md has no {marker} block"
    return [s.strip() for s in match.group(1).split(";") if s.strip()]


@contextmanager
def engine_transactions_as_bound_role(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str | None]:
    """While active, every session :func:`tenancy.bind` binds runs as a fresh bound role.

    Yields the role's name (``None`` on SQLite, where this does nothing).
    """
    if engine.dialect.name != "postgresql":
        yield None
        return
    role = f"wtk_engine_{uuid.uuid4().hex[:10]}"
    with engine.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" NOLOGIN NOSUPERUSER NOBYPASSRLS'))
        for statement in doc_sql("sql-existing"):
            conn.execute(text(statement.replace("wijkteamkit_engine", f'"{role}"')))
    set_role = text(f'SET LOCAL ROLE "{role}"')
    bind = tenancy.bind

    def bind_as_role(session: Session, municipality: str) -> None:
        def _as_role(_s: Session, _t: SessionTransaction, connection: Connection) -> None:
            connection.execute(set_role)

        event.listen(session, "after_begin", _as_role)
        if session.in_transaction():
            session.connection().execute(set_role)
        bind(session, municipality)

    monkeypatch.setattr(tenancy, "bind", bind_as_role)
    try:
        yield role
    finally:
        monkeypatch.setattr(tenancy, "bind", bind)
        with engine.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
