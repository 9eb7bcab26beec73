"""Triage through the batch path: what one at a time writes, all or nothing, items named."""

from __future__ import annotations

import pytest
from batch_a_helpers import (
    actions,
    batch,
    chain_intact,
    counts,
    other_team,
    received,
    rows,
    served_by_another_team,
)
from case_helpers import T0, actor

from wijkteamkit import Signal
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import AccessDenied, IllegalTransition, NotFound
from wijkteamkit.engine.signals import SignalOps

INTEGRAL = (True, False, True)


def triage_in(session: CaseSession, items: list[tuple[int, bool]]) -> None:
    with batch(session) as tx:
        SignalOps(session.context).triage_in(tx, items)


def test_a_batch_triages_as_one_at_a_time_does(casework: Casework, worker: CaseSession) -> None:
    alone = [received(worker) for _ in range(3)]
    batched = [received(worker) for _ in range(3)]
    for (_, signal), integral in zip(alone, INTEGRAL, strict=True):
        worker.triage(signal, integral=integral)
    triage_in(
        worker,
        [(signal, integral) for (_, signal), integral in zip(batched, INTEGRAL, strict=True)],
    )
    assert [rows(casework, h) for h, _ in batched] == [rows(casework, h) for h, _ in alone]
    assert [rows(casework, h)["case"] for h, _ in batched] == [
        "home_visit",
        "answered",
        "home_visit",
    ]
    assert chain_intact(casework)


def test_an_empty_batch_writes_nothing(casework: Casework, worker: CaseSession) -> None:
    received(worker)
    before = counts(casework)
    triage_in(worker, [])
    assert counts(casework) == before


def test_another_teams_signal_refuses_the_batch_and_only_the_refusal_is_kept(
    casework: Casework, worker: CaseSession
) -> None:
    ours, theirs = received(worker), received(worker)
    served_by_another_team(casework, theirs[0])
    before = counts(casework)
    with pytest.raises(AccessDenied, match=r"\[team\] item 1: household \d+ is another team's"):
        triage_in(worker, [(ours[1], True), (theirs[1], True)])
    after = counts(casework)
    assert after["audit_entry"] == before["audit_entry"] + 1
    assert {**after, "audit_entry": 0} == {**before, "audit_entry": 0}
    assert actions(casework)[-1] == ("access.refused", "team")
    assert rows(casework, ours[0])["signals"][0][:2] == ("received", None)
    assert rows(casework, ours[0])["case"] == "signalled"
    assert chain_intact(casework)
    with pytest.raises(AccessDenied, match=r"\[team\] item 0: household \d+ is another team's"):
        triage_in(other_team(casework), [(ours[1], True), (theirs[1], True)])
    triage_in(worker, [(ours[1], True)])  # without the other team's household it passes


def test_a_role_outside_the_team_is_refused_and_audited(
    casework: Casework, worker: CaseSession
) -> None:
    _, signal = received(worker)
    auditor = casework.as_actor(actor("auditor", "aud-1", team=None))
    with pytest.raises(AccessDenied, match=r"\[role\]"):
        triage_in(auditor, [(signal, True)])
    assert actions(casework)[-1] == ("access.refused", "role")


def test_a_signal_twice_in_one_batch_is_an_illegal_second_triage(
    casework: Casework, worker: CaseSession
) -> None:
    _, first = received(worker)
    _, second = received(worker)
    before = counts(casework)
    with pytest.raises(IllegalTransition, match=r"item 2: signal \d+: cannot go from 'triaged'"):
        triage_in(worker, [(first, True), (second, True), (first, False)])
    assert counts(casework) == before
    triage_in(worker, [(first, True), (second, False)])  # without the repeat it passes


def test_an_unknown_signal_is_not_found_and_named(casework: Casework, worker: CaseSession) -> None:
    _, signal = received(worker)
    before = counts(casework)
    with pytest.raises(NotFound, match=r"item 1: no signal 1180591620717411303424 in Teststad"):
        triage_in(worker, [(signal, True), (2**70, True)])
    with pytest.raises(NotFound, match=r"item 1: no signal 999999 in Teststad"):
        triage_in(worker, [(signal, True), (999999, True)])
    assert counts(casework) == before


def test_a_household_not_awaiting_triage_refuses_the_batch(
    casework: Casework, worker: CaseSession
) -> None:
    household, signal = received(worker)
    worker.triage(signal, integral=True)
    _, fresh = received(worker)
    again = worker.receive_signal(Signal(reporter="school", received_at=T0), household).signal
    before = counts(casework)
    with pytest.raises(IllegalTransition, match=r"item 1: case of household \d+: cannot go"):
        triage_in(worker, [(fresh, True), (again, False)])
    assert counts(casework) == before
