"""team listing index: a team's households in id order, within the municipality

``ix_household_team_listing`` (municipality, team, id) serves the keyset-paged lists of a team's
households (``QueryOps.households``: ``WHERE municipality AND team AND id > after ORDER BY id
LIMIT n``), with or without a case state. Without it, on a database holding several
municipalities, PostgreSQL walked the primary key in id order and filtered out every other
municipality's and team's row until the page was full: 44,302 rows read for a page of 51 on a
21-municipality database, against 574 with this index (docs/scale.md).

Plain ``CREATE INDEX``: it blocks writes to ``household`` while it builds (seconds per million
rows); on a large database run the upgrade in a quiet moment.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 18:15:00
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

NAME = "ix_household_team_listing"
COLUMNS = ["municipality", "team", "id"]


def upgrade() -> None:
    op.create_index(NAME, "household", COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index(NAME, table_name="household")
