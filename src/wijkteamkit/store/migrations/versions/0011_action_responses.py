"""action responses: an organisation accepts or declines an action a final plan requests of it

- ``action_response``: per plan and action (its position in the plan, from 0) at most one
  response (``one_response_per_action``): the organisation, ``accepted`` or ``declined``, who
  responded and when; deleted with its household or plan; on PostgreSQL with the tenant
  policies of revision 0004.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql import sqltypes

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BOUND = "municipality = NULLIF(current_setting('wijkteamkit.municipality', true), '')"
"""The tenant policy of revision 0004, for the new table."""


def upgrade() -> None:
    op.create_table(
        "action_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality", sqltypes.AutoString(length=6), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.Integer(), nullable=False),
        sa.Column("organisation", sqltypes.AutoString(length=200), nullable=False),
        sa.Column("response", sqltypes.AutoString(length=10), nullable=False),
        sa.Column("responded_by", sqltypes.AutoString(length=80), nullable=False),
        sa.Column("responded_at", sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "action", name="one_response_per_action"),
    )
    op.create_index(
        "ix_action_response_municipality", "action_response", ["municipality"], unique=False
    )
    op.create_index(
        "ix_action_response_household_id", "action_response", ["household_id"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE action_response ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE action_response FORCE ROW LEVEL SECURITY")
        op.execute(
            "CREATE POLICY tenant_isolation ON action_response "
            f"USING ({BOUND}) WITH CHECK ({BOUND})"
        )
        op.execute(
            "CREATE POLICY tenant_maintenance ON action_response TO CURRENT_USER "
            "USING (true) WITH CHECK (true)"
        )


def downgrade() -> None:
    # Dropping the table drops its indexes and policies.
    op.drop_table("action_response")
