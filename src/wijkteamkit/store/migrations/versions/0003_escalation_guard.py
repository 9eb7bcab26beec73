"""escalation guard: one open proposal per target, one active transfer, guarded transitions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 15:20:00

Existing databases may hold what the new indexes forbid (duplicate open proposals, several
active transfers, from before this revision). The upgrade resolves that first, oldest kept:
a duplicate proposal is rejected and a surplus transfer ended, never deleted, so the history
stays; the audit chain is not touched (these are corrections of the engine's own races).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OPEN = "state IN ('proposed', 'active')"
TRANSFER = "handover = 'transfer' AND state = 'active'"


def upgrade() -> None:
    for statement in _RESOLVE_DUPLICATES:
        op.execute(statement)
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        # The server default numbers the rows already there; the engine always sets it.
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
        batch_op.add_column(sa.Column("rejected_because", sa.Text(), nullable=True))
        batch_op.create_index(
            "one_open_proposal_per_target",
            ["household_id", "target"],
            unique=True,
            sqlite_where=sa.text(OPEN),
            postgresql_where=sa.text(OPEN),
        )
        batch_op.create_index(
            "one_active_transfer_per_household",
            ["household_id"],
            unique=True,
            sqlite_where=sa.text(TRANSFER),
            postgresql_where=sa.text(TRANSFER),
        )


_OLDER = (
    "SELECT 1 FROM escalation older WHERE older.household_id = escalation.household_id"
    " AND older.id < escalation.id AND "
)
_RESOLVE_DUPLICATES = (
    # a second active transfer of the lead: ended (the oldest stays active)
    "UPDATE escalation SET state = 'ended' WHERE handover = 'transfer' AND state = 'active'"
    f" AND EXISTS ({_OLDER}older.handover = 'transfer' AND older.state = 'active')",
    # a second active escalation to the same target: ended
    "UPDATE escalation SET state = 'ended' WHERE state = 'active'"
    f" AND EXISTS ({_OLDER}older.target = escalation.target AND older.state = 'active')",
    # a proposal to a target with an active or an older open escalation: rejected
    "UPDATE escalation SET state = 'rejected' WHERE state = 'proposed' AND EXISTS ("
    " SELECT 1 FROM escalation other WHERE other.household_id = escalation.household_id"
    " AND other.target = escalation.target AND other.id <> escalation.id AND"
    " (other.state = 'active' OR (other.state = 'proposed' AND other.id < escalation.id)))",
)
"""Rows from before this revision that the new indexes would refuse, resolved in order."""


def downgrade() -> None:
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_index(
            "one_active_transfer_per_household",
            sqlite_where=sa.text(TRANSFER),
            postgresql_where=sa.text(TRANSFER),
        )
        batch_op.drop_index(
            "one_open_proposal_per_target",
            sqlite_where=sa.text(OPEN),
            postgresql_where=sa.text(OPEN),
        )
        batch_op.drop_column("rejected_because")
        batch_op.drop_column("version")
