"""intake: addresses, contact details, debt early-warning signals, signal references

- ``household``: ``house_number`` and ``house_number_suffix``, and the index
  ``ix_household_address`` (postcode, number, suffix, municipality) that finds a household by
  its address;
- ``person``: ``phone`` and ``email`` (personal data, erased with the household), and
  ``birth_date`` may be unknown (a creditor's report need not give it);
- ``signal``: ``source`` and ``external_reference`` (where it was first received, and under
  what reference), and the debt a creditor reported: ``creditor_kind``, ``creditor``,
  ``arrears_cents`` (integer cents), ``arrears_since``;
- ``signal_reference``: every (source, external reference) a signal was received under, unique
  per municipality, deleted with its signal; on PostgreSQL with the tenant policies of
  revision 0004.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql import sqltypes

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _columns() -> dict[str, tuple[sa.Column[object], ...]]:
    """The new columns per table (fresh objects: alembic attaches each to a table once)."""
    return {
        "household": (
            sa.Column("house_number", sa.Integer(), nullable=True),
            sa.Column("house_number_suffix", sqltypes.AutoString(length=10), nullable=True),
        ),
        "person": (
            sa.Column("phone", sqltypes.AutoString(length=30), nullable=True),
            sa.Column("email", sqltypes.AutoString(length=254), nullable=True),
        ),
        "signal": (
            sa.Column("source", sqltypes.AutoString(length=80), nullable=True),
            sa.Column("external_reference", sqltypes.AutoString(length=100), nullable=True),
            sa.Column("creditor_kind", sqltypes.AutoString(length=20), nullable=True),
            sa.Column("creditor", sqltypes.AutoString(length=200), nullable=True),
            sa.Column("arrears_cents", sa.BigInteger(), nullable=True),
            sa.Column("arrears_since", sa.Date(), nullable=True),
        ),
    }


ADDRESS_INDEX = ("postcode", "house_number", "house_number_suffix", "municipality")
"""The postcode leads, as the reference in ``one_signal_per_reference``: a lookup of many
postcodes (or references) is an index condition even before the planner has statistics that
say the municipality matches every row."""

BOUND = "municipality = NULLIF(current_setting('wijkteamkit.municipality', true), '')"
"""The tenant policy of revision 0004, for the new table."""


def upgrade() -> None:
    for table, columns in _columns().items():
        for column in columns:
            op.add_column(table, column)
    with op.batch_alter_table("person") as person:
        person.alter_column("birth_date", existing_type=sa.Date(), nullable=True)
    op.create_index("ix_household_address", "household", list(ADDRESS_INDEX), unique=False)
    op.create_table(
        "signal_reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality", sqltypes.AutoString(length=6), nullable=False),
        sa.Column("source", sqltypes.AutoString(length=80), nullable=False),
        sa.Column("external_reference", sqltypes.AutoString(length=100), nullable=False),
        sa.Column("signal_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["signal_id"], ["signal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "external_reference", "source", "municipality", name="one_signal_per_reference"
        ),
    )
    op.create_index(
        "ix_signal_reference_signal_id", "signal_reference", ["signal_id"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE signal_reference ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE signal_reference FORCE ROW LEVEL SECURITY")
        op.execute(
            "CREATE POLICY tenant_isolation ON signal_reference "
            f"USING ({BOUND}) WITH CHECK ({BOUND})"
        )
        op.execute(
            "CREATE POLICY tenant_maintenance ON signal_reference TO CURRENT_USER "
            "USING (true) WITH CHECK (true)"
        )


def downgrade() -> None:
    # Dropping the table drops its policies. Columns go with ALTER TABLE ... DROP COLUMN on
    # both databases (SQLite 3.35+): rebuilding a table in batch mode would drop and recreate
    # ``household``, whose DELETE would cascade to every case row.
    op.drop_table("signal_reference")
    op.drop_index("ix_household_address", table_name="household")
    for table, columns in _columns().items():
        for column in columns:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column.name}")
    with op.batch_alter_table("person") as person:  # refused while a birth date is unknown
        person.alter_column("birth_date", existing_type=sa.Date(), nullable=False)
