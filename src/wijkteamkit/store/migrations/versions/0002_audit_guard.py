"""audit guard: append-only against every write path, records bound to their audit entries

Revision 0001 refused UPDATE and DELETE on the audit log and UPDATE on consents. This revision
closes the other paths on both databases:

- consents, withdrawals and disclosures: no UPDATE, no DELETE (except the erasure of a household
  whose ``household.erased`` audit entry is the chain's newest entry, i.e. written in the same
  transaction by the engine's ``erase_household``);
- SQLite: ``INSERT OR REPLACE`` / ``REPLACE`` / upsert delete the old row without firing DELETE
  triggers, so a BEFORE INSERT trigger refuses an id (or an audit position) that already exists;
- PostgreSQL: a statement-level BEFORE TRUNCATE trigger on every protected table;
- audit entries are appended in order (``seq`` is the next one, ``prev_hash`` the previous
  entry's hash); the chain head only moves forward.

A superuser (or the table owner on PostgreSQL) can still drop these triggers: the hash chain and
the signed checkpoints are what catch that (docs/security.md).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 15:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
RECORDS = ("consent", "consent_withdrawal", "disclosure")
PROTECTED = ("audit_entry", "audit_head", *RECORDS)


def _household(table: str, old: str = "OLD") -> str:
    """SQL for the household a row of ``table`` belongs to."""
    if table == "consent_withdrawal":
        return f"(SELECT household_id FROM consent WHERE id = {old}.consent_id)"
    return f"{old}.household_id"


def _erased(table: str) -> str:
    """SQL: the newest audit entry of the row's municipality erased the row's household."""
    return (
        "EXISTS (SELECT 1 FROM audit_entry e WHERE e.municipality = OLD.municipality "
        f"AND e.action = 'household.erased' AND e.subject = {_household(table)} "
        f"AND e.seq = {_LAST_SEQ.format(municipality='OLD.municipality')})"
    )


_LAST_SEQ = (
    "(SELECT seq FROM audit_entry WHERE municipality = {municipality} ORDER BY seq DESC LIMIT 1)"
)
"""SQL: the last position of a chain. Written as ORDER BY ... LIMIT 1, not max(), so that the
planner walks the (municipality, seq) index backwards instead of scanning every entry of the
municipality (a generic plan for max() on PostgreSQL picked the one-column index: linear)."""


_IN_ORDER = (
    f"NEW.seq IS NOT coalesce({_LAST_SEQ.format(municipality='NEW.municipality')}, 0) + 1 "
    "OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM audit_entry "
    f"WHERE municipality = NEW.municipality AND seq = NEW.seq - 1), '{GENESIS}')"
)

SQLITE_TRIGGERS = {
    "disclosure_no_update": "BEFORE UPDATE ON disclosure BEGIN "
    "SELECT RAISE(ABORT, 'disclosure is append-only: UPDATE refused'); END",
    **{
        f"{table}_no_delete": f"BEFORE DELETE ON {table} WHEN NOT {_erased(table)} BEGIN "
        f"SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END"
        for table in RECORDS
    },
    **{
        f"{table}_no_replace": f"BEFORE INSERT ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) BEGIN "
        f"SELECT RAISE(ABORT, '{table} is append-only: REPLACE refused'); END"
        for table in (*RECORDS, "audit_entry")
    },
    "audit_entry_in_order": f"BEFORE INSERT ON audit_entry WHEN {_IN_ORDER} BEGIN "
    "SELECT RAISE(ABORT, 'audit_entry is append-only: only the next entry may be added'); END",
    # The engine creates a head with INSERT ... ON CONFLICT DO NOTHING: an existing head is
    # left as it is (IGNORE), so REPLACE cannot reset it.
    "audit_head_no_replace": "BEFORE INSERT ON audit_head "
    "WHEN EXISTS (SELECT 1 FROM audit_head WHERE municipality = NEW.municipality) BEGIN "
    "SELECT RAISE(IGNORE); END",
    "audit_head_forward": "BEFORE UPDATE ON audit_head "
    "WHEN NEW.seq <= OLD.seq OR NEW.municipality IS NOT OLD.municipality BEGIN "
    "SELECT RAISE(ABORT, 'audit_head only moves forward'); END",
}

POSTGRESQL_FUNCTIONS = {
    "wijkteamkit_refuse_unless_erased": f"""
        DECLARE erased_household integer;
        BEGIN
          IF TG_TABLE_NAME = 'consent_withdrawal' THEN
            SELECT household_id INTO erased_household FROM consent WHERE id = OLD.consent_id;
          ELSE
            erased_household := OLD.household_id;
          END IF;
          IF {_erased("consent").replace("OLD.household_id", "erased_household")} THEN
            RETURN OLD;
          END IF;
          RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
        END;""",
    "wijkteamkit_audit_in_order": f"""
        DECLARE
          last_seq integer;
          last_hash varchar;
        BEGIN
          -- Dynamic SQL, planned on every call: a plan cached while the table was small (a
          -- sequential scan) would otherwise stay and make every append slower than the last.
          EXECUTE 'SELECT seq, hash FROM audit_entry WHERE municipality = $1 '
                  'ORDER BY seq DESC LIMIT 1'
            INTO last_seq, last_hash USING NEW.municipality;
          IF NEW.seq IS DISTINCT FROM coalesce(last_seq, 0) + 1
             OR NEW.prev_hash IS DISTINCT FROM coalesce(last_hash, '{GENESIS}') THEN
            RAISE EXCEPTION 'audit_entry is append-only: only the next entry may be added';
          END IF;
          RETURN NEW;
        END;""",
    "wijkteamkit_head_forward": """
        BEGIN
          IF NEW.seq <= OLD.seq OR NEW.municipality IS DISTINCT FROM OLD.municipality THEN
            RAISE EXCEPTION 'audit_head only moves forward';
          END IF;
          RETURN NEW;
        END;""",
}

POSTGRESQL_TRIGGERS = {
    "disclosure_append_only": "BEFORE UPDATE ON disclosure FOR EACH ROW "
    "EXECUTE FUNCTION wijkteamkit_refuse()",
    **{
        f"{table}_no_delete": f"BEFORE DELETE ON {table} FOR EACH ROW "
        "EXECUTE FUNCTION wijkteamkit_refuse_unless_erased()"
        for table in RECORDS
    },
    **{
        f"{table}_no_truncate": f"BEFORE TRUNCATE ON {table} FOR EACH STATEMENT "
        "EXECUTE FUNCTION wijkteamkit_refuse()"
        for table in PROTECTED
    },
    "audit_entry_in_order": "BEFORE INSERT ON audit_entry FOR EACH ROW "
    "EXECUTE FUNCTION wijkteamkit_audit_in_order()",
    "audit_head_forward": "BEFORE UPDATE ON audit_head FOR EACH ROW "
    "EXECUTE FUNCTION wijkteamkit_head_forward()",
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, body in POSTGRESQL_FUNCTIONS.items():
            op.execute(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ {body} $$ "
                "LANGUAGE plpgsql"
            )
        for name, definition in POSTGRESQL_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")
    else:
        for name, definition in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {definition}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, definition in POSTGRESQL_TRIGGERS.items():
            table = definition.split(" ON ")[1].split()[0]
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for name in POSTGRESQL_FUNCTIONS:
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
