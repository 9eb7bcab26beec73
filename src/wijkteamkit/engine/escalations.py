"""Escalation with a named responsible party, and de-escalation.

Confirm, reject and de-escalate are guarded state transitions. Each locks the households and
then the escalations (``SELECT ... FOR UPDATE`` in id order on PostgreSQL, so two batches never
wait on each other crosswise; on SQLite every engine transaction holds the write lock from
``BEGIN IMMEDIATE``), reads them afresh, and only then checks the transition, so of two
concurrent attempts the second sees what the first did and fails with
:class:`IllegalTransition` (or :class:`RuleViolation` for a second transfer). Every write
matches the version read (``UPDATE ... WHERE id = :id AND version = :read``): a write based on
a stale read is a :class:`ConflictError`. Partial unique indexes keep one active transfer per
household and one open escalation per household and target even for writes that bypass the
engine.

Each operation has a plural form working inside a given transaction (``*_in``); the
interactive operation is that form with one item.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Table, bindparam, select, update

from ..domain.case import (
    Role,
)
from ..domain.common import Line, Text, local_date
from ..domain.escalation import EscalationTarget
from ..domain.events import (
    DeEscalated,
    Escalated,
)
from ..store.tables import (
    EscalationRow,
)
from .acceptance import latest, require_accepted
from .context import CASEWORK, Context, Tx
from .disclosures import Asked, decide_all, record_decisions
from .errors import (
    ConflictError,
    ConsentRequired,
    IllegalTransition,
    NotFound,
    RuleViolation,
    item,
)
from .ids import keys_in_range
from .inputs import require_valid
from .lookups import PLAN, Household, Plan, active_plans, household_in, households
from .process import (
    ESCALATION,
    CaseState,
    EscalationState,
)
from .results import OperationResult

ESCALATIONS: Table = EscalationRow.__table__  # type: ignore[attr-defined]

_LINE: TypeAdapter[str] = TypeAdapter(Line)
_TEXT: TypeAdapter[str] = TypeAdapter(Text)

_LEAD = (
    update(PLAN)
    .where(PLAN.c.id == bindparam("b_id"), PLAN.c.version == bindparam("b_version"))
    .values(lead=bindparam("b_lead"), version=PLAN.c.version + 1)
)


@dataclass(slots=True)
class Escalation:
    """An escalation as a batch reads it (``version`` guards the write)."""

    id: int
    household_id: int
    plan_id: int | None
    target: str
    handover: str
    state: str
    legal_basis: str | None
    previous_lead: str | None
    version: int


class EscalationOps:
    """Escalation with a named responsible party, and de-escalation (see the module)."""

    def __init__(self, context: Context) -> None:
        self.context = context

    # --- confirming -----------------------------------------------------------------------------

    def confirm_escalation(
        self, escalation_id: int, responsible: str, organisation: str
    ) -> OperationResult:
        """The team leader confirms a proposed escalation with a named responsible party.

        The hand-over is a disclosure to the target and goes through the consent decision (under
        the rule's legal basis for a direct approach); a transfer moves the plan's lead to the
        target, a referral only shares the case. At most one transfer is active per household:
        confirming another while one is active is refused (de-escalate that one first), and so
        is a hand-over to a target that does not accept the household on its latest assessment
        and signals (:mod:`.acceptance`).
        """
        with self.context.transaction("confirm_escalation") as tx:
            self.confirm_escalations_in(tx, [(escalation_id, responsible, organisation)])
        return self.context.result()

    def confirm_escalations_in(self, tx: Tx, items: Sequence[tuple[int, str, str]]) -> None:
        """:meth:`confirm_escalation` for each ``(escalation, responsible, organisation)`` in
        ``tx``. If any hand-over is denied, every decision that was denied is recorded and
        kept, nothing else of the transaction is, and :class:`ConsentRequired` names the first
        denied item."""
        count = len(items)
        named: list[tuple[str, str]] = []
        for index, (_, responsible, organisation) in enumerate(items):
            with item(index, count):
                named.append(
                    (
                        require_valid(
                            _LINE, responsible, "responsible-party", "the responsible party"
                        ),
                        require_valid(_LINE, organisation, "responsible-party", "the organisation"),
                    )
                )
        escalations, found = _locked(tx, [key for key, _, _ in items])
        transfers = _active_transfers(tx, found)
        judged = latest(tx, found)
        checked: list[tuple[Escalation, Household]] = []
        for index, (escalation_id, _, _) in enumerate(items):
            with item(index, count):
                row, household = _escalation_in(tx, escalations, found, escalation_id)
                tx.require_team(household, (Role.TEAM_LEADER,))
                ESCALATION.check(row.state, EscalationState.ACTIVE, f"escalation {escalation_id}")
                target = _valid_target(tx, row)
                if household.case_state == CaseState.CLOSED:
                    raise IllegalTransition(
                        f"the case of household {row.household_id} is closed; reopen it with a "
                        "new signal before escalating"
                    )
                require_accepted(target, row.household_id, judged)
                if row.handover == "transfer":
                    _refuse_second_transfer(row, transfers)
                    transfers[row.household_id] = (row.id, row.target)
                row.state = EscalationState.ACTIVE
            checked.append((row, household))
        every = frozenset(d.key for d in tx.setup.life_domains)
        scopes = {key: every if j.scored is None else j.scored for key, j in judged.items()}
        asked = [
            Asked(row.household_id, row.target, CASEWORK, scopes[row.household_id], row.legal_basis)
            for row, _ in checked
        ]
        decisions = decide_all(tx, asked)
        denied = [i for i, decision in enumerate(decisions) if not decision.permitted]
        if denied:
            tx.discard()  # nothing of the batch but the denials
            record_decisions(tx, [asked[i] for i in denied], [decisions[i] for i in denied])
            tx.keep()  # keep the audited refusals
            first = denied[0]
            row, decision = checked[first][0], decisions[first]
            message = (
                f"hand-over of household {row.household_id} to {row.target!r} "
                f"({decision.reason.value}): {decision.explain()}"
            )
            raise ConsentRequired(message if count == 1 else f"item {first}: {message}")
        record_decisions(tx, asked, decisions)
        plans = active_plans(tx, found)
        leads: dict[int, str] = {}
        changes: list[dict[str, Any]] = []
        for (row, household), (responsible, organisation) in zip(checked, named, strict=True):
            plan = plans.get(row.household_id)
            lead = leads.get(plan.id, plan.lead) if plan else None
            row.previous_lead = lead if plan else household.team
            if row.handover == "transfer" and plan is not None:
                leads[plan.id] = row.target
            if plan is not None:
                row.plan_id = plan.id
            changes.append(
                {
                    "b_id": row.id,
                    "b_version": row.version,
                    "state": EscalationState.ACTIVE,
                    "responsible": responsible,
                    "responsible_organisation": organisation,
                    "confirmed_by": tx.actor.id,
                    "confirmed_at": tx.now,
                    "previous_lead": row.previous_lead,
                    "plan_id": row.plan_id,
                }
            )
            row.version += 1
        _change(tx, changes)
        _set_leads(tx, plans, leads)
        for (row, _), (responsible, organisation) in zip(checked, named, strict=True):
            tx.audit(
                "escalation.confirmed",
                row.household_id,
                legal_basis=row.legal_basis,
                detail={
                    "escalation": row.id,
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
                escalation=row.id,
                target=row.target,
                handover=row.handover,
                responsible=responsible,
                legal_basis=row.legal_basis,
            )

    # --- rejecting ------------------------------------------------------------------------------

    def reject_escalation(self, escalation_id: int, why: str) -> OperationResult:
        """The team leader decides a proposed escalation is not needed, and says why.

        The reason is case text: it is kept on the escalation (and erased with the household),
        not in the append-only audit log.
        """
        with self.context.transaction("reject_escalation") as tx:
            self.reject_escalations_in(tx, [(escalation_id, why)])
        return self.context.result()

    def reject_escalations_in(self, tx: Tx, items: Sequence[tuple[int, str]]) -> None:
        """:meth:`reject_escalation` for each ``(escalation, why)`` in ``tx``."""
        count = len(items)
        reasons = []
        for index, (_, why) in enumerate(items):
            with item(index, count):
                reasons.append(require_valid(_TEXT, why, "rejection", "the reason for rejecting"))
        escalations, found = _locked(tx, [key for key, _ in items])
        changes: list[dict[str, Any]] = []
        for index, ((escalation_id, _), why) in enumerate(zip(items, reasons, strict=True)):
            with item(index, count):
                row, household = _escalation_in(tx, escalations, found, escalation_id)
                tx.require_team(household, (Role.TEAM_LEADER,))
                ESCALATION.check(row.state, EscalationState.REJECTED, f"escalation {escalation_id}")
            row.state = EscalationState.REJECTED
            changes.append(
                {
                    "b_id": row.id,
                    "b_version": row.version,
                    "state": EscalationState.REJECTED,
                    "ended_at": tx.now,
                    "rejected_because": why,
                }
            )
            row.version += 1
        _change(tx, changes)
        for escalation_id, _ in items:
            row = escalations[escalation_id]
            tx.audit("escalation.rejected", row.household_id, detail={"escalation": row.id})

    # --- de-escalating --------------------------------------------------------------------------

    def de_escalate(self, escalation_id: int) -> OperationResult:
        """End an active escalation, once: a transfer hands the lead back to whoever held it
        before that transfer (never left with the target); a referral leaves the lead as it is."""
        with self.context.transaction("de_escalate") as tx:
            self.de_escalate_in(tx, [escalation_id])
        return self.context.result()

    def de_escalate_in(self, tx: Tx, escalation_ids: Sequence[int]) -> None:
        """:meth:`de_escalate` for each escalation in ``tx``."""
        count = len(escalation_ids)
        escalations, found = _locked(tx, escalation_ids)
        plans = active_plans(tx, found)
        leads: dict[int, str] = {}
        changes: list[dict[str, Any]] = []
        ended: list[tuple[Escalation, str]] = []
        for index, escalation_id in enumerate(escalation_ids):
            with item(index, count):
                row, household = _escalation_in(tx, escalations, found, escalation_id)
                tx.require_team(household, (Role.TEAM_LEADER,))
                ESCALATION.check(row.state, EscalationState.ENDED, f"escalation {escalation_id}")
            plan: Plan | None = plans.get(row.household_id)
            team = (plan.team if plan else household.team) or ""
            lead = leads.get(plan.id, plan.lead) if plan else team
            if row.handover == "transfer" or lead == row.target:
                previous = row.previous_lead
                lead = previous if previous and previous != row.target else team
                if plan is not None:
                    leads[plan.id] = lead
            row.state = EscalationState.ENDED
            changes.append(
                {
                    "b_id": row.id,
                    "b_version": row.version,
                    "state": EscalationState.ENDED,
                    "ended_at": tx.now,
                }
            )
            row.version += 1
            ended.append((row, lead))
        _change(tx, changes)
        _set_leads(tx, plans, leads)
        for row, lead in ended:
            tx.audit(
                "escalation.ended",
                row.household_id,
                detail={"escalation": row.id, "target": row.target, "lead": lead},
            )
            tx.announce(
                DeEscalated, row.household_id, escalation=row.id, target=row.target, lead=lead
            )


def _locked(
    tx: Tx, escalation_ids: Sequence[int]
) -> tuple[dict[int, Escalation], dict[int, Household]]:
    """The escalations and their households, locked (households first, each in id order) and
    read afresh."""
    escalations = _escalations(tx, escalation_ids, lock=False)
    found = households(tx, {e.household_id for e in escalations.values()}, lock=True)
    if tx.connection.dialect.name == "postgresql":  # SQLite: BEGIN IMMEDIATE locked them all
        escalations = _escalations(tx, escalation_ids, lock=True)
    return escalations, found


def _escalations(tx: Tx, ids: Sequence[int], *, lock: bool) -> dict[int, Escalation]:
    keys = keys_in_range(tx.db, EscalationRow, ids)
    if not keys:
        return {}
    e = ESCALATIONS.c
    query = (
        select(
            e.id,
            e.household_id,
            e.plan_id,
            e.target,
            e.handover,
            e.state,
            e.legal_basis,
            e.previous_lead,
            e.version,
        )
        .where(e.id.in_(keys), e.municipality == tx.actor.municipality)
        .order_by(e.id)
    )
    if lock:
        query = query.with_for_update()
    return {r.id: Escalation(*r) for r in tx.connection.execute(query)}


def _escalation_in(
    tx: Tx,
    escalations: Mapping[int, Escalation],
    found: Mapping[int, Household],
    escalation_id: int,
) -> tuple[Escalation, Household]:
    row = escalations.get(escalation_id)
    if row is None:
        raise NotFound(f"no escalation {escalation_id!r:.40} in {tx.setup.municipality.name}")
    return row, household_in(tx, found, row.household_id)


def _valid_target(tx: Tx, row: Escalation) -> EscalationTarget:
    """The escalation's target: it is confirmed only while its target is valid (the setup of
    the day has it)."""
    target = tx.setup.get("escalation_targets", row.target)
    if not isinstance(target, EscalationTarget):
        raise RuleViolation(
            f"escalation {row.id} hands over to {row.target!r}, which is not valid on "
            f"{local_date(tx.now)}; reject it and escalate to a target valid today",
            rule="target-not-valid",
        )
    return target


def _active_transfers(tx: Tx, found: Collection[int]) -> dict[int, tuple[int, str]]:
    """Each household's active transfer of the lead (at most one): (escalation, target)."""
    if not found:
        return {}
    e = ESCALATIONS.c
    query = select(e.household_id, e.id, e.target).where(
        e.household_id.in_(sorted(found)),
        e.handover == "transfer",
        e.state == EscalationState.ACTIVE,
    )
    return {r.household_id: (r.id, r.target) for r in tx.connection.execute(query)}


def _refuse_second_transfer(row: Escalation, transfers: Mapping[int, tuple[int, str]]) -> None:
    active = transfers.get(row.household_id)
    if active is not None and active[0] != row.id:
        raise RuleViolation(
            f"household {row.household_id} already has an active transfer of the lead "
            f"(escalation {active[0]} to {active[1]!r}); de-escalate it first",
            rule="one-active-transfer",
        )


def _change(tx: Tx, changes: Sequence[dict[str, Any]]) -> None:
    """Write escalation changes with one ``executemany`` each matching the version read; one
    changed since is a :class:`ConflictError`."""
    if not changes:
        return
    columns = [name for name in changes[0] if not name.startswith("b_")]
    statement = (
        update(ESCALATIONS)
        .where(
            ESCALATIONS.c.id == bindparam("b_id"),
            ESCALATIONS.c.version == bindparam("b_version"),
        )
        .values(version=ESCALATIONS.c.version + 1, **{c: bindparam(f"v_{c}") for c in columns})
    )
    rows = [{(k if k.startswith("b_") else f"v_{k}"): v for k, v in c.items()} for c in changes]
    result = tx.connection.execute(statement, rows)
    if result.rowcount != len(changes):
        raise ConflictError(
            "an escalation was changed by someone else since it was read; reload and retry"
        )


def _set_leads(tx: Tx, plans: Mapping[int, Plan], leads: Mapping[int, str]) -> None:
    """Move the lead of each plan whose lead changed (one ``executemany``, each matching the
    version read, which moves on as any change of a plan does)."""
    rows = [
        {"b_id": plan.id, "b_version": plan.version, "b_lead": leads[plan.id]}
        for plan in plans.values()
        if plan.id in leads and leads[plan.id] != plan.lead
    ]
    if rows and tx.connection.execute(_LEAD, rows).rowcount != len(rows):
        raise ConflictError(
            "a plan was changed by someone else since it was read; reload and retry"
        )
