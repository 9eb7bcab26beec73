"""Signals through the batch path: what one at a time writes, all or nothing, items named,
items that see the households earlier items made, and the role refusal."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from batch_cycle_helpers import SIGNAL, chain_intact, new_household
from case_helpers import actor
from sqlmodel import Session, col, select

from wijkteamkit.domain.case import HouseholdIn, PersonIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import AccessDenied, RuleViolation
from wijkteamkit.store.tables import AuditEntryRow, HouseholdRow, SignalRow


def rows(casework: Casework) -> dict[str, list[Any]]:
    """Households and signals without ids or times, and the audit actions, in order."""
    with Session(casework.engine) as db:
        return {
            "households": [
                (h.postcode, h.house_number, h.team, h.case_state)
                for h in db.exec(select(HouseholdRow).order_by(col(HouseholdRow.id))).all()
            ],
            "signals": [
                (s.reporter, s.team, s.state)
                for s in db.exec(select(SignalRow).order_by(col(SignalRow.id))).all()
            ],
            "audit": [
                a.action
                for a in db.exec(select(AuditEntryRow).order_by(col(AuditEntryRow.seq))).all()
            ],
        }


def test_receiving_in_a_batch_writes_what_one_at_a_time_writes(
    casework: Casework, worker: CaseSession
) -> None:
    for _ in range(3):
        worker.receive_signal(SIGNAL, new_household())
    alone = rows(casework)
    with worker.batch() as batch:
        receipts = batch.receive_signals([(SIGNAL, new_household()) for _ in range(3)])
    batched = rows(casework)
    assert [h[2:] for h in batched["households"][3:]] == [h[2:] for h in alone["households"]]
    assert batched["households"][3][0] == alone["households"][0][0]
    assert batched["signals"][3:] == alone["signals"]
    assert batched["audit"][len(alone["audit"]) :] == alone["audit"]
    assert len({r.household for r in receipts}) == 3 and all(r.signal for r in receipts)
    assert chain_intact(casework)


def test_an_item_finds_the_household_an_earlier_item_made(worker: CaseSession) -> None:
    person = PersonIn(role="head", birth_date=date(1970, 5, 1), bsn="111222333")
    household = HouseholdIn(postcode="1234 AB", members=(person,))
    with worker.batch() as batch:
        first, second = batch.receive_signals([(SIGNAL, household), (SIGNAL, household)])
    assert first.household == second.household and first.signal != second.signal


def test_one_bad_item_writes_nothing_and_is_named(casework: Casework, worker: CaseSession) -> None:
    before = rows(casework)
    unserved = HouseholdIn(
        postcode="9999 ZZ", members=(PersonIn(role="head", birth_date=date(1970, 5, 1)),)
    )
    with (
        pytest.raises(RuleViolation, match=r"item 1: no team serves postcode 9999ZZ"),
        worker.batch() as batch,
    ):
        batch.receive_signals([(SIGNAL, new_household()), (SIGNAL, unserved)])
    assert rows(casework) == before


def test_a_role_that_does_not_receive_signals_is_refused_and_audited(
    casework: Casework,
) -> None:
    auditor = casework.as_actor(actor("auditor", "Otto", team=None))
    with pytest.raises(AccessDenied, match="does not receive signals"), auditor.batch() as batch:
        batch.receive_signals([(SIGNAL, new_household())])
    after = rows(casework)
    assert after["households"] == [] and after["audit"] == ["access.refused"]
