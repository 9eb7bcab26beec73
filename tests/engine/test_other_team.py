"""What another team may do with a household it does not serve: report a concern, nothing more."""

from __future__ import annotations

import pytest
from case_helpers import HOUSEHOLD, T0, actor
from sqlmodel import Session, col, select

from wijkteamkit import Signal
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import AccessDenied
from wijkteamkit.store.tables import AuditEntryRow, SignalRow

SIGNAL = Signal(reporter="school", received_at=T0)


def _other_team(casework: Casework) -> CaseSession:
    return CaseSession(casework, actor("worker", "sven", team="team-elders"))


def _refusals(casework: Casework) -> list[str | None]:
    with Session(casework.engine) as db:
        return list(
            db.exec(
                select(AuditEntryRow.reason)
                .where(AuditEntryRow.action == "access.refused")
                .order_by(col(AuditEntryRow.seq))
            ).all()
        )


def _signal_teams(casework: Casework, household: int) -> list[str | None]:
    with Session(casework.engine) as db:
        return list(db.exec(select(SignalRow.team).where(SignalRow.household_id == household)))


def test_another_team_reports_a_concern_that_goes_to_the_serving_team(
    casework: Casework, worker: CaseSession
) -> None:
    household, _ = worker.receive_signal(SIGNAL, HOUSEHOLD)
    other = _other_team(casework)
    same, signal = other.receive_signal(SIGNAL, household)
    assert same == household
    assert _signal_teams(casework, household) == ["team-centrum", "team-centrum"]
    with pytest.raises(AccessDenied, match=r"\[team\]"):
        other.triage(signal, integral=True)
    assert _refusals(casework) == ["team"]
    worker.triage(signal, integral=True)  # the serving team takes it on


def test_only_its_own_team_reopens_a_closed_case(
    casework: Casework, worker: CaseSession, leader: CaseSession
) -> None:
    household, signal = worker.receive_signal(SIGNAL, HOUSEHOLD)
    worker.triage(signal, integral=False)
    leader.close_case(household)
    with pytest.raises(AccessDenied, match=r"\[team\] household \d+ is closed"):
        _other_team(casework).receive_signal(SIGNAL, household)
    assert _signal_teams(casework, household) == ["team-centrum"]  # nothing written
    assert _refusals(casework) == ["team"]
    assert worker.receive_signal(SIGNAL, household).household == household  # its own team may
    assert len(_signal_teams(casework, household)) == 2


def test_roles_outside_the_team_receive_no_signals_and_the_refusal_is_audited(
    casework: Casework,
) -> None:
    auditor = casework.as_actor(actor("auditor", "aud-1", team=None))
    with pytest.raises(AccessDenied, match=r"\[role\]"):
        auditor.receive_signal(SIGNAL, HOUSEHOLD)
    assert _refusals(casework) == ["role"]


def test_an_actor_of_another_municipality_or_an_unknown_team_is_refused_and_audited(
    casework: Casework,
) -> None:
    with pytest.raises(AccessDenied, match=r"\[tenant\] sven acts for GM0002"):
        casework.as_actor(actor("worker", "sven", municipality="GM0002"))
    with pytest.raises(AccessDenied, match=r"\[tenant\] 'team-elders' is not a team"):
        casework.as_actor(actor("worker", "sven", team="team-elders"))
    with Session(casework.engine) as db:
        entries = db.exec(
            select(AuditEntryRow).where(AuditEntryRow.action == "access.refused")
        ).all()
    assert [(e.municipality, e.reason, e.detail) for e in entries] == [
        ("GM0001", "tenant", {"claimed_municipality": "GM0002"}),
        ("GM0001", "tenant", {"claimed_team": "team-elders"}),
    ]
    assert casework.as_actor(actor("worker", "sven")).actor.team == "team-centrum"
