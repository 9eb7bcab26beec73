"""The audit log: append-only and tamper-evident.

Each municipality has its own chain: every entry carries the SHA-256 of its own content and of
the previous entry's hash, so editing, removing or reordering any entry breaks the chain from
there on. Database triggers refuse UPDATE and DELETE on the table; :func:`verify` recomputes the
chain and reports the first entry that does not match.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, func, select

from ..domain.case import Actor
from .tables import AuditEntryRow, AuditHeadRow

GENESIS = "0" * 64


def _digest(entry: AuditEntryRow) -> str:
    content = {
        "seq": entry.seq,
        "municipality": entry.municipality,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "actor_role": entry.actor_role,
        "actor_organisation": entry.actor_organisation,
        "action": entry.action,
        "subject": entry.subject,
        "detail": entry.detail,
        "outcome": entry.outcome,
        "reason": entry.reason,
        "legal_basis": entry.legal_basis,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _ensure_head(session: Session, municipality: str) -> None:
    """Create the chain head if missing, without racing another transaction doing the same."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(AuditHeadRow).values(municipality=municipality, seq=0, hash=GENESIS)
    session.execute(statement.on_conflict_do_nothing(index_elements=["municipality"]))


def _locked_head(session: Session, municipality: str) -> AuditHeadRow | None:
    return session.exec(
        select(AuditHeadRow).where(AuditHeadRow.municipality == municipality).with_for_update()
    ).one_or_none()


def append(
    session: Session,
    actor: Actor,
    action: str,
    at: datetime,
    subject: int | None = None,
    detail: dict[str, Any] | None = None,
    outcome: str | None = None,
    reason: str | None = None,
    legal_basis: str | None = None,
) -> AuditEntryRow:
    """Append an entry to the actor's municipality's chain, in the caller's transaction.

    The chain head row is locked (``SELECT ... FOR UPDATE`` on PostgreSQL) so concurrent
    appends are serialised and the chain stays linear.
    """
    head = _locked_head(session, actor.municipality)
    if head is None:  # the municipality's first entry ever
        _ensure_head(session, actor.municipality)
        head = _locked_head(session, actor.municipality)
        assert head is not None
    entry = AuditEntryRow(
        municipality=actor.municipality,
        seq=head.seq + 1,
        at=at,
        actor=actor.id,
        actor_role=actor.role.value,
        actor_organisation=actor.organisation,
        action=action,
        subject=subject,
        detail=detail or {},
        outcome=outcome,
        reason=reason,
        legal_basis=legal_basis,
        prev_hash=head.hash,
        hash="",
    )
    entry.hash = _digest(entry)
    session.add(entry)
    head.seq = entry.seq
    head.hash = entry.hash
    return entry


@dataclass(frozen=True)
class Break:
    """Where a chain breaks: the municipality, the entry's sequence number, and what is wrong."""

    municipality: str
    seq: int
    problem: str


def verify(session: Session, municipality: str | None = None) -> list[Break]:
    """Recompute every chain (or one municipality's); an empty list means intact."""
    breaks: list[Break] = []
    query = select(AuditEntryRow).order_by(col(AuditEntryRow.municipality), col(AuditEntryRow.seq))
    if municipality is not None:
        query = query.where(AuditEntryRow.municipality == municipality)
    previous: dict[str, str] = {}
    for entry in _stream(session, query):
        expected_prev = previous.get(entry.municipality, GENESIS)
        if entry.prev_hash != expected_prev:
            breaks.append(
                Break(entry.municipality, entry.seq, "does not follow the previous entry")
            )
        elif _digest(entry) != entry.hash:
            breaks.append(Break(entry.municipality, entry.seq, "content does not match its hash"))
        previous[entry.municipality] = entry.hash
    heads = session.exec(select(AuditHeadRow)).all()
    for head in heads:
        if municipality is not None and head.municipality != municipality:
            continue
        if previous.get(head.municipality, GENESIS) != head.hash:
            breaks.append(
                Break(head.municipality, head.seq, "the chain's last entry is missing or changed")
            )
    return breaks


def _stream(session: Session, query: Any) -> Iterator[AuditEntryRow]:
    yield from session.exec(query.execution_options(yield_per=1000))


def count(session: Session, municipality: str | None = None) -> int:
    """How many entries the log holds (for one municipality, or all)."""
    query = select(func.count()).select_from(AuditEntryRow)
    if municipality is not None:
        query = query.where(AuditEntryRow.municipality == municipality)
    return int(session.exec(query).one())
