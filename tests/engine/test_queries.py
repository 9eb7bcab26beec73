"""Lists and search: tenant, team and role rules, paging, one audit entry per query, no oracle.

One database holds two municipalities (GM0001 and GM0002, with the same team keys) and two
teams in each; every query must return exactly what its actor may see and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from case_helpers import T0, Clock, actor, assessment, consent
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sample_town import CENTRUM, NOORD, SRC, SampleTown, two_teams
from sqlalchemy import func
from sqlmodel import Session, col, select

from wijkteamkit import Municipality, Signal
from wijkteamkit.domain.case import HouseholdIn, PersonIn, PlanIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import AccessDenied, RuleViolation
from wijkteamkit.engine.listing import (
    MAX_PAGE,
    AuditRecord,
    EscalationSummary,
    HouseholdSummary,
    Page,
)
from wijkteamkit.store.tables import AuditEntryRow, HouseholdRow
from wijkteamkit.testing import PluginHarness

SHARED_BSN = "111222333"
"""In a centrum household of both municipalities."""
NOORD_BSN = "123456782"
"""Only in a noord household of GM0001."""
UNKNOWN_BSN = "999999990"
"""Valid, but nobody's."""
PLAN = PlanIn(
    goals=[{"domain": "financien", "goal": "Rust"}],
    actions=[
        {"description": "Zelf", "domain": "financien", "actor": "self", "rung": "own_strength"}
    ],
)


def _town(code: str, name: str) -> SampleTown:
    parts = two_teams(f"Gemeente {name}")
    parts["municipality"] = Municipality(
        code=code, name=name, reference_date=date(2016, 1, 1), source=SRC
    )
    parts["tender_procedures"] = []
    return SampleTown(**parts)


def _casework(engine: Any, code: str, name: str, clock: Clock) -> Casework:
    harness = PluginHarness()
    harness.register(_town(code, name))
    return Casework(engine, harness.load(), clock)


def _household(postcode: str, bsn: str | None = None) -> HouseholdIn:
    return HouseholdIn(
        postcode=postcode,
        members=(PersonIn(role="head", birth_date=date(1970, 5, 1), bsn=bsn),),
    )


@dataclass
class Town:
    """One municipality's engine and the households made in it, by name."""

    casework: Casework
    code: str
    households: dict[str, int] = field(default_factory=dict)
    escalations: dict[str, int] = field(default_factory=dict)

    def as_(
        self, role: str = "worker", who: str = "anna", team: str | None = CENTRUM
    ) -> CaseSession:
        if role in ("resident", "auditor"):
            team = None
        household = self.households["c-signalled"] if role == "resident" else None
        return self.casework.as_actor(
            actor(role, who, team=team, municipality=self.code, household=household)
        )


@dataclass
class World:
    one: Town
    two: Town
    clock: Clock

    def audit_count(self) -> int:
        with Session(self.one.casework.engine) as db:
            return int(db.exec(select(func.count()).select_from(AuditEntryRow)).one())

    def last_entries(self, n: int) -> list[AuditEntryRow]:
        with Session(self.one.casework.engine) as db:
            rows = db.exec(select(AuditEntryRow).order_by(col(AuditEntryRow.id).desc())).all()
            return list(reversed(rows[:n]))

    def household_ids(self, code: str, team: str, state: str | None = None) -> list[int]:
        """The truth a listing must match, read directly."""
        with Session(self.one.casework.engine) as db:
            query = select(HouseholdRow.id).where(
                HouseholdRow.municipality == code, HouseholdRow.team == team
            )
            if state is not None:
                query = query.where(HouseholdRow.case_state == state)
            return sorted(i for i in db.exec(query).all() if i is not None)

    def audit_seqs(
        self,
        code: str,
        upto: int | None = None,
        subject: int | None = None,
        action: str | None = None,
        until: datetime | None = None,
    ) -> list[int]:
        """The sequence numbers an audit log read must return, read directly."""
        with Session(self.one.casework.engine) as db:
            query = select(AuditEntryRow.seq).where(AuditEntryRow.municipality == code)
            if until is not None:
                query = query.where(col(AuditEntryRow.at) < until)
            if upto is not None:
                query = query.where(col(AuditEntryRow.seq) <= upto)
            if subject is not None:
                query = query.where(AuditEntryRow.subject == subject)
            if action is not None:
                query = query.where(AuditEntryRow.action == action)
            return sorted(db.exec(query).all())


def _populate(town: Town, clock: Clock) -> None:
    """Households of both teams in every case state the lists need, and their escalations."""
    worker = town.as_("worker", "anna", CENTRUM)
    noord = town.as_("worker", "nina", NOORD)
    leader = town.as_("team_leader", "lars", CENTRUM)
    signal = Signal(reporter="gp", received_at=T0)
    made = town.households

    def receive(name: str, by: CaseSession, postcode: str, bsn: str | None = None) -> int:
        made[name], signal_id = by.receive_signal(signal, _household(postcode, bsn))
        clock.advance(hours=1)
        return signal_id

    receive("c-signalled", worker, "1234AB", SHARED_BSN)
    worker.triage(receive("c-closed", worker, "1234AB"), integral=False)
    leader.close_case(made["c-closed"])
    for name in ("c-proposed", "c-active", "c-rejected", "c-ended"):
        worker.triage(receive(name, worker, "1234AB"), integral=True)
        (town.escalations[name],) = worker.record_assessment(made[name], assessment()).proposed
        clock.advance(hours=1)
    worker.record_consent(consent(made["c-active"]))
    worker.draft_plan(made["c-active"], PLAN, case_director="dora")
    leader.confirm_escalation(town.escalations["c-active"], "resp-1", "Regieteam Zuid")
    leader.reject_escalation(town.escalations["c-rejected"], "not needed")
    worker.record_consent(consent(made["c-ended"]))
    leader.confirm_escalation(town.escalations["c-ended"], "resp-2", "Regieteam Zuid")
    clock.advance(hours=1)
    leader.de_escalate(town.escalations["c-ended"])
    noord.triage(receive("n-proposed", noord, "5678AB", NOORD_BSN), integral=True)
    (town.escalations["n-proposed"],) = noord.record_assessment(
        made["n-proposed"], assessment()
    ).proposed
    clock.advance(hours=1)


@pytest.fixture
def world(casework: Casework, clock: Clock) -> World:
    """Both municipalities on the shared fixture's database (and so its database role)."""
    one = Town(_casework(casework.engine, "GM0001", "Teststad", clock), "GM0001")
    two = Town(_casework(casework.engine, "GM0002", "Tweedestad", clock), "GM0002")
    _populate(one, clock)
    two.households["c-signalled"], _ = two.as_().receive_signal(
        Signal(reporter="gp", received_at=T0), _household("1234AB", SHARED_BSN)
    )
    return World(one, two, clock)


def _all_pages(fetch: Callable[[str | None], Page[Any]]) -> list[Any]:
    """Every item of a listing, page by page; a listing that does not end fails."""
    items: list[Any] = []
    after: str | None = None
    for _ in range(500):
        page = fetch(after)
        items += page.items
        if page.next is None:
            return items
        after = page.next
    pytest.fail("the listing did not end after 500 pages")


def _one_query_entry(world: World, before: int, action: str) -> AuditEntryRow:
    assert world.audit_count() == before + 1
    (entry,) = world.last_entries(1)
    assert entry.action == action and entry.subject is None
    return entry


# households ---------------------------------------------------------------------------------


def test_a_team_member_lists_exactly_their_team_households(world: World) -> None:
    for role in ("worker", "case_director", "team_leader"):
        page = world.one.as_(role).households()
        assert [s.id for s in page.items] == world.household_ids("GM0001", CENTRUM)
        assert page.next is None
    by_id = {s.id: s for s in world.one.as_().households().items}
    made = world.one.households
    assert {by_id[made[n]].case_state.value for n in ("c-signalled", "c-active")} == {
        "signalled",
        "concept_plan",
    }
    assert [made[n] for n in made if n.startswith("c-") and by_id[made[n]].escalation_active] == [
        made["c-active"]
    ]
    summary = by_id[made["c-signalled"]]
    assert (summary.team, summary.neighbourhood, summary.closed_at) == (CENTRUM, "centrum", None)
    assert summary.created_at.utcoffset() == timedelta(0)
    noord = world.one.as_("worker", "nina", NOORD).households()
    assert [s.id for s in noord.items] == [made["n-proposed"]]


def test_a_summary_reveals_no_life_domain() -> None:
    assert set(HouseholdSummary.model_fields) == {
        "id",
        "team",
        "neighbourhood",
        "case_state",
        "created_at",
        "closed_at",
        "escalation_active",
        "registered",
    }


def test_households_filter_by_state_and_neighbourhood_in_one_audit_entry(world: World) -> None:
    worker, made = world.one.as_(), world.one.households
    assessed = worker.households(state="assessed").items
    assert {s.id for s in assessed} == {made["c-proposed"], made["c-rejected"]}
    assert all(s.case_state == "assessed" for s in assessed)
    (closed,) = worker.households(state="closed").items
    assert closed.id == made["c-closed"] and closed.closed_at is not None
    assert closed.closed_at.utcoffset() == timedelta(0) and not closed.escalation_active
    in_centrum = worker.households(neighbourhood="centrum", team=CENTRUM).items
    assert [s.id for s in in_centrum] == world.household_ids("GM0001", CENTRUM)
    with pytest.raises(RuleViolation, match="unknown case state"):
        worker.households(state="gesloten")
    with pytest.raises(
        RuleViolation, match="no such neighbourhood in Teststad; known: centrum, noord"
    ):
        worker.households(neighbourhood="zuid")
    before = world.audit_count()
    page = world.one.as_().households(state="assessed", limit=1)
    entry = _one_query_entry(world, before, "query.households")
    assert entry.detail == {"filters": ["state"], "count": len(page.items), "team": CENTRUM}
    assert entry.outcome == "permit" and len(page.items) == 1


def test_households_of_another_team_or_outside_any_team_are_refused_and_audited(
    world: World,
) -> None:
    for role, kwargs, rule in (
        ("worker", {"team": NOORD}, "team"),
        ("team_leader", {"team": NOORD, "state": "assessed"}, "team"),
        ("case_director", {"neighbourhood": "noord"}, "team"),
        ("resident", {}, "role"),
        ("auditor", {}, "role"),
    ):
        session, before = world.one.as_(role), world.audit_count()
        with pytest.raises(AccessDenied, match=rf"\[{rule}\] query households refused"):
            session.households(**kwargs)
        entry = _one_query_entry(world, before, "access.refused")
        assert (entry.outcome, entry.reason, entry.actor_role) == ("deny", rule, role)
        assert entry.detail == {"query": "households"}


def test_another_municipality_with_the_same_team_keys_sees_only_its_own(world: World) -> None:
    ids = [s.id for s in world.two.as_().households().items]
    assert ids == [world.two.households["c-signalled"]] == world.household_ids("GM0002", CENTRUM)
    assert not set(ids) & set(world.one.households.values())
    everything = f"0:{2**31 - 1}"
    assert [
        s.id for s in _all_pages(lambda a: world.two.as_().households(after=a or everything))
    ] == [world.two.households["c-signalled"]]
    leader = world.two.as_("team_leader", "lars")
    assert leader.open_escalations(after=everything).items == ()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    limit=st.integers(1, 7),
    state=st.sampled_from([None, "signalled", "assessed", "concept_plan", "closed"]),
    neighbourhood=st.sampled_from([None, "centrum"]),
)
def test_household_pages_are_complete_and_stable(
    world: World, limit: int, state: str | None, neighbourhood: str | None
) -> None:
    worker = world.one.as_()
    before = world.audit_count()
    pages: list[Page[HouseholdSummary]] = []

    def fetch(after: str | None) -> Page[HouseholdSummary]:
        pages.append(
            worker.households(neighbourhood=neighbourhood, state=state, after=after, limit=limit)
        )
        return pages[-1]

    listed = _all_pages(fetch)
    assert [s.id for s in listed] == world.household_ids("GM0001", CENTRUM, state)
    assert all(s.case_state == state for s in listed if state)
    assert all(len(p.items) <= limit for p in pages) and all(p.items for p in pages[:-1])
    entries = world.last_entries(world.audit_count() - before)
    assert [e.action for e in entries] == ["query.households"] * len(pages)
    assert [e.detail["count"] for e in entries] == [len(p.items) for p in pages]


def test_a_listing_is_a_snapshot_of_its_first_page(world: World) -> None:
    worker = world.one.as_()
    first = worker.households(limit=2)
    assert first.next is not None
    new, _ = worker.receive_signal(Signal(reporter="gp", received_at=T0), _household("1234AB"))
    rest = _all_pages(lambda after: worker.households(after=after or first.next, limit=2))
    listed = [s.id for s in (*first.items, *rest)]
    assert new not in listed and len(listed) == len(set(listed))
    assert new in [s.id for s in _all_pages(lambda after: worker.households(after=after))]


def test_bad_paging_input_is_refused_before_anything_is_read(world: World) -> None:
    before = world.audit_count()
    for limit in (0, -1, MAX_PAGE + 1, True, 2.0, "5"):
        for query in (
            world.one.as_().households,
            world.one.as_("team_leader").open_escalations,
            _auditor(world.one).audit_log,
        ):
            with pytest.raises(RuleViolation, match=rf"a page holds 1 to {MAX_PAGE} items"):
                query(limit=limit)
    assert world.audit_count() == before
    assert len(world.one.as_().households(limit=MAX_PAGE).items) == 6
    before = world.audit_count()
    for cursor in (
        *("", "abc", "1", "1:", ":1", "-1:5", "1:2:3", " 1:2", "1:2\n", "\u0661:\u0662"),
        *("9" * 30 + ":1", f"1:{2**31}", f"{2**31}:1", 5),
    ):
        for query in (world.one.as_().households, _auditor(world.one).audit_log):
            with pytest.raises(RuleViolation, match="not a cursor of this list"):
                query(after=cursor)
    assert world.audit_count() == before


# open escalations ---------------------------------------------------------------------------


def test_the_team_leader_sees_the_open_escalations_of_the_team(world: World) -> None:
    page = world.one.as_("team_leader", "lars").open_escalations()
    esc = world.one.escalations
    assert [e.id for e in page.items] == [esc["c-proposed"], esc["c-active"]]
    proposed, active = page.items
    assert (proposed.state, proposed.confirmed_at, proposed.responsible_organisation) == (
        "proposed",
        None,
        None,
    )
    assert (active.state, active.target, active.handover, active.rule) == (
        "active",
        "regieteam",
        "transfer",
        "multi",
    )
    assert active.household == world.one.households["c-active"]
    assert active.responsible_organisation == "Regieteam Zuid"
    assert active.confirmed_at is not None and active.confirmed_at.utcoffset() == timedelta(0)
    noord = world.one.as_("team_leader", "nico", NOORD).open_escalations()
    assert [e.id for e in noord.items] == [esc["n-proposed"]]
    assert world.two.as_("team_leader", "lars").open_escalations().items == ()


def test_an_escalation_view_holds_no_assessment_content() -> None:
    assert set(EscalationSummary.model_fields) == {
        "id",
        "household",
        "rule",
        "target",
        "handover",
        "state",
        "proposed_at",
        "confirmed_at",
        "responsible_organisation",
    }


def test_a_member_sees_only_the_escalations_of_households_they_direct(world: World) -> None:
    esc = world.one.escalations
    for role in ("case_director", "worker"):
        director = world.one.as_(role, "dora").open_escalations()
        assert [e.id for e in director.items] == [esc["c-active"]]
        assert world.one.as_(role, "anna").open_escalations().items == ()
    other_team = world.one.as_("case_director", "dora", NOORD).open_escalations()
    assert other_team.items == ()


def test_escalations_of_another_team_or_outside_any_team_are_refused_and_audited(
    world: World,
) -> None:
    for role, kwargs, rule in (
        ("team_leader", {"team": NOORD}, "team"),
        ("worker", {"team": NOORD}, "team"),
        ("resident", {}, "role"),
        ("auditor", {}, "role"),
    ):
        before = world.audit_count()
        with pytest.raises(AccessDenied, match=rf"\[{rule}\] query escalations refused"):
            world.one.as_(role).open_escalations(**kwargs)
        entry = _one_query_entry(world, before, "access.refused")
        assert entry.detail == {"query": "escalations"} and entry.reason == rule


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(limit=st.integers(1, 3))
def test_escalation_pages_are_complete(world: World, limit: int) -> None:
    leader = world.one.as_("team_leader", "lars")
    before = world.audit_count()
    ids = [e.id for e in _all_pages(lambda a: leader.open_escalations(after=a, limit=limit))]
    esc = world.one.escalations
    assert ids == [esc["c-proposed"], esc["c-active"]]
    entries = world.last_entries(world.audit_count() - before)
    assert [e.action for e in entries] == ["query.escalations"] * len(entries)
    assert sum(e.detail["count"] for e in entries) == 2


# a household by BSN -------------------------------------------------------------------------


def test_a_bsn_finds_the_household_the_team_serves(world: World) -> None:
    for written in (SHARED_BSN, "111.222.333", " 1112 22333 "):
        for role in ("worker", "case_director", "team_leader"):
            before = world.audit_count()
            found = world.one.as_(role).find_by_bsn(written)
            assert [s.id for s in found] == [world.one.households["c-signalled"]]
            assert found[0].team == CENTRUM and found[0].case_state == "signalled"
            entry = _one_query_entry(world, before, "query.bsn")
            assert entry.detail == {"filters": ["bsn"], "count": 1}
        found_two = world.two.as_().find_by_bsn(written)
        assert [s.id for s in found_two] == [world.two.households["c-signalled"]]
    nina = world.one.as_("worker", "nina", NOORD).find_by_bsn(NOORD_BSN)
    assert [s.id for s in nina] == [world.one.households["n-proposed"]]


def test_a_bsn_search_gives_no_oracle_across_teams_or_municipalities(world: World) -> None:
    """Served by another team, by another municipality, or unknown: the same answer and entry;
    and the BSN is never written to the audit log."""
    assert world.one.as_("worker", "nina", NOORD).find_by_bsn(NOORD_BSN) != ()
    answers, entries = [], []
    for session, bsn in (
        (world.one.as_(), NOORD_BSN),  # another team's household
        (world.two.as_(), NOORD_BSN),  # another municipality's household
        (world.one.as_("worker", "nina", NOORD), SHARED_BSN),  # another team's
        (world.one.as_(), UNKNOWN_BSN),  # nobody's
    ):
        before = world.audit_count()
        answers.append(session.find_by_bsn(bsn))
        entry = _one_query_entry(world, before, "query.bsn")
        entries.append((entry.detail, entry.outcome, entry.reason, entry.subject))
    assert answers == [()] * 4
    assert entries == [({"filters": ["bsn"], "count": 0}, "permit", None, None)] * 4
    world.one.as_().find_by_bsn(SHARED_BSN)
    world.one.as_().find_by_bsn("111.222.333")
    world.one.as_().find_by_bsn(NOORD_BSN)
    (entry,) = world.last_entries(1)
    assert entry.detail == {"filters": ["bsn"], "count": 0}
    with Session(world.one.casework.engine) as db:
        for row in db.exec(select(AuditEntryRow)).all():
            text = json.dumps(row.model_dump(mode="json"))
            assert SHARED_BSN not in text and NOORD_BSN not in text and "111.222" not in text


def test_a_bad_or_unauthorised_bsn_search_is_refused_without_repeating_it(world: World) -> None:
    before = world.audit_count()
    for bad in ("111222334", "12345678", "1234567890", "", "abcdefghi", "1" * 10_000):
        with pytest.raises(RuleViolation, match=r"^\[bsn\] not a valid BSN") as raised:
            world.one.as_().find_by_bsn(bad)
        assert not bad or bad not in str(raised.value)
    for wrong_type in (None, 111222333, b"111222333"):
        with pytest.raises(RuleViolation, match=r"^\[bsn\] not a valid BSN"):
            world.one.as_().find_by_bsn(wrong_type)  # type: ignore[arg-type]
    assert world.audit_count() == before
    for role in ("resident", "auditor"):
        before = world.audit_count()
        with pytest.raises(AccessDenied, match=r"\[role\] query bsn refused") as raised:
            world.one.as_(role).find_by_bsn(SHARED_BSN)
        assert SHARED_BSN not in str(raised.value)
        entry = _one_query_entry(world, before, "access.refused")
        assert entry.detail == {"query": "bsn"}


# the audit log ------------------------------------------------------------------------------


def _auditor(town: Town) -> CaseSession:
    return town.casework.as_actor(actor("auditor", "audit-1", team=None, municipality=town.code))


def test_an_auditor_reads_the_whole_chain_of_their_municipality(world: World) -> None:
    entries = _all_pages(lambda a: _auditor(world.one).audit_log(after=a, limit=MAX_PAGE))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    with Session(world.one.casework.engine) as db:
        stored = db.exec(
            select(AuditEntryRow)
            .where(AuditEntryRow.municipality == "GM0001")
            .order_by(col(AuditEntryRow.seq))
        ).all()
    assert [e.hash for e in entries] == [r.hash for r in stored[: len(entries)]]
    assert len(stored) == len(entries) + 1  # the query's own entry comes after its bound
    assert stored[-1].action == "query.audit_log"
    two = [e.actor for e in _auditor(world.two).audit_log(limit=MAX_PAGE).items]
    assert set(two) == {"anna"} and len(two) == 1


def test_the_audit_log_filters_by_subject_action_and_time_in_one_entry(world: World) -> None:
    auditor, made = _auditor(world.one), world.one.households
    subject = made["c-ended"]
    about = auditor.audit_log(subject=subject, limit=MAX_PAGE).items
    assert about and all(e.subject == subject for e in about)
    assert {"escalation.confirmed", "escalation.ended"} <= {e.action for e in about}
    reads = auditor.audit_log(action="escalation.ended").items
    assert [e.subject for e in reads] == [subject]
    everything = auditor.audit_log(limit=MAX_PAGE).items
    middle = everything[len(everything) // 2].at
    early = auditor.audit_log(until=middle, limit=MAX_PAGE).items
    late = auditor.audit_log(since=middle, limit=MAX_PAGE).items
    assert (
        early and late and all(e.at < middle for e in early) and all(e.at >= middle for e in late)
    )
    last = everything[-1].seq  # later entries are this test's own queries
    assert [e.seq for e in early] + [e.seq for e in late if e.seq <= last] == [
        e.seq for e in everything
    ]
    amsterdam = middle.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert auditor.audit_log(since=amsterdam, limit=MAX_PAGE).items[: len(late)] == late
    assert auditor.audit_log(subject=subject, action="signal.received").items[0].subject == subject
    assert auditor.audit_log(subject=world.two.households["c-signalled"] + 1000).items == ()
    before = world.audit_count()
    page = _auditor(world.one).audit_log(action="case.read", since=T0, limit=5)
    entry = _one_query_entry(world, before, "query.audit_log")
    assert entry.detail == {"filters": ["action", "since"], "count": len(page.items)}


def test_only_an_auditor_reads_the_audit_log_with_valid_filters(world: World) -> None:
    before = world.audit_count()
    for kwargs, message in (
        ({"since": T0.replace(tzinfo=None)}, "since must be a timezone-aware datetime"),
        ({"until": "2016-01-01"}, "until must be a timezone-aware datetime"),
        ({"subject": "1"}, "subject is a household id"),
        ({"subject": True}, "subject is a household id"),
        ({"subject": 1.0}, "subject is a household id"),
        ({"action": 5}, "action is an audit action"),
        ({"action": "case.read\x00"}, "action is an audit action"),
        ({"since": datetime.max.replace(tzinfo=timezone(-timedelta(hours=5)))}, "since lies"),
        ({"until": datetime.min.replace(tzinfo=timezone(timedelta(hours=5)))}, "until lies"),
    ):
        with pytest.raises(RuleViolation, match=message):
            _auditor(world.one).audit_log(**kwargs)
    assert world.audit_count() == before
    for unknown in (
        *({"subject": 2**31}, {"subject": -1}, {"subject": 10**30}, {"action": "x" * 99}),
        *({"since": datetime.max.replace(tzinfo=UTC)}, {"until": datetime.min.replace(tzinfo=UTC)}),
    ):
        assert _auditor(world.one).audit_log(**unknown).items == ()  # simply not found
    for role in ("worker", "case_director", "team_leader", "resident"):
        before = world.audit_count()
        with pytest.raises(AccessDenied, match=r"\[role\] query audit_log refused"):
            world.one.as_(role).audit_log(subject=world.one.households["c-active"])
        entry = _one_query_entry(world, before, "access.refused")
        assert entry.detail == {"query": "audit_log"} and entry.actor_role == role


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    limit=st.integers(1, 9),
    subject=st.sampled_from([None, "c-signalled", "c-active", "n-proposed"]),
    action=st.sampled_from(
        [None, "signal.received", "query.audit_log", "assessment.recorded", "no.such"]
    ),
)
def test_audit_pages_are_complete_for_every_filter(
    world: World, limit: int, subject: str | None, action: str | None
) -> None:
    """Up to the world's present (the entries this test's reads add come at that time or after,
    so examples do not grow each other's listings)."""
    auditor, now = _auditor(world.one), world.clock.now
    household = world.one.households[subject] if subject else None
    entries: list[AuditRecord] = _all_pages(
        lambda a: auditor.audit_log(
            subject=household, action=action, until=now, after=a, limit=limit
        )
    )
    truth = world.audit_seqs("GM0001", None, household, action, until=now)
    assert [e.seq for e in entries] == truth and (truth or household or action)
    assert all(
        (e.subject, e.action) == (household or e.subject, action or e.action) for e in entries
    )


# the indexes --------------------------------------------------------------------------------


def test_revision_0005_adds_the_search_indexes_and_downgrades_cleanly(database_url: str) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from wijkteamkit.store.database import alembic_config, open_database, upgrade

    def search_indexes() -> set[tuple[str, str, tuple[str, ...]]]:
        inspector = inspect(engine)
        return {
            (table, ix["name"] or "", tuple(c or "" for c in ix["column_names"]))
            for table in ("household", "person", "escalation")
            for ix in inspector.get_indexes(table)
            if ix["name"] in ("ix_household_listing", "ix_person_bsn", "ix_escalation_open")
        }

    engine = open_database(database_url)
    expected = {
        ("household", "ix_household_listing", ("municipality", "team", "case_state")),
        ("person", "ix_person_bsn", ("municipality", "bsn")),
        ("escalation", "ix_escalation_open", ("municipality", "state")),
    }
    assert search_indexes() == expected
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
    assert search_indexes() == set()
    upgrade(engine)
    assert search_indexes() == expected
    engine.dispose()


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    limit=st.integers(1, 4), writes=st.lists(st.sampled_from(["one", "two", "none"]), max_size=8)
)
def test_paging_holds_while_others_write_between_pages(
    world: World, limit: int, writes: list[str]
) -> None:
    """Writes of the same team and of another municipality between pages: every listing is
    exactly what existed at its first page, in order, each item once."""
    worker, auditor = world.one.as_(), _auditor(world.one)
    households_then = world.household_ids("GM0001", CENTRUM)
    audit_then = world.audit_seqs("GM0001")
    script = iter(writes)

    def meanwhile() -> None:
        writer = {"one": world.one.as_("worker", "wim"), "two": world.two.as_("worker", "wim")}
        if (who := next(script, "none")) != "none":
            writer[who].receive_signal(Signal(reporter="gp", received_at=T0), _household("1234AB"))

    def households(after: str | None) -> Page[HouseholdSummary]:
        meanwhile()
        return worker.households(after=after, limit=limit)

    def entries(after: str | None) -> Page[AuditRecord]:
        meanwhile()
        return auditor.audit_log(action="signal.received", after=after, limit=limit)

    first_households = worker.households(limit=limit)
    listed = [*first_households.items]
    if first_households.next:
        listed += _all_pages(lambda a: households(a or first_households.next))
    assert [s.id for s in listed] == households_then
    received = world.audit_seqs("GM0001", action="signal.received")
    first_entries = auditor.audit_log(action="signal.received", limit=limit)
    read = [*first_entries.items]
    if first_entries.next:
        read += _all_pages(lambda a: entries(a or first_entries.next))
    assert [e.seq for e in read] == received
    assert audit_then == list(range(1, len(audit_then) + 1))
