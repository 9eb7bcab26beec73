"""escalation guard: one open proposal per target, one active transfer, guarded transitions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 15:20:00
"""

from __future__ import annotations

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in by the change that owns this revision."""


def downgrade() -> None:
    """Filled in by the change that owns this revision."""
