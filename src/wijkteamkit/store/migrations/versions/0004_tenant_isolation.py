"""tenant isolation: row-level security keyed on the municipality (PostgreSQL)

Every table that carries ``municipality`` gets ``ENABLE`` and ``FORCE ROW LEVEL SECURITY`` and
two policies:

- ``tenant_isolation`` (every role): a row is visible and writable only when its municipality
  equals the transaction's ``wijkteamkit.municipality`` setting; unset (or reset to the empty
  string, as PostgreSQL does after a transaction-local value ends), nothing matches.
- ``tenant_maintenance`` (only the role running this migration, i.e. the schema owner): every
  row, for migrations, ``audit verify`` and checkpoints over all municipalities.

A no-op on SQLite. See docs/database.md for the roles a deployment needs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 15:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TENANT_TABLES = (
    "household",
    "person",
    "signal",
    "assessment",
    "plan",
    "consent",
    "consent_withdrawal",
    "escalation",
    "disclosure",
    "audit_entry",
    "audit_head",
)

BOUND = "municipality = NULLIF(current_setting('wijkteamkit.municipality', true), '')"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} USING ({BOUND}) WITH CHECK ({BOUND})"
        )
        op.execute(
            f"CREATE POLICY tenant_maintenance ON {table} TO CURRENT_USER "
            "USING (true) WITH CHECK (true)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TENANT_TABLES:
        op.execute(f"DROP POLICY IF EXISTS tenant_maintenance ON {table}")
        op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
