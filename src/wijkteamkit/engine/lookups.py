"""Reads several operations share: households, active plans and consent records, for one
household or, in one query per table, for a batch of them (SQLAlchemy Core, no ORM objects)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import Table, bindparam, select
from sqlmodel import select as orm_select

from ..domain.case import Role
from ..store.tables import ConsentRow, HouseholdRow, PlanRow, WithdrawalRow
from .consent import Consent, Withdrawal
from .context import Tx
from .errors import NotFound
from .ids import keys_in_range
from .process import PlanState

HOUSEHOLD: Table = HouseholdRow.__table__  # type: ignore[attr-defined]
PLAN: Table = PlanRow.__table__  # type: ignore[attr-defined]
CONSENT: Table = ConsentRow.__table__  # type: ignore[attr-defined]
WITHDRAWAL: Table = WithdrawalRow.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class Household:
    """A household as a batch reads it: what the checks need; ``case_state`` moves in memory
    and is written back with one ``executemany``."""

    id: int
    team: str | None
    case_state: str


@dataclass(slots=True)
class Plan:
    """A plan as a batch reads it (``version`` is the optimistic-locking column)."""

    id: int
    household_id: int
    team: str
    state: str
    case_director: str
    lead: str
    version: int


_HOUSEHOLDS = (
    select(HOUSEHOLD.c.id, HOUSEHOLD.c.team, HOUSEHOLD.c.case_state)
    .where(
        HOUSEHOLD.c.id.in_(bindparam("households", expanding=True)),
        HOUSEHOLD.c.municipality == bindparam("municipality"),
    )
    .order_by(HOUSEHOLD.c.id)
)
_LOCKED_HOUSEHOLDS = _HOUSEHOLDS.with_for_update()
_ACTIVE_PLANS = select(
    PLAN.c.id,
    PLAN.c.household_id,
    PLAN.c.team,
    PLAN.c.state,
    PLAN.c.case_director,
    PLAN.c.lead,
    PLAN.c.version,
).where(
    PLAN.c.household_id.in_(bindparam("households", expanding=True)),
    PLAN.c.municipality == bindparam("municipality"),
    PLAN.c.state != PlanState.CLOSED,
)
"""The batch reads, built once: each call reuses their compiled SQL."""


def households(tx: Tx, ids: Collection[int], *, lock: bool = False) -> dict[int, Household]:
    """The actor's municipality's households among ``ids``, by id (one query). ``lock``: lock
    them (``SELECT ... FOR UPDATE`` in id order on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
    already holds the write lock)."""
    keys = keys_in_range(tx.db, HouseholdRow, ids)
    if not keys:
        return {}
    query = _LOCKED_HOUSEHOLDS if lock else _HOUSEHOLDS
    found = tx.connection.execute(
        query, {"households": keys, "municipality": tx.actor.municipality}
    )
    return {r[0]: Household(*r) for r in found}


def household_in(tx: Tx, found: Mapping[int, Household], household_id: int) -> Household:
    """``household_id`` among ``found``, with the checks of :meth:`Tx.household`: not found
    outside the municipality, and a resident reaches only their own."""
    household = found.get(household_id)
    if household is None:
        raise NotFound(f"no household {household_id!r:.40} in {tx.setup.municipality.name}")
    if tx.actor.role is Role.RESIDENT and tx.actor.household != household_id:
        raise NotFound(f"no household {household_id} for this resident")
    return household


def active_plans(tx: Tx, household_ids: Collection[int]) -> dict[int, Plan]:
    """The plan that is not closed of each of the households (at most one each), by household."""
    if not household_ids:
        return {}
    found = tx.connection.execute(
        _ACTIVE_PLANS,
        {"households": sorted(household_ids), "municipality": tx.actor.municipality},
    )
    return {r.household_id: Plan(*r) for r in found}


def active_plan(tx: Tx, household_id: int) -> PlanRow | None:
    """The household's plan that is not closed, if any (there is at most one)."""
    return tx.db.exec(
        orm_select(PlanRow).where(
            PlanRow.household_id == household_id,
            PlanRow.municipality == tx.actor.municipality,
            PlanRow.state != PlanState.CLOSED,
        )
    ).first()


def consent_records(tx: Tx, household_id: int) -> list[Consent | Withdrawal]:
    """The household's consents and their withdrawals, as the consent decision reads them."""
    return consent_records_of(tx, [household_id]).get(household_id, [])


def consent_records_of(
    tx: Tx, household_ids: Collection[int]
) -> dict[int, list[Consent | Withdrawal]]:
    """:func:`consent_records` of each of the households (two queries), by household."""
    records: dict[int, list[Consent | Withdrawal]] = {}
    if not household_ids:
        return records
    tx.db.flush()  # consents an operation of this transaction added through the ORM
    consents = tx.connection.execute(
        select(CONSENT).where(
            CONSENT.c.household_id.in_(sorted(household_ids)),
            CONSENT.c.municipality == tx.actor.municipality,
        )
    ).all()
    household_of: dict[int, int] = {}
    for c in consents:
        household_of[c.id] = c.household_id
        records.setdefault(c.household_id, []).append(
            Consent(
                id=c.id,
                subject=c.household_id,
                purpose=c.purpose,
                recipients=frozenset(c.recipients),
                scope=frozenset(c.scope),
                valid_from=c.valid_from,
                valid_to=c.valid_to,
                form=c.form,
                given_at=c.given_at,
            )
        )
    if household_of:
        withdrawals = tx.connection.execute(
            select(WITHDRAWAL.c.consent_id, WITHDRAWAL.c.at).where(
                WITHDRAWAL.c.consent_id.in_(sorted(household_of))
            )
        )
        for w in withdrawals:
            records[household_of[w.consent_id]].append(Withdrawal(consent_id=w.consent_id, at=w.at))
    return records
