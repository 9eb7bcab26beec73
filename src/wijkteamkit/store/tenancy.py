"""Binding a database transaction to one municipality (PostgreSQL row-level security).

On PostgreSQL every table that carries ``municipality`` has a row-level security policy
(revision 0004) that lets a role see and write only the rows of the municipality named by the
transaction-local setting ``wijkteamkit.municipality``; with the setting unset, nothing is
visible. The engine binds each of its transactions with :func:`bind`. Maintenance (migrating,
``audit verify`` over every municipality, checkpoints) runs as the schema owner, which a second
policy lets see every row: :func:`require_every_municipality` refuses to run maintenance as a
role that would see only part of the data. On SQLite all of this is a no-op.
See docs/database.md.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session, SessionTransaction

from .database import DatabaseError

SETTING = "wijkteamkit.municipality"
"""The PostgreSQL setting that names the municipality a transaction works for."""

LOCK_TIMEOUT = "5s"
"""How long an engine transaction waits for a row lock before giving up (as SQLite's
``busy_timeout``); the engine reports the wait as a conflict to retry."""

_SET = text(
    f"SELECT set_config('{SETTING}', :code, true), "
    f"set_config('lock_timeout', '{LOCK_TIMEOUT}', true)"
)
"""Transaction-local (``is_local = true``): it ends with the transaction, so a pooled
connection never carries one tenant's binding (or the lock timeout) into the next one."""

_SEES_EVERYTHING = text(
    "SELECT COALESCE(NOT row_security_active(to_regclass('audit_entry')), true) OR EXISTS ("
    " SELECT 1 FROM pg_policy p, unnest(p.polroles) AS r(oid)"
    " WHERE p.polrelid = to_regclass('audit_entry') AND p.polname = 'tenant_maintenance'"
    " AND (r.oid = 0 OR pg_has_role(current_user, r.oid, 'USAGE')))"
)


def bind_connection(connection: Connection, municipality: str) -> None:
    """Bind the connection's current transaction to ``municipality`` (PostgreSQL only).

    For SQLAlchemy Core paths; call it after the transaction has begun.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(_SET, {"code": municipality})


def bind(session: Session, municipality: str) -> None:
    """Bind ``session`` to ``municipality``: its transaction in progress, if any, and every
    transaction it begins from now on (after each commit or rollback too)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.info[SETTING] = municipality
    if session.in_transaction():
        session.connection().execute(_SET, {"code": municipality})


@event.listens_for(Session, "after_begin")
def _bind_transaction(
    session: Session, _transaction: SessionTransaction, connection: Connection
) -> None:
    """The first statement of every transaction of a bound session: its binding."""
    municipality = session.info.get(SETTING)
    if municipality is not None:
        connection.execute(_SET, {"code": municipality})


def sees_every_municipality(session: Session) -> bool:
    """Whether the session's database role sees every municipality's rows.

    True on SQLite, for superusers and ``BYPASSRLS`` roles, for the role the tenant
    policies' maintenance exemption names (the schema owner), and before revision 0004.
    """
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.execute(_SEES_EVERYTHING).scalar_one())


def require_every_municipality(session: Session, command: str) -> None:
    """Refuse to run ``command`` over all municipalities as a role bound by the tenant policies.

    Such a role sees no row at all, so a check over "everything" would find nothing and pass.
    """
    if not sees_every_municipality(session):
        user: Any = session.execute(text("SELECT current_user")).scalar_one()
        raise DatabaseError(
            f"{command} needs every municipality's rows, but the database role {user!s} sees "
            "one municipality's at most (row-level security); run it as the schema owner "
            "(see docs/database.md)"
        )
