"""Kitchen-table assessments and the escalations the rules propose after them."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Table, bindparam, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..domain.case import AssessmentIn
from ..store.bulk import insert_many, reserve_ids
from ..store.tables import OPEN_ESCALATION, AssessmentRow, EscalationRow, SignalRow
from .context import Context, Tx
from .errors import item
from .inputs import require_known, require_not_future
from .lookups import active_plans, household_in, households
from .moves import states, write_moves
from .process import CaseState, EscalationState, move
from .proposals import Proposal, ordered, propose
from .results import OperationResult

ASSESSMENT: Table = AssessmentRow.__table__  # type: ignore[attr-defined]
ESCALATION: Table = EscalationRow.__table__  # type: ignore[attr-defined]
SIGNAL: Table = SignalRow.__table__  # type: ignore[attr-defined]

COLUMNS = tuple(column.name for column in ASSESSMENT.columns)

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
        with self.context.transaction("record_assessment") as tx:
            result = self.record_assessments_in(tx, [(household_id, assessment)])[0]
        return replace(result, hook_failures=self.context.hook_failures)

    def record_assessments_in(
        self, tx: Tx, items: Sequence[tuple[int, AssessmentIn]]
    ) -> list[AssessmentResult]:
        """Record each (household id, assessment) of ``items`` in ``tx``, in order, and the
        escalations the rules propose after each (:func:`~.proposals.propose`).

        Every item is checked before anything is written; an error names the item that failed
        (``item 3: ...``) and leaves nothing of the batch. One query per table reads what the
        checks need; one statement per table writes.
        """
        if not items:
            return []
        for index, (_, assessment) in enumerate(items):
            with item(index, len(items)):
                self._check(assessment, tx)
        found = households(tx, {household_id for household_id, _ in items})
        read = states(found)
        flagged = signalled(tx, found)
        open_targets = _open_targets(tx, found)
        rules = ordered(tx.setup)
        proposals: list[list[Proposal]] = []
        for index, (household_id, assessment) in enumerate(items):
            with item(index, len(items)):
                household = household_in(tx, found, household_id)
                tx.require_team(household)
                if household.case_state not in REASSESSABLE:
                    move(household, CaseState.ASSESSED)  # raises with the allowed steps
                if household.case_state in (CaseState.HOME_VISIT, CaseState.ASSESSED):
                    move(household, CaseState.ASSESSED)
                taken = open_targets.setdefault(household_id, set())
                indicators = flagged.get(household_id, set()) | assessment.indicators
                made = propose(tx.setup, rules, assessment.scores, indicators, taken)
                taken.update(p.rule.target for p in made)
                proposals.append(made)
        assessment_ids = self._insert(tx, items)
        created = _insert_proposals(tx, items, proposals)
        results: list[AssessmentResult] = []
        for (household_id, _), assessment_id, made in zip(
            items, assessment_ids, proposals, strict=True
        ):
            new = [
                (escalation, p.rule.target)
                for p in made
                if (escalation := created[(household_id, p.rule.target)]) is not None
            ]
            tx.audit(
                "assessment.recorded",
                household_id,
                detail={"assessment": assessment_id, "proposed": [target for _, target in new]},
            )
            results.append(
                AssessmentResult(
                    assessment=assessment_id, proposed=tuple(escalation for escalation, _ in new)
                )
            )
        write_moves(tx, found, read)
        return results

    def _check(self, assessment: AssessmentIn, tx: Tx) -> None:
        """What the input model cannot know: the setup's keys, and no date ahead of the clock."""
        domains = [d.key for d in tx.setup.life_domains]
        require_known(assessment.scores, domains, "life domain(s)", "life-domain")
        require_known(assessment.notes, domains, "life domain(s) in notes", "life-domain")
        indicators = [i.key for i in tx.setup.indicators]
        require_known(assessment.indicators, indicators, "indicator(s)", "indicator")
        require_not_future(assessment.held_at, tx.now, "held_at")

    def _insert(self, tx: Tx, items: Sequence[tuple[int, AssessmentIn]]) -> list[int]:
        ids = reserve_ids(tx.connection, ASSESSMENT, len(items))
        rows = [
            {
                "id": assessment_id,
                "municipality": tx.actor.municipality,
                "household_id": household_id,
                "held_at": assessment.held_at,
                "held_by": tx.actor.id,
                "scores": dict(assessment.scores),
                "indicators": sorted(assessment.indicators),
                "network": list(assessment.network),
                "informal_carers": list(assessment.informal_carers),
                "notes": dict(assessment.notes),
            }
            for assessment_id, (household_id, assessment) in zip(ids, items, strict=True)
        ]
        insert_many(tx.connection, ASSESSMENT, COLUMNS, rows)
        return ids


_SIGNALLED = select(SIGNAL.c.household_id, SIGNAL.c.indicators).where(
    SIGNAL.c.household_id.in_(bindparam("households", expanding=True)),
    SIGNAL.c.municipality == bindparam("municipality"),
)
_OPEN = select(ESCALATION.c.household_id, ESCALATION.c.target).where(
    ESCALATION.c.household_id.in_(bindparam("households", expanding=True)),
    ESCALATION.c.municipality == bindparam("municipality"),
    ESCALATION.c.state.in_([EscalationState.PROPOSED, EscalationState.ACTIVE]),
)
_PROPOSE = {
    dialect: insert_(ESCALATION)
    .on_conflict_do_nothing(
        index_elements=["household_id", "target"], index_where=text(OPEN_ESCALATION)
    )
    .returning(ESCALATION.c.id, ESCALATION.c.household_id, ESCALATION.c.target)
    for dialect, insert_ in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
}
"""A proposal per row, skipped when its target is open already (the partial unique index)."""


def signalled(tx: Tx, household_ids: Collection[int]) -> dict[int, set[str]]:
    """The indicators flagged on any signal of each household."""
    flagged: dict[int, set[str]] = {}
    found = tx.connection.execute(
        _SIGNALLED,
        {"households": sorted(household_ids), "municipality": tx.actor.municipality},
    )
    for household_id, indicators in found:
        flagged.setdefault(household_id, set()).update(indicators)
    return flagged


def _open_targets(tx: Tx, household_ids: Collection[int]) -> dict[int, set[str]]:
    """The targets of each household's open (proposed or active) escalations."""
    targets: dict[int, set[str]] = {}
    found = tx.connection.execute(
        _OPEN, {"households": sorted(household_ids), "municipality": tx.actor.municipality}
    )
    for household_id, target in found:
        targets.setdefault(household_id, set()).add(target)
    return targets


def _insert_proposals(
    tx: Tx, items: Sequence[tuple[int, AssessmentIn]], proposals: Sequence[Sequence[Proposal]]
) -> dict[tuple[int, str], int | None]:
    """Insert the proposals; return each one's escalation id by (household, target), ``None``
    for one skipped.

    ``INSERT ... ON CONFLICT DO NOTHING`` on the partial unique index: a proposal that a
    concurrent assessment made first is skipped, not an error.
    """
    proposing = [
        (household_id, made)
        for (household_id, _), made in zip(items, proposals, strict=True)
        if made
    ]
    if not proposing:
        return {}
    plans = active_plans(tx, {household_id for household_id, _ in proposing})
    rows: list[dict[str, Any]] = []
    for household_id, made in proposing:
        plan = plans.get(household_id)
        rows += [
            {
                "municipality": tx.actor.municipality,
                "household_id": household_id,
                "plan_id": plan.id if plan else None,
                "rule": p.rule.key,
                "target": p.rule.target,
                "handover": p.target.handover,
                "state": EscalationState.PROPOSED,
                "direct": p.rule.direct,
                "legal_basis": p.rule.legal_basis,
                "proposed_at": tx.now,
                "version": 1,
            }
            for p in made
        ]
    created: dict[tuple[int, str], int | None] = {
        (row["household_id"], row["target"]): None for row in rows
    }
    statement = _PROPOSE[tx.connection.dialect.name]
    for escalation, household_id, target in tx.connection.execute(statement, rows):
        created[(household_id, target)] = escalation
    return created
