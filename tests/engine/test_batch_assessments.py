"""Assessments through the batch path: what one at a time writes (assessments, proposals, audit
entries), all or nothing, items named."""

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
    triaged,
)
from case_helpers import PROBLEMS, assessment

from wijkteamkit.domain.case import AssessmentIn
from wijkteamkit.engine import assessments as assessments_module
from wijkteamkit.engine.assessments import AssessmentOps, AssessmentResult
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import AccessDenied, IllegalTransition, NotFound, RuleViolation

QUIET = {"financien": 3, "huisvesting": 4}
"""No rule fires."""
BODY = {"lichamelijke-gezondheid": 1, "financien": 4}
"""The ``body`` rule proposes the care chain (a referral)."""


def record_in(
    session: CaseSession, items: list[tuple[int, AssessmentIn]]
) -> list[AssessmentResult]:
    with batch(session) as tx:
        return AssessmentOps(session.context).record_assessments_in(tx, items)


def inputs() -> list[AssessmentIn]:
    return [
        assessment(PROBLEMS, network=("buurvrouw",), notes={"financien": "schulden"}),
        assessment(QUIET, informal_carers=("zoon",)),
        assessment(BODY, indicators=frozenset({"domestic-violence"})),
    ]


def test_a_batch_records_and_proposes_as_one_at_a_time_does(
    casework: Casework, worker: CaseSession
) -> None:
    alone = [triaged(worker) for _ in range(3)]
    batched = [triaged(worker) for _ in range(3)]
    one = [worker.record_assessment(h, a) for h, a in zip(alone, inputs(), strict=True)]
    many = record_in(worker, list(zip(batched, inputs(), strict=True)))
    assert [rows(casework, h) for h in batched] == [rows(casework, h) for h in alone]
    assert [len(r.proposed) for r in many] == [len(r.proposed) for r in one] == [1, 0, 2]
    assert [rows(casework, h)["escalations"][0][1] for h in (batched[0], batched[2])] == [
        "regieteam",
        "veilig-thuis",
    ]
    assert chain_intact(casework)


def test_the_same_household_twice_is_proposed_to_once(
    casework: Casework, worker: CaseSession
) -> None:
    alone, batched = triaged(worker), triaged(worker)
    items = [assessment(PROBLEMS), assessment(QUIET), assessment(PROBLEMS)]
    one = [worker.record_assessment(alone, a) for a in items]
    many = record_in(worker, [(batched, a) for a in items])
    assert rows(casework, batched) == rows(casework, alone)
    assert [len(r.proposed) for r in many] == [len(r.proposed) for r in one] == [1, 0, 0]


def test_signal_indicators_count_and_an_open_target_is_not_proposed_again(
    casework: Casework, worker: CaseSession
) -> None:
    flagged = triaged(worker, frozenset({"domestic-violence"}))
    plain = triaged(worker)
    (first,) = record_in(worker, [(flagged, assessment(QUIET))])
    assert len(first.proposed) == 1  # the signal's indicator fires the dv rule
    second, third = record_in(worker, [(flagged, assessment(QUIET)), (plain, assessment(QUIET))])
    assert second.proposed == () and third.proposed == ()
    assert [e[1] for e in rows(casework, flagged)["escalations"]] == ["veilig-thuis"]


def test_a_proposal_made_first_by_a_concurrent_assessment_is_skipped(
    casework: Casework, worker: CaseSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    household = triaged(worker)
    (first,) = record_in(worker, [(household, assessment(PROBLEMS))])
    assert len(first.proposed) == 1
    # as if the concurrent proposal had not been visible when this batch read the open targets
    monkeypatch.setattr(assessments_module, "_open_targets", lambda _tx, _ids: {})
    (second,) = record_in(worker, [(household, assessment(PROBLEMS))])
    assert second.proposed == ()
    assert len(rows(casework, household)["escalations"]) == 1
    assert rows(casework, household)["audit"][-1][4]["proposed"] == []


def test_another_teams_household_refuses_the_batch_and_only_the_refusal_is_kept(
    casework: Casework, worker: CaseSession
) -> None:
    ours, theirs = triaged(worker), triaged(worker)
    served_by_another_team(casework, theirs)
    before = counts(casework)
    with pytest.raises(AccessDenied, match=r"\[team\] item 1: household \d+ is another team's"):
        record_in(worker, [(ours, assessment()), (theirs, assessment())])
    after = counts(casework)
    assert after == {**before, "audit_entry": before["audit_entry"] + 1}
    assert actions(casework)[-1] == ("access.refused", "team")
    assert rows(casework, ours)["case"] == "home_visit"
    with pytest.raises(AccessDenied, match=r"\[team\] household \d+ is another team's"):
        record_in(other_team(casework), [(ours, assessment())])
    record_in(worker, [(ours, assessment())])  # its own team may
    assert chain_intact(casework)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (assessment({"financien": 2, "geluk": 3}), r"item 1: unknown life domain\(s\) geluk"),
        (assessment(QUIET, notes={"geluk": "x"}), r"item 1: unknown life domain\(s\) in notes"),
        (assessment(QUIET, indicators=frozenset({"x-1"})), r"item 1: unknown indicator\(s\) x-1"),
    ],
)
def test_an_input_the_setup_does_not_know_is_named_and_nothing_written(
    casework: Casework, worker: CaseSession, bad: AssessmentIn, message: str
) -> None:
    household = triaged(worker)
    before = counts(casework)
    with pytest.raises(RuleViolation, match=message):
        record_in(worker, [(household, assessment()), (household, bad)])
    assert counts(casework) == before


def test_a_date_ahead_of_the_clock_is_named(casework: Casework, worker: CaseSession) -> None:
    household = triaged(worker)
    ahead = assessment(QUIET).model_copy(update={"held_at": casework.clock().replace(year=2017)})
    with pytest.raises(RuleViolation, match=r"\[date\] item 1: held_at lies more than a day"):
        record_in(worker, [(household, assessment()), (household, ahead)])
    assert rows(casework, household)["assessments"] == []


def test_a_household_not_visited_yet_and_an_unknown_one_are_named(
    casework: Casework, worker: CaseSession
) -> None:
    visited = triaged(worker)
    signalled, _ = received(worker)
    before = counts(casework)
    with pytest.raises(IllegalTransition, match=r"item 1: case of household \d+: cannot go"):
        record_in(worker, [(visited, assessment()), (signalled, assessment())])
    with pytest.raises(NotFound, match=r"item 1: no household 999999 in Teststad"):
        record_in(worker, [(visited, assessment()), (999999, assessment())])
    assert counts(casework) == before
