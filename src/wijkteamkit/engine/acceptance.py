"""Whether an escalation's target takes the household on (``EscalationTarget.accepts``).

A target's ``accepts`` is judged on the same facts the rules judge: the household's latest
assessment (latest by ``held_at``, then id) with its scores, and its indicators together with
every indicator flagged on the household's signals. A household without an assessment is
judged on its signals' indicators alone, with no scores, so a target that asks for scores does
not accept it. A target without ``accepts`` accepts every household.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import Table, select

from ..domain import EscalationTarget, Facts
from ..store.tables import AssessmentRow
from .assessments import signalled
from .context import Tx
from .errors import RuleViolation

ASSESSMENTS: Table = AssessmentRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Latest:
    """A household's latest assessment, if any, and the facts its escalations are judged on."""

    scored: frozenset[str] | None
    """The domains the latest assessment scored; ``None`` when there is no assessment."""
    facts: Facts


def latest(tx: Tx, households: Collection[int]) -> dict[int, Latest]:
    """Each household's :class:`Latest` (one query for the assessments, one for the signals)."""
    flagged = signalled(tx, households)
    assessed: dict[int, tuple[dict[str, int], list[str]]] = {}
    if households:
        a = ASSESSMENTS.c
        query = (
            select(a.household_id, a.scores, a.indicators)
            .where(a.household_id.in_(sorted(households)))
            .order_by(a.held_at, a.id)
        )
        for household_id, scores, indicators in tx.connection.execute(query):
            assessed[household_id] = (scores, indicators)  # the latest comes last
    found: dict[int, Latest] = {}
    for household_id in households:
        scores, indicators = assessed.get(household_id, ({}, []))
        facts = Facts(
            scores=scores, indicators=frozenset(indicators) | flagged.get(household_id, set())
        )
        scored = frozenset(scores) if household_id in assessed else None
        found[household_id] = Latest(scored, facts)
    return found


def require_accepted(
    target: EscalationTarget, household_id: int, found: Mapping[int, Latest]
) -> None:
    """Refuse (``target-accepts``) handing ``household_id`` to a ``target`` that does not
    accept it, naming the target's condition (never the household's scores)."""
    judged, condition = found[household_id], target.accepts
    if condition is None or target.takes(judged.facts):
        return
    what = "latest assessment and signals" if judged.scored is not None else "signals alone"
    raise RuleViolation(
        f"target {target.key!r} does not accept household {household_id}: it accepts "
        f"{condition.describe()}, which its {what} do not show; record a new assessment if "
        "the household's situation has changed, or reject the escalation",
        rule="target-accepts",
    )
