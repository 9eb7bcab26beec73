"""audit guard: append-only against every write path, records bound to their audit entries

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 15:20:00
"""

from __future__ import annotations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in by the change that owns this revision."""


def downgrade() -> None:
    """Filled in by the change that owns this revision."""
