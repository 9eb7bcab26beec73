"""Playing household scripts through the casework engine, batch by batch and phase by phase.

Each batch of scripts is written in the order of the work process: signals, triage, answered
questions closed, assessments, consents, escalation decisions, plans drafted and made final,
de-escalations, cases closed. Within a phase the households are grouped by the team the engine
routed them to, and each team's synthetic actor (:mod:`.actors`) acts on its group in one
engine batch (``session.batch()``: one transaction, the same checks as one at a time). The engine's
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
from ..engine.batch import Batch
from ..engine.casework import CaseSession, Casework
from ..store.tables import HouseholdRow
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
    restored afterwards. An engine error stops the run: every engine transaction is whole, so
    the batches before it stay written, and of its own batch the phases before it."""
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
    """One batch of scripts, written phase by phase; each phase one engine batch per team."""

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
        """Each team's worker receives the signals of its neighbourhoods' households; later
        phases follow the team the engine routed each household to."""
        self._at(max(s.signal.received_at for s in self.scripts))
        by_team: dict[str, list[HouseholdScript]] = defaultdict(list)
        for script in self.scripts:
            by_team[script.team].append(script)
        for team in sorted(by_team):
            with self._session(team, Role.WORKER).batch() as batch:
                receipts = batch.receive_signals((s.signal, s.household) for s in by_team[team])
            for script, receipt in zip(by_team[team], receipts, strict=True):
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
        act: Callable[[Batch, list[HouseholdScript]], None],
    ) -> None:
        """Run ``act`` on the scripts that reach this step, in one engine batch per team."""
        due = [s for s in self.scripts if when(s) is not None]
        if not due:
            return
        self._at(max(m for s in due if (m := when(s)) is not None))
        by_team: dict[str, list[HouseholdScript]] = defaultdict(list)
        for script in due:
            by_team[self.teams[script.number]].append(script)
        for team in sorted(by_team):
            with self._session(team, role).batch() as batch:
                act(batch, by_team[team])

    def _triage(self, batch: Batch, scripts: list[HouseholdScript]) -> None:
        batch.triage((self.signals[s.number], s.integral) for s in scripts)
        self.summary.single_questions += sum(not s.integral for s in scripts)

    def _assess(self, batch: Batch, scripts: list[HouseholdScript]) -> None:
        results = batch.record_assessments(
            (self.households[s.number], s.assessment) for s in scripts if s.assessment
        )
        self.summary.assessments += len(results)
        for script, result in zip(scripts, results, strict=True):
            expected = [e.target for e in script.escalations]
            if len(expected) != len(result.proposed):
                raise RuntimeError(
                    f"household {self.households[script.number]}: the rules proposed "
                    f"{len(result.proposed)} escalation(s), the script expected {len(expected)}"
                )
            self.summary.proposed += len(result.proposed)
            for target, escalation in zip(expected, result.proposed, strict=True):
                self.escalations[self.households[script.number], target] = escalation

    def _consent(self, batch: Batch, scripts: list[HouseholdScript]) -> None:
        batch.record_consents(
            s.consent.for_household(self.households[s.number]) for s in scripts if s.consent
        )
        self.summary.consents += len(scripts)

    def _decide(self, batch: Batch, scripts: list[HouseholdScript]) -> None:
        confirmed, rejected = [], []
        for script in scripts:
            household = self.households[script.number]
            for e in script.escalations:
                escalation = self.escalations[household, e.target]
                if e.decision == "confirm" and e.responsible and e.organisation:
                    confirmed.append((escalation, e.responsible, e.organisation))
                elif e.decision == "reject" and e.reason:
                    rejected.append((escalation, e.reason))
        batch.confirm_escalations(confirmed)
        batch.reject_escalations(rejected)
        self.summary.confirmed += len(confirmed)
        self.summary.rejected += len(rejected)

    def _draft(self, batch: Batch, scripts: list[HouseholdScript]) -> None:
        ids = batch.draft_plans(
            (
                self.households[s.number],
                s.plan,
                actor_id(self.teams[s.number], Role.CASE_DIRECTOR),
            )
            for s in scripts
            if s.plan
        )
        self.plans.update(zip((s.number for s in scripts), ids, strict=True))
        self.summary.plans += len(ids)

    def _finalise(self, batch: Batch, scripts: list[HouseholdScript]) -> None:
        batch.finalise_plans((self.plans[s.number], 1) for s in scripts)
        self.summary.final_plans += len(scripts)

    def _end(self, batch: Batch, scripts: list[HouseholdScript]) -> None:
        household = self.households
        ended = [
            self.escalations[household[s.number], e.target]
            for s in scripts
            for e in s.escalations
            if e.ends
        ]
        batch.de_escalate(ended)
        self.summary.ended += len(ended)

    def _close(self, batch: Batch, scripts: list[HouseholdScript]) -> None:
        batch.close_cases(self.households[s.number] for s in scripts)
        self.summary.closed += len(scripts)

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


@contextmanager
def _reading(casework: Casework) -> Iterator[Connection]:
    """A read-only connection bound to the municipality (row-level security on PostgreSQL)."""
    with casework.engine.connect() as connection, connection.begin() as transaction:
        bind_connection(connection, casework.setup.code)
        yield connection
        transaction.rollback()
