"""Records bound to the audit entries that wrote them: consents, withdrawals, disclosures.

The entry that records such a row carries ``detail["record"]``: the table, the row's id and a
SHA-256 digest of the row's content. :func:`check_records` compares each side with the other,
so a row edited, inserted or deleted behind the engine's back is found. A row is allowed to be
gone only when its household was erased by a later ``household.erased`` entry (the retention
term, engine ``erase_household``); the database triggers let that one deletion through.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session, SQLModel, col, select

from .tables import AuditEntryRow, ConsentRow, DisclosureRow, WithdrawalRow

BOUND_TABLES: tuple[type[SQLModel], ...] = (ConsentRow, WithdrawalRow, DisclosureRow)
"""The tables whose every row must match the audit entry that recorded it."""

ERASED = "household.erased"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            value = value.replace(tzinfo=UTC)  # the store returns UTC; naive is never written
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical_digest(content: dict[str, Any]) -> str:
    """SHA-256 of ``content`` as canonical JSON (sorted keys, no spaces, UTF-8): the one form in
    which audit entries and the records they bind are hashed."""
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_digest(row: SQLModel) -> str:
    """SHA-256 of every column of ``row`` (times in UTC), in the canonical JSON form."""
    table = row.__table__  # type: ignore[attr-defined]
    return _values_digest(
        table, {column.name: getattr(row, column.name) for column in table.columns}
    )


def _values_digest(table: Table, values: Mapping[str, Any]) -> str:
    return canonical_digest({column.name: _plain(values[column.name]) for column in table.columns})


def binding_of(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """What the audit entry of a row written with Core carries as ``detail["record"]``:
    ``values`` holds every column of ``table`` as inserted, the id included; the digest is
    the one :func:`record_digest` computes from the row read back."""
    return {"table": table.name, "id": values["id"], "digest": _values_digest(table, values)}


def binding(row: SQLModel) -> dict[str, Any]:
    """What the audit entry of a new, flushed ``row`` carries as ``detail["record"]``."""
    row_id = getattr(row, "id", None)
    if row_id is None:
        raise ValueError("flush the row before binding it to its audit entry (it has no id yet)")
    return {"table": row.__tablename__, "id": row_id, "digest": record_digest(row)}


@dataclass(frozen=True, slots=True)
class Recorded:
    """What :func:`check_records` needs of an audit entry that binds a record or erases one."""

    municipality: str
    seq: int
    subject: int | None
    action: str
    record: Any

    @classmethod
    def of(cls, entry: AuditEntryRow) -> Recorded:
        detail = entry.detail if isinstance(entry.detail, dict) else {}
        return cls(entry.municipality, entry.seq, entry.subject, entry.action, detail.get("record"))


def check_records(
    session: Session, entries: Iterable[Recorded], municipality: str | None = None
) -> list[tuple[str, int, str]]:
    """Compare the bound tables with ``entries`` (those with a record, and the erasures).

    Returns ``(municipality, seq, problem)`` for every mismatch; ``seq`` is 0 for a row that no
    entry recorded.
    """
    names = {str(table.__tablename__) for table in BOUND_TABLES}
    problems: list[tuple[str, int, str]] = []
    bound: dict[tuple[str, int], Recorded] = {}
    erased: dict[tuple[str, int | None], int] = {}
    for entry in entries:
        if entry.action == ERASED:
            erased[(entry.municipality, entry.subject)] = entry.seq
            continue
        record = entry.record
        if not isinstance(record, dict) or not isinstance(record.get("id"), int):
            problems.append((entry.municipality, entry.seq, "its record binding is unreadable"))
            continue
        key = (str(record.get("table")), record["id"])
        if key[0] not in names:
            continue
        earlier = bound.get(key)
        if earlier is not None and not _erased_since(erased, earlier):
            problems.append((entry.municipality, entry.seq, f"{key[0]} {key[1]} recorded twice"))
        bound[key] = entry  # SQLite reuses the ids of erased rows
    for table in BOUND_TABLES:
        name = str(table.__tablename__)
        query = select(table).order_by(col(table.id))  # type: ignore[attr-defined]
        if municipality is not None:
            query = query.where(table.municipality == municipality)  # type: ignore[attr-defined]
        for row in session.exec(query.execution_options(yield_per=1000)):
            row_id = row.id  # type: ignore[attr-defined]
            key = (name, int(row_id))
            recorded = bound.pop(key) if key in bound else None
            where = row.municipality  # type: ignore[attr-defined]
            if recorded is None:
                problems.append((where, 0, f"{name} {row_id} has no audit entry"))
            elif recorded.municipality != where or recorded.record.get("digest") != record_digest(
                row
            ):
                problems.append(
                    (recorded.municipality, recorded.seq, f"{name} {row_id} was changed")
                )
    for (name, row_id), entry in bound.items():
        if not _erased_since(erased, entry):
            problems.append((entry.municipality, entry.seq, f"{name} {row_id} is missing"))
    problems.sort(key=lambda p: (p[0], p[1], p[2]))
    return problems


def _erased_since(erased: dict[tuple[str, int | None], int], entry: Recorded) -> bool:
    """Whether the household of ``entry`` was erased after it (by the entries read so far)."""
    erased_at = erased.get((entry.municipality, entry.subject))
    return erased_at is not None and erased_at > entry.seq
