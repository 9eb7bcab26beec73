"""The work process as explicit state machines (Basisontwerp §3.4 and §3.5).

A household's case runs: signal received (routed to the team of its neighbourhood) -> triaged,
either a single question answered at once or an integral question that gets a home visit ->
kitchen-table assessment -> consent recorded -> concept plan -> final plan -> closed. Escalation
runs beside it: proposed -> active (the team leader confirmed a responsible party) -> ended
(de-escalated), or proposed -> rejected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from .errors import IllegalTransition


class CaseState(StrEnum):
    """Where a household's case stands."""

    SIGNALLED = "signalled"
    ANSWERED = "answered"
    HOME_VISIT = "home_visit"
    ASSESSED = "assessed"
    CONSENT_RECORDED = "consent_recorded"
    CONCEPT_PLAN = "concept_plan"
    FINAL_PLAN = "final_plan"
    CLOSED = "closed"


class PlanState(StrEnum):
    """Where a plan stands."""

    CONCEPT = "concept"
    FINAL = "final"
    CLOSED = "closed"


class EscalationState(StrEnum):
    """Where an escalation stands."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    ENDED = "ended"
    REJECTED = "rejected"


class SignalState(StrEnum):
    """Where a signal stands."""

    RECEIVED = "received"
    TRIAGED = "triaged"


@dataclass(frozen=True)
class StateMachine:
    """Named states and the transitions allowed between them."""

    name: str
    transitions: Mapping[str, frozenset[str]]

    def check(self, current: str, target: str, subject: str) -> None:
        """Raise :class:`IllegalTransition` unless ``current -> target`` is allowed."""
        allowed = self.transitions.get(str(current), frozenset())
        if str(target) not in allowed:
            options = ", ".join(sorted(allowed)) or "none (final state)"
            raise IllegalTransition(
                f"{subject}: cannot go from {str(current)!r} to {str(target)!r}; allowed next: {options}"
            )


def _machine(name: str, pairs: Mapping[StrEnum, set[StrEnum]]) -> StateMachine:
    return StateMachine(name, {str(k): frozenset(str(v) for v in vs) for k, vs in pairs.items()})


S = CaseState
CASE = _machine(
    "case",
    {
        S.SIGNALLED: {S.ANSWERED, S.HOME_VISIT},
        S.ANSWERED: {S.SIGNALLED, S.CLOSED},
        S.HOME_VISIT: {S.ASSESSED},
        S.ASSESSED: {S.ASSESSED, S.CONSENT_RECORDED},
        S.CONSENT_RECORDED: {S.CONSENT_RECORDED, S.ASSESSED, S.CONCEPT_PLAN},
        S.CONCEPT_PLAN: {S.CONCEPT_PLAN, S.FINAL_PLAN, S.CLOSED},
        S.FINAL_PLAN: {S.FINAL_PLAN, S.CLOSED},
        S.CLOSED: {S.SIGNALLED},
    },
)

PLAN = _machine(
    "plan",
    {
        PlanState.CONCEPT: {PlanState.CONCEPT, PlanState.FINAL, PlanState.CLOSED},
        PlanState.FINAL: {PlanState.CLOSED},
    },
)

ESCALATION = _machine(
    "escalation",
    {
        EscalationState.PROPOSED: {EscalationState.ACTIVE, EscalationState.REJECTED},
        EscalationState.ACTIVE: {EscalationState.ENDED},
    },
)

SIGNAL = _machine("signal", {SignalState.RECEIVED: {SignalState.TRIAGED}})


class HasCaseState(Protocol):
    """A household with a case state: an ORM row, or one a batch read."""

    @property
    def id(self) -> int | None: ...

    case_state: str


def move(household: HasCaseState, target: CaseState) -> None:
    """Move a household's case to ``target``, or raise :class:`IllegalTransition`."""
    CASE.check(household.case_state, target, f"case of household {household.id}")
    household.case_state = target
