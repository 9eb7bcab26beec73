"""Escalation with a named responsible party, and de-escalation.

Confirm, reject and de-escalate are guarded state transitions. Each locks the household row and
then the escalation row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every engine
transaction holds the write lock from ``BEGIN IMMEDIATE``), re-reads them, and only then checks
the transition, so of two concurrent attempts the second sees what the first did and fails with
:class:`IllegalTransition` (or :class:`RuleViolation` for a second transfer). The escalation's
version column (``version_id_col``) refuses any write based on a stale read with
:class:`ConflictError`; partial unique indexes keep one active transfer per household and one
open escalation per household and target even for writes that bypass the engine.
"""

from __future__ import annotations

from pydantic import TypeAdapter
from sqlmodel import col, select

from ..domain.case import (
    Role,
)
from ..domain.common import Line, Text
from ..domain.events import (
    DeEscalated,
    Escalated,
)
from ..store.tables import (
    AssessmentRow,
    EscalationRow,
    HouseholdRow,
)
from .context import CASEWORK, Context, Tx
from .disclosures import decide_disclosure
from .errors import (
    ConsentRequired,
    IllegalTransition,
    RuleViolation,
)
from .inputs import require_valid
from .lookups import active_plan
from .process import (
    ESCALATION,
    CaseState,
    EscalationState,
)
from .results import OperationResult


class EscalationOps:
    """Escalation with a named responsible party, and de-escalation (see the module)."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def confirm_escalation(
        self, escalation_id: int, responsible: str, organisation: str
    ) -> OperationResult:
        """The team leader confirms a proposed escalation with a named responsible party.

        The hand-over is a disclosure to the target and goes through the consent decision (under
        the rule's legal basis for a direct approach); a transfer moves the plan's lead to the
        target, a referral only shares the case. At most one transfer is active per household:
        confirming another while one is active is refused (de-escalate that one first).
        """

        responsible = require_valid(
            _LINE, responsible, "responsible-party", "the responsible party"
        )
        organisation = require_valid(_LINE, organisation, "responsible-party", "the organisation")
        with self.context.transaction("confirm_escalation") as tx:
            row, household = self._locked(tx, escalation_id)
            tx.require_team(household, (Role.TEAM_LEADER,))
            ESCALATION.check(row.state, EscalationState.ACTIVE, f"escalation {escalation_id}")
            if household.case_state == CaseState.CLOSED:
                raise IllegalTransition(
                    f"the case of household {row.household_id} is closed; reopen it with a new "
                    "signal before escalating"
                )
            if row.handover == "transfer":
                self._refuse_second_transfer(tx, row)
            scope = self._latest_scope(tx, row.household_id)
            decision = decide_disclosure(
                tx, row.household_id, row.target, CASEWORK, scope, row.legal_basis
            )
            if not decision.permitted:
                tx.keep()  # keep the audited refusal
                raise ConsentRequired(
                    f"hand-over of household {row.household_id} to {row.target!r} "
                    f"({decision.reason.value}): {decision.explain()}"
                )
            plan = active_plan(tx, row.household_id)
            row.previous_lead = plan.lead if plan else household.team
            if row.handover == "transfer" and plan is not None:
                plan.lead = row.target
            row.state = EscalationState.ACTIVE
            row.responsible, row.responsible_organisation = responsible, organisation
            row.confirmed_by, row.confirmed_at = self.context.actor.id, tx.now
            row.plan_id = plan.id if plan else row.plan_id
            tx.audit(
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
            tx.announce(
                Escalated,
                row.household_id,
                escalation=escalation_id,
                target=row.target,
                handover=row.handover,
                responsible=responsible,
                legal_basis=row.legal_basis,
            )
        return self.context.result()

    def reject_escalation(self, escalation_id: int, why: str) -> OperationResult:
        """The team leader decides a proposed escalation is not needed, and says why.

        The reason is case text: it is kept on the escalation (and erased with the household),
        not in the append-only audit log.
        """
        why = require_valid(_TEXT, why, "rejection", "the reason for rejecting")
        with self.context.transaction("reject_escalation") as tx:
            row, household = self._locked(tx, escalation_id)
            tx.require_team(household, (Role.TEAM_LEADER,))
            ESCALATION.check(row.state, EscalationState.REJECTED, f"escalation {escalation_id}")
            row.state = EscalationState.REJECTED
            row.ended_at = tx.now
            row.rejected_because = why
            tx.audit(
                "escalation.rejected",
                row.household_id,
                detail={"escalation": escalation_id},
            )
        return self.context.result()

    def de_escalate(self, escalation_id: int) -> OperationResult:
        """End an active escalation, once: a transfer hands the lead back to whoever held it
        before that transfer (never left with the target); a referral leaves the lead as it is."""
        with self.context.transaction("de_escalate") as tx:
            row, household = self._locked(tx, escalation_id)
            tx.require_team(household, (Role.TEAM_LEADER,))
            ESCALATION.check(row.state, EscalationState.ENDED, f"escalation {escalation_id}")
            plan = active_plan(tx, row.household_id)
            team = (plan.team if plan else household.team) or ""
            lead = plan.lead if plan else team
            if row.handover == "transfer" or lead == row.target:
                previous = row.previous_lead
                lead = previous if previous and previous != row.target else team
                if plan is not None:
                    plan.lead = lead
            row.state = EscalationState.ENDED
            row.ended_at = tx.now
            tx.audit(
                "escalation.ended",
                row.household_id,
                detail={"escalation": escalation_id, "target": row.target, "lead": lead},
            )
            tx.announce(
                DeEscalated,
                row.household_id,
                escalation=escalation_id,
                target=row.target,
                lead=lead,
            )
        return self.context.result()

    def _locked(self, tx: Tx, escalation_id: int) -> tuple[EscalationRow, HouseholdRow]:
        """The escalation and its household, locked (household first) and read afresh."""
        row = tx.get(EscalationRow, escalation_id, "escalation")
        household = tx.household(row.household_id)
        tx.db.refresh(household, with_for_update=True)
        tx.db.refresh(row, with_for_update=True)
        return row, household

    def _refuse_second_transfer(self, tx: Tx, row: EscalationRow) -> None:
        active = tx.db.exec(
            select(EscalationRow).where(
                EscalationRow.household_id == row.household_id,
                EscalationRow.handover == "transfer",
                EscalationRow.state == EscalationState.ACTIVE,
                col(EscalationRow.id) != row.id,
            )
        ).first()
        if active is not None:
            raise RuleViolation(
                f"household {row.household_id} already has an active transfer of the lead "
                f"(escalation {active.id} to {active.target!r}); de-escalate it first",
                rule="one-active-transfer",
            )

    def _latest_scope(self, tx: Tx, household_id: int) -> frozenset[str]:
        latest = tx.db.exec(
            select(AssessmentRow)
            .where(AssessmentRow.household_id == household_id)
            .order_by(col(AssessmentRow.held_at).desc())
        ).first()
        return (
            frozenset(latest.scores)
            if latest
            else frozenset(d.key for d in self.context.setup.life_domains)
        )


_LINE: TypeAdapter[str] = TypeAdapter(Line)
_TEXT: TypeAdapter[str] = TypeAdapter(Text)
