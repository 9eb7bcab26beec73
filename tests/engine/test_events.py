"""The engine announces events through the event hooks, after each change is committed."""

from __future__ import annotations

from typing import Any

import pytest
from case_helpers import HOUSEHOLD, T0, Clock, actor, assessment, consent
from sample_town import SampleTown
from sqlmodel import Session, select

from wijkteamkit import Signal
from wijkteamkit.domain.case import PlanIn
from wijkteamkit.engine.casework import Casework
from wijkteamkit.store.database import open_database
from wijkteamkit.store.tables import SignalRow
from wijkteamkit.testing import PluginHarness


class Recorder:
    """A plugin that forwards every event, as an embedding system would."""

    def __init__(self, casework: list[Casework]) -> None:
        self.events: list[tuple[str, Any, bool]] = []
        self.casework = casework

    def _seen(self, name: str, event: Any) -> None:
        committed = True
        if name == "signal_received":
            with Session(self.casework[0].engine) as db:  # visible from another session: committed
                committed = db.get(SignalRow, event.signal) is not None
        self.events.append((name, event, committed))

    def wijkteamkit_signal_received(self, setup: Any, event: Any) -> None:
        self._seen("signal_received", event)

    def wijkteamkit_consent_changed(self, setup: Any, event: Any) -> None:
        self._seen("consent_changed", event)

    def wijkteamkit_plan_finalised(self, setup: Any, event: Any) -> None:
        self._seen("plan_finalised", event)

    def wijkteamkit_escalated(self, setup: Any, event: Any) -> None:
        self._seen("escalated", event)

    def wijkteamkit_de_escalated(self, setup: Any, event: Any) -> None:
        self._seen("de_escalated", event)

    def wijkteamkit_disclosure_decided(self, setup: Any, event: Any) -> None:
        self._seen("disclosure_decided", event)


def test_every_event_is_announced_once_after_commit(
    database_url: str, clock: Clock, request: pytest.FixtureRequest
) -> None:
    holder: list[Casework] = []
    recorder = Recorder(holder)
    harness = PluginHarness()
    harness.register(SampleTown())
    harness.register(recorder, layer="local")
    engine = open_database(database_url)
    request.addfinalizer(engine.dispose)
    casework = Casework(engine, harness.load(), clock)
    holder.append(casework)
    worker, leader = casework.as_actor(actor()), casework.as_actor(actor("team_leader", "Lars"))
    household, signal = worker.receive_signal(Signal(reporter="school", received_at=T0), HOUSEHOLD)
    worker.triage(signal, integral=True)
    escalation = worker.record_assessment(household, assessment()).proposed[0]
    given = worker.record_consent(consent(household))
    plan = worker.draft_plan(
        household,
        PlanIn(
            goals=[{"domain": "financien", "goal": "Rust"}],
            actions=[
                {
                    "description": "Zelf",
                    "domain": "financien",
                    "actor": "self",
                    "rung": "own_strength",
                }
            ],
        ),
        "Anna",
    )
    worker.finalise_plan(plan, 1)
    leader.confirm_escalation(escalation, "Mevr. de Vries", "Regieteam Zuid")
    leader.de_escalate(escalation)
    worker.withdraw_consent(given)
    names = [name for name, _event, _ in recorder.events]
    assert names == [
        "signal_received",
        "consent_changed",
        "plan_finalised",
        "disclosure_decided",
        "escalated",
        "de_escalated",
        "consent_changed",
    ]
    assert all(committed for *_, committed in recorder.events)
    handover = recorder.events[3][1]
    assert (handover.recipient, handover.outcome, handover.reason) == (
        "regieteam",
        "permit",
        "consent",
    )
    escalated = recorder.events[4][1]
    assert (escalated.target, escalated.handover, escalated.responsible) == (
        "regieteam",
        "transfer",
        "Mevr. de Vries",
    )
    with Session(casework.engine) as db:
        assert len(db.exec(select(SignalRow)).all()) == 1
