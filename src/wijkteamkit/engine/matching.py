"""How a report finds what it belongs to, for the interactive and the bulk intake alike.

- **By reference**: a report whose (source, external reference) was received before is that
  receipt (:func:`received`); every reference is kept in ``signal_reference``, those of reports
  merged into an earlier signal too.
- **By address**: a report about a household without a BSN finds the open (not closed) household
  of the municipality at its address, postcode, house number and suffix (:func:`households_at`);
  when several open households share the address, the oldest.

Both are set-based (one query for many reports) and filter on the municipality; the caller's
transaction is bound to it, so on PostgreSQL row-level security holds as well.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, Table, and_, select, text

from ..store.bulk import insert_many
from ..store.tables import HouseholdRow, SignalReferenceRow, SignalRow
from .process import CaseState

HOUSEHOLD: Table = HouseholdRow.__table__  # type: ignore[attr-defined]
SIGNAL: Table = SignalRow.__table__  # type: ignore[attr-defined]
REFERENCE: Table = SignalReferenceRow.__table__  # type: ignore[attr-defined]

INTAKE_LOCK_NAMESPACE = 0x41440000
"""First key of the PostgreSQL advisory lock taken before looking up references or addresses,
plus the municipality's number (the second key is 0)."""

_LOCK = text("SELECT pg_advisory_xact_lock(:namespace, 0)")

Address = tuple[str, int, str | None]
"""(postcode, house number, suffix): ``("6511AB", 12, "A")``; no suffix is ``None``."""


@dataclass(frozen=True)
class Receipt:
    """Where a report went: its household, signal and the team the signal was routed to."""

    household: int
    signal: int
    team: str | None


@dataclass(frozen=True)
class OpenHousehold:
    """An open household found at an address: its id, team and where its case stands."""

    id: int
    team: str | None
    case_state: str


def received(
    connection: Connection, municipality: str, source: str, references: Collection[str]
) -> dict[str, Receipt]:
    """The receipts of those ``references`` of ``source`` that were received before."""
    if not references:
        return {}
    query = (
        select(REFERENCE.c.external_reference, SIGNAL.c.household_id, SIGNAL.c.id, SIGNAL.c.team)
        .join(SIGNAL, SIGNAL.c.id == REFERENCE.c.signal_id)
        .where(
            REFERENCE.c.municipality == municipality,
            REFERENCE.c.source == source,
            REFERENCE.c.external_reference.in_(sorted(set(references))),
            SIGNAL.c.municipality == municipality,
        )
    )
    return {
        ref: Receipt(household, signal, team)
        for ref, household, signal, team in connection.execute(query)
    }


def record_references(
    connection: Connection, municipality: str, source: str, references: Mapping[str, int]
) -> None:
    """Keep that each of ``references`` (reference -> signal id) of ``source`` was received."""
    insert_many(
        connection,
        REFERENCE,
        ("municipality", "source", "external_reference", "signal_id"),
        [
            {
                "municipality": municipality,
                "source": source,
                "external_reference": reference,
                "signal_id": signal,
            }
            for reference, signal in references.items()
        ],
    )


def lock_intake(connection: Connection, municipality: str) -> None:
    """Before looking up references or addresses: on PostgreSQL, wait for any other transaction
    of the municipality doing the same (until commit), so two intakes of one report or at one
    new address make one signal or household. SQLite serialises writers already
    (``BEGIN IMMEDIATE``)."""
    if connection.dialect.name == "postgresql":
        namespace = INTAKE_LOCK_NAMESPACE + int(municipality[2:])
        connection.execute(_LOCK, {"namespace": namespace})


def households_at(
    connection: Connection, municipality: str, addresses: Iterable[Address]
) -> dict[Address, OpenHousehold]:
    """The open household at each of ``addresses`` that has one (the oldest, if several)."""
    wanted = set(addresses)
    if not wanted:
        return {}
    postcodes = sorted({postcode for postcode, _number, _suffix in wanted})
    query = (
        select(
            HOUSEHOLD.c.id,
            HOUSEHOLD.c.postcode,
            HOUSEHOLD.c.house_number,
            HOUSEHOLD.c.house_number_suffix,
            HOUSEHOLD.c.team,
            HOUSEHOLD.c.case_state,
        )
        .where(
            and_(
                HOUSEHOLD.c.municipality == municipality,
                HOUSEHOLD.c.postcode.in_(postcodes),
                HOUSEHOLD.c.house_number.is_not(None),
                HOUSEHOLD.c.case_state != CaseState.CLOSED.value,
            )
        )
        .order_by(HOUSEHOLD.c.id.desc())
    )
    found: dict[Address, OpenHousehold] = {}
    for id_, postcode, number, suffix, team, state in connection.execute(query):
        address = (postcode, number, suffix)
        if address in wanted:  # the oldest is seen last and wins
            found[address] = OpenHousehold(id_, team, state)
    return found
