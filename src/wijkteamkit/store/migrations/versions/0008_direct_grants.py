"""direct grants: provisions with direct access granted without the team

- ``direct_grant``: a provision with ``access="direct"`` (Zwolle's cleaning support) granted to
  a household without a signal, an assessment or the team: the provision, its delivery (zin),
  when and by whom (the actor's id and role); deleted with its household; on PostgreSQL with the
  tenant policies of revision 0004.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql import sqltypes

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BOUND = "municipality = NULLIF(current_setting('wijkteamkit.municipality', true), '')"
"""The tenant policy of revision 0004, for the new table."""


def upgrade() -> None:
    op.create_table(
        "direct_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality", sqltypes.AutoString(length=6), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("provision", sqltypes.AutoString(length=80), nullable=False),
        sa.Column("delivery", sqltypes.AutoString(length=10), nullable=False),
        sa.Column("granted_at", sqltypes.UTCDateTime(), nullable=False),
        sa.Column("granted_by", sqltypes.AutoString(), nullable=False),
        sa.Column("granted_by_role", sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_direct_grant_municipality", "direct_grant", ["municipality"])
    op.create_index("ix_direct_grant_household_id", "direct_grant", ["household_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE direct_grant ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE direct_grant FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON direct_grant USING ({BOUND}) WITH CHECK ({BOUND})"
        )
        op.execute(
            "CREATE POLICY tenant_maintenance ON direct_grant TO CURRENT_USER "
            "USING (true) WITH CHECK (true)"
        )


def downgrade() -> None:
    op.drop_table("direct_grant")  # its indexes and policies go with it
