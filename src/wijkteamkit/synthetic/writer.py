"""Playing household scripts through the casework engine, batch by batch and phase by phase.

Each batch of scripts is written in the order of the work process: signals, triage, answered
questions closed, assessments, consents, escalation decisions, plans drafted and made final,
de-escalations, cases closed. Within a phase the households are grouped by the team the engine
routed them to, each acted on by that team's synthetic actor (:mod:`.actors`). The engine's
clock is set, per phase, to the latest moment a household of the batch reaches that step (never
moving back within a batch), so every input lies in the engine's past and a consent is given
before the hand-over it permits.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Connection, func, select
from sqlmodel import col

from ..domain.case import Role
from ..engine.casework import CaseSession, Casework
from ..store.tables import EscalationRow, HouseholdRow
from ..store.tenancy import bind_connection
from .actors import actor, actor_id
from .scripts import HouseholdScript
from .summary import Summary

Progress = Callable[[int], None]
"""Told the number of households written so far, after each batch."""


def existing_households(casework: Casework) -> int:
    """How many households of the municipality the database holds already."""
    with _reading(casework) as connection:
        return int(
            connection.execute(
                select(func.count())
                .select_from(HouseholdRow)
                .where(col(HouseholdRow.municipality) == casework.setup.code)
            ).scalar_one()
        )


def write(
    casework: Casework,
    batches: Iterable[Sequence[HouseholdScript]],
    summary: Summary,
    progress: Progress | None = None,
) -> Summary:
    """Write every batch through the engine, counting into ``summary``; the engine's clock is
    restored afterwards. An engine error stops the run: the batches before it stay written."""
    started = time.perf_counter()
    clock = casework.clock
    try:
        for batch in batches:
            _Batch(casework, batch, summary).write()
            summary.households += len(batch)
            summary.seconds = time.perf_counter() - started
            if progress is not None:
                progress(summary.households)
    finally:
        casework.clock = clock
    return summary


class _Batch:
    """One batch of scripts, written phase by phase."""

    def __init__(
        self, casework: Casework, scripts: Sequence[HouseholdScript], summary: Summary
    ) -> None:
        self.casework = casework
        self.scripts = scripts
        self.summary = summary
        self.now: datetime | None = None
        self.households: dict[int, int] = {}
        self.signals: dict[int, int] = {}
        self.teams: dict[int, str] = {}
        self.plans: dict[int, int] = {}
        self.escalations: dict[tuple[int, str], int] = {}
        self.sessions: dict[tuple[str, Role], CaseSession] = {}

    def write(self) -> None:
        self._signals()
        self._phase(lambda s: s.triaged_at, Role.WORKER, self._triage)
        self._phase(lambda s: None if s.integral else s.closed_at, Role.CASE_DIRECTOR, self._close)
        self._phase(lambda s: s.assessed_at, Role.WORKER, self._assess)
        self._phase(lambda s: s.assessed_at if s.consent else None, Role.WORKER, self._consent)
        self._phase(lambda s: s.decided_at, Role.TEAM_LEADER, self._decide)
        self._phase(lambda s: s.drafted_at, Role.WORKER, self._draft)
        self._phase(lambda s: s.finalised_at, Role.WORKER, self._finalise)
        self._phase(lambda s: s.ended_at, Role.TEAM_LEADER, self._end)
        self._phase(lambda s: s.closed_at if s.integral else None, Role.CASE_DIRECTOR, self._close)

    def _at(self, moment: datetime) -> None:
        """Move the engine's clock to ``moment`` unless it is further already."""
        if self.now is None or moment > self.now:
            self.now = moment
        now = self.now
        self.casework.clock = lambda: now

    def _session(self, team: str, role: Role) -> CaseSession:
        key = (team, role)
        if key not in self.sessions:
            self.sessions[key] = self.casework.as_actor(actor(self.casework.setup, team, role))
        return self.sessions[key]

    def _signals(self) -> None:
        self._at(max(s.signal.received_at for s in self.scripts))
        for script in self.scripts:
            session = self._session(script.team, Role.WORKER)
            receipt = session.receive_signal(script.signal, script.household)
            self.households[script.number] = receipt.household
            self.signals[script.number] = receipt.signal
            self.summary.signals[script.signal.reporter.value] += 1
        routed = self._routed()
        for script in self.scripts:
            self.teams[script.number] = routed[self.households[script.number]]
            self.summary.teams[self.teams[script.number]] += 1

    def _phase(
        self,
        when: Callable[[HouseholdScript], datetime | None],
        role: Role,
        act: Callable[[CaseSession, HouseholdScript], None],
    ) -> None:
        """Run ``act`` for every script that reaches this step, by the household's team."""
        due = [s for s in self.scripts if when(s) is not None]
        if not due:
            return
        self._at(max(m for s in due if (m := when(s)) is not None))
        by_team: dict[str, list[HouseholdScript]] = defaultdict(list)
        for script in due:
            by_team[self.teams[script.number]].append(script)
        for team in sorted(by_team):
            session = self._session(team, role)
            for script in by_team[team]:
                act(session, script)

    def _triage(self, session: CaseSession, script: HouseholdScript) -> None:
        session.triage(self.signals[script.number], integral=script.integral)
        self.summary.single_questions += not script.integral

    def _assess(self, session: CaseSession, script: HouseholdScript) -> None:
        assert script.assessment is not None
        household = self.households[script.number]
        result = session.record_assessment(household, script.assessment)
        self.summary.assessments += 1
        self.summary.proposed += len(result.proposed)
        for escalation, target in self._targets(result.proposed).items():
            self.escalations[household, target] = escalation

    def _consent(self, session: CaseSession, script: HouseholdScript) -> None:
        assert script.consent is not None
        session.record_consent(script.consent.for_household(self.households[script.number]))
        self.summary.consents += 1

    def _decide(self, session: CaseSession, script: HouseholdScript) -> None:
        household = self.households[script.number]
        for decision in script.escalations:
            escalation = self.escalations[household, decision.target]
            if decision.decision == "confirm":
                assert decision.responsible is not None and decision.organisation is not None
                session.confirm_escalation(escalation, decision.responsible, decision.organisation)
                self.summary.confirmed += 1
            elif decision.decision == "reject":
                assert decision.reason is not None
                session.reject_escalation(escalation, decision.reason)
                self.summary.rejected += 1

    def _draft(self, session: CaseSession, script: HouseholdScript) -> None:
        assert script.plan is not None
        self.plans[script.number] = session.draft_plan(
            self.households[script.number],
            script.plan,
            actor_id(self.teams[script.number], Role.CASE_DIRECTOR),
        )
        self.summary.plans += 1

    def _finalise(self, session: CaseSession, script: HouseholdScript) -> None:
        session.finalise_plan(self.plans[script.number], expected_version=1)
        self.summary.final_plans += 1

    def _end(self, session: CaseSession, script: HouseholdScript) -> None:
        household = self.households[script.number]
        for decision in script.escalations:
            if decision.ends:
                session.de_escalate(self.escalations[household, decision.target])
                self.summary.ended += 1

    def _close(self, session: CaseSession, script: HouseholdScript) -> None:
        session.close_case(self.households[script.number])
        self.summary.closed += 1

    def _routed(self) -> dict[int, str]:
        """The team each household of the batch was routed to."""
        ids = sorted(set(self.households.values()))
        with _reading(self.casework) as connection:
            rows = connection.execute(
                select(col(HouseholdRow.id), col(HouseholdRow.team)).where(
                    col(HouseholdRow.id).in_(ids)
                )
            ).all()
        return {int(household or 0): team or "" for household, team in rows}

    def _targets(self, escalations: Sequence[int]) -> dict[int, str]:
        """The target of each escalation id."""
        if not escalations:
            return {}
        with _reading(self.casework) as connection:
            rows = connection.execute(
                select(col(EscalationRow.id), col(EscalationRow.target)).where(
                    col(EscalationRow.id).in_(list(escalations))
                )
            ).all()
        return {int(escalation or 0): target for escalation, target in rows}


@contextmanager
def _reading(casework: Casework) -> Iterator[Connection]:
    """A read-only connection bound to the municipality (row-level security on PostgreSQL)."""
    with casework.engine.connect() as connection, connection.begin() as transaction:
        bind_connection(connection, casework.setup.code)
        yield connection
        transaction.rollback()
