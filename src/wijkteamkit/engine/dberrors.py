"""Database errors translated at the engine boundary into casework errors without personal data.

A driver's message carries the SQL, its parameters and often the offending values (PostgreSQL's
``DETAIL: Key (...)=(...)``), so none of it is ever copied: the translated message and the log
record name only the operation, the kind of failure and, where there is one, the constraint.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    InvalidRequestError,
    OperationalError,
    SQLAlchemyError,
    StatementError,
)
from sqlalchemy.orm.exc import ObjectDeletedError

from .errors import CaseworkError, ConflictError, RuleViolation, StorageError

log = logging.getLogger("wijkteamkit.engine")

BUSY = "the database is busy with another change; retry"

_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_PG_CONTENTION = {"40001", "40P01", "55P03"}
"""serialization_failure, deadlock_detected, lock_not_available."""

_SQLITE_CONSTRAINT = re.compile(
    r"^(UNIQUE|FOREIGN KEY|NOT NULL|CHECK) constraint failed(?:: (.*))?"
)
_SQLITE_COLUMNS = {
    "plan.household_id": "one_active_plan_per_household",
    "escalation.household_id": "one_active_transfer_per_household",
    "escalation.household_id, escalation.target": "one_open_proposal_per_target",
    "audit_entry.municipality, audit_entry.seq": "audit_chain_position",
}
"""SQLite names the columns of a failed unique index, not the index: map them to its name."""

_KNOWN: dict[str, tuple[type[CaseworkError], str, str]] = {
    "one_active_plan_per_household": (
        RuleViolation,
        "this household already has an active plan; revise it instead",
        "one-active-plan",
    ),
    "one_active_transfer_per_household": (
        RuleViolation,
        "another transfer of the lead became active for this household meanwhile; reload it, "
        "then de-escalate that transfer first or confirm this one as a referral",
        "one-active-transfer",
    ),
    "one_open_proposal_per_target": (
        ConflictError,
        "an escalation to this target was proposed meanwhile; reload and retry",
        ConflictError.rule,
    ),
    "audit_chain_position": (
        ConflictError,
        "the audit log moved on during this change; retry the operation",
        ConflictError.rule,
    ),
}
"""Constraints a casework rule names: (error, message, rule)."""


def translate(exc: SQLAlchemyError, operation: str) -> CaseworkError:
    """The casework error for a database error raised during ``operation``; logs the facts."""
    kind, constraint = _classify(exc)
    orig = getattr(exc, "orig", None)
    log.warning(
        "%s failed in the database: %s%s",
        operation,
        type(orig if orig is not None else exc).__name__,
        f" (constraint {constraint})" if constraint else "",
        extra={"operation": operation, "failure": kind, "constraint": constraint},
    )
    if constraint in _KNOWN:
        error, message, rule = _KNOWN[constraint]
        return error(message, rule=rule)
    if kind == "busy":
        return ConflictError(BUSY)
    if kind == "unique":
        return ConflictError(
            f"a record with the same key was written meanwhile ({constraint or 'unique key'}); "
            "reload and retry"
        )
    if kind == "reference":
        return ConflictError("a record this change refers to was removed meanwhile; reload")
    if kind == "integrity":
        return StorageError(
            f"the database refused the change ({constraint or 'a constraint or trigger'}); "
            "nothing was written"
        )
    if kind == "data":
        return StorageError(
            "a value does not fit the database (too long or out of range); nothing was written"
        )
    if kind == "unreachable":
        return StorageError("the database connection failed; check the server and retry")
    return StorageError(
        f"the database failed during {operation} ({type(exc).__name__}); nothing was written"
    )


def _classify(exc: SQLAlchemyError) -> tuple[str, str | None]:
    """(kind of failure, constraint name or None), from codes and fixed message prefixes only."""
    if not isinstance(exc, StatementError):
        # e.g. refreshing a row that a concurrent transaction deleted (an erased household)
        deleted = isinstance(exc, ObjectDeletedError) or (
            isinstance(exc, InvalidRequestError) and str(exc).startswith("Could not refresh")
        )
        return ("reference" if deleted else "database"), None
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        return _classify_postgres(sqlstate, orig)
    if not isinstance(exc, DBAPIError):
        return "statement", None  # a value the driver could not bind, raised before the database
    message = str(orig) if orig is not None else ""
    if isinstance(exc, OperationalError) and message.startswith(_SQLITE_BUSY):
        return "busy", None
    match = _SQLITE_CONSTRAINT.match(message)
    if match:
        what, columns = match.group(1), (match.group(2) or "").strip()
        if what == "UNIQUE":
            return "unique", _SQLITE_COLUMNS.get(columns, columns or None)
        if what == "FOREIGN KEY":
            return "reference", None
        return "integrity", f"{what.lower()} {columns}".strip()
    if isinstance(exc, IntegrityError):
        return "integrity", None  # e.g. RAISE(ABORT, ...) in a trigger
    if isinstance(exc, DataError):
        return "data", None
    return "database", None


def _classify_postgres(sqlstate: str, orig: BaseException | None) -> tuple[str, str | None]:
    diag = getattr(orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    if sqlstate in _PG_CONTENTION:
        return "busy", None
    if sqlstate == "23505":
        return "unique", constraint
    if sqlstate == "23503":
        return "reference", None
    if sqlstate.startswith("23") or sqlstate == "P0001":
        return "integrity", constraint
    if sqlstate.startswith("22"):
        return "data", None
    if sqlstate.startswith("08"):
        return "unreachable", None
    return "database", None
