"""Deciding a disclosure inside an operation: decide, record the decision, audit, announce."""

from __future__ import annotations

from pydantic import ValidationError

from ..domain.events import DisclosureDecided
from ..problems import describe
from ..store.records import binding
from ..store.tables import DisclosureRow
from .consent import Decision, DisclosureRequest, decide
from .context import Tx
from .errors import RuleViolation
from .lookups import consent_records


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
    try:
        request = DisclosureRequest(
            subject=household_id,
            requester=tx.actor,
            recipient=recipient,
            purpose=purpose,
            scope=scope,
            legal_basis=legal_basis,
        )
    except ValidationError as exc:
        raise RuleViolation(
            f"the disclosure request is not acceptable ({describe(exc)})", rule="disclosure"
        ) from None
    decision = decide(request, consent_records(tx, household_id), tx.policy, tx.now)
    row = DisclosureRow(
        municipality=tx.actor.municipality,
        household_id=household_id,
        requester=tx.actor.id,
        recipient=recipient,
        purpose=purpose,
        scope=sorted(scope),
        legal_basis=legal_basis,
        outcome=decision.outcome,
        reason=decision.reason.value,
        basis=decision.basis,
        granted=sorted(decision.granted),
        at=tx.now,
    )
    tx.db.add(row)
    tx.db.flush()
    tx.audit(
        "disclosure.decided",
        household_id,
        detail={
            "recipient": recipient,
            "purpose": purpose,
            "scope": sorted(scope),
            "granted": sorted(decision.granted),
            "basis": decision.basis,
            "record": binding(row),
        },
        outcome=decision.outcome,
        reason=decision.reason.value,
        legal_basis=legal_basis,
    )
    tx.announce(
        DisclosureDecided,
        household_id,
        recipient=recipient,
        purpose=purpose,
        outcome=decision.outcome,
        reason=decision.reason.value,
        basis=decision.basis,
    )
    return decision
