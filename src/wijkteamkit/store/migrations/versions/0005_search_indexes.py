"""search indexes: households by team and state, persons by BSN, escalations by state

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 15:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_household_listing": ("household", ["municipality", "team", "case_state"]),
    "ix_person_bsn": ("person", ["municipality", "bsn"]),
    "ix_escalation_open": ("escalation", ["municipality", "state"]),
}
"""Each index the lists and searches of ``wijkteamkit.engine.queries`` use: its table, columns."""


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
