"""Escalation with a named responsible party, and de-escalation."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..domain.case import (
    Role,
)
from ..domain.events import (
    DeEscalated,
    Escalated,
)
from ..store.tables import (
    AssessmentRow,
    EscalationRow,
)
from .errors import (
    ConsentRequired,
    RuleViolation,
)
from .process import (
    ESCALATION,
    EscalationState,
)
from .session import CASEWORK, SessionBase


class EscalationOps(SessionBase):
    """Escalation with a named responsible party, and de-escalation."""

    def confirm_escalation(self, escalation_id: int, responsible: str, organisation: str) -> None:
        """The team leader confirms a proposed escalation with a named responsible party.

        The hand-over is a disclosure to the target and goes through the consent decision (under
        the rule's legal basis for a direct approach); a transfer moves the plan's lead to the
        target, a referral only shares the case.
        """
        if not responsible.strip() or not organisation.strip():
            raise RuleViolation(
                "an escalation needs a named responsible party and organisation",
                rule="responsible-party",
            )
        with self._transaction() as db:
            row = self._get(db, EscalationRow, escalation_id, "escalation")
            household = self._household(db, row.household_id)
            self._require_team(db, household, (Role.TEAM_LEADER,))
            ESCALATION.check(row.state, EscalationState.ACTIVE, f"escalation {escalation_id}")
            scope = self._latest_scope(db, row.household_id)
            decision = self._decide(
                db, row.household_id, row.target, CASEWORK, scope, row.legal_basis
            )
            if not decision.permitted:
                self._commit(db)  # keep the audited refusal
                raise ConsentRequired(
                    f"hand-over of household {row.household_id} to {row.target!r} refused: "
                    f"{decision.reason.value}; record consent for recipient {row.target!r} and "
                    f"purpose {CASEWORK!r}, or use a legal basis in the consent policy"
                )
            plan = self._active_plan(db, row.household_id)
            row.previous_lead = plan.lead if plan else household.team
            if row.handover == "transfer" and plan is not None:
                plan.lead = row.target
            row.state = EscalationState.ACTIVE
            row.responsible, row.responsible_organisation = responsible, organisation
            row.confirmed_by, row.confirmed_at = self.actor.id, self._now()
            row.plan_id = plan.id if plan else row.plan_id
            self._audit(
                db,
                "escalation.confirmed",
                row.household_id,
                legal_basis=row.legal_basis,
                detail={
                    "escalation": escalation_id,
                    "target": row.target,
                    "handover": row.handover,
                    "responsible": responsible,
                    "organisation": organisation,
                    "previous_lead": row.previous_lead,
                },
            )
            event = Escalated(
                municipality=self.actor.municipality,
                household=row.household_id,
                at=self._now(),
                actor=self.actor.id,
                escalation=escalation_id,
                target=row.target,
                handover=row.handover,
                responsible=responsible,
                legal_basis=row.legal_basis,
            )
        self._announce("wijkteamkit_escalated", event)

    def reject_escalation(self, escalation_id: int, why: str) -> None:
        """The team leader decides a proposed escalation is not needed."""
        with self._transaction() as db:
            row = self._get(db, EscalationRow, escalation_id, "escalation")
            household = self._household(db, row.household_id)
            self._require_team(db, household, (Role.TEAM_LEADER,))
            ESCALATION.check(row.state, EscalationState.REJECTED, f"escalation {escalation_id}")
            row.state = EscalationState.REJECTED
            row.ended_at = self._now()
            self._audit(
                db,
                "escalation.rejected",
                row.household_id,
                detail={"escalation": escalation_id, "why": why},
            )

    def de_escalate(self, escalation_id: int) -> None:
        """End an active escalation: the lead returns to where it was before."""
        with self._transaction() as db:
            row = self._get(db, EscalationRow, escalation_id, "escalation")
            household = self._household(db, row.household_id)
            self._require_team(db, household, (Role.TEAM_LEADER,))
            ESCALATION.check(row.state, EscalationState.ENDED, f"escalation {escalation_id}")
            plan = self._active_plan(db, row.household_id)
            lead = row.previous_lead or household.team or ""
            if row.handover == "transfer" and plan is not None:
                plan.lead = lead
            row.state = EscalationState.ENDED
            row.ended_at = self._now()
            self._audit(
                db,
                "escalation.ended",
                row.household_id,
                detail={"escalation": escalation_id, "target": row.target, "lead": lead},
            )
            event = DeEscalated(
                municipality=self.actor.municipality,
                household=row.household_id,
                at=self._now(),
                actor=self.actor.id,
                escalation=escalation_id,
                target=row.target,
                lead=lead,
            )
        self._announce("wijkteamkit_de_escalated", event)

    def _latest_scope(self, db: Session, household_id: int) -> frozenset[str]:
        latest = db.exec(
            select(AssessmentRow)
            .where(AssessmentRow.household_id == household_id)
            .order_by(col(AssessmentRow.held_at).desc())
        ).first()
        return (
            frozenset(latest.scores)
            if latest
            else frozenset(d.key for d in self.setup.life_domains)
        )
