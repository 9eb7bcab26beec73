"""Many items of the casework operations in one transaction: ``with session.batch() as batch:``.

A :class:`Batch` is composed of the groups of operations (signals, assessments, consents, plans,
escalations) and the one :class:`~wijkteamkit.engine.context.Tx` of the batch; each of its
methods is a group's plural ``*_in`` form, so every item passes the same checks as the
interactive operation (input models, routing, state machines, rules, consent decisions, audit
entries), but the batch reads with one query per table and writes with one statement per table.

The batch is all or nothing: if any item is refused, nothing of the batch is written, except
what the refusal itself audits (an access refusal, a denied hand-over's decision). An error
names the item (``item 3: ...``) when a call had more than one. The audit chain's head is locked
once, at the first entry, and held until the batch commits; events are announced after the
commit, and :attr:`Batch.hook_failures` lists the event hooks that raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from ..domain import Signal
from ..domain.case import AssessmentIn, ConsentIn, HouseholdIn, PlanIn
from ..domain.funding import Delivery
from .assessments import AssessmentOps, AssessmentResult
from .consents import ConsentOps
from .context import Context, Tx
from .errors import RuleViolation
from .escalations import EscalationOps
from .grants import GrantOps
from .plans import PlanOps
from .responses import ActionResponseIn, ResponseOps
from .results import HookFailure, SignalReceipt
from .signals import SignalOps


class Batch:
    """The plural casework operations inside one transaction (see the module)."""

    def __init__(self, context: Context, tx: Tx) -> None:
        self._context = context
        self._tx: Tx | None = tx
        self._signals = SignalOps(context)
        self._assessments = AssessmentOps(context)
        self._consents = ConsentOps(context)
        self._plans = PlanOps(context)
        self._grants = GrantOps(context)
        self._escalations = EscalationOps(context)
        self._responses = ResponseOps(context)

    @property
    def tx(self) -> Tx:
        """The batch's transaction, while the ``with`` block runs."""
        if self._tx is None:
            raise RuleViolation(
                "this batch has ended (committed or rolled back); open a new one with "
                "session.batch()",
                rule="batch",
            )
        return self._tx

    @property
    def hook_failures(self) -> tuple[HookFailure, ...]:
        """The event hooks that raised after the batch committed (read it after the block)."""
        return self._context.hook_failures

    def receive_signals(
        self, items: Iterable[tuple[Signal, HouseholdIn | int]]
    ) -> list[SignalReceipt]:
        """Receive each ``(signal, household)`` with ``receive_signal``'s rules, an item seeing
        the households the items before it made; the receipts in order."""
        return self._signals.receive_signals_in(self.tx, list(items))

    def triage(self, items: Iterable[tuple[int, bool]]) -> None:
        """Triage each ``(signal, integral)``."""
        self._signals.triage_in(self.tx, list(items))

    def record_assessments(
        self, items: Iterable[tuple[int, AssessmentIn]]
    ) -> list[AssessmentResult]:
        """Record each ``(household, assessment)`` and the escalations the rules propose."""
        return self._assessments.record_assessments_in(self.tx, list(items))

    def record_consents(self, consents: Iterable[ConsentIn]) -> list[int]:
        """Record each consent; their ids in order."""
        return self._consents.record_consents_in(self.tx, list(consents))

    def draft_plans(self, items: Iterable[tuple[int, PlanIn, str]]) -> list[int]:
        """Draft each ``(household, plan, case director)``; the plans' ids in order."""
        return self._plans.draft_plans_in(self.tx, list(items))

    def finalise_plans(self, items: Iterable[tuple[int, int]]) -> None:
        """Finalise each ``(plan, expected version)``."""
        self._plans.finalise_plans_in(self.tx, list(items))

    def grant_direct_provisions(self, items: Iterable[tuple[int, str, Delivery]]) -> list[int]:
        """Grant each ``(household, provision, delivery)`` directly; the grants' ids in order."""
        return self._grants.grant_direct_provisions_in(self.tx, list(items))

    def close_cases(self, households: Iterable[int]) -> None:
        """Close each household's case and its plan."""
        self._plans.close_cases_in(self.tx, list(households))

    def respond_to_actions(self, answers: Iterable[ActionResponseIn]) -> None:
        """Accept or decline each requested action for the actor's organisation."""
        self._responses.respond_to_actions_in(self.tx, list(answers))

    def confirm_escalations(self, items: Iterable[tuple[int, str, str]]) -> None:
        """Confirm each ``(escalation, responsible, organisation)``."""
        self._escalations.confirm_escalations_in(self.tx, list(items))

    def reject_escalations(self, items: Iterable[tuple[int, str]]) -> None:
        """Reject each ``(escalation, why)``."""
        self._escalations.reject_escalations_in(self.tx, list(items))

    def de_escalate(self, escalations: Iterable[int]) -> None:
        """End each active escalation."""
        self._escalations.de_escalate_in(self.tx, list(escalations))


@contextmanager
def open_batch(context: Context) -> Iterator[Batch]:
    """One transaction for many items (``CaseSession.batch``): commit at the end of the block,
    then announce its events; roll back everything on any error."""
    with context.transaction("batch") as tx:
        batch = Batch(context, tx)
        try:
            yield batch
        finally:
            batch._tx = None
