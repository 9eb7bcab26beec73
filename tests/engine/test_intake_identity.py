"""Input rules the engine checks, on SQLite and PostgreSQL: one open household per BSN (race-free),
keys the setup must know, dates against the engine's clock, and ids out of any range."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from case_helpers import T0, Clock, actor, assessment, consent
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sample_town import SRC, SampleTown, defaults, members
from sqlalchemy import func
from sqlmodel import Session, col, select

from wijkteamkit import Municipality, Neighbourhood, Signal, Team
from wijkteamkit.domain.case import HouseholdIn, PersonIn, PlanIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import (
    AccessDenied,
    CaseworkError,
    ConflictError,
    NotFound,
    RuleViolation,
)
from wijkteamkit.store.database import open_database
from wijkteamkit.store.tables import AuditEntryRow, HouseholdRow, PersonRow, SignalRow
from wijkteamkit.testing import PluginHarness

BSN_A = "111222333"
BSN_B = "123456782"
BSN_C = "100000009"
SIGNAL = Signal(reporter="gp", received_at=T0, summary="zorgen")
PLAN = PlanIn(
    goals=[{"domain": "financien", "goal": "Schulden op orde"}],
    actions=[
        {
            "description": "Budgetcursus",
            "domain": "financien",
            "actor": "self",
            "rung": "own_strength",
        }
    ],
)


def household(*bsns: str | None, postcode: str = "1234AB") -> HouseholdIn:
    roles = ["head", "partner", "child", "child"]
    return HouseholdIn(
        postcode=postcode,
        members=[
            PersonIn(role=roles[i], birth_date=date(1970 + 10 * i, 5, 1), bsn=bsn)
            for i, bsn in enumerate(bsns)
        ],
    )


def town(code: str = "GM0001") -> SampleTown:
    """Teststad with a second neighbourhood (postcodes 5678) served by team-noord."""
    parts = defaults()
    team = parts["teams"][0]
    return SampleTown(
        municipality=Municipality(
            code=code, name=f"Teststad {code}", reference_date=date(2016, 1, 1), source=SRC
        ),
        neighbourhoods=[
            *parts["neighbourhoods"],
            Neighbourhood(
                key="noord", name="Noord", target_households=100, postcodes=("5678",), source=SRC
            ),
        ],
        teams=[
            team,
            Team(
                key="team-noord",
                name="Team Noord",
                neighbourhood="noord",
                members=members("nurse", "social-worker", "social-worker"),
                leader=team.leader,
                source=SRC,
            ),
        ],
    )


def open_casework(url: str, clock: Clock, code: str = "GM0001") -> Casework:
    harness = PluginHarness()
    harness.register(town(code))
    return Casework(open_database(url), harness.load(), clock)


@pytest.fixture
def casework(database_url: str, clock: Clock) -> Iterator[Casework]:
    work = open_casework(database_url, clock)
    yield work
    work.engine.dispose()


@pytest.fixture
def centrum(casework: Casework) -> CaseSession:
    return casework.as_actor(actor())


@pytest.fixture
def noord(casework: Casework) -> CaseSession:
    return casework.as_actor(actor(person="mw-0001", team="team-noord"))


@pytest.fixture
def leader(casework: Casework) -> CaseSession:
    return casework.as_actor(actor("team_leader", "tl-0001"))


def count(casework: Casework, table: Any, *where: Any) -> int:
    with Session(casework.engine) as db:
        return int(db.exec(select(func.count()).select_from(table).where(*where)).one())


def actions(casework: Casework) -> list[tuple[str, int | None]]:
    with Session(casework.engine) as db:
        entries = db.exec(select(AuditEntryRow).order_by(col(AuditEntryRow.seq))).all()
        return [(e.action, e.subject) for e in entries]


def close(session: CaseSession, leader: CaseSession, household_id: int, signal_id: int) -> None:
    session.triage(signal_id, integral=False)  # answered at once
    leader.close_case(household_id)


# --- one open household per BSN --------------------------------------------------------------


def test_intake_of_a_known_bsn_finds_its_open_household(
    casework: Casework, centrum: CaseSession
) -> None:
    first, _ = centrum.receive_signal(SIGNAL, household(BSN_A, BSN_B))
    again, signal = centrum.receive_signal(SIGNAL, household(None, BSN_B, BSN_C))
    assert again == first
    assert count(casework, HouseholdRow) == 1
    assert count(casework, PersonRow) == 2  # the known household is not altered
    assert count(casework, SignalRow, SignalRow.household_id == first) == 2
    assert ("signal.matched", first) in actions(casework)
    with Session(casework.engine) as db:
        matched = db.exec(
            select(AuditEntryRow).where(AuditEntryRow.action == "signal.matched")
        ).one()
        assert BSN_B not in str(matched.detail)
        assert db.get(SignalRow, signal) is not None


def test_a_household_without_known_bsns_is_new(casework: Casework, centrum: CaseSession) -> None:
    first, _ = centrum.receive_signal(SIGNAL, household(BSN_A))
    second, _ = centrum.receive_signal(SIGNAL, household(BSN_B))
    unnamed, _ = centrum.receive_signal(SIGNAL, household(None))
    assert len({first, second, unnamed}) == 3
    assert "signal.matched" not in {a for a, _ in actions(casework)}


def test_a_known_bsn_of_another_team_sends_the_signal_to_that_team(
    casework: Casework, centrum: CaseSession, noord: CaseSession
) -> None:
    known, _ = centrum.receive_signal(SIGNAL, household(BSN_A))
    found, signal = noord.receive_signal(SIGNAL, household(BSN_A, postcode="5678CD"))
    assert found == known
    with Session(casework.engine) as db:
        assert db.exec(select(SignalRow.team).where(SignalRow.id == signal)).one() == (
            "team-centrum"
        )
    with pytest.raises(AccessDenied):  # nothing more than the ids is revealed to team-noord
        noord.triage(signal, integral=True)
    centrum.triage(signal, integral=True)  # the household's own team takes it up


def test_a_new_household_in_the_other_neighbourhood_goes_to_its_team(
    casework: Casework, noord: CaseSession
) -> None:
    _, signal = noord.receive_signal(SIGNAL, household(BSN_A, postcode="5678CD"))
    noord.triage(signal, integral=True)


def test_a_bsn_only_in_a_closed_household_starts_a_new_one(
    casework: Casework, centrum: CaseSession, leader: CaseSession
) -> None:
    old, signal = centrum.receive_signal(SIGNAL, household(BSN_A))
    close(centrum, leader, old, signal)
    new, _ = centrum.receive_signal(SIGNAL, household(BSN_A))
    assert new != old
    assert count(casework, HouseholdRow, HouseholdRow.case_state != "closed") == 1


def test_bsns_in_two_different_open_households_are_refused_and_audited(
    casework: Casework, centrum: CaseSession
) -> None:
    centrum.receive_signal(SIGNAL, household(BSN_A))
    centrum.receive_signal(SIGNAL, household(BSN_B))
    before = (count(casework, HouseholdRow), count(casework, SignalRow))
    with pytest.raises(RuleViolation, match=r"\[one-household-per-bsn\].*more than one") as caught:
        centrum.receive_signal(SIGNAL, household(BSN_A, BSN_B))
    assert BSN_A not in str(caught.value) and BSN_B not in str(caught.value)
    assert (count(casework, HouseholdRow), count(casework, SignalRow)) == before
    assert actions(casework)[-1] == ("signal.refused", None)


def test_reopening_a_closed_household_whose_bsn_is_open_elsewhere_is_refused(
    casework: Casework, centrum: CaseSession, leader: CaseSession
) -> None:
    old, signal = centrum.receive_signal(SIGNAL, household(BSN_A))
    close(centrum, leader, old, signal)
    new, _ = centrum.receive_signal(SIGNAL, household(BSN_A))
    with pytest.raises(RuleViolation, match=r"\[one-household-per-bsn\].*another open household"):
        centrum.receive_signal(SIGNAL, old)
    assert count(casework, HouseholdRow, HouseholdRow.case_state == "closed") == 1
    centrum.receive_signal(SIGNAL, new)  # the open one takes further signals


def test_reopening_a_closed_household_is_allowed_when_its_bsns_are_nowhere_else(
    casework: Casework, centrum: CaseSession, leader: CaseSession
) -> None:
    old, signal = centrum.receive_signal(SIGNAL, household(BSN_A))
    close(centrum, leader, old, signal)
    again, _ = centrum.receive_signal(SIGNAL, old)
    assert again == old
    assert count(casework, HouseholdRow, HouseholdRow.case_state == "signalled") == 1


def test_the_same_bsn_in_another_municipality_is_another_household(
    database_url: str, clock: Clock, casework: Casework, centrum: CaseSession
) -> None:
    other = open_casework(database_url, clock, "GM0002")
    try:
        there = other.as_actor(actor(municipality="GM0002"))
        here, _ = centrum.receive_signal(SIGNAL, household(BSN_A))
        elsewhere, _ = there.receive_signal(SIGNAL, household(BSN_A))
        assert elsewhere != here
        assert count(casework, HouseholdRow) == 2
    finally:
        other.engine.dispose()


def race(casework: Casework, calls: int, call: Callable[[CaseSession], object]) -> list[object]:
    """Run ``call`` from ``calls`` threads at once, each with its own session and connection."""
    barrier = threading.Barrier(calls)
    outcomes: list[object] = [None] * calls

    def run(i: int) -> None:
        session = casework.as_actor(actor(person=f"mw-{i}"))
        barrier.wait()
        try:
            outcomes[i] = call(session)
        except CaseworkError as exc:
            outcomes[i] = exc
        except Exception as exc:  # noqa: BLE001 - reported below as a failure
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_intakes_of_one_bsn_make_one_household(casework: Casework, round_: int) -> None:
    outcomes = race(casework, 4, lambda s: tuple(s.receive_signal(SIGNAL, household(BSN_C, BSN_A))))
    assert all(isinstance(o, tuple | ConflictError) for o in outcomes), outcomes
    households = {o[0] for o in outcomes if isinstance(o, tuple)}
    assert len(households) == 1
    assert count(casework, HouseholdRow) == 1
    assert count(casework, PersonRow) == 2


def test_concurrent_reopen_and_intake_leave_one_open_household(
    casework: Casework, centrum: CaseSession, leader: CaseSession
) -> None:
    old, signal = centrum.receive_signal(SIGNAL, household(BSN_A))
    close(centrum, leader, old, signal)
    outcomes = race(
        casework,
        4,
        lambda s: tuple(
            s.receive_signal(SIGNAL, old if s.actor.id in {"mw-0", "mw-2"} else household(BSN_A))
        ),
    )
    assert all(isinstance(o, tuple | RuleViolation | ConflictError) for o in outcomes), outcomes
    assert count(casework, HouseholdRow, HouseholdRow.case_state != "closed") == 1


# --- keys the setup must know ----------------------------------------------------------------


@pytest.fixture
def visited(centrum: CaseSession) -> int:
    household_id, signal = centrum.receive_signal(SIGNAL, household(BSN_A))
    centrum.triage(signal, integral=True)
    return household_id


def test_unknown_assessment_indicators_are_refused_with_the_known_ones(
    casework: Casework, centrum: CaseSession, visited: int
) -> None:
    with pytest.raises(
        RuleViolation,
        match=r"\[indicator\] unknown indicator\(s\) domestic-violnce; known: .*domestic-violence",
    ):
        centrum.record_assessment(visited, assessment(indicators={"domestic-violnce"}))
    result = centrum.record_assessment(visited, assessment(indicators={"domestic-violence"}))
    assert result.assessment > 0


def test_unknown_note_domains_are_refused_with_the_known_ones(
    centrum: CaseSession, visited: int
) -> None:
    with pytest.raises(
        RuleViolation,
        match=r"\[life-domain\] unknown life domain\(s\) in notes financen; known: .*financien",
    ):
        centrum.record_assessment(visited, assessment(notes={"financen": "schulden"}))
    centrum.record_assessment(visited, assessment(notes={"financien": "schulden"}))


def test_unknown_score_domains_are_refused(centrum: CaseSession, visited: int) -> None:
    with pytest.raises(RuleViolation, match=r"\[life-domain\] unknown life domain\(s\) woonen"):
        centrum.record_assessment(visited, assessment(scores={"woonen": 2}))


def test_unknown_signal_indicators_are_refused_before_anything_is_written(
    casework: Casework, centrum: CaseSession
) -> None:
    bad = SIGNAL.model_copy(update={"indicators": frozenset({"schuldn"})})
    with pytest.raises(RuleViolation, match=r"\[indicator\] unknown indicator\(s\) schuldn; known"):
        centrum.receive_signal(bad, household(BSN_A))
    assert count(casework, HouseholdRow) == 0
    good = SIGNAL.model_copy(update={"indicators": frozenset({"domestic-violence"})})
    centrum.receive_signal(good, household(BSN_A))


# --- dates against the engine's clock --------------------------------------------------------


def test_a_signal_more_than_a_day_ahead_of_the_clock_is_refused(
    casework: Casework, centrum: CaseSession, clock: Clock
) -> None:
    late = SIGNAL.model_copy(update={"received_at": clock.now + timedelta(days=1, seconds=1)})
    with pytest.raises(RuleViolation, match=r"\[date\] received_at lies more than a day"):
        centrum.receive_signal(late, household(BSN_A))
    assert count(casework, HouseholdRow) == 0
    edge = SIGNAL.model_copy(update={"received_at": clock.now + timedelta(days=1)})
    centrum.receive_signal(edge, household(BSN_A))


def test_an_assessment_more_than_a_day_ahead_of_the_clock_is_refused(
    centrum: CaseSession, visited: int, clock: Clock
) -> None:
    with pytest.raises(RuleViolation, match=r"\[date\] held_at lies more than a day"):
        centrum.record_assessment(
            visited, assessment().model_copy(update={"held_at": clock.now + timedelta(days=2)})
        )
    centrum.record_assessment(
        visited, assessment().model_copy(update={"held_at": clock.now - timedelta(days=400)})
    )


def test_a_birth_date_after_today_in_amsterdam_is_refused(
    casework: Casework, centrum: CaseSession, clock: Clock
) -> None:
    clock.now = datetime(2016, 3, 1, 23, 30, tzinfo=UTC)  # already 2 March in Amsterdam

    def born(day: date) -> HouseholdIn:
        return HouseholdIn(
            postcode="1234AB",
            members=[
                PersonIn(role="head", birth_date=date(1980, 1, 1)),
                PersonIn(role="child", birth_date=day),
            ],
        )

    with pytest.raises(RuleViolation, match=r"\[date\] birth_date of member 2 lies in the future"):
        centrum.receive_signal(SIGNAL, born(date(2016, 3, 3)))
    assert count(casework, HouseholdRow) == 0
    centrum.receive_signal(SIGNAL, born(date(2016, 3, 2)))


def test_a_consent_starting_more_than_a_day_ahead_is_refused_one_ending_later_is_not(
    centrum: CaseSession, visited: int, clock: Clock
) -> None:
    centrum.record_assessment(visited, assessment())
    with pytest.raises(RuleViolation, match=r"\[date\] valid_from lies more than a day"):
        centrum.record_consent(consent(visited, valid_from=clock.now + timedelta(days=2)))
    far = clock.now + timedelta(days=3650)
    assert centrum.record_consent(consent(visited, valid_to=far)) > 0
    assert centrum.record_consent(consent(visited, valid_from=clock.now + timedelta(hours=23))) > 0


def test_unknown_disclosure_scopes_are_refused_with_the_known_ones(
    centrum: CaseSession, visited: int
) -> None:
    centrum.record_assessment(visited, assessment())
    centrum.record_consent(consent(visited))
    with pytest.raises(
        RuleViolation,
        match=r"\[life-domain\] unknown life domain\(s\) in the scope financen; known: .*financien",
    ):
        centrum.disclose(visited, "regieteam", "casework", ["financen"])
    assert centrum.disclose(visited, "regieteam", "casework", ["financien"]).permitted


# --- ids out of range ------------------------------------------------------------------------

BAD_IDS = [0, -1, 2**31, 2**31 - 1, 2**63, 2**70, -(2**70), True]


@pytest.mark.parametrize("bad", BAD_IDS, ids=str)
def test_an_id_out_of_range_is_not_found(
    casework: Casework, centrum: CaseSession, leader: CaseSession, bad: int
) -> None:
    calls: list[Callable[[], object]] = [
        lambda: centrum.receive_signal(SIGNAL, bad),
        lambda: centrum.triage(bad, integral=True),
        lambda: centrum.record_assessment(bad, assessment()),
        lambda: centrum.read_case(bad),
        lambda: centrum.withdraw_consent(bad),
        lambda: leader.close_case(bad),
        lambda: leader.de_escalate(bad),
        lambda: leader.reject_escalation(bad, "geen grond"),
        lambda: centrum.finalise_plan(bad, expected_version=1),
        lambda: centrum.draft_plan(bad, PLAN, case_director="mw-0412"),
        lambda: centrum.revise_plan(bad, PLAN, expected_version=1),
        lambda: centrum.set_case_director(bad, "mw-0412", expected_version=1),
        lambda: leader.confirm_escalation(bad, "mw-9", "Regieteam"),
        lambda: centrum.disclose(bad, "regieteam", "casework", ["financien"]),
        lambda: centrum.record_access_request(bad, "letter"),
        lambda: centrum.export_subject(bad),
        lambda: leader.erase_household(bad),
        lambda: casework.as_actor(actor("resident", "r-1", None, household=bad)).read_case(bad),
    ]
    if not isinstance(bad, bool):  # ConsentIn refuses True itself: subject is a strict int
        calls.append(lambda: centrum.record_consent(consent(bad)))
    for call in calls:
        with pytest.raises(NotFound):
            call()


def test_an_id_in_range_is_found(centrum: CaseSession) -> None:
    household_id, signal = centrum.receive_signal(SIGNAL, household(BSN_A))
    centrum.triage(signal, integral=True)
    assert centrum.record_assessment(household_id, assessment()).assessment > 0


# --- generated: any sequence of intakes, closures and reopenings -----------------------------

POOL = ("100000009", "100000010", "100000022", "100000034", "100000046", "100000058")
STEP = st.one_of(
    st.tuples(st.just("intake"), st.frozensets(st.sampled_from(POOL), max_size=3)),
    st.tuples(st.just("close"), st.integers(min_value=0, max_value=20)),
    st.tuples(st.just("reopen"), st.integers(min_value=0, max_value=20)),
)


def open_by_bsn(casework: Casework) -> dict[str, set[int]]:
    """Each BSN and the open households it is in, straight from the tables."""
    with Session(casework.engine) as db:
        pairs = db.exec(
            select(PersonRow.bsn, PersonRow.household_id)
            .join(HouseholdRow, col(HouseholdRow.id) == PersonRow.household_id)
            .where(HouseholdRow.case_state != "closed", col(PersonRow.bsn).is_not(None))
        ).all()
    found: dict[str, set[int]] = {}
    for bsn, household_id in pairs:
        assert bsn is not None
        found.setdefault(bsn, set()).add(household_id)
    return found


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=3, max_size=10))
def test_no_sequence_puts_a_bsn_in_two_open_households(
    casework: Casework,
    centrum: CaseSession,
    leader: CaseSession,
    steps: list[tuple[str, Any]],
) -> None:
    # The database carries over between examples: the invariant holds for all of it at once.
    for kind, arg in steps:
        before = open_by_bsn(casework)
        with Session(casework.engine) as db:
            states = dict(db.exec(select(HouseholdRow.id, HouseholdRow.case_state)).all())
        known = sorted(h for h in states if h is not None)
        closed = [h for h in known if states[h] == "closed"]
        if kind == "intake":
            members = tuple(arg) or (None,)
            holders = {h for bsn in members if bsn for h in before.get(bsn, set())}
            try:
                found, _ = centrum.receive_signal(SIGNAL, household(*members))
            except RuleViolation as refused:
                assert refused.rule == "one-household-per-bsn" and len(holders) > 1
            else:
                assert len(holders) <= 1
                assert found in holders if holders else found not in known
        elif candidates := [h for h in known if (h in closed) == (kind == "reopen")]:
            target = candidates[arg % len(candidates)]
            try:
                if kind == "close":
                    with Session(casework.engine) as db:
                        signal = db.exec(
                            select(SignalRow.id).where(
                                SignalRow.household_id == target, SignalRow.state == "received"
                            )
                        ).first()
                    if signal is not None:
                        centrum.triage(signal, integral=False)
                    leader.close_case(target)
                else:
                    centrum.receive_signal(SIGNAL, target)
            except RuleViolation as refused:
                assert kind == "reopen" and refused.rule == "one-household-per-bsn"
            except CaseworkError:
                pass  # e.g. closing a case the process does not allow closing yet
        after = open_by_bsn(casework)
        assert all(len(households) == 1 for households in after.values()), after
