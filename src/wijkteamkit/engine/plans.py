"""Plans: one per household, one case director, the ladder, closing the case.

The ladder is derived, never labelled (:mod:`.ladder`): drafting and revising store each
action's derived rung; finalising derives the rungs again from the setup and requires a
consideration of each lower rung when a maatwerkvoorziening is used.

Each operation has a plural form that works inside a given transaction (``*_in``): it reads
what the items need with one query per table, checks every item with the same rules as the
interactive operation, and writes with one statement per table (SQLAlchemy Core). The
interactive operations are those forms with one item. A plan's version column refuses a write
based on a stale read (``UPDATE ... WHERE id = :id AND version = :read``) with
:class:`ConflictError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Table, bindparam, select, update

from ..domain import MunicipalitySetup
from ..domain.case import (
    LEGACY_FIELDS,
    PlanIn,
    Role,
)
from ..domain.common import ActorId
from ..domain.events import (
    PlanFinalised,
)
from ..store.bulk import insert_new
from ..store.tables import (
    EscalationRow,
    PlanRow,
)
from .context import Context, Tx
from .errors import (
    ConflictError,
    NotFound,
    RuleViolation,
    item,
)
from .ids import keys_in_range
from .inputs import require_valid
from .ladder import check_ladder, derived_actions
from .lookups import (
    Household,
    Plan,
    active_plans,
    household_in,
    households,
)
from .moves import write_states
from .process import (
    PLAN,
    CaseState,
    EscalationState,
    PlanState,
    move,
)
from .results import OperationResult

_ACTOR_ID: TypeAdapter[str] = TypeAdapter(ActorId)
ESCALATIONS: Table = EscalationRow.__table__  # type: ignore[attr-defined]
PLANS: Table = PlanRow.__table__  # type: ignore[attr-defined]


def _director_id(value: str) -> str:
    """The case director's stable id (an employee number, as :attr:`Actor.id`), never a name."""
    return require_valid(
        _ACTOR_ID,
        value,
        "case-director",
        "a plan needs exactly one case director, named by their id (letters, digits and "
        "_ . : @ / -, no spaces, at most 80 characters), as the actor's id",
    )


def _stale(plan_id: int, expected_version: int, version: int) -> ConflictError:
    return ConflictError(
        f"plan {plan_id} is at version {version}, not {expected_version}; "
        "reload it and apply your change again"
    )


def change_plans(tx: Tx, read: Sequence[Plan], **values: Any) -> None:
    """Set ``values`` on the plans ``read`` with one ``executemany`` that moves each version on
    from the one read; a plan changed since it was read is a :class:`ConflictError`."""
    if not read:
        return
    statement = (
        update(PLANS)
        .where(PLANS.c.id == bindparam("b_id"), PLANS.c.version == bindparam("b_version"))
        .values(version=PLANS.c.version + 1, **values)
    )
    result = tx.connection.execute(
        statement, [{"b_id": plan.id, "b_version": plan.version} for plan in read]
    )
    if result.rowcount != len(read):
        raise ConflictError(
            "a plan was changed by someone else since it was read; reload it and retry"
        )


class PlanOps:
    """Plans: one per household, one case director, the ladder, closing the case."""

    def __init__(self, context: Context) -> None:
        self.context = context

    # --- drafting -------------------------------------------------------------------------------

    def draft_plan(self, household_id: int, plan: PlanIn, case_director: str) -> int:
        """Draft the concept plan with its case director: one active plan per household."""
        with self.context.transaction("draft_plan") as tx:
            return self.draft_plans_in(tx, [(household_id, plan, case_director)])[0]

    def draft_plans_in(self, tx: Tx, items: Sequence[tuple[int, PlanIn, str]]) -> list[int]:
        """:meth:`draft_plan` for each ``(household, plan, case director)`` in ``tx``; the new
        plans' ids in item order."""
        if not items:
            return []
        count = len(items)
        directors = []
        contents = []
        for index, (_, plan, case_director) in enumerate(items):
            with item(index, count):
                directors.append(_director_id(case_director))
                contents.append(_checked_content(plan, tx.setup))
        ids = [household for household, _, _ in items]
        found = households(tx, ids, lock=True)  # after any transfer being confirmed
        plans = active_plans(tx, found)
        transfers = _active_transfers(tx, found)
        rows: list[dict[str, Any]] = []
        moved: list[Household] = []
        for index, ((household_id, _, _), director, content) in enumerate(
            zip(items, directors, contents, strict=True)
        ):
            with item(index, count):
                household = household_in(tx, found, household_id)
                tx.require_team(household)
                if household_id in plans:
                    raise RuleViolation(
                        f"household {household_id} already has an active plan; revise it instead",
                        rule="one-active-plan",
                    )
                move(household, CaseState.CONCEPT_PLAN)
            moved.append(household)
            plans[household_id] = Plan(0, household_id, "", PlanState.CONCEPT, director, "", 1)
            rows.append(
                {
                    "municipality": tx.actor.municipality,
                    "household_id": household_id,
                    "team": household.team or "",
                    "state": PlanState.CONCEPT,
                    "case_director": director,
                    # a transfer confirmed before the plan existed holds the lead
                    "lead": transfers.get(household_id) or household.team or "",
                    "content": content,
                    "version": 1,
                    "created_at": tx.now,
                    "finalised_at": None,
                }
            )
        created = insert_new(tx.connection, PLANS, rows)
        write_states(tx, moved)
        for row, plan_id in zip(rows, created, strict=True):
            tx.audit(
                "plan.drafted",
                row["household_id"],
                detail={"plan": plan_id, "case_director": row["case_director"]},
            )
        return created

    # --- changing a concept plan (interactive only) ------------------------------------------------

    def revise_plan(self, plan_id: int, plan: PlanIn, expected_version: int) -> int:
        """Change a concept plan; fails with :class:`ConflictError` if it changed since read."""
        with self.context.transaction("revise_plan") as tx:
            content = _checked_content(plan, tx.setup)
            row = self._plan_for_change(tx, plan_id, expected_version)
            PLAN.check(row.state, PlanState.CONCEPT, f"plan {plan_id}")
            row.content = content
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
            raise _stale(plan_id, expected_version, row.version)
        return row

    # --- finalising -------------------------------------------------------------------------------

    def finalise_plan(self, plan_id: int, expected_version: int) -> OperationResult:
        """Make the plan final. A plan using a maatwerkvoorziening records why each lower rung
        does not suffice (rule ``ladder``, naming the rungs missing)."""
        with self.context.transaction("finalise_plan") as tx:
            self.finalise_plans_in(tx, [(plan_id, expected_version)])
        return self.context.result()

    def finalise_plans_in(self, tx: Tx, items: Sequence[tuple[int, int]]) -> None:
        """:meth:`finalise_plan` for each ``(plan, expected version)`` in ``tx``."""
        count = len(items)
        keys = keys_in_range(tx.db, PlanRow, [plan_id for plan_id, _ in items])
        plans = {
            r.id: r
            for r in tx.connection.execute(
                select(PLANS).where(
                    PLANS.c.id.in_(keys),
                    PLANS.c.municipality == tx.actor.municipality,
                )
            )
        }
        found = households(tx, {r.household_id for r in plans.values()}, lock=True)
        versions = {key: r.version for key, r in plans.items()}
        states = {key: r.state for key, r in plans.items()}
        changes: list[Plan] = []
        moved: list[Household] = []
        for index, (plan_id, expected_version) in enumerate(items):
            with item(index, count):
                row = plans.get(plan_id)
                if row is None:
                    raise NotFound(f"no plan {plan_id!r:.40} in {tx.setup.municipality.name}")
                household = household_in(tx, found, row.household_id)
                tx.require_team(household)
                if versions[plan_id] != expected_version:
                    raise _stale(plan_id, expected_version, versions[plan_id])
                _check_stored(row.content, tx.setup)
                if not row.case_director:
                    raise RuleViolation(
                        "a final plan needs exactly one case director", rule="case-director"
                    )
                PLAN.check(states[plan_id], PlanState.FINAL, f"plan {plan_id}")
                move(household, CaseState.FINAL_PLAN)
            moved.append(household)
            changes.append(Plan(plan_id, row.household_id, "", "", "", "", versions[plan_id]))
            versions[plan_id] += 1
            states[plan_id] = PlanState.FINAL
        change_plans(tx, changes, state=PlanState.FINAL, finalised_at=tx.now)
        write_states(tx, moved)
        for plan_id, _ in items:
            row = plans[plan_id]
            tx.audit(
                "plan.finalised",
                row.household_id,
                detail={"plan": plan_id, "case_director": row.case_director},
            )
            tx.announce(
                PlanFinalised, row.household_id, plan=plan_id, case_director=row.case_director
            )

    # --- closing ----------------------------------------------------------------------------------

    def close_case(self, household_id: int) -> OperationResult:
        """Close the household's case and its plan (the retention term starts now)."""
        with self.context.transaction("close_case") as tx:
            self.close_cases_in(tx, [household_id])
        return self.context.result()

    def close_cases_in(self, tx: Tx, household_ids: Sequence[int]) -> None:
        """:meth:`close_case` for each household in ``tx``."""
        count = len(household_ids)
        found = households(tx, household_ids, lock=True)  # after any escalation being confirmed
        escalated = _active_escalations(tx, found)
        plans = active_plans(tx, found)
        changes: list[Plan] = []
        moved: list[Household] = []
        for index, household_id in enumerate(household_ids):
            with item(index, count):
                household = household_in(tx, found, household_id)
                tx.require_team(household, (Role.TEAM_LEADER, Role.CASE_DIRECTOR))
                if household_id in escalated:
                    raise RuleViolation(
                        "de-escalate before closing: the lead is still with "
                        f"{escalated[household_id]!r}",
                        rule="close-escalated",
                    )
                plan = plans.pop(household_id, None)
                if plan is not None:
                    PLAN.check(plan.state, PlanState.CLOSED, f"plan {plan.id}")
                    changes.append(plan)
                move(household, CaseState.CLOSED)
            moved.append(household)
        change_plans(tx, changes, state=PlanState.CLOSED)
        write_states(tx, moved, closed_at=tx.now)
        for household_id in household_ids:
            tx.audit("case.closed", household_id)


def _checked_content(plan: PlanIn, setup: MunicipalitySetup) -> dict[str, Any]:
    """The plan as stored: known life domains (rule ``life-domain``), each action checked and
    carrying its derived rung (:func:`.ladder.derived_actions`)."""
    domains = {d.key for d in setup.life_domains}
    used = {g.domain for g in plan.goals} | {a.domain for a in plan.actions}
    if used - domains:
        raise RuleViolation(
            f"plan names unknown life domain(s) {', '.join(sorted(used - domains))}",
            rule="life-domain",
        )
    actions = derived_actions(plan, setup)
    return plan.model_copy(update={"actions": actions}).model_dump(mode="json")


def _check_stored(content: dict[str, Any], setup: MunicipalitySetup) -> None:
    """The stored plan against the ladder as the setup stands: the rungs derived again (a rung
    stored earlier, or labelled before rungs were derived, counts for nothing) and each lower
    rung considered when a maatwerkvoorziening is used. A legacy ``ladder_justification``
    stays readable but satisfies nothing."""
    plain = {k: v for k, v in content.items() if k not in LEGACY_FIELDS}
    actions = plain.get("actions")
    if isinstance(actions, list):
        plain["actions"] = [
            {k: v for k, v in a.items() if k != "rung"} if isinstance(a, dict) else a
            for a in actions
        ]
    try:
        plan = PlanIn.model_validate(plain)
    except ValidationError:
        raise RuleViolation(
            "the stored plan is not a valid plan; revise it before finalising", rule="plan"
        ) from None
    check_ladder(plan, setup)


def _active_transfers(tx: Tx, household_ids: Sequence[int] | dict[int, Any]) -> dict[int, str]:
    """The target of each household's active transfer of the lead (at most one each)."""
    if not household_ids:
        return {}
    query = select(ESCALATIONS.c.household_id, ESCALATIONS.c.target).where(
        ESCALATIONS.c.household_id.in_(sorted(household_ids)),
        ESCALATIONS.c.handover == "transfer",
        ESCALATIONS.c.state == EscalationState.ACTIVE,
    )
    return {r.household_id: r.target for r in tx.connection.execute(query)}


def _active_escalations(tx: Tx, household_ids: dict[int, Any]) -> dict[int, str]:
    """The target of one active escalation of each household that has any (the lowest id)."""
    if not household_ids:
        return {}
    query = (
        select(ESCALATIONS.c.household_id, ESCALATIONS.c.target)
        .where(
            ESCALATIONS.c.household_id.in_(sorted(household_ids)),
            ESCALATIONS.c.state == EscalationState.ACTIVE,
        )
        .order_by(ESCALATIONS.c.id.desc())
    )
    return {r.household_id: r.target for r in tx.connection.execute(query)}
