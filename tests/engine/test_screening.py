"""Screening the caseload: what it lists, as of which day, for whom, and what it audits.

A small caseload made with the interactive engine (two teams of Teststad, on SQLite and on
PostgreSQL as a row-level-security-bound role). The screening must list exactly what the
per-assessment path would evaluate: the latest assessment's scores with its indicators and the
household's signals', where no escalation to the rule's target is open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from case_helpers import PROBLEMS, Clock, actor, consent
from sample_town import CENTRUM, NOORD, SRC, SampleTown, two_teams
from sqlmodel import Session, col, select

from wijkteamkit import Municipality, Signal
from wijkteamkit.domain.case import AssessmentIn, HouseholdIn, PersonIn, PlanIn
from wijkteamkit.domain.common import LOCAL_ZONE, local_date
from wijkteamkit.domain.escalation import Facts
from wijkteamkit.engine.casework import Casework
from wijkteamkit.engine.errors import AccessDenied, CaseworkError
from wijkteamkit.engine.process import EscalationState
from wijkteamkit.engine.screening import SCREENED, Hit, Screening, _Reader, screen
from wijkteamkit.store.database import open_database
from wijkteamkit.store.tables import (
    AssessmentRow,
    AuditEntryRow,
    EscalationRow,
    HouseholdRow,
    SignalRow,
)
from wijkteamkit.testing import PluginHarness

FINE = {"financien": 4, "huisvesting": 4}
PLAN = PlanIn(
    goals=[{"domain": "financien", "goal": "Rust"}],
    actions=[
        {"description": "Zelf", "domain": "financien", "actor": "self", "rung": "own_strength"}
    ],
)
MULTI = Hit("multi", "regieteam")
DV = Hit("dv", "veilig-thuis")


def _town() -> SampleTown:
    parts = two_teams()
    parts["tender_procedures"] = []
    return SampleTown(**parts)


@dataclass
class Caseload:
    casework: Casework
    clock: Clock
    code: str = "GM0001"
    made: dict[str, int] = field(default_factory=dict)

    def new(self, name: str, team: str = CENTRUM, *indicators: str) -> int:
        postcode = "1234AB" if team == CENTRUM else "5678AB"
        worker = self.casework.as_actor(actor(team=team, municipality=self.code))
        household = HouseholdIn(
            postcode=postcode, members=(PersonIn(role="head", birth_date=date(1970, 5, 1)),)
        )
        signal = Signal(reporter="gp", received_at=self.clock.now, indicators=frozenset(indicators))
        self.made[name], signal_id = worker.receive_signal(signal, household)
        worker.triage(signal_id, integral=True)
        return self.made[name]

    def assess(self, name: str, scores: dict[str, int], team: str = CENTRUM) -> tuple[int, ...]:
        worker = self.casework.as_actor(actor(team=team, municipality=self.code))
        held = AssessmentIn(scores=scores, held_at=self.clock.now)
        return worker.record_assessment(self.made[name], held).proposed

    def reject(self, escalation: int, team: str = CENTRUM) -> None:
        leader = self.casework.as_actor(
            actor("team_leader", "lars", team=team, municipality=self.code)
        )
        leader.reject_escalation(escalation, "not needed now")


def _day(clock: Clock) -> date:
    return local_date(clock.now)


@pytest.fixture
def caseload(casework: Casework, clock: Clock) -> Caseload:
    """Day 0 assessments, day 2 rejections, day 4 a signal; see the names."""
    harness = PluginHarness()
    harness.register(_town())
    town = Caseload(Casework(casework.engine, harness.load(), clock), clock)
    town.new("rejected")
    town.new("open")
    town.new("better")
    town.new("fine")
    town.new("closed")
    town.new("unassessed", CENTRUM, "domestic-violence")
    town.new("noord", NOORD)
    (rejected,) = town.assess("rejected", PROBLEMS)
    town.assess("open", PROBLEMS)
    (better,) = town.assess("better", PROBLEMS)
    town.assess("fine", FINE)
    (closed,) = town.assess("closed", PROBLEMS)
    (noord,) = town.assess("noord", PROBLEMS, NOORD)
    clock.advance(days=2)
    for escalation in (rejected, better, closed):
        town.reject(escalation)
    town.reject(noord, NOORD)
    town.assess("better", FINE)
    worker = town.casework.as_actor(actor())
    worker.record_consent(consent(town.made["closed"]))
    worker.draft_plan(town.made["closed"], PLAN, case_director="dora")
    town.casework.as_actor(actor("team_leader", "lars")).close_case(town.made["closed"])
    clock.advance(days=2)
    worker.receive_signal(
        Signal(
            reporter="police",
            received_at=clock.now,
            indicators=frozenset({"domestic-violence"}),
        ),
        town.made["fine"],
    )
    clock.advance(hours=1)
    return town


def auditor() -> object:
    return actor("auditor", "audit-1", team=None)


def listed(result: Screening) -> dict[str | None, dict[int, tuple[Hit, ...]]]:
    return {t.team: {h.household: h.hits for h in t.households} for t in result.teams}


def per_assessment(
    town: Caseload, on: date, municipality: str = "GM0001"
) -> dict[str | None, dict[int, tuple[Hit, ...]]]:
    """The oracle: the rules' ``fires`` on each open household's rows, read one by one, where
    the rule's target accepts the household, with the setup as it stood on ``on``."""
    cutoff = datetime.combine(on + timedelta(days=1), time(), LOCAL_ZONE)
    setup = town.casework.setup.on(on)
    rules = sorted(setup.escalation_rules, key=lambda r: (r.priority, r.key))
    targets = {t.key: t for t in setup.escalation_targets}
    expected: dict[str | None, dict[int, tuple[Hit, ...]]] = {}
    with Session(town.casework.engine) as db:
        households = select(HouseholdRow).where(HouseholdRow.municipality == municipality)
        for household in db.exec(households.order_by(col(HouseholdRow.id))).all():
            closed = household.closed_at is not None and household.closed_at < cutoff
            if household.created_at >= cutoff or closed:
                continue
            held = [
                a
                for a in db.exec(
                    select(AssessmentRow).where(AssessmentRow.household_id == household.id)
                ).all()
                if a.held_at < cutoff
            ]
            if not held:
                continue
            latest = max(held, key=lambda a: (a.held_at, a.id or 0))
            signals = db.exec(select(SignalRow).where(SignalRow.household_id == household.id))
            indicators = set(latest.indicators).union(
                *(s.indicators for s in signals.all() if s.received_at < cutoff)
            )
            open_targets = {
                e.target
                for e in db.exec(
                    select(EscalationRow).where(EscalationRow.household_id == household.id)
                ).all()
                if e.proposed_at < cutoff and (e.ended_at is None or e.ended_at >= cutoff)
            }
            facts = Facts(scores=latest.scores, indicators=frozenset(indicators))
            hits = tuple(
                Hit(r.key, r.target)
                for r in rules
                if r.target not in open_targets
                and r.fires(latest.scores, indicators)
                and targets[r.target].takes(facts)
            )
            if hits:
                expected.setdefault(household.team, {})[household.id or 0] = hits
    return expected


def test_it_lists_where_a_rule_fires_and_its_target_is_not_open(caseload: Caseload) -> None:
    made = caseload.made
    result = screen(caseload.casework, auditor())
    assert listed(result) == {
        CENTRUM: {made["rejected"]: (MULTI,), made["fine"]: (DV,)},
        NOORD: {made["noord"]: (MULTI,)},
    }
    assert listed(result) == per_assessment(caseload, result.on)
    assert (result.open_households, result.assessed, result.listed) == (6, 5, 3)
    assert result.on == _day(caseload.clock)


def test_as_of_a_day_it_sees_the_caseload_as_it_stood_then(caseload: Caseload) -> None:
    made = caseload.made
    start = _day(caseload.clock) - timedelta(days=4)
    before = screen(caseload.casework, auditor(), on=start - timedelta(days=1))
    assert (before.open_households, before.assessed, before.teams) == (0, 0, ())
    # Day 0: every proposal open, so nothing is listed.
    assert listed(screen(caseload.casework, auditor(), on=start)) == {}
    # Day 2: rejected (and the closed one closed, the better one reassessed); no signal yet.
    day2 = screen(caseload.casework, auditor(), on=start + timedelta(days=2))
    assert listed(day2) == {
        CENTRUM: {made["rejected"]: (MULTI,)},
        NOORD: {made["noord"]: (MULTI,)},
    }
    assert listed(day2) == per_assessment(caseload, day2.on)
    assert day2.open_households == 6


def test_an_open_proposal_keeps_its_household_off_the_list(caseload: Caseload) -> None:
    made = caseload.made
    with Session(caseload.casework.engine) as db:
        (state,) = db.exec(
            select(EscalationRow.state).where(EscalationRow.household_id == made["open"])
        ).all()
    assert state == EscalationState.PROPOSED
    assert made["open"] not in listed(screen(caseload.casework, auditor()))[CENTRUM]


def test_a_team_leader_screens_their_own_team_only(caseload: Caseload) -> None:
    leader = actor("team_leader", "lars", team=NOORD)
    result = screen(caseload.casework, leader)
    assert listed(result) == {NOORD: {caseload.made["noord"]: (MULTI,)}}
    assert result.open_households == 1


@pytest.mark.parametrize("role", ["worker", "case_director", "resident"])
def test_anyone_else_is_refused_and_the_refusal_audited(caseload: Caseload, role: str) -> None:
    who = actor(role, "x-1", household=caseload.made["open"] if role == "resident" else None)
    with pytest.raises(AccessDenied, match="may not screen"):
        screen(caseload.casework, who)
    entry = _last_entry(caseload)
    assert (entry.action, entry.outcome, entry.reason) == ("access.refused", "deny", "role")


def test_another_municipality_is_refused(caseload: Caseload) -> None:
    with pytest.raises(AccessDenied, match="GM0002"):
        screen(caseload.casework, actor("auditor", "audit-1", team=None, municipality="GM0002"))
    assert _last_entry(caseload).reason == "tenant"


def test_a_screening_is_one_audit_entry_of_counts(caseload: Caseload) -> None:
    before = _audit_count(caseload)
    result = screen(caseload.casework, actor("team_leader", "lars"))
    assert _audit_count(caseload) == before + 1
    entry = _last_entry(caseload)
    assert (entry.action, entry.subject, entry.actor) == (SCREENED, None, "lars")
    assert entry.detail == {
        "on": result.on.isoformat(),
        "open_households": 5,
        "assessed": 4,
        "listed": 2,
        "teams": {CENTRUM: 2},
        "team": CENTRUM,
    }


def test_small_chunks_list_the_same(caseload: Caseload) -> None:
    whole = screen(caseload.casework, auditor())
    for size in (1, 2, 3):
        part = screen(caseload.casework, auditor(), chunk=size)
        assert (listed(part), part.open_households, part.assessed) == (
            listed(whole),
            whole.open_households,
            whole.assessed,
        )


def _audit_count(town: Caseload) -> int:
    with Session(town.casework.engine) as db:
        return len(db.exec(select(AuditEntryRow.id)).all())


def _last_entry(town: Caseload) -> AuditEntryRow:
    with Session(town.casework.engine) as db:
        return db.exec(select(AuditEntryRow).order_by(col(AuditEntryRow.id).desc())).first()  # type: ignore[return-value]


def test_another_municipalitys_households_never_show(caseload: Caseload, clock: Clock) -> None:
    parts = _town().parts
    parts["municipality"] = Municipality(
        code="GM0002", name="Tweedestad", reference_date=date(2016, 1, 1), source=SRC
    )
    harness = PluginHarness()
    harness.register(SampleTown(**parts))
    other = Caseload(Casework(caseload.casework.engine, harness.load(), clock), clock, "GM0002")
    other.new("multi")
    (proposal,) = other.assess("multi", PROBLEMS)
    other.reject(proposal)
    ours = screen(caseload.casework, auditor())
    theirs = screen(other.casework, actor("auditor", "audit-2", team=None, municipality="GM0002"))
    assert listed(ours) == per_assessment(caseload, ours.on, "GM0001")
    assert listed(theirs) == {CENTRUM: {other.made["multi"]: (MULTI,)}}
    assert (theirs.open_households, theirs.assessed) == (1, 1)
    assert (ours.open_households, ours.listed) == (6, 3)


def test_sqlite_reads_each_chunk_through_the_household_indexes(tmp_path: Path) -> None:
    """Read through the municipality's index instead, every chunk would read every row of the
    municipality: quadratic in the caseload (benchmarks/screen.py measured it)."""
    harness = PluginHarness()
    harness.register(_town())
    casework = Casework(open_database(f"sqlite:///{tmp_path}/plan.db"), harness.load())
    reader = _Reader(casework, "GM0001", None, datetime(2030, 1, 1, tzinfo=UTC), [])
    reader.sqlite = True
    plans = []
    with casework.engine.connect() as connection:
        for query in reader.chunk_queries(reader._latest(1, 100), 1, 100):
            sql = query.compile(casework.engine, compile_kwargs={"literal_binds": True})
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
            plans.append(" ".join(str(row[-1]) for row in plan))
    casework.engine.dispose()
    for plan in plans:
        assert "municipality" not in plan
    assert all("_household_id" in plan for plan in plans)


def test_a_chunk_of_no_households_is_refused(caseload: Caseload) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        screen(caseload.casework, auditor(), chunk=0)


def test_a_database_error_leaves_as_a_casework_error(caseload: Caseload) -> None:
    if caseload.casework.engine.dialect.name != "sqlite":
        pytest.skip("renaming a table under the bound role is SQLite's part of this test")
    with caseload.casework.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE signal RENAME TO signal_elsewhere")
    with pytest.raises(CaseworkError) as raised:
        screen(caseload.casework, auditor())
    assert "SELECT" not in str(raised.value)
