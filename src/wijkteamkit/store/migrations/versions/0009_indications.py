"""indications: a household's right to a provision under a law, with its original dates

- ``indication``: household (deleted with it), provision, the law it was granted under
  (``awbz``, ``wmo-2015``...), delivery (``zin``/``pgb``), ``valid_from`` and ``valid_to`` as
  granted, who recorded it and when; one per household, provision and start
  (``one_indication_per_start``); the index ``ix_indication_ending`` (municipality, valid_to)
  serves the listing of indications that end soon. On PostgreSQL with the tenant policies of
  revision 0004.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 20:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql import sqltypes

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BOUND = "municipality = NULLIF(current_setting('wijkteamkit.municipality', true), '')"
"""The tenant policy of revision 0004, for the new table."""


def upgrade() -> None:
    op.create_table(
        "indication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality", sqltypes.AutoString(length=6), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("provision", sqltypes.AutoString(length=80), nullable=False),
        sa.Column("law", sqltypes.AutoString(length=80), nullable=False),
        sa.Column("delivery", sqltypes.AutoString(length=3), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("recorded_by", sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_at", sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "household_id",
            "provision",
            "valid_from",
            "municipality",
            name="one_indication_per_start",
        ),
    )
    op.create_index("ix_indication_municipality", "indication", ["municipality"], unique=False)
    op.create_index("ix_indication_household_id", "indication", ["household_id"], unique=False)
    op.create_index(
        "ix_indication_ending", "indication", ["municipality", "valid_to"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE indication ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE indication FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON indication USING ({BOUND}) WITH CHECK ({BOUND})"
        )
        op.execute(
            "CREATE POLICY tenant_maintenance ON indication TO CURRENT_USER "
            "USING (true) WITH CHECK (true)"
        )


def downgrade() -> None:
    op.drop_table("indication")  # its indexes and policies go with it
