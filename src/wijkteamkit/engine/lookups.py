"""Reads several operations share: a household's active plan and its consent records."""

from __future__ import annotations

from sqlmodel import col, select

from ..store.tables import ConsentRow, PlanRow, WithdrawalRow
from .consent import Consent, Withdrawal
from .context import Tx
from .process import PlanState


def active_plan(tx: Tx, household_id: int) -> PlanRow | None:
    """The household's plan that is not closed, if any (there is at most one)."""
    return tx.db.exec(
        select(PlanRow).where(
            PlanRow.household_id == household_id,
            PlanRow.municipality == tx.actor.municipality,
            PlanRow.state != PlanState.CLOSED,
        )
    ).first()


def consent_records(tx: Tx, household_id: int) -> list[Consent | Withdrawal]:
    """The household's consents and their withdrawals, as the consent decision reads them."""
    consents = tx.db.exec(
        select(ConsentRow).where(
            ConsentRow.household_id == household_id,
            ConsentRow.municipality == tx.actor.municipality,
        )
    ).all()
    records: list[Consent | Withdrawal] = [
        Consent(
            id=c.id or 0,
            subject=c.household_id,
            purpose=c.purpose,
            recipients=frozenset(c.recipients),
            scope=frozenset(c.scope),
            valid_from=c.valid_from,
            valid_to=c.valid_to,
            form=c.form,
            given_at=c.given_at,
        )
        for c in consents
    ]
    ids = [c.id for c in consents]
    if ids:
        withdrawals = tx.db.exec(
            select(WithdrawalRow).where(col(WithdrawalRow.consent_id).in_(ids))
        ).all()
        records += [Withdrawal(consent_id=w.consent_id, at=w.at) for w in withdrawals]
    return records
