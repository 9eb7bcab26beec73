"""Kitchen-table assessments and the escalations the rules propose after them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from ..domain import EscalationRule, EscalationTarget
from ..domain.case import (
    AssessmentIn,
)
from ..store.tables import (
    OPEN_ESCALATION,
    AssessmentRow,
    EscalationRow,
    HouseholdRow,
    SignalRow,
)
from .context import Context, Tx
from .errors import (
    RuleViolation,
)
from .inputs import require_known, require_not_future
from .lookups import active_plan
from .process import (
    CaseState,
    EscalationState,
    move,
)
from .results import OperationResult

REASSESSABLE = {
    CaseState.HOME_VISIT,
    CaseState.ASSESSED,
    CaseState.CONSENT_RECORDED,
    CaseState.CONCEPT_PLAN,
    CaseState.FINAL_PLAN,
}
"""States in which a (re)assessment may be recorded."""


@dataclass(frozen=True, kw_only=True)
class AssessmentResult(OperationResult):
    """A recorded assessment and the escalations the municipality's rules proposed after it
    (only new ones: a target with an open escalation gets no second proposal)."""

    assessment: int
    proposed: tuple[int, ...]


class AssessmentOps:
    """Kitchen-table assessments and the escalations the rules propose after them."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def record_assessment(self, household_id: int, assessment: AssessmentIn) -> AssessmentResult:
        """Record a kitchen-table assessment; then evaluate the escalation rules on it."""

        domains = [d.key for d in self.context.setup.life_domains]
        require_known(assessment.scores, domains, "life domain(s)", "life-domain")
        require_known(assessment.notes, domains, "life domain(s) in notes", "life-domain")
        indicators = [i.key for i in self.context.setup.indicators]
        require_known(assessment.indicators, indicators, "indicator(s)", "indicator")
        require_not_future(assessment.held_at, self.context.now(), "held_at")
        with self.context.transaction("record_assessment") as tx:
            household = tx.household(household_id)
            tx.require_team(household)
            if household.case_state not in REASSESSABLE:
                move(household, CaseState.ASSESSED)  # raises with the allowed steps
            if household.case_state in (CaseState.HOME_VISIT, CaseState.ASSESSED):
                move(household, CaseState.ASSESSED)
            row = AssessmentRow(
                municipality=self.context.actor.municipality,
                household_id=household_id,
                held_at=assessment.held_at,
                held_by=self.context.actor.id,
                scores=dict(assessment.scores),
                indicators=sorted(assessment.indicators),
                network=list(assessment.network),
                informal_carers=list(assessment.informal_carers),
                notes=dict(assessment.notes),
            )
            tx.db.add(row)
            tx.db.flush()
            assert row.id is not None
            proposed = self._propose(tx, household, assessment)
            tx.audit(
                "assessment.recorded",
                household_id,
                detail={"assessment": row.id, "proposed": [target for _, target in proposed]},
            )
            assessment_id = row.id
        return AssessmentResult(
            assessment=assessment_id,
            proposed=tuple(escalation for escalation, _ in proposed),
            hook_failures=self.context.hook_failures,
        )

    def _propose(
        self, tx: Tx, household: HouseholdRow, assessment: AssessmentIn
    ) -> list[tuple[int, str]]:
        """Propose what the rules fire for, at most one open escalation per target: (id, target).

        ``INSERT ... ON CONFLICT DO NOTHING`` on the partial unique index: a proposal that a
        concurrent assessment made first is skipped, not an error.
        """
        signalled = tx.db.exec(
            select(SignalRow.indicators).where(SignalRow.household_id == household.id)
        ).all()
        indicators = set(assessment.indicators).union(*map(set, signalled))
        open_targets = set(
            tx.db.exec(
                select(EscalationRow.target).where(
                    EscalationRow.household_id == household.id,
                    col(EscalationRow.state).in_(
                        [EscalationState.PROPOSED, EscalationState.ACTIVE]
                    ),
                )
            ).all()
        )
        plan = active_plan(tx, household.id or 0)
        insert = (
            postgresql_insert if tx.db.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        proposals: list[tuple[int, str]] = []
        for rule in sorted(self.context.setup.escalation_rules, key=lambda r: (r.priority, r.key)):
            if rule.target in open_targets or not rule.fires(assessment.scores, indicators):
                continue
            target = self._target(rule)
            statement = (
                insert(EscalationRow)
                .values(
                    municipality=self.context.actor.municipality,
                    household_id=household.id or 0,
                    plan_id=plan.id if plan else None,
                    rule=rule.key,
                    target=rule.target,
                    handover=target.handover,
                    state=EscalationState.PROPOSED,
                    direct=rule.direct,
                    legal_basis=rule.legal_basis,
                    proposed_at=tx.now,
                    version=1,
                )
                .on_conflict_do_nothing(
                    index_elements=["household_id", "target"], index_where=text(OPEN_ESCALATION)
                )
                .returning(col(EscalationRow.id))
            )
            created = tx.db.execute(statement).scalar_one_or_none()
            open_targets.add(rule.target)
            if created is not None:
                proposals.append((created, rule.target))
        return proposals

    def _target(self, rule: EscalationRule) -> EscalationTarget:
        target = self.context.setup.get("escalation_targets", rule.target)
        if not isinstance(target, EscalationTarget):
            raise RuleViolation(
                f"rule {rule.key!r} names unknown target {rule.target!r}", rule="escalation-target"
            )
        return target
