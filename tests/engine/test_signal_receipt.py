"""receive_signal says which team the signal was routed to: the caller's, or another one's."""

from __future__ import annotations

from case_helpers import HOUSEHOLD, T0, actor

from wijkteamkit import Signal
from wijkteamkit.engine.casework import CaseSession, Casework

SIGNAL = Signal(reporter="school", received_at=T0)


def test_the_receipt_names_the_team_of_the_households_neighbourhood(worker: CaseSession) -> None:
    receipt = worker.receive_signal(SIGNAL, HOUSEHOLD)
    assert receipt.team == "team-centrum"
    household, signal = receipt  # it still unpacks as before
    assert (household, signal) == (receipt.household, receipt.signal)


def test_a_concern_from_another_team_names_the_serving_team(
    casework: Casework, worker: CaseSession
) -> None:
    household, _ = worker.receive_signal(SIGNAL, HOUSEHOLD)
    other = CaseSession(casework, actor("worker", "sven", team="team-elders"))
    assert other.receive_signal(SIGNAL, household).team == "team-centrum"


def test_a_repeated_reference_returns_the_first_receipts_team(worker: CaseSession) -> None:
    sent = SIGNAL.model_copy(update={"source": "feed", "external_reference": "r-1"})
    first = worker.receive_signal(sent, HOUSEHOLD)
    again = worker.receive_signal(sent, HOUSEHOLD)
    assert (again.household, again.signal, again.team) == (
        first.household,
        first.signal,
        "team-centrum",
    )


def test_a_batch_names_each_items_team(worker: CaseSession) -> None:
    with worker.batch() as batch:
        receipts = batch.receive_signals([(SIGNAL, HOUSEHOLD)])
    assert [r.team for r in receipts] == ["team-centrum"]
