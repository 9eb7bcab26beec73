"""Kitchen-table assessments and the escalations the rules propose after them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from ..domain import EscalationRule, EscalationTarget
from ..domain.case import (
    AssessmentIn,
)
from ..store.tables import (
    AssessmentRow,
    EscalationRow,
    HouseholdRow,
    SignalRow,
)
from .errors import (
    RuleViolation,
)
from .process import (
    CaseState,
    EscalationState,
)
from .session import SessionBase

REASSESSABLE = {
    CaseState.HOME_VISIT,
    CaseState.ASSESSED,
    CaseState.CONSENT_RECORDED,
    CaseState.CONCEPT_PLAN,
    CaseState.FINAL_PLAN,
}
"""States in which a (re)assessment may be recorded."""


@dataclass(frozen=True)
class AssessmentResult:
    """A recorded assessment and the escalations the municipality's rules proposed after it."""

    assessment: int
    proposed: tuple[int, ...]


class AssessmentOps(SessionBase):
    """Kitchen-table assessments and the escalations the rules propose after them."""

    def record_assessment(self, household_id: int, assessment: AssessmentIn) -> AssessmentResult:
        """Record a kitchen-table assessment; then evaluate the escalation rules on it."""
        domains = {d.key for d in self.setup.life_domains}
        unknown = sorted(set(assessment.scores) - domains)
        if unknown:
            raise RuleViolation(f"unknown life domain(s) {', '.join(unknown)}", rule="life-domain")
        with self._transaction() as db:
            household = self._household(db, household_id)
            self._require_team(db, household)
            if household.case_state not in REASSESSABLE:
                self._move(household, CaseState.ASSESSED)  # raises with the allowed steps
            if household.case_state in (CaseState.HOME_VISIT, CaseState.ASSESSED):
                self._move(household, CaseState.ASSESSED)
            row = AssessmentRow(
                municipality=self.actor.municipality,
                household_id=household_id,
                held_at=assessment.held_at,
                held_by=self.actor.id,
                scores=dict(assessment.scores),
                indicators=sorted(assessment.indicators),
                network=list(assessment.network),
                informal_carers=list(assessment.informal_carers),
                notes=dict(assessment.notes),
            )
            db.add(row)
            db.flush()
            assert row.id is not None
            proposed = self._propose(db, household, assessment)
            self._audit(
                db,
                "assessment.recorded",
                household_id,
                detail={"assessment": row.id, "proposed": [p.target for p in proposed]},
            )
            return AssessmentResult(row.id, tuple(p.id for p in proposed if p.id is not None))

    def _propose(
        self, db: Session, household: HouseholdRow, assessment: AssessmentIn
    ) -> list[EscalationRow]:
        signalled = db.exec(
            select(SignalRow.indicators).where(SignalRow.household_id == household.id)
        ).all()
        indicators = set(assessment.indicators).union(*map(set, signalled))
        open_targets = set(
            db.exec(
                select(EscalationRow.target).where(
                    EscalationRow.household_id == household.id,
                    col(EscalationRow.state).in_(
                        [EscalationState.PROPOSED, EscalationState.ACTIVE]
                    ),
                )
            ).all()
        )
        plan = self._active_plan(db, household.id or 0)
        proposals: list[EscalationRow] = []
        for rule in sorted(self.setup.escalation_rules, key=lambda r: (r.priority, r.key)):
            if rule.target in open_targets or not rule.fires(assessment.scores, indicators):
                continue
            target = self._target(rule)
            row = EscalationRow(
                municipality=self.actor.municipality,
                household_id=household.id or 0,
                plan_id=plan.id if plan else None,
                rule=rule.key,
                target=rule.target,
                handover=target.handover,
                state=EscalationState.PROPOSED,
                direct=rule.direct,
                legal_basis=rule.legal_basis,
                proposed_at=self._now(),
            )
            db.add(row)
            open_targets.add(rule.target)
            proposals.append(row)
        db.flush()
        return proposals

    def _target(self, rule: EscalationRule) -> EscalationTarget:
        target = self.setup.get("escalation_targets", rule.target)
        if not isinstance(target, EscalationTarget):
            raise RuleViolation(
                f"rule {rule.key!r} names unknown target {rule.target!r}", rule="escalation-target"
            )
        return target
