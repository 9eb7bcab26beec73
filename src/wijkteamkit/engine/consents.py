"""Recording and withdrawing consent, and deciding disclosures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table

from ..domain.case import (
    ConsentIn,
    Role,
)
from ..domain.consent import fold, fold_key
from ..domain.events import (
    ConsentChanged,
)
from ..store.bulk import insert_many, reserve_ids
from ..store.records import binding, binding_of
from ..store.tables import (
    ConsentRow,
    WithdrawalRow,
)
from .consent import Decision
from .context import Context, Tx
from .disclosures import decide_disclosure
from .errors import (
    RuleViolation,
    item,
)
from .inputs import require_known, require_not_future
from .lookups import household_in, households
from .moves import states, write_moves
from .process import (
    CaseState,
    move,
)
from .results import OperationResult

CONSENT: Table = ConsentRow.__table__  # type: ignore[attr-defined]
COLUMNS = tuple(column.name for column in CONSENT.columns)


class ConsentOps:
    """Recording and withdrawing consent, and deciding disclosures."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def record_consent(self, consent: ConsentIn) -> int:
        """Record a resident's consent (never edited afterwards)."""
        with self.context.transaction("record_consent") as tx:
            return self.record_consents_in(tx, [consent])[0]

    def record_consents_in(self, tx: Tx, consents: Sequence[ConsentIn]) -> list[int]:
        """Record each of ``consents`` in ``tx``, in order; return their ids.

        Every item is checked before anything is written; an error names the item that failed
        (``item 3: ...``) and leaves nothing of the batch. Each consent row is bound to its
        audit entry (``detail["record"]``, :func:`~wijkteamkit.store.records.binding_of`) and
        announced (:class:`ConsentChanged`) after commit.
        """
        if not consents:
            return []
        folded: list[tuple[str, list[str]]] = []
        for index, consent in enumerate(consents):
            with item(index, len(consents)):
                folded.append(self._checked(consent, tx))
        found = households(tx, {consent.subject for consent in consents})
        read = states(found)
        for index, consent in enumerate(consents):
            with item(index, len(consents)):
                household = household_in(tx, found, consent.subject)
                tx.require_team(household)
                if household.case_state in (CaseState.ASSESSED, CaseState.CONSENT_RECORDED):
                    move(household, CaseState.CONSENT_RECORDED)
                elif household.case_state not in (CaseState.CONCEPT_PLAN, CaseState.FINAL_PLAN):
                    move(household, CaseState.CONSENT_RECORDED)  # raises with the allowed steps
        ids = reserve_ids(tx.connection, CONSENT, len(consents))
        rows: list[dict[str, Any]] = [
            {
                "id": consent_id,
                "municipality": tx.actor.municipality,
                "household_id": consent.subject,
                "purpose": purpose,
                "recipients": recipients,
                "scope": sorted(consent.scope),
                "valid_from": consent.valid_from,
                "valid_to": consent.valid_to,
                "form": consent.form,
                "given_at": tx.now,
                "recorded_by": tx.actor.id,
            }
            for consent_id, consent, (purpose, recipients) in zip(
                ids, consents, folded, strict=True
            )
        ]
        insert_many(tx.connection, CONSENT, COLUMNS, rows)
        for consent, row, consent_id in zip(consents, rows, ids, strict=True):
            tx.audit(
                "consent.given",
                consent.subject,
                detail={
                    "consent": consent_id,
                    "purpose": row["purpose"],
                    "recipients": row["recipients"],
                    "scope": row["scope"],
                    "form": row["form"],
                    "record": binding_of(CONSENT, row),
                },
            )
            tx.announce(ConsentChanged, consent.subject, consent=consent_id, change="given")
        write_moves(tx, found, read)
        return ids

    def _checked(self, consent: ConsentIn, tx: Tx) -> tuple[str, list[str]]:
        """What the input model cannot know checked (the setup's domains, the clock, the
        policy); the purpose and the recipients folded, as they are stored."""
        unknown = sorted(consent.scope - {d.key for d in tx.setup.life_domains})
        if unknown:
            raise RuleViolation(
                f"consent scope names unknown life domain(s) {', '.join(unknown)}",
                rule="life-domain",
            )
        require_not_future(consent.valid_from, tx.now, "valid_from")
        if consent.form == "spoken" and tx.policy.written_required:
            raise RuleViolation(
                "the consent policy requires written consent; record the resident's written "
                "consent instead of a spoken one",
                rule="written-consent",
            )
        purpose = _folded("consent purpose", consent.purpose, fold)
        recipients = sorted({_folded("consent recipient", r, fold) for r in consent.recipients})
        return purpose, recipients

    def withdraw_consent(self, consent_id: int) -> OperationResult:
        """Withdraw a consent from now on: an append-only withdrawal record."""
        with self.context.transaction("withdraw_consent") as tx:
            consent = tx.get(ConsentRow, consent_id, "consent")
            household = tx.household(consent.household_id)
            if self.context.actor.role is not Role.RESIDENT:
                tx.require_team(household)
            withdrawal = WithdrawalRow(
                municipality=self.context.actor.municipality,
                consent_id=consent_id,
                at=tx.now,
                recorded_by=self.context.actor.id,
            )
            tx.db.add(withdrawal)
            tx.db.flush()
            tx.audit(
                "consent.withdrawn",
                household.id,
                detail={"consent": consent_id, "record": binding(withdrawal)},
            )
            tx.announce(
                ConsentChanged, consent.household_id, consent=consent_id, change="withdrawn"
            )
        return self.context.result()

    def disclose(
        self,
        household_id: int,
        recipient: str,
        purpose: str,
        scope: Sequence[str],
        legal_basis: str | None = None,
    ) -> Decision:
        """Decide a disclosure to ``recipient``; record and audit it, permit or deny.

        Recipient, purpose, scope and legal basis are folded first (see
        :func:`~wijkteamkit.domain.consent.fold`); ``Decision.explain()`` says why a refusal.
        """
        recipient = _folded("recipient", recipient, fold)
        purpose = _folded("purpose", purpose, fold)
        scope = [_folded("scope", key, fold_key) for key in scope]
        domains = [d.key for d in self.context.setup.life_domains]
        require_known(scope, domains, "life domain(s) in the scope", "life-domain")
        if legal_basis is not None:
            legal_basis = _folded("legal basis", legal_basis, fold_key)
        with self.context.transaction("disclose") as tx:
            household = tx.household(household_id)
            tx.require_team(household)
            decision = decide_disclosure(
                tx, household_id, recipient, purpose, frozenset(scope), legal_basis
            )
        return decision


def _folded(what: str, text: str, folding: Callable[[str], str]) -> str:
    """``text`` folded, or a :class:`RuleViolation` naming ``what`` (never repeating the text)."""
    try:
        return folding(text)
    except ValueError as exc:
        raise RuleViolation(f"the {what} {exc}", rule="folded-text") from None
