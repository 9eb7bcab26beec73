"""Deciding disclosures inside an operation: decide, record each decision, audit, announce.

:func:`decide_disclosures` decides many at once (the consent records of every household read
with one query per table) and records the decisions with one ``executemany``, each bound to its
audit entry (:func:`~wijkteamkit.store.records.binding_of`); :func:`decide_disclosure` is that
with one. The rows are written through :func:`~wijkteamkit.store.bulk.insert_many` with their ids
reserved up front, so the record's digest is of exactly the values written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Table

from ..domain.events import DisclosureDecided
from ..problems import describe
from ..store.bulk import insert_new
from ..store.records import binding_of
from ..store.tables import DisclosureRow
from .consent import Decision, DisclosureRequest, decide
from .context import Tx
from .errors import RuleViolation, item
from .lookups import consent_records_of

DISCLOSURE: Table = DisclosureRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Asked:
    """A disclosure to decide: may ``recipient`` learn ``scope`` of the household for
    ``purpose`` (under ``legal_basis``, if any)?"""

    household: int
    recipient: str
    purpose: str
    scope: frozenset[str]
    legal_basis: str | None = None


def decide_disclosure(
    tx: Tx,
    household_id: int,
    recipient: str,
    purpose: str,
    scope: frozenset[str],
    legal_basis: str | None,
) -> Decision:
    """Decide whether ``recipient`` may learn ``scope`` of the household for ``purpose``; the
    decision (permit or deny) is recorded, bound to its audit entry, and announced."""
    asked = [Asked(household_id, recipient, purpose, scope, legal_basis)]
    return record_decisions(tx, asked, decide_all(tx, asked))[0]


def decide_disclosures(tx: Tx, asked: Sequence[Asked]) -> list[Decision]:
    """:func:`decide_disclosure` for each of ``asked``, in order."""
    return record_decisions(tx, asked, decide_all(tx, asked))


def decide_all(tx: Tx, asked: Sequence[Asked]) -> list[Decision]:
    """The decisions on ``asked`` (nothing recorded yet: see :func:`record_decisions`)."""
    requests = []
    for index, a in enumerate(asked):
        with item(index, len(asked)):
            requests.append(_request(tx, a))
    records = consent_records_of(tx, {a.household for a in asked})
    return [
        decide(request, records.get(a.household, []), tx.policy, tx.now)
        for a, request in zip(asked, requests, strict=True)
    ]


def record_decisions(
    tx: Tx, asked: Sequence[Asked], decisions: Sequence[Decision]
) -> list[Decision]:
    """Record the decisions (one ``executemany``), audit each bound to its record, announce."""
    rows: list[dict[str, Any]] = [
        {
            "municipality": tx.actor.municipality,
            "household_id": a.household,
            "requester": tx.actor.id,
            "recipient": a.recipient,
            "purpose": a.purpose,
            "scope": sorted(a.scope),
            "legal_basis": a.legal_basis,
            "outcome": d.outcome,
            "reason": d.reason.value,
            "basis": d.basis,
            "granted": sorted(d.granted),
            "at": tx.now,
        }
        for a, d in zip(asked, decisions, strict=True)
    ]
    if not rows:
        return []
    insert_new(tx.connection, DISCLOSURE, rows)
    for row, a, decision in zip(rows, asked, decisions, strict=True):
        tx.audit(
            "disclosure.decided",
            a.household,
            detail={
                "recipient": a.recipient,
                "purpose": a.purpose,
                "scope": row["scope"],
                "granted": row["granted"],
                "basis": decision.basis,
                "record": binding_of(DISCLOSURE, row),
            },
            outcome=decision.outcome,
            reason=decision.reason.value,
            legal_basis=a.legal_basis,
        )
        tx.announce(
            DisclosureDecided,
            a.household,
            recipient=a.recipient,
            purpose=a.purpose,
            outcome=decision.outcome,
            reason=decision.reason.value,
            basis=decision.basis,
        )
    return list(decisions)


def _request(tx: Tx, asked: Asked) -> DisclosureRequest:
    try:
        return DisclosureRequest(
            subject=asked.household,
            requester=tx.actor,
            recipient=asked.recipient,
            purpose=asked.purpose,
            scope=asked.scope,
            legal_basis=asked.legal_basis,
        )
    except ValidationError as exc:
        raise RuleViolation(
            f"the disclosure request is not acceptable ({describe(exc)})", rule="disclosure"
        ) from None
