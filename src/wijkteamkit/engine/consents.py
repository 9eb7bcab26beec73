"""Recording and withdrawing consent, and deciding disclosures."""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.case import (
    ConsentIn,
    Role,
)
from ..domain.events import (
    ConsentChanged,
)
from ..store.tables import (
    ConsentRow,
    WithdrawalRow,
)
from .consent import Decision
from .errors import (
    RuleViolation,
)
from .process import (
    CaseState,
)
from .session import SessionBase


class ConsentOps(SessionBase):
    """Recording and withdrawing consent, and deciding disclosures."""

    def record_consent(self, consent: ConsentIn) -> int:
        """Record a resident's consent (never edited afterwards)."""
        unknown = sorted(consent.scope - {d.key for d in self.setup.life_domains})
        if unknown:
            raise RuleViolation(
                f"consent scope names unknown life domain(s) {', '.join(unknown)}",
                rule="life-domain",
            )
        with self._transaction() as db:
            household = self._household(db, consent.subject)
            self._require_team(db, household)
            if household.case_state in (CaseState.ASSESSED, CaseState.CONSENT_RECORDED):
                self._move(household, CaseState.CONSENT_RECORDED)
            elif household.case_state not in (CaseState.CONCEPT_PLAN, CaseState.FINAL_PLAN):
                self._move(household, CaseState.CONSENT_RECORDED)  # raises with the allowed steps
            row = ConsentRow(
                municipality=self.actor.municipality,
                household_id=consent.subject,
                purpose=consent.purpose,
                recipients=sorted(consent.recipients),
                scope=sorted(consent.scope),
                valid_from=consent.valid_from,
                valid_to=consent.valid_to,
                form=consent.form,
                given_at=self._now(),
                recorded_by=self.actor.id,
            )
            db.add(row)
            db.flush()
            assert row.id is not None
            self._audit(
                db,
                "consent.given",
                consent.subject,
                detail={
                    "consent": row.id,
                    "purpose": consent.purpose,
                    "recipients": row.recipients,
                    "scope": row.scope,
                    "form": consent.form,
                },
            )
            consent_id = row.id
        self._announce(
            "wijkteamkit_consent_changed",
            ConsentChanged(
                municipality=self.actor.municipality,
                household=consent.subject,
                at=self._now(),
                actor=self.actor.id,
                consent=consent_id,
                change="given",
            ),
        )
        return consent_id

    def withdraw_consent(self, consent_id: int) -> None:
        """Withdraw a consent from now on: an append-only withdrawal record."""
        with self._transaction() as db:
            consent = self._get(db, ConsentRow, consent_id, "consent")
            household = self._household(db, consent.household_id)
            if self.actor.role is not Role.RESIDENT:
                self._require_team(db, household)
            db.add(
                WithdrawalRow(
                    municipality=self.actor.municipality,
                    consent_id=consent_id,
                    at=self._now(),
                    recorded_by=self.actor.id,
                )
            )
            self._audit(db, "consent.withdrawn", household.id, detail={"consent": consent_id})
            household_id = consent.household_id
        self._announce(
            "wijkteamkit_consent_changed",
            ConsentChanged(
                municipality=self.actor.municipality,
                household=household_id,
                at=self._now(),
                actor=self.actor.id,
                consent=consent_id,
                change="withdrawn",
            ),
        )

    def disclose(
        self,
        household_id: int,
        recipient: str,
        purpose: str,
        scope: Sequence[str],
        legal_basis: str | None = None,
    ) -> Decision:
        """Decide a disclosure to ``recipient``; record and audit it, permit or deny."""
        with self._transaction() as db:
            household = self._household(db, household_id)
            self._require_team(db, household)
            decision = self._decide(
                db, household_id, recipient, purpose, frozenset(scope), legal_basis
            )
        return decision
