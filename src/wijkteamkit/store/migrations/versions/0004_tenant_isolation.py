"""tenant isolation: row-level security keyed on the municipality (PostgreSQL)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 15:20:00
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Filled in by the change that owns this revision."""


def downgrade() -> None:
    """Filled in by the change that owns this revision."""
