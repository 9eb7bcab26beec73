"""The database: which one (``WIJKTEAMKIT_DATABASE_URL``), connecting, and migrating to head."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

DATABASE_URL_ENV = "WIJKTEAMKIT_DATABASE_URL"
"""SQLAlchemy URL of the case database: ``sqlite:///path/to.db`` or
``postgresql+psycopg://user@host:5432/db``."""

DEFAULT_URL = "sqlite:///wijkteamkit.db"
"""The embedded default: an SQLite file in the current directory."""

MIGRATIONS = Path(__file__).with_name("migrations")


class DatabaseError(Exception):
    """The database cannot be used: a bad URL, an unreachable server, a failed migration."""


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """The configured URL: ``WIJKTEAMKIT_DATABASE_URL`` or the embedded SQLite default."""
    environ = os.environ if environ is None else environ
    return environ.get(DATABASE_URL_ENV) or DEFAULT_URL


def connect(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys enforced and its folder created."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"{url!r} is not a database URL; use sqlite:///path/to.db or "
            "postgresql+psycopg://user@host:5432/db"
        ) from None
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    elif parsed.get_backend_name() == "postgresql":
        options["pool_pre_ping"] = True
    else:
        raise DatabaseError(
            f"unsupported database {parsed.get_backend_name()!r}; use SQLite or PostgreSQL"
        )
    try:
        engine = create_engine(parsed, **options)
    except Exception as exc:  # noqa: BLE001 - a missing driver, a bad option
        raise DatabaseError(f"cannot use {parsed.render_as_string()}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # Write-ahead logging: one sync per commit instead of several, and readers do not block
    # the writer. synchronous stays FULL, so a committed audit entry survives a power cut.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def alembic_config() -> Any:
    """The alembic configuration, built in code (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine) -> None:
    """Create the schema when new, or migrate it to the latest revision."""
    from alembic import command

    config = alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        reason = " ".join(str(exc.orig).split())
        raise DatabaseError(f"cannot reach {engine.url.render_as_string()}: {reason}") from None


def open_database(url: str | None = None) -> Engine:
    """Connect to ``url`` (default: the configured one) and bring its schema to head."""
    engine = connect(url or database_url())
    upgrade(engine)
    return engine
