"""wmo requests: the steps of a request for a maatwerkvoorziening, for the statutory terms

- ``wmo_request``: per request its household (deleted with it), team and provision, and the day
  of each step: ``reported_on`` (melding), ``investigated_on`` (onderzoek done),
  ``applied_on`` (aanvraag), ``decided_on`` with ``decision`` (beschikking: granted or
  refused); on PostgreSQL under the tenant policies of revision 0004.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql import sqltypes

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BOUND = "municipality = NULLIF(current_setting('wijkteamkit.municipality', true), '')"
"""The tenant policy of revision 0004, for the new table."""


def upgrade() -> None:
    op.create_table(
        "wmo_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality", sqltypes.AutoString(length=6), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("team", sqltypes.AutoString(length=80), nullable=False),
        sa.Column("provision", sqltypes.AutoString(length=80), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("investigated_on", sa.Date(), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision", sqltypes.AutoString(length=10), nullable=True),
        sa.Column("recorded_by", sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wmo_request_municipality", "wmo_request", ["municipality"])
    op.create_index("ix_wmo_request_household_id", "wmo_request", ["household_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE wmo_request ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE wmo_request FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON wmo_request USING ({BOUND}) WITH CHECK ({BOUND})"
        )
        op.execute(
            "CREATE POLICY tenant_maintenance ON wmo_request TO CURRENT_USER "
            "USING (true) WITH CHECK (true)"
        )


def downgrade() -> None:
    op.drop_table("wmo_request")  # its indexes and policies go with it
