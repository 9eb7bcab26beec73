"""Wmo 2015 requests: the steps in order, maatwerk only, the team's own, and the deadlines list.

Every test runs on SQLite and on PostgreSQL (as the row-level-security-bound role).
"""

from __future__ import annotations

from datetime import date

import pytest
from case_helpers import HOUSEHOLD, T0, Clock, actor
from pydantic import ValidationError
from sqlmodel import Session, col, func, select

from wijkteamkit import Signal
from wijkteamkit.domain.requests import RequestIn, StepIn
from wijkteamkit.domain.terms import TermState
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import AccessDenied, NotFound, RuleViolation
from wijkteamkit.engine.requests import LISTED
from wijkteamkit.store.tables import AuditEntryRow, WmoRequestRow

TODAY = T0.date()  # 2016-03-01: the engine's clock in these tests


def _household(worker: CaseSession) -> int:
    household, _ = worker.receive_signal(Signal(reporter="gp", received_at=T0), HOUSEHOLD)
    return household


def _report(worker: CaseSession, household: int, on: date, provision: str = "begeleiding") -> int:
    return worker.report_request(
        RequestIn(household=household, provision=provision, reported_on=on)
    )


def _step(
    worker: CaseSession, request: int, step: str, on: date, decision: str | None = None
) -> None:
    worker.record_request_step(
        StepIn.model_validate({"request": request, "step": step, "on": on, "decision": decision})
    )


def _rows(casework: Casework) -> list[WmoRequestRow]:
    with Session(casework.engine) as db:
        return list(db.exec(select(WmoRequestRow).order_by(col(WmoRequestRow.id))).all())


def _actions(casework: Casework) -> list[str]:
    with Session(casework.engine) as db:
        return list(db.exec(select(AuditEntryRow.action).order_by(col(AuditEntryRow.seq))).all())


def test_a_request_goes_through_its_four_steps_in_order_and_each_is_audited(
    casework: Casework, worker: CaseSession
) -> None:
    household = _household(worker)
    request = _report(worker, household, date(2016, 1, 4))
    _step(worker, request, "investigation", date(2016, 2, 1))
    _step(worker, request, "application", date(2016, 2, 3))
    _step(worker, request, "decision", date(2016, 2, 10), "granted")
    (row,) = _rows(casework)
    assert (row.municipality, row.household_id, row.team, row.provision) == (
        "GM0001",
        household,
        "team-centrum",
        "begeleiding",
    )
    assert (row.reported_on, row.investigated_on, row.applied_on, row.decided_on) == (
        date(2016, 1, 4),
        date(2016, 2, 1),
        date(2016, 2, 3),
        date(2016, 2, 10),
    )
    assert row.decision == "granted"
    assert row.recorded_by == "Anna"
    assert _actions(casework)[-4:] == [
        "wmo.reported",
        "wmo.investigation",
        "wmo.application",
        "wmo.decision",
    ]


def test_an_algemene_voorziening_needs_no_request_and_nothing_is_written(
    casework: Casework, worker: CaseSession
) -> None:
    household = _household(worker)
    with pytest.raises(RuleViolation, match="algemene voorziening") as refused:
        _report(worker, household, date(2016, 1, 4), provision="schoonmaak")
    assert refused.value.rule == "wmo-request-provision"
    with pytest.raises(RuleViolation, match="no provision 'fietsen'") as unknown:
        _report(worker, household, date(2016, 1, 4), provision="fietsen")
    assert unknown.value.rule == "provision"
    assert _rows(casework) == []


def test_a_step_out_of_order_is_refused_naming_the_missing_steps(
    casework: Casework, worker: CaseSession
) -> None:
    request = _report(worker, _household(worker), date(2016, 1, 4))
    with pytest.raises(RuleViolation, match=r"no investigation \(onderzoek\) yet") as early:
        _step(worker, request, "application", date(2016, 1, 10))
    assert early.value.rule == "wmo-request-order"
    with pytest.raises(
        RuleViolation,
        match=r"no investigation \(onderzoek\) and no application \(aanvraag\) yet",
    ):
        _step(worker, request, "decision", date(2016, 1, 10), "refused")
    _step(worker, request, "investigation", date(2016, 1, 20))
    with pytest.raises(RuleViolation, match="already has its investigation") as again:
        _step(worker, request, "investigation", date(2016, 1, 21))
    assert again.value.rule == "wmo-request-order"
    (row,) = _rows(casework)
    assert (row.investigated_on, row.applied_on, row.decided_on) == (date(2016, 1, 20), None, None)


def test_a_decided_request_takes_no_further_step(casework: Casework, worker: CaseSession) -> None:
    request = _report(worker, _household(worker), date(2016, 1, 4))
    for step, on in (("investigation", 5), ("application", 6), ("decision", 7)):
        _step(worker, request, step, date(2016, 1, on), "refused" if step == "decision" else None)
    with pytest.raises(RuleViolation, match="is decided") as decided:
        _step(worker, request, "decision", date(2016, 1, 8), "granted")
    assert decided.value.rule == "wmo-request-order"
    assert _rows(casework)[0].decision == "refused"


def test_a_step_dated_before_the_one_before_or_after_today_is_refused(
    casework: Casework, worker: CaseSession
) -> None:
    household = _household(worker)
    request = _report(worker, household, date(2016, 1, 4))
    with pytest.raises(RuleViolation, match="lies before the report") as before:
        _step(worker, request, "investigation", date(2016, 1, 3))
    assert before.value.rule == "wmo-request-date"
    with pytest.raises(RuleViolation, match="after today") as future:
        _step(worker, request, "investigation", date(2016, 3, 2))
    assert future.value.rule == "wmo-request-date"
    with pytest.raises(RuleViolation, match="after today"):
        _report(worker, household, date(2016, 3, 2), provision="dagbesteding")
    assert [r.investigated_on for r in _rows(casework)] == [None]


def test_a_decision_step_needs_its_decision_and_only_it() -> None:
    with pytest.raises(ValidationError, match="give decision"):
        StepIn(request=1, step="decision", on=TODAY)
    with pytest.raises(ValidationError, match="give decision"):
        StepIn(request=1, step="application", on=TODAY, decision="granted")
    with pytest.raises(ValidationError, match="report_request"):
        StepIn(request=1, step="report", on=TODAY)


def test_one_open_request_per_provision_and_household(
    casework: Casework, worker: CaseSession
) -> None:
    household = _household(worker)
    first = _report(worker, household, date(2016, 1, 4))
    with pytest.raises(RuleViolation, match="already has an open request") as refused:
        _report(worker, household, date(2016, 1, 5))
    assert refused.value.rule == "wmo-request-open"
    _report(worker, household, date(2016, 1, 5), provision="dagbesteding")
    for step, on in (("investigation", 6), ("application", 7), ("decision", 8)):
        _step(worker, first, step, date(2016, 1, on), "granted" if step == "decision" else None)
    _report(worker, household, date(2016, 2, 1))  # decided: a new need is a new report
    assert len(_rows(casework)) == 3


def test_only_the_households_team_records_a_request_and_a_refusal_is_audited(
    casework: Casework, worker: CaseSession
) -> None:
    household = _household(worker)
    request = _report(worker, household, date(2016, 1, 4))
    other = CaseSession(casework, actor("worker", "sven", team="team-elders"))
    with pytest.raises(AccessDenied) as refused:
        _report(other, household, date(2016, 1, 4), provision="dagbesteding")
    assert refused.value.rule == "team"
    with pytest.raises(AccessDenied):
        _step(other, request, "investigation", date(2016, 1, 5))
    assert _actions(casework)[-2:] == ["access.refused", "access.refused"]
    assert len(_rows(casework)) == 1
    elsewhere = casework.as_actor(actor())
    with pytest.raises(NotFound):
        _step(elsewhere, request + 1000, "investigation", date(2016, 1, 5))


def test_a_request_of_another_municipality_is_not_found(
    casework: Casework, worker: CaseSession
) -> None:
    request = _report(worker, _household(worker), date(2016, 1, 4))
    with Session(casework.engine) as db:  # as the owner: move it to another municipality
        row = db.get(WmoRequestRow, request)
        assert row is not None
        row.municipality = "GM0002"
        db.add(row)
        db.commit()
    with pytest.raises(NotFound, match=f"no request {request}"):
        _step(worker, request, "investigation", date(2016, 1, 5))


def test_the_deadlines_list_shows_overdue_and_due_soon_requests_per_team(
    casework: Casework, worker: CaseSession
) -> None:
    household = _household(worker)
    overdue = _report(worker, household, date(2016, 1, 4))  # onderzoek due 2016-02-15
    soon = _report(worker, household, date(2016, 1, 20), "dagbesteding")  # due 2016-03-02
    _report(worker, household, date(2016, 2, 20), "kortdurend-verblijf")  # due 2016-04-02
    deciding = _report(worker, household, date(2016, 1, 4), "huishoudelijke-hulp")
    _step(worker, deciding, "investigation", date(2016, 2, 1))  # met
    _step(worker, deciding, "application", date(2016, 2, 10))  # beschikking due 2016-02-24
    met = _report(worker, household, date(2016, 1, 4), "beschermd-wonen")
    _step(worker, met, "investigation", date(2016, 2, 20))  # met late, nothing open
    old = _report(worker, household, date(2014, 10, 1), "jeugdhulp")  # before the Wmo 2015

    listed = worker.deadlines()
    assert (listed.on, listed.within, listed.open_requests, listed.listed) == (TODAY, 7, 6, 3)
    (team,) = listed.teams
    assert team.team == "team-centrum"
    by_request = {r.request: r for r in team.requests}
    assert set(by_request) == {overdue, soon, deciding}
    assert old not in by_request and met not in by_request
    (term,) = by_request[overdue].deadlines
    assert (term.term, term.state, term.due, term.article) == (
        "wmo-investigation",
        TermState.OVERDUE,
        date(2016, 2, 15),
        "art. 2.3.2",
    )
    assert by_request[soon].deadlines[0].state is TermState.DUE_SOON
    (decision,) = by_request[deciding].deadlines
    assert (decision.term, decision.state, decision.due) == (
        "wmo-decision",
        TermState.OVERDUE,
        date(2016, 2, 24),
    )
    assert by_request[overdue].household == household
    assert by_request[overdue].provision == "begeleiding"
    assert _actions(casework)[-1] == LISTED

    earlier = worker.deadlines(on=date(2016, 2, 10))  # steps after that day had not happened
    assert {r.request for t in earlier.teams for r in t.requests} == {overdue, met}


def test_a_resident_may_not_list_deadlines_and_the_refusal_is_audited(
    casework: Casework, worker: CaseSession
) -> None:
    household = _household(worker)
    resident = casework.as_actor(actor("resident", "r1", team=None, household=household))
    with pytest.raises(AccessDenied) as refused:
        resident.deadlines()
    assert refused.value.rule == "role"
    assert _actions(casework)[-1] == "access.refused"
    auditor = casework.as_actor(actor("auditor", "a1", team=None))
    assert auditor.deadlines().listed == 0
    with Session(casework.engine) as db:
        assert db.exec(select(func.count()).select_from(WmoRequestRow)).one() == 0


def test_a_households_requests_are_erased_with_it(
    casework: Casework, worker: CaseSession, leader: CaseSession, clock: Clock
) -> None:
    household, signal = worker.receive_signal(Signal(reporter="gp", received_at=T0), HOUSEHOLD)
    _report(worker, household, date(2016, 1, 4))
    worker.triage(signal, integral=False)  # a single question, answered at once
    leader.close_case(household)
    clock.advance(days=366 * casework.setup.consent_policy.retention_years)
    leader.erase_household(household)
    assert _rows(casework) == []
