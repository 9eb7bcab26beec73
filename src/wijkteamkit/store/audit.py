"""The audit log: append-only and tamper-evident.

Each municipality has its own chain: every entry carries the SHA-256 of its own content and of
the previous entry's hash, so editing, removing or reordering any entry breaks the chain from
there on. Timestamps are hashed in UTC, so the clock's time zone never matters. Database
triggers (migrations 0001 and 0002) refuse every rewrite of the log and of the records it binds;
:func:`verify` recomputes the chain, checks that every consent, withdrawal and disclosure row is
exactly the one its audit entry recorded (see :mod:`wijkteamkit.store.records`), and reports
what does not match. What this does and does not prove: docs/security.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, func, select

from ..domain.case import Actor
from .records import Recorded, canonical_digest, check_records
from .tables import AuditEntryRow, AuditHeadRow

GENESIS = "0" * 64


def utc(at: datetime) -> datetime:
    """``at`` in UTC; a naive datetime is refused (its time zone would be a guess)."""
    if at.utcoffset() is None:
        raise ValueError("an audit timestamp must carry a time zone (e.g. datetime.now(UTC))")
    return at.astimezone(UTC)


HASHED = (
    "seq",
    "municipality",
    "at",
    "actor",
    "actor_role",
    "actor_organisation",
    "action",
    "subject",
    "detail",
    "outcome",
    "reason",
    "legal_basis",
    "prev_hash",
)
"""The columns an entry's hash covers (``at`` as UTC ISO text): every column but id and hash."""


def _digest_of(values: Mapping[str, Any]) -> str:
    content = {name: values[name] for name in HASHED}
    content["at"] = utc(content["at"]).isoformat()
    return canonical_digest(content)


def _digest(entry: AuditEntryRow) -> str:
    return _digest_of({name: getattr(entry, name) for name in HASHED})


_HEAD = AuditHeadRow.__table__  # type: ignore[attr-defined]
_ENTRY = AuditEntryRow.__table__  # type: ignore[attr-defined]


class Chain:
    """One municipality's audit chain within one transaction.

    :meth:`lock` locks the chain's head row once (``SELECT ... FOR UPDATE`` on PostgreSQL; on
    SQLite the engine's ``BEGIN IMMEDIATE`` already holds the write lock), so concurrent
    transactions append one after the other and the chain stays linear. :meth:`append` hashes
    an entry in memory against the previous one; :meth:`flush` writes every pending entry with
    one ``executemany`` and moves the head once. Nothing is written until :meth:`flush`, and a
    rollback discards it all.
    """

    def __init__(self, connection: Connection, municipality: str, seq: int, last: str) -> None:
        self._connection = connection
        self.municipality = municipality
        self._seq = seq
        self._last = last
        self._pending: list[dict[str, Any]] = []

    @classmethod
    def lock(cls, connection: Connection, municipality: str) -> Chain:
        """Lock ``municipality``'s chain head (created on its first entry ever)."""
        head = _locked_head(connection, municipality)
        if head is None:
            _ensure_head(connection, municipality)
            head = _locked_head(connection, municipality)
            assert head is not None
        return cls(connection, municipality, head[0], head[1])

    def append(
        self,
        actor: Actor,
        action: str,
        at: datetime,
        subject: int | None = None,
        *,
        detail: dict[str, Any] | None = None,
        outcome: str | None = None,
        reason: str | None = None,
        legal_basis: str | None = None,
    ) -> int:
        """Hash the next entry and keep it for :meth:`flush`; return its sequence number.

        ``actor`` acts in this chain's municipality; ``at`` must be timezone-aware (stored and
        hashed in UTC).
        """
        if actor.municipality != self.municipality:
            raise ValueError(
                f"an entry of {actor.municipality} does not belong in {self.municipality}'s chain"
            )
        self._seq += 1
        values: dict[str, Any] = {
            "municipality": self.municipality,
            "seq": self._seq,
            "at": utc(at),
            "actor": actor.id,
            "actor_role": actor.role.value,
            "actor_organisation": actor.organisation,
            "action": action,
            "subject": subject,
            "detail": detail or {},
            "outcome": outcome,
            "reason": reason,
            "legal_basis": legal_basis,
            "prev_hash": self._last,
        }
        values["hash"] = self._last = _digest_of(values)
        self._pending.append(values)
        return self._seq

    def flush(self) -> None:
        """Write the pending entries (one ``executemany``) and move the head to the last."""
        if not self._pending:
            return
        self._connection.execute(insert(_ENTRY), self._pending)
        self._connection.execute(
            update(_HEAD)
            .where(_HEAD.c.municipality == self.municipality)
            .values(seq=self._seq, hash=self._last)
        )
        self._pending = []


def _ensure_head(connection: Connection, municipality: str) -> None:
    """Create the chain head if missing, without racing another transaction doing the same."""
    dialect = connection.dialect.name
    insert_ = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert_(_HEAD).values(municipality=municipality, seq=0, hash=GENESIS)
    connection.execute(statement.on_conflict_do_nothing(index_elements=["municipality"]))


def _locked_head(connection: Connection, municipality: str) -> tuple[int, str] | None:
    query = (
        select(_HEAD.c.seq, _HEAD.c.hash)
        .where(_HEAD.c.municipality == municipality)
        .with_for_update()
    )
    row = connection.execute(query).one_or_none()
    return None if row is None else (int(row[0]), str(row[1]))


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
) -> int:
    """Append one entry to the actor's municipality's chain, in the session's transaction, and
    return its sequence number. Writing many: lock a :class:`Chain` once and append to it."""
    chain = Chain.lock(session.connection(), actor.municipality)
    seq = chain.append(
        actor,
        action,
        at,
        subject,
        detail=detail,
        outcome=outcome,
        reason=reason,
        legal_basis=legal_basis,
    )
    chain.flush()
    return seq


@dataclass(frozen=True)
class Break:
    """What is wrong: the municipality, the audit entry's sequence number (0 when the problem
    is a record no entry accounts for), and the problem (never personal data)."""

    municipality: str
    seq: int
    problem: str


UNREADABLE = "a row holds a value wijkteamkit never writes ({}): edited outside it, or damaged"


def verify(session: Session, municipality: str | None = None) -> list[Break]:
    """Recompute every chain (or one municipality's) and check the records it binds.

    An empty list means intact. A row that cannot even be read (a date or JSON value written
    by hand) ends the check with a break saying so.
    """
    breaks: list[Break] = []
    try:
        _verify(session, municipality, breaks)
    except (ValueError, TypeError, KeyError) as exc:
        breaks.append(Break(municipality or "*", 0, UNREADABLE.format(type(exc).__name__)))
    return breaks


def _verify(session: Session, municipality: str | None, breaks: list[Break]) -> None:
    query = select(AuditEntryRow).order_by(col(AuditEntryRow.municipality), col(AuditEntryRow.seq))
    if municipality is not None:
        query = query.where(AuditEntryRow.municipality == municipality)
    previous: dict[str, str] = {}
    last: dict[str, int] = {}
    bindings: list[Recorded] = []
    for entry in _stream(session, query):
        expected_prev = previous.get(entry.municipality, GENESIS)
        if entry.prev_hash != expected_prev:
            breaks.append(
                Break(entry.municipality, entry.seq, "does not follow the previous entry")
            )
        elif _digest(entry) != entry.hash:
            breaks.append(Break(entry.municipality, entry.seq, "content does not match its hash"))
        previous[entry.municipality] = entry.hash
        last[entry.municipality] = entry.seq
        detail = entry.detail if isinstance(entry.detail, dict) else {}
        if "record" in detail or entry.action == "household.erased":
            bindings.append(Recorded.of(entry))
    heads = {h.municipality: h for h in session.exec(select(AuditHeadRow)).all()}
    for head in heads.values():
        if municipality is not None and head.municipality != municipality:
            continue
        if (last.get(head.municipality, 0), previous.get(head.municipality, GENESIS)) != (
            head.seq,
            head.hash,
        ):
            breaks.append(
                Break(head.municipality, head.seq, "the chain's last entry is missing or changed")
            )
    for chain in sorted(set(previous) - set(heads)):
        breaks.append(Break(chain, 0, "the chain's head row is missing"))
    breaks += [
        Break(m, seq, problem) for m, seq, problem in check_records(session, bindings, municipality)
    ]


def _stream(session: Session, query: Any) -> Iterator[AuditEntryRow]:
    yield from session.exec(query.execution_options(yield_per=1000))


def has_chain(session: Session, municipality: str) -> bool:
    """Whether ``municipality`` has an audit chain (a head or any entry) in this database."""
    head = session.get(AuditHeadRow, municipality)
    if head is not None:
        return True
    query = select(func.count()).select_from(AuditEntryRow)
    return int(session.exec(query.where(AuditEntryRow.municipality == municipality)).one()) > 0


def heads(session: Session) -> list[AuditEntryRow]:
    """The last entry of each municipality's chain, by municipality."""
    last = (
        select(AuditEntryRow.municipality, func.max(AuditEntryRow.seq).label("seq"))
        .group_by(col(AuditEntryRow.municipality))
        .subquery()
    )
    query = (
        select(AuditEntryRow)
        .join(
            last,
            (col(AuditEntryRow.municipality) == last.c.municipality)
            & (col(AuditEntryRow.seq) == last.c.seq),
        )
        .order_by(col(AuditEntryRow.municipality))
    )
    return list(session.exec(query).all())


def entry_at(session: Session, municipality: str, seq: int) -> AuditEntryRow | None:
    """The entry at position ``seq`` of ``municipality``'s chain, if there is one."""
    return session.exec(
        select(AuditEntryRow).where(
            AuditEntryRow.municipality == municipality, AuditEntryRow.seq == seq
        )
    ).one_or_none()


def count(session: Session, municipality: str | None = None) -> int:
    """How many entries the log holds (for one municipality, or all)."""
    query = select(func.count()).select_from(AuditEntryRow)
    if municipality is not None:
        query = query.where(AuditEntryRow.municipality == municipality)
    return int(session.exec(query).one())
