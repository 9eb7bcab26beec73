"""The database: which one (``WIJKTEAMKIT_DATABASE_URL``), connecting, migrating, and opening
an existing one without ever creating it.

Two ways in: :func:`open_database` creates the database when new and migrates it to head (only
``db upgrade``, ``demo`` and the engine's writers use it); :func:`open_existing` opens a
wijkteamkit database that must already exist at the latest revision, and refuses anything else
with a one-line :class:`DatabaseError`. On SQLite every transaction, the migration included,
is a real ``BEGIN ... COMMIT``, so a killed migration leaves either no schema or a complete one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

DATABASE_URL_ENV = "WIJKTEAMKIT_DATABASE_URL"
"""SQLAlchemy URL of the case database: ``sqlite:///path/to.db`` or
``postgresql+psycopg://user@host:5432/db``."""

DEFAULT_URL = "sqlite:///wijkteamkit.db"
"""The embedded default: an SQLite file in the current directory."""

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_BEGIN = "sqlite_begin"
"""Execution option naming the SQLite ``BEGIN`` mode (``DEFERRED``, the default,
``IMMEDIATE`` or ``EXCLUSIVE``): ``engine.execution_options(sqlite_begin="IMMEDIATE")``."""

IMMEDIATE: dict[str, str] = {SQLITE_BEGIN: "IMMEDIATE"}
"""Execution options for a writer: on SQLite it takes the write lock at ``BEGIN``, so writers
queue (``busy_timeout``) instead of failing half-way; no effect on PostgreSQL."""


class DatabaseError(Exception):
    """The database cannot be used: a bad URL, an unreachable server, a missing, foreign,
    corrupt or newer database, a failed migration. The message is one line and never holds
    SQL parameters."""


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """The configured URL: ``WIJKTEAMKIT_DATABASE_URL`` or, when it is unset, the embedded
    SQLite default. Set but empty (or blank) is refused rather than read as the default."""
    environ = os.environ if environ is None else environ
    configured = environ.get(DATABASE_URL_ENV)
    if configured is None:
        return DEFAULT_URL
    if not configured.strip():
        raise DatabaseError(
            f"{DATABASE_URL_ENV} is set but empty; unset it to use {DEFAULT_URL}, "
            "or give a database URL"
        )
    return configured


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"{url!r} is not a database URL; use sqlite:///path/to.db or "
            "postgresql+psycopg://user@host:5432/db"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"unsupported database {parsed.get_backend_name()!r}; use SQLite or PostgreSQL"
        )
    return parsed


def _sqlite_file(parsed: URL) -> Path | None:
    """The SQLite file of ``parsed``, or ``None`` for an in-memory database."""
    if not parsed.database or parsed.database == ":memory:" or parsed.query.get("mode") == "memory":
        return None
    return Path(parsed.database)


def _create_folder(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise DatabaseError(
            f"cannot create {path}: a part of its folder path is a file; choose another location"
        ) from None
    except OSError as exc:
        raise DatabaseError(
            f"cannot create the folder of {path}: {exc.strerror}; choose a writable location"
        ) from None


def connect(url: str, create: bool = True) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL, real transactions, and (when
    ``create``) its folder made."""
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_file(parsed)
        if path is not None and create:
            _create_folder(path)
    # No pool_pre_ping on PostgreSQL: it costs a round trip per transaction. A connection the
    # server dropped fails its next statement instead; SQLAlchemy then discards it from the pool,
    # the engine reports that one operation as a StorageError, and a retry gets a fresh one.
    try:
        engine = create_engine(parsed)
    except Exception as exc:  # noqa: BLE001 - a missing driver, a bad option
        reason = " ".join(str(exc).split())
        raise DatabaseError(f"cannot use {parsed.render_as_string()}: {reason}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is off: BEGIN is emitted by _sqlite_begin, so DDL
    # (the migrations) is transactional too (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # REPLACE then fires DELETE triggers too (the migrations also refuse it on INSERT).
    cursor.execute("PRAGMA recursive_triggers=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # Write-ahead logging: one sync per commit instead of several, and readers do not block
    # the writer. synchronous stays FULL, so a committed audit entry survives a power cut.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    mode = str(connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")).upper()
    if mode not in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE"):
        raise ValueError(f"{SQLITE_BEGIN} must be DEFERRED, IMMEDIATE or EXCLUSIVE, not {mode}")
    connection.exec_driver_sql(f"BEGIN {mode}")


def alembic_config() -> Any:
    """The alembic configuration, built in code (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _revisions() -> tuple[str | None, set[str]]:
    """The head revision of this version of wijkteamkit, and every revision it knows."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return script.get_current_head(), {r.revision for r in script.walk_revisions()}


def _where(engine: Engine) -> str:
    return engine.url.render_as_string()


def _reason(exc: BaseException) -> str:
    """The driver's own message, first line only: never the SQL statement or its parameters."""
    original = getattr(exc, "orig", None) or exc
    lines = str(original).strip().splitlines()
    return " ".join(lines[0].split()) if lines else type(original).__name__


def _translate(engine: Engine, exc: BaseException) -> DatabaseError:
    """A database error as a one-line :class:`DatabaseError` saying what to do."""
    reason = _reason(exc)
    where = _where(engine)
    lowered = reason.lower()
    if "file is not a database" in lowered:
        return DatabaseError(f"{where} is not an SQLite database; point --database at another file")
    if "malformed" in lowered or "corrupt" in lowered:
        return DatabaseError(
            f"{where} is damaged ({reason}); restore it from a backup or recover it with sqlite3"
        )
    if engine.dialect.name == "postgresql" and (
        "must be owner" in lowered or "permission denied" in lowered
    ):
        return DatabaseError(
            f"the database role may not do this in {where} ({reason}); migrate as the schema "
            "owner and grant the engine role as docs/database.md says"
        )
    if "readonly" in lowered or "read-only" in lowered or "permission denied" in lowered:
        return DatabaseError(
            f"{where} is read-only here ({reason}); use a writable location or fix permissions"
        )
    if "does not exist" in lowered and engine.dialect.name == "postgresql":
        return DatabaseError(f"no database at {where} ({reason}); create it first")
    if "unable to open" in lowered:
        return DatabaseError(f"cannot open {where} ({reason}); check the path and permissions")
    return DatabaseError(f"cannot use {where}: {reason}")


def _check_revision(engine: Engine, connection: Connection, exists: bool) -> None:
    """Refuse a foreign database or one at a revision this version does not know.

    With ``exists`` the database must also hold the wijkteamkit schema at the latest revision.
    """
    from alembic.migration import MigrationContext

    tables = set(inspect(connection).get_table_names())
    head, known = _revisions()
    where = _where(engine)
    if tables and "alembic_version" not in tables:
        raise DatabaseError(
            f"{where} is not a wijkteamkit database (it has other tables); "
            "point --database at a wijkteamkit database"
        )
    revision = (
        MigrationContext.configure(connection).get_current_revision()
        if "alembic_version" in tables
        else None
    )
    if revision is None:
        if exists:
            raise DatabaseError(
                f"{where} holds no wijkteamkit schema yet; run `wijkteamkit db upgrade` first"
            )
        return
    if revision not in known:
        raise DatabaseError(
            f"{where} is at revision {revision}, which this version of wijkteamkit does not "
            f"know (its latest is {head}); upgrade wijkteamkit"
        )
    if exists and revision != head:
        raise DatabaseError(
            f"{where} is at revision {revision}, older than {head}; "
            "run `wijkteamkit db upgrade` first"
        )


def upgrade(engine: Engine) -> None:
    """Create the schema when new, or migrate it to the latest revision, in one transaction."""
    from alembic import command
    from alembic.util import CommandError

    config = alembic_config()
    try:
        with engine.begin() as connection:
            _check_revision(engine, connection, exists=False)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except DatabaseError:
        raise
    except (SQLAlchemyError, CommandError, OSError) as exc:
        raise _translate(engine, exc) from None


def open_database(url: str | None = None) -> Engine:
    """Connect to ``url`` (default: the configured one), creating it when new, and bring its
    schema to head."""
    engine = connect(url or database_url())
    try:
        upgrade(engine)
    except DatabaseError:
        engine.dispose()
        raise
    return engine


def open_existing(url: str) -> Engine:
    """Open the wijkteamkit database at ``url``, which must exist at the latest revision.

    Never creates anything. Raises :class:`DatabaseError` when there is no database at ``url``,
    when it is not SQLite or is damaged, holds no (or a foreign) schema, is at a revision older
    or newer than this version's, or cannot be opened (permissions, an unreachable server).
    """
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_file(parsed)
    engine = connect(url, create=False)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                result = connection.exec_driver_sql("PRAGMA quick_check").scalar()
                if result != "ok":
                    raise DatabaseError(
                        f"{_where(engine)} is damaged (integrity check failed); "
                        "restore it from a backup"
                    )
            _check_revision(engine, connection, exists=True)
    except DatabaseError:
        engine.dispose()
        raise
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise _translate(engine, exc) from None
    return engine


def _check_sqlite_file(parsed: URL) -> None:
    path = _sqlite_file(parsed)
    url = parsed.render_as_string()
    if path is None:
        raise DatabaseError(f"{url} is an in-memory database, which holds nothing to open")
    if not path.exists():
        raise DatabaseError(
            f"no database at {path}; create one with `wijkteamkit db upgrade --database {url}`"
        )
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseError(f"cannot read {path}: {exc.strerror}; check its permissions") from None
    if header and header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not an SQLite database; point --database at another file")
