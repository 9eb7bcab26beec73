"""``session.batch()``: one transaction for many items of every write operation, its events
announced after the commit, hook failures reported, nothing written when it fails."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from batch_cycle_helpers import PLAN, SIGNAL, chain_intact, counts, new_household, snapshot
from case_helpers import Clock, actor, assessment, consent
from sample_town import SampleTown
from sqlmodel import Session

from wijkteamkit.engine.casework import Casework
from wijkteamkit.engine.errors import IllegalTransition, RuleViolation
from wijkteamkit.store.database import open_database
from wijkteamkit.store.tables import PlanRow
from wijkteamkit.testing import PluginHarness


class Recorder:
    """Records each event with whether its change was visible to another session (committed);
    the escalated hook raises, as a broken forwarder would."""

    def __init__(self) -> None:
        self.events: list[tuple[str, bool]] = []
        self.casework: Casework | None = None

    def wijkteamkit_plan_finalised(self, setup: Any, event: Any) -> None:
        assert self.casework is not None
        with Session(self.casework.engine) as db:
            row = db.get(PlanRow, event.plan)
            self.events.append(("plan_finalised", row is not None and row.state == "final"))

    def wijkteamkit_disclosure_decided(self, setup: Any, event: Any) -> None:
        self.events.append(("disclosure_decided", True))

    def wijkteamkit_escalated(self, setup: Any, event: Any) -> None:
        self.events.append(("escalated", True))
        raise RuntimeError("the forwarder is down")


@pytest.fixture
def recorded(database_url: str, clock: Clock) -> Iterator[tuple[Casework, Recorder]]:
    recorder = Recorder()
    harness = PluginHarness()
    harness.register(SampleTown())
    harness.register(recorder, layer="local")
    engine = open_database(database_url)
    casework = Casework(engine, harness.load(), clock)
    recorder.casework = casework
    yield casework, recorder
    engine.dispose()


def test_a_batch_runs_the_cycle_and_announces_its_events_after_commit(
    recorded: tuple[Casework, Recorder],
) -> None:
    casework, recorder = recorded
    worker, leader = casework.as_actor(actor()), casework.as_actor(actor("team_leader", "Lars"))
    received = [worker.receive_signal(SIGNAL, new_household()) for _ in range(3)]
    households = [r.household for r in received]
    with worker.batch() as batch:
        batch.triage([(r.signal, True) for r in received])
        results = batch.record_assessments([(h, assessment()) for h in households])
        batch.record_consents([consent(h) for h in households])
        plans = batch.draft_plans([(h, PLAN, "Anna") for h in households])
        batch.finalise_plans([(p, 1) for p in plans])
        assert recorder.events == []  # nothing is announced before the commit
    assert recorder.events == [("plan_finalised", True)] * 3
    assert batch.hook_failures == ()
    with leader.batch() as batch:
        batch.confirm_escalations([(r.proposed[0], "Mevr. de Vries", "Regieteam") for r in results])
    assert recorder.events[3:] == [("disclosure_decided", True)] * 3 + [("escalated", True)] * 3
    assert [f.hook for f in batch.hook_failures] == ["wijkteamkit_escalated"] * 3
    assert {snapshot(casework, h)["case"] for h in households} == {("final_plan", False)}
    assert chain_intact(casework)


def test_a_failing_call_rolls_back_the_whole_batch(
    recorded: tuple[Casework, Recorder],
) -> None:
    casework, recorder = recorded
    worker = casework.as_actor(actor())
    received = [worker.receive_signal(SIGNAL, new_household()) for _ in range(2)]
    before = counts(casework)
    with (
        pytest.raises(IllegalTransition, match=r"item 1: .*'answered' to 'assessed'"),
        worker.batch() as batch,
    ):
        batch.triage([(received[0].signal, True), (received[1].signal, False)])
        batch.record_assessments([(r.household, assessment()) for r in received])
    assert counts(casework) == before
    assert {snapshot(casework, r.household)["case"] for r in received} == {("signalled", False)}
    assert recorder.events == []


def test_a_batch_cannot_be_used_after_its_block(recorded: tuple[Casework, Recorder]) -> None:
    casework, _ = recorded
    worker = casework.as_actor(actor())
    received = worker.receive_signal(SIGNAL, new_household())
    with worker.batch() as batch:
        batch.triage([(received.signal, True)])
    with pytest.raises(RuleViolation, match="this batch has ended"):
        batch.record_assessments([(received.household, assessment())])
    assert snapshot(casework, received.household)["case"] == ("home_visit", False)


def test_an_empty_batch_writes_nothing(recorded: tuple[Casework, Recorder]) -> None:
    casework, _ = recorded
    before = counts(casework)
    with casework.as_actor(actor("team_leader", "Lars")).batch() as batch:
        batch.confirm_escalations([])
        batch.reject_escalations([])
        batch.de_escalate([])
        batch.close_cases([])
        assert batch.draft_plans([]) == []
    assert counts(casework) == before
