"""Wmo requests under concurrency: OS processes recording the same step, or reporting the same
request, at the same moment (a barrier), on SQLite and PostgreSQL: exactly one wins."""

from __future__ import annotations

from collections import Counter
from datetime import date

from case_helpers import HOUSEHOLD, T0
from concurrency_helpers import run
from sqlmodel import Session, col, select

from wijkteamkit import Signal
from wijkteamkit.domain.requests import RequestIn, StepIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.store.tables import AuditEntryRow, WmoRequestRow

LOSERS = {"RuleViolation", "ConflictError"}


def test_one_step_and_one_report_win_when_four_processes_race(
    casework: Casework, worker: CaseSession, database_url: str
) -> None:
    household, _ = worker.receive_signal(Signal(reporter="gp", received_at=T0), HOUSEHOLD)
    request = worker.report_request(
        RequestIn(household=household, provision="begeleiding", reported_on=date(2016, 1, 4))
    )
    steps = [
        StepIn(request=request, step="investigation", on=date(2016, 1, 10 + i)) for i in range(4)
    ]
    report = RequestIn(household=household, provision="dagbesteding", reported_on=date(2016, 2, 1))
    plans = [
        [
            ("worker", "record_request_step", (steps[i],)),
            ("worker", "report_request", (report,)),
        ]
        for i in range(4)
    ]
    outcomes = run(database_url, plans)
    for number in (0, 1):
        counted = Counter(outcome for outcome, _ in outcomes[number])
        assert counted["ok"] == 1 and set(counted) - {"ok"} <= LOSERS, counted
    winner = next(i for i, (outcome, _) in enumerate(outcomes[0]) if outcome == "ok")
    with Session(casework.engine) as db:
        rows = db.exec(select(WmoRequestRow).order_by(col(WmoRequestRow.id))).all()
        recorded = db.exec(
            select(AuditEntryRow).where(AuditEntryRow.action == "wmo.investigation")
        ).all()
    assert [r.provision for r in rows] == ["begeleiding", "dagbesteding"]
    assert rows[0].investigated_on == steps[winner].on
    assert [e.detail["on"] for e in recorded] == [steps[winner].on.isoformat()]
