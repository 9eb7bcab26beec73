"""Indications in the engine: recorded and imported with their original dates (all or nothing),
ended on time by transitional law, listed per team, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from case_helpers import T0, Clock, actor
from rls_harness import engine_transactions_as_bound_role
from sample_town import CENTRUM, NOORD, SampleTown, two_teams
from sqlalchemy import func, select
from sqlmodel import Session

from wijkteamkit import Signal
from wijkteamkit.domain import EndReason, IndicationIn
from wijkteamkit.domain.case import HouseholdIn, PersonIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import AccessDenied, NotFound, RuleViolation
from wijkteamkit.store.database import open_database
from wijkteamkit.store.tables import AuditEntryRow, IndicationRow
from wijkteamkit.testing import PluginHarness

LATE_2015 = date(2015, 11, 15)


def _town() -> SampleTown:
    return SampleTown(**two_teams())


@pytest.fixture
def town(database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Casework]:
    harness = PluginHarness()
    harness.register(_town())
    engine = open_database(database_url)
    with engine_transactions_as_bound_role(engine, monkeypatch):
        yield Casework(engine, harness.load(), clock)
    engine.dispose()


def _as(town: Casework, role: str = "worker", team: str | None = CENTRUM) -> CaseSession:
    household = 1 if role == "resident" else None
    if role in ("auditor", "intake", "resident"):
        team = None
    return town.as_actor(actor(role, "anna", team=team, household=household))


def _household(town: Casework, postcode: str, team: str) -> int:
    worker = _as(town, team=team)
    household = HouseholdIn(
        postcode=postcode, members=(PersonIn(role="head", birth_date=date(1960, 1, 1)),)
    )
    home, _ = worker.receive_signal(Signal(reporter="housing", received_at=T0), household)
    return home


def _awbz(household: int, provision: str = "begeleiding", **fields: object) -> IndicationIn:
    values: dict[str, object] = {
        "household": household,
        "provision": provision,
        "law": "awbz",
        "valid_from": date(2014, 3, 1),
        "valid_to": date(2017, 3, 1),
        **fields,
    }
    return IndicationIn.model_validate(values)


def _count(town: Casework) -> int:
    with Session(town.engine) as db:
        return int(db.execute(select(func.count()).select_from(IndicationRow)).scalar_one())


def test_an_awbz_indication_is_listed_when_its_transitional_right_ends(town: Casework) -> None:
    home = _household(town, "1234AB", CENTRUM)
    worker = _as(town)
    begeleiding = worker.record_indication(_awbz(home))
    wonen = worker.record_indication(_awbz(home, "beschermd-wonen", valid_to=None))
    own_end = worker.record_indication(
        _awbz(home, law="wmo-2015", valid_from=date(2015, 6, 1), valid_to=date(2016, 6, 30))
    )

    soon = worker.indications_ending(8, on=LATE_2015)
    assert [t.team for t in soon.teams] == [CENTRUM]
    (listed,) = soon.teams[0].indications
    assert listed.id == begeleiding and listed.household == home
    assert listed.ends_on == date(2015, 12, 31) and listed.reason is EndReason.TRANSITIONAL
    assert listed.valid_from == date(2014, 3, 1) and listed.continued

    # refused: two weeks ahead is too early; the next ones end later
    assert worker.indications_ending(2, on=LATE_2015).count == 0
    later = worker.indications_ending(8, on=date(2016, 5, 15)).teams[0].indications
    assert [(i.id, i.reason) for i in later] == [(own_end, EndReason.OWN)]
    last = worker.indications_ending(8, on=date(2019, 11, 15)).teams[0].indications
    assert [(i.id, i.ends_on) for i in last] == [(wonen, date(2019, 12, 31))]


def test_an_indication_that_ended_before_the_reform_ends_on_its_own_day(town: Casework) -> None:
    home = _household(town, "1234AB", CENTRUM)
    worker = _as(town)
    ended = worker.record_indication(_awbz(home, valid_to=date(2014, 12, 1)))
    listed = worker.indications_ending(4, on=date(2014, 11, 20)).teams[0].indications
    assert [(i.id, i.reason, i.continued) for i in listed] == [(ended, EndReason.OWN, False)]
    assert worker.indications_ending(52, on=date(2015, 1, 1)).count == 0


def test_import_is_all_or_nothing_and_names_the_bad_line(town: Casework) -> None:
    home = _household(town, "1234AB", CENTRUM)
    intake = _as(town, "intake")
    items = [_awbz(home), _awbz(home, "dagbesteding"), _awbz(home, "huishoudelijke-hulp")]
    with pytest.raises(RuleViolation, match=r"line 4: AWBZ did not fund 'huishoudelijke-hulp'"):
        intake.record_indications(items, labels=["line 2", "line 3", "line 4"])
    assert _count(town) == 0
    ids = intake.record_indications(items[:2])
    assert len(ids) == 2 and _count(town) == 2


@pytest.mark.parametrize(
    ("fields", "rule", "message"),
    [
        ({"provision": "tuinonderhoud"}, "indication-provision", "no provision 'tuinonderhoud'"),
        ({"provision": "schoonmaak"}, "indication-provision", "algemene voorziening"),
        ({"law": "wet-x"}, "indication-law", "no law 'wet-x'"),
        ({"valid_from": date(2015, 3, 1)}, "indication-law", "AWBZ did not fund"),
        (
            {"law": "wmo-2015", "valid_from": date(2014, 3, 1)},
            "indication-law",
            "Wmo 2015 did not fund",
        ),
    ],
)
def test_an_indication_names_a_law_that_funded_its_provision_then(
    town: Casework, fields: dict[str, object], rule: str, message: str
) -> None:
    home = _household(town, "1234AB", CENTRUM)
    with pytest.raises(RuleViolation, match=message) as refused:
        _as(town).record_indication(_awbz(home, **fields))
    assert refused.value.rule == rule and _count(town) == 0


def test_one_indication_per_household_provision_and_start(town: Casework) -> None:
    home = _household(town, "1234AB", CENTRUM)
    worker = _as(town)
    worker.record_indication(_awbz(home))
    with pytest.raises(RuleViolation, match="already has an indication") as refused:
        worker.record_indication(_awbz(home, valid_to=date(2016, 1, 1)))
    assert refused.value.rule == "duplicate-indication"
    with pytest.raises(RuleViolation, match="item 1: household"):
        worker.record_indications([_awbz(home, "dagbesteding"), _awbz(home, "dagbesteding")])
    assert _count(town) == 1


def test_who_may_record(town: Casework) -> None:
    centrum = _household(town, "1234AB", CENTRUM)
    noord = _household(town, "5678AB", NOORD)
    _as(town, "intake").record_indication(_awbz(noord))  # the transfer file: any household
    _as(town, team=NOORD).record_indication(_awbz(noord, "dagbesteding"))
    with pytest.raises(AccessDenied, match="another team's") as refused:
        _as(town, team=CENTRUM).record_indication(_awbz(noord, "kortdurend-verblijf"))
    assert refused.value.rule == "team"
    with pytest.raises(AccessDenied) as refused:
        _as(town, "auditor").record_indication(_awbz(centrum))
    assert refused.value.rule == "role"
    with pytest.raises(NotFound):
        _as(town).record_indication(_awbz(99_999))
    assert _count(town) == 2


def test_who_may_list_and_what_is_audited(town: Casework) -> None:
    centrum = _household(town, "1234AB", CENTRUM)
    noord = _household(town, "5678AB", NOORD)
    _as(town, "intake").record_indications([_awbz(centrum), _awbz(noord)])

    everyone = _as(town, "auditor").indications_ending(8, on=LATE_2015)
    assert [(t.team, [i.household for i in t.indications]) for t in everyone.teams] == [
        (CENTRUM, [centrum]),
        (NOORD, [noord]),
    ]
    own = _as(town, "team_leader", team=NOORD).indications_ending(8, on=LATE_2015)
    assert [t.team for t in own.teams] == [NOORD]
    with Session(town.engine) as db:
        last = db.execute(select(AuditEntryRow).order_by(AuditEntryRow.id.desc())).scalars()
        entry = next(iter(last))
    assert entry.action == "query.indications_ending"
    assert entry.detail == {"on": "2015-11-15", "weeks": 8, "count": 1, "teams": {NOORD: 1}}

    for role in ("intake", "resident"):
        with pytest.raises(AccessDenied) as refused:
            _as(town, role).indications_ending(8, on=LATE_2015)
        assert refused.value.rule == "role"
    with pytest.raises(AccessDenied) as refused:
        _as(town).indications_ending(8, on=LATE_2015, team=NOORD)
    assert refused.value.rule == "team"
    with pytest.raises(RuleViolation, match="within_weeks"):
        _as(town).indications_ending(-1, on=LATE_2015)


def test_recording_is_audited_per_indication(town: Casework) -> None:
    home = _household(town, "1234AB", CENTRUM)
    ids = _as(town, "intake").record_indications([_awbz(home), _awbz(home, "dagbesteding")])
    with Session(town.engine) as db:
        entries = (
            db.execute(select(AuditEntryRow).where(AuditEntryRow.action == "indication.recorded"))
            .scalars()
            .all()
        )
    assert [(e.subject, e.detail["indication"]) for e in entries] == [(home, i) for i in ids]


def test_a_households_indications_are_erased_with_it(town: Casework, clock: Clock) -> None:
    worker = _as(town)
    household, signal = worker.receive_signal(
        Signal(reporter="gp", received_at=T0),
        HouseholdIn(
            postcode="1234AB", members=(PersonIn(role="head", birth_date=date(1960, 1, 1)),)
        ),
    )
    worker.record_indication(_awbz(household))
    worker.triage(signal, integral=False)
    leader = _as(town, "team_leader")
    leader.close_case(household)
    clock.advance(days=366 * town.setup.consent_policy.retention_years)
    leader.erase_household(household)
    assert _count(town) == 0
