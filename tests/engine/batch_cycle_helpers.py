"""Helpers for the batch tests of plans, escalations and the facade: households brought to a
stage one at a time, and what a household's rows look like without their ids."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from case_helpers import T0, assessment, consent
from sqlmodel import Session, col, select

from wijkteamkit import Signal
from wijkteamkit.domain.case import HouseholdIn, PersonIn, PlanIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.store.audit import verify
from wijkteamkit.store.tables import (
    AuditEntryRow,
    DisclosureRow,
    EscalationRow,
    HouseholdRow,
    PlanRow,
)

_NUMBERS = itertools.count(1)


def new_household() -> HouseholdIn:
    """A new household: no BSN, an address of its own (so no earlier household matches it)."""
    return HouseholdIn(
        postcode="1234 AB",
        house_number=next(_NUMBERS),
        members=(PersonIn(role="head", birth_date=date(1970, 5, 1)),),
    )


SIGNAL = Signal(reporter="gp", received_at=T0, summary="zorgen over schulden")
PLAN = PlanIn(
    goals=[{"domain": "financien", "goal": "Schulden op orde"}],
    actions=[
        {
            "description": "Budgetcursus in de wijk",
            "domain": "financien",
            "actor": "self",
            "rung": "algemene_voorziening",
            "provision": "schoonmaak",
        }
    ],
)


def consented(worker: CaseSession, recipients: set[str] | None = None) -> tuple[int, int]:
    """A household assessed with problems (the rules propose the multi-problem team) and its
    consent recorded: (household, proposed escalation)."""
    household, signal = worker.receive_signal(SIGNAL, new_household())
    worker.triage(signal, integral=True)
    (proposed,) = worker.record_assessment(household, assessment()).proposed
    worker.record_consent(consent(household, recipients))
    return household, proposed


def snapshot(casework: Casework, household: int) -> dict[str, Any]:
    """A household's case as rows without ids or times: what batch and one-at-a-time must
    agree on."""
    with Session(casework.engine) as db:
        row = db.get(HouseholdRow, household)
        assert row is not None
        plans = db.exec(select(PlanRow).where(PlanRow.household_id == household)).all()
        escalations = db.exec(
            select(EscalationRow)
            .where(EscalationRow.household_id == household)
            .order_by(col(EscalationRow.id))
        ).all()
        disclosures = db.exec(
            select(DisclosureRow).where(DisclosureRow.household_id == household)
        ).all()
        actions = db.exec(
            select(AuditEntryRow.action, AuditEntryRow.outcome)
            .where(AuditEntryRow.subject == household)
            .order_by(col(AuditEntryRow.seq))
        ).all()
        return {
            "case": (row.case_state, row.closed_at is not None),
            "plans": [
                (p.state, p.team, p.case_director, p.lead, p.content, p.version, p.finalised_at)
                for p in plans
            ],
            "escalations": [
                (
                    e.target,
                    e.state,
                    e.responsible,
                    e.responsible_organisation,
                    e.confirmed_by,
                    e.previous_lead,
                    e.plan_id is not None,
                    e.version,
                    e.rejected_because,
                )
                for e in escalations
            ],
            "disclosures": [
                (d.recipient, d.purpose, d.scope, d.outcome, d.reason, d.granted)
                for d in disclosures
            ],
            "audit": list(actions),
        }


def counts(casework: Casework) -> dict[str, int]:
    """How many rows each table the batches write holds."""
    with Session(casework.engine) as db:
        return {
            table.__tablename__: len(db.exec(select(table)).all())  # type: ignore[attr-defined]
            for table in (PlanRow, EscalationRow, DisclosureRow, AuditEntryRow)
        }


def chain_intact(casework: Casework) -> bool:
    with Session(casework.engine) as db:
        return verify(db) == []
