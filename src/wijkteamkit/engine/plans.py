"""Plans: one per household, one case director, the ladder, closing the case."""

from __future__ import annotations

from pydantic import TypeAdapter
from sqlmodel import select

from ..domain.case import (
    PlanIn,
    Role,
)
from ..domain.common import ActorId
from ..domain.events import (
    PlanFinalised,
)
from ..store.tables import (
    EscalationRow,
    PlanRow,
)
from .context import Context, Tx
from .errors import (
    ConflictError,
    RuleViolation,
)
from .inputs import require_valid
from .lookups import active_plan
from .process import (
    PLAN,
    CaseState,
    EscalationState,
    PlanState,
    move,
)
from .results import OperationResult

_ACTOR_ID: TypeAdapter[str] = TypeAdapter(ActorId)


def _director_id(value: str) -> str:
    """The case director's stable id (an employee number, as :attr:`Actor.id`), never a name."""
    return require_valid(
        _ACTOR_ID,
        value,
        "case-director",
        "a plan needs exactly one case director, named by their id (letters, digits and "
        "_ . : @ / -, no spaces, at most 80 characters), as the actor's id",
    )


class PlanOps:
    """Plans: one per household, one case director, the ladder, closing the case."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def draft_plan(self, household_id: int, plan: PlanIn, case_director: str) -> int:
        """Draft the concept plan with its case director: one active plan per household."""

        case_director = _director_id(case_director)
        self._check_plan_content(plan)
        with self.context.transaction("draft_plan") as tx:
            household = tx.household(household_id)
            tx.require_team(household)
            if active_plan(tx, household_id) is not None:
                raise RuleViolation(
                    f"household {household_id} already has an active plan; revise it instead",
                    rule="one-active-plan",
                )
            tx.db.refresh(household, with_for_update=True)  # after any transfer being confirmed
            transfer = tx.db.exec(  # a transfer confirmed before the plan existed holds the lead
                select(EscalationRow.target).where(
                    EscalationRow.household_id == household_id,
                    EscalationRow.handover == "transfer",
                    EscalationRow.state == EscalationState.ACTIVE,
                )
            ).first()
            move(household, CaseState.CONCEPT_PLAN)
            row = PlanRow(
                municipality=self.context.actor.municipality,
                household_id=household_id,
                team=household.team or "",
                state=PlanState.CONCEPT,
                case_director=case_director,
                lead=transfer or household.team or "",
                content=plan.model_dump(mode="json"),
                created_at=tx.now,
            )
            tx.db.add(row)
            tx.db.flush()
            assert row.id is not None
            tx.audit(
                "plan.drafted",
                household_id,
                detail={"plan": row.id, "case_director": case_director},
            )
            return row.id

    def _check_plan_content(self, plan: PlanIn) -> None:
        domains = {d.key for d in self.context.setup.life_domains}
        provisions = {p.key for p in self.context.setup.provisions}
        used = {g.domain for g in plan.goals} | {a.domain for a in plan.actions}
        if used - domains:
            raise RuleViolation(
                f"plan names unknown life domain(s) {', '.join(sorted(used - domains))}",
                rule="life-domain",
            )
        named = {a.provision for a in plan.actions if a.provision}
        if named - provisions:
            raise RuleViolation(
                f"plan names unknown provision(s) {', '.join(sorted(named - provisions))}",
                rule="provision",
            )

    def revise_plan(self, plan_id: int, plan: PlanIn, expected_version: int) -> int:
        """Change a concept plan; fails with :class:`ConflictError` if it changed since read."""
        self._check_plan_content(plan)
        with self.context.transaction("revise_plan") as tx:
            row = self._plan_for_change(tx, plan_id, expected_version)
            PLAN.check(row.state, PlanState.CONCEPT, f"plan {plan_id}")
            row.content = plan.model_dump(mode="json")
            tx.audit("plan.revised", row.household_id, detail={"plan": plan_id})
            tx.db.flush()
            return row.version

    def set_case_director(self, plan_id: int, case_director: str, expected_version: int) -> int:
        """Hand the case to another case director (there is always exactly one)."""
        case_director = _director_id(case_director)
        with self.context.transaction("set_case_director") as tx:
            row = self._plan_for_change(tx, plan_id, expected_version)
            previous, row.case_director = row.case_director, case_director
            tx.audit(
                "plan.case_director",
                row.household_id,
                detail={"plan": plan_id, "from": previous, "to": case_director},
            )
            tx.db.flush()
            return row.version

    def _plan_for_change(self, tx: Tx, plan_id: int, expected_version: int) -> PlanRow:
        row = tx.get(PlanRow, plan_id, "plan")
        household = tx.household(row.household_id)
        tx.require_team(household)
        if row.version != expected_version:
            raise ConflictError(
                f"plan {plan_id} is at version {row.version}, not {expected_version}; "
                "reload it and apply your change again"
            )
        return row

    def finalise_plan(self, plan_id: int, expected_version: int) -> OperationResult:
        """Make the plan final. A plan using a maatwerkvoorziening must say why lower rungs do not suffice."""
        with self.context.transaction("finalise_plan") as tx:
            row = self._plan_for_change(tx, plan_id, expected_version)
            content = PlanIn.model_validate(row.content)
            if content.uses_maatwerk and not (content.ladder_justification or "").strip():
                raise RuleViolation(
                    "the plan uses a maatwerkvoorziening but does not record why own strength, "
                    "network and algemene voorzieningen do not suffice (ladder_justification)",
                    rule="ladder",
                )
            if not row.case_director:
                raise RuleViolation(
                    "a final plan needs exactly one case director", rule="case-director"
                )
            PLAN.check(row.state, PlanState.FINAL, f"plan {plan_id}")
            household = tx.household(row.household_id)
            move(household, CaseState.FINAL_PLAN)
            row.state = PlanState.FINAL
            row.finalised_at = tx.now
            tx.audit(
                "plan.finalised",
                row.household_id,
                detail={"plan": plan_id, "case_director": row.case_director},
            )
            tx.announce(
                PlanFinalised, row.household_id, plan=plan_id, case_director=row.case_director
            )
        return self.context.result()

    def close_case(self, household_id: int) -> OperationResult:
        """Close the household's case and its plan (the retention term starts now)."""
        with self.context.transaction("close_case") as tx:
            household = tx.household(household_id)
            tx.require_team(household, (Role.TEAM_LEADER, Role.CASE_DIRECTOR))
            tx.db.refresh(household, with_for_update=True)  # after any escalation being confirmed
            open_escalations = tx.db.exec(
                select(EscalationRow).where(
                    EscalationRow.household_id == household_id,
                    EscalationRow.state == EscalationState.ACTIVE,
                )
            ).first()
            if open_escalations is not None:
                raise RuleViolation(
                    "de-escalate before closing: the lead is still with "
                    f"{open_escalations.target!r}",
                    rule="close-escalated",
                )
            plan = active_plan(tx, household_id)
            if plan is not None:
                PLAN.check(plan.state, PlanState.CLOSED, f"plan {plan.id}")
                plan.state = PlanState.CLOSED
            move(household, CaseState.CLOSED)
            household.closed_at = tx.now
            tx.audit("case.closed", household_id)
        return self.context.result()
