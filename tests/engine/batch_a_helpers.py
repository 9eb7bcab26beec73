"""Helpers for the batch tests of triage, assessments and consents: a batch's transaction, new
households brought to a stage, and a household's rows and audit entries without their ids."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from case_helpers import T0, actor
from sqlmodel import Session, col, select

from wijkteamkit import Signal
from wijkteamkit.domain.case import HouseholdIn, PersonIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.context import Tx
from wijkteamkit.store.audit import verify
from wijkteamkit.store.tables import (
    AssessmentRow,
    AuditEntryRow,
    ConsentRow,
    EscalationRow,
    HouseholdRow,
    SignalRow,
)

_NUMBERS = itertools.count(1)

IDS = ("assessment", "signal", "consent", "record")
"""Keys of an audit entry's detail that hold ids (a record binding's digest covers its id)."""


@contextmanager
def batch(session: CaseSession) -> Iterator[Tx]:
    """One transaction of ``session``'s actor, for the plural ``*_in`` methods."""
    with session.context.transaction("batch") as tx:
        yield tx


def received(worker: CaseSession, indicators: frozenset[str] = frozenset()) -> tuple[int, int]:
    """A new household (no BSN, an address of its own) and its signal: (household, signal)."""
    receipt = worker.receive_signal(
        Signal(reporter="gp", received_at=T0, summary="zorgen", indicators=indicators),
        HouseholdIn(
            postcode="1234 AB",
            house_number=next(_NUMBERS),
            members=(PersonIn(role="head", birth_date=date(1970, 5, 1)),),
        ),
    )
    return receipt.household, receipt.signal


def triaged(worker: CaseSession, indicators: frozenset[str] = frozenset()) -> int:
    """A new household whose signal was triaged integral (a home visit): ready to assess."""
    household, signal = received(worker, indicators)
    worker.triage(signal, integral=True)
    return household


def other_team(casework: Casework) -> CaseSession:
    """A worker of a team that does not serve the households made here."""
    return CaseSession(casework, actor("worker", "sven", team="team-elders"))


def _plain(detail: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in detail.items() if key not in IDS}


def rows(casework: Casework, household: int) -> dict[str, Any]:
    """A household's case as its rows without ids, and its audit entries without ids."""
    with Session(casework.engine) as db:
        home = db.get(HouseholdRow, household)
        assert home is not None
        signals = db.exec(
            select(SignalRow).where(SignalRow.household_id == household).order_by(col(SignalRow.id))
        ).all()
        assessments = db.exec(
            select(AssessmentRow)
            .where(AssessmentRow.household_id == household)
            .order_by(col(AssessmentRow.id))
        ).all()
        escalations = db.exec(
            select(EscalationRow)
            .where(EscalationRow.household_id == household)
            .order_by(col(EscalationRow.id))
        ).all()
        consents = db.exec(
            select(ConsentRow)
            .where(ConsentRow.household_id == household)
            .order_by(col(ConsentRow.id))
        ).all()
        entries = db.exec(
            select(AuditEntryRow)
            .where(AuditEntryRow.subject == household)
            .order_by(col(AuditEntryRow.seq))
        ).all()
        return {
            "case": home.case_state,
            "signals": [(s.state, s.triage, s.indicators) for s in signals],
            "assessments": [
                (
                    a.held_at,
                    a.held_by,
                    a.scores,
                    a.indicators,
                    a.network,
                    a.informal_carers,
                    a.notes,
                )
                for a in assessments
            ],
            "escalations": [
                (
                    e.rule,
                    e.target,
                    e.state,
                    e.handover,
                    e.direct,
                    e.legal_basis,
                    e.plan_id is not None,
                    e.version,
                )
                for e in escalations
            ],
            "consents": [
                (c.purpose, c.recipients, c.scope, c.valid_from, c.valid_to, c.form, c.recorded_by)
                for c in consents
            ],
            "audit": [(e.action, e.actor, e.outcome, e.reason, _plain(e.detail)) for e in entries],
        }


def counts(casework: Casework) -> dict[str, int]:
    """How many rows each table these batches write holds."""
    with Session(casework.engine) as db:
        return {
            table.__tablename__: len(db.exec(select(table)).all())
            for table in (
                HouseholdRow,
                SignalRow,
                AssessmentRow,
                EscalationRow,
                ConsentRow,
                AuditEntryRow,
            )
        }


def actions(casework: Casework) -> list[tuple[str, str | None]]:
    """Every audit entry's action and reason, in chain order."""
    with Session(casework.engine) as db:
        return list(
            db.exec(
                select(AuditEntryRow.action, AuditEntryRow.reason).order_by(col(AuditEntryRow.seq))
            ).all()
        )


def chain_intact(casework: Casework) -> bool:
    """The audit chain verifies, the records it binds included."""
    with Session(casework.engine) as db:
        return verify(db) == []


def served_by_another_team(casework: Casework, household: int) -> None:
    """Make ``household`` another team's (as if its neighbourhood were theirs)."""
    with Session(casework.engine) as db:
        home = db.get(HouseholdRow, household)
        assert home is not None
        home.team = "team-elders"
        db.commit()
