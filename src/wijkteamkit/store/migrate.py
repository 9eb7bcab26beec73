"""Which migration revision a database is at."""

from __future__ import annotations

from alembic.migration import MigrationContext
from sqlalchemy import Engine


def current_revision(engine: Engine) -> str | None:
    """The alembic revision the database is stamped with, or ``None`` for an empty one."""
    with engine.connect() as connection:
        revision: str | None = MigrationContext.configure(connection).get_current_revision()
        return revision
