"""Alembic environment: migrations run on the connection the caller passes in."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from wijkteamkit.store import tables  # noqa: F401 - registers the tables on the metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through wijkteamkit.store.database.upgrade()")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
