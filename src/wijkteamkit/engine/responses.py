"""An organisation accepts or declines an action a final plan requests of it.

An action assigned to a professional of an organisation outside the team's mandate is a request
(:mod:`.mandate`); a worker of that organisation, acting for the household's team, answers it
once. A binding action cannot be declined, and the team's own work asks nobody. Each answer is
audited (``action.responded``) and shown with the plan (``ActionView.standing``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field, StrictInt, TypeAdapter
from sqlalchemy import Table, select

from ..domain.common import CaseInput
from ..domain.mandate import organisation_name
from ..store.bulk import insert_new
from ..store.tables import ActionResponseRow, PlanRow
from .context import Context, Tx
from .errors import NotFound, RuleViolation, item
from .ids import keys_in_range
from .inputs import require_valid
from .lookups import household_in, households
from .mandate import Standing, plan_date, standing
from .process import PlanState
from .results import OperationResult

PLANS: Table = PlanRow.__table__  # type: ignore[attr-defined]
RESPONSES: Table = ActionResponseRow.__table__  # type: ignore[attr-defined]


class ActionResponseIn(CaseInput):
    """An answer to one requested action: the plan, the action's position in it (from 0, as
    ``PlanView.actions[i].index``), and ``accepted`` or ``declined``."""

    plan: StrictInt
    action: StrictInt = Field(ge=0)
    response: Literal["accepted", "declined"]


_ANSWER: TypeAdapter[ActionResponseIn] = TypeAdapter(ActionResponseIn)


class ResponseOps:
    """An organisation's answers to the actions plans request of it."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def respond_to_action(
        self, plan_id: int, action: int, response: Literal["accepted", "declined"]
    ) -> OperationResult:
        """Accept or decline action ``action`` of final plan ``plan_id`` for the actor's
        organisation, to which the plan assigned it outside any mandate."""
        answer = require_valid(
            _ANSWER,
            {"plan": plan_id, "action": action, "response": response},
            "action-response",
            "give the plan's id, the action's position in it (from 0) and 'accepted' or 'declined'",
        )
        with self.context.transaction("respond_to_action") as tx:
            self.respond_to_actions_in(tx, [answer])
        return self.context.result()

    def respond_to_actions_in(self, tx: Tx, items: Sequence[ActionResponseIn]) -> None:
        """:meth:`respond_to_action` for each answer in ``tx``: one query per table read, one
        insert for all."""
        count = len(items)
        keys = keys_in_range(tx.db, PlanRow, [answer.plan for answer in items])
        of_plans = PLANS.c.id.in_(keys), PLANS.c.municipality == tx.actor.municipality
        owners = tx.connection.execute(select(PLANS.c.household_id).where(*of_plans)).scalars()
        # the plans are read once their households are locked, as closing a case locks them
        found = households(tx, set(owners), lock=True)
        plans = {r.id: r for r in tx.connection.execute(select(PLANS).where(*of_plans))}
        answered = {
            (r.plan_id, r.action)
            for r in tx.connection.execute(
                select(RESPONSES.c.plan_id, RESPONSES.c.action).where(
                    RESPONSES.c.plan_id.in_(sorted(plans))
                )
            )
        }
        rows: list[dict[str, Any]] = []
        for index, answer in enumerate(items):
            with item(index, count):
                rows.append(self._answer(tx, plans, found, answered, answer))
            answered.add((answer.plan, answer.action))
        insert_new(tx.connection, RESPONSES, rows)
        for row in rows:
            tx.audit(
                "action.responded",
                row["household_id"],
                detail={
                    "plan": row["plan_id"],
                    "action": row["action"],
                    "organisation": row["organisation"],
                    "response": row["response"],
                },
            )

    def _answer(
        self,
        tx: Tx,
        plans: dict[int, Any],
        found: dict[int, Any],
        answered: set[tuple[int, int]],
        answer: ActionResponseIn,
    ) -> dict[str, Any]:
        """The row recording ``answer``, once every rule holds."""
        plan = plans.get(answer.plan)
        if plan is None:
            raise NotFound(f"no plan {answer.plan!r:.40} in {tx.setup.municipality.name}")
        household = household_in(tx, found, plan.household_id)
        tx.require_team(household)
        if plan.state != PlanState.FINAL:
            raise RuleViolation(
                f"plan {plan.id} is {plan.state}; an organisation answers the actions of a "
                "final plan",
                rule="final-plan",
            )
        actions = plan.content.get("actions", [])
        if answer.action >= len(actions):
            raise NotFound(
                f"plan {plan.id} has no action {answer.action}; its actions are numbered "
                f"0 to {len(actions) - 1}"
            )
        action = actions[answer.action]
        organisation = action.get("organisation")
        on = plan_date(plan.created_at, plan.finalised_at)
        mandates = self.context.casework.setup.mandates  # all of them: the plan's date decides
        found_standing = standing(mandates, action["actor"], organisation, on)
        if found_standing is None or organisation is None:
            raise RuleViolation(
                f"action {answer.action} of plan {plan.id} is assigned to no organisation; "
                "only an action for a professional of another organisation is a request",
                rule="mandate",
            )
        if organisation_name(organisation) != organisation_name(tx.actor.organisation):
            tx.refuse(
                household.id,
                "organisation",
                f"action {answer.action} of plan {plan.id} asks {organisation!r}; only a worker "
                "of that organisation answers it",
                detail={"plan": plan.id, "action": answer.action},
            )
        if found_standing is Standing.BINDING:
            raise RuleViolation(
                f"action {answer.action} of plan {plan.id} binds {organisation!r} under its "
                "mandate to the team; it cannot be declined and needs no acceptance",
                rule="mandate",
            )
        if (plan.id, answer.action) in answered:
            raise RuleViolation(
                f"action {answer.action} of plan {plan.id} has been answered already; an "
                "organisation answers a request once",
                rule="one-response",
            )
        return {
            "municipality": tx.actor.municipality,
            "household_id": plan.household_id,
            "plan_id": plan.id,
            "action": answer.action,
            "organisation": organisation,
            "response": answer.response,
            "responded_by": tx.actor.id,
            "responded_at": tx.now,
        }
