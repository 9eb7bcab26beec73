"""Direct grants on SQLite and PostgreSQL: a provision with direct access is granted without
the team, audited; one reached through the team or by referral is refused, and so is a personal
budget for an algemene voorziening. Refusals write nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from case_helpers import HOUSEHOLD, Clock, actor
from ladder_helpers import SIGNAL, casework
from rls_harness import engine_transactions_as_bound_role
from sqlalchemy import func
from sqlmodel import Session, select

from wijkteamkit.domain.case import HouseholdIn, PersonIn
from wijkteamkit.engine.casework import CaseSession, Casework
from wijkteamkit.engine.errors import AccessDenied, NotFound, RuleViolation
from wijkteamkit.store.tables import AuditEntryRow, DirectGrantRow, HouseholdRow

__all__ = ["casework"]  # the fixture with the ladder's provisions


def grants(casework: Casework) -> list[DirectGrantRow]:
    with Session(casework.engine) as db:
        return list(db.exec(select(DirectGrantRow).order_by(DirectGrantRow.id)).all())


def audit_count(casework: Casework) -> int:
    with Session(casework.engine) as db:
        return int(db.exec(select(func.count()).select_from(AuditEntryRow)).one())


def signalled(worker: CaseSession) -> int:
    """A household the engine knows, with no assessment and no plan."""
    return worker.receive_signal(SIGNAL, HOUSEHOLD).household


def test_cleaning_support_is_granted_without_the_team(
    casework: Casework, worker: CaseSession
) -> None:
    household = signalled(worker)
    front_desk = CaseSession(casework, actor(person="Bo", team="team-elders"))  # not its team
    grant = front_desk.grant_direct_provision(household, "schoonmaak")
    resident = casework.as_actor(actor("resident", "inwoner-1", team=None, household=household))
    again = resident.grant_direct_provision(household, "schoonmaak", "zin")
    rows = grants(casework)
    assert [(r.id, r.household_id, r.provision, r.delivery, r.granted_by) for r in rows] == [
        (grant, household, "schoonmaak", "zin", "Bo"),
        (again, household, "schoonmaak", "zin", "inwoner-1"),
    ]
    auditor = casework.as_actor(actor("auditor", "Ad", team=None))
    entries = auditor.audit_log(action="provision.granted").items
    assert [e.detail for e in entries] == [
        {"grant": grant, "provision": "schoonmaak", "delivery": "zin", "access": "direct"},
        {"grant": again, "provision": "schoonmaak", "delivery": "zin", "access": "direct"},
    ]
    with Session(casework.engine) as db:
        assert db.get(HouseholdRow, household).case_state == "signalled"  # type: ignore[union-attr]
    shown = resident.read_case(household).grants  # the resident reads their whole file
    assert [(g.id, g.provision, g.granted_by_role) for g in shown] == [
        (grant, "schoonmaak", "worker"),
        (again, "schoonmaak", "resident"),
    ]


@pytest.mark.parametrize(
    ("provision", "delivery", "refusal"),
    [
        ("begeleiding", "zin", r"\[access\] .*through the neighbourhood team: .*kitchen-table"),
        (
            "wijkverpleging",
            "zin",
            r"\[access\] .*by referral: the referral goes through "
            r"health insurer, who funds it",
        ),
        ("direct-maatwerk", "zin", r"\[access\] .*maatwerkvoorziening: .*art\. 2\.3\.2 Wmo 2015"),
        ("zonder-soort", "zin", r"\[provision-kind\] provision 'zonder-soort' has no kind"),
        ("schoonmaak", "pgb", r"\[pgb\] .*algemene voorziening: open access, no personal budget"),
        ("onbekend", "zin", r"\[provision\] .*unknown provision 'onbekend'"),
        ("schoonmaak", "contant", r"\[delivery\] delivery is 'zin' \(in kind\) or 'pgb'"),
    ],
)
def test_what_is_not_open_access_is_refused_and_nothing_written(
    casework: Casework, worker: CaseSession, provision: str, delivery: str, refusal: str
) -> None:
    household = signalled(worker)
    before = audit_count(casework)
    with pytest.raises(RuleViolation, match=refusal):
        worker.grant_direct_provision(household, provision, delivery)  # type: ignore[arg-type]
    assert grants(casework) == [] and audit_count(casework) == before


def test_who_may_grant(casework: Casework, worker: CaseSession) -> None:
    household = signalled(worker)
    auditor = casework.as_actor(actor("auditor", "Ad", team=None))
    with pytest.raises(AccessDenied, match=r"\[role\] a auditor may not grant"):
        auditor.grant_direct_provision(household, "schoonmaak")
    refused = auditor.audit_log(action="access.refused").items
    assert [(e.reason, e.actor) for e in refused] == [("role", "Ad")]
    neighbour = casework.as_actor(
        actor("resident", "inwoner-2", team=None, household=household + 1)
    )
    with pytest.raises(NotFound):
        neighbour.grant_direct_provision(household, "schoonmaak")
    with pytest.raises(NotFound):
        worker.grant_direct_provision(household + 1, "schoonmaak")
    assert grants(casework) == []


def test_zwolle_cleaning_support_directly_household_help_through_the_team(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Zwolle (003): cleaning support is an algemene voorziening residents use without the team;
    HH-1 and HH-2 are maatwerkvoorzieningen reached through the kitchen-table conversation."""
    clock = Clock(datetime(2015, 3, 2, 9, 30, tzinfo=UTC))
    zwolle = Casework.open("zwolle", database_url, clock=clock)
    with engine_transactions_as_bound_role(zwolle.engine, monkeypatch):
        team = zwolle.setup.teams[0]
        area = next(n for n in zwolle.setup.neighbourhoods if n.key == team.neighbourhood)
        worker = zwolle.as_actor(
            actor(person="e-2201", team=team.key, municipality=zwolle.setup.code)
        )
        household = worker.receive_signal(
            SIGNAL.model_copy(update={"received_at": clock.now}),
            HouseholdIn(
                postcode=area.postcodes[0].split("-")[0] + "CD",
                members=[PersonIn(role="head", birth_date=date(1936, 9, 1))],
            ),
        ).household
        assert worker.grant_direct_provision(household, "schoonmaakondersteuning")
        for help_at_home in ("hh-1", "hh-2"):
            with pytest.raises(RuleViolation, match=r"\[access\] .*through the neighbourhood team"):
                worker.grant_direct_provision(household, help_at_home)
        with pytest.raises(RuleViolation, match=r"\[pgb\]"):
            worker.grant_direct_provision(household, "schoonmaakondersteuning", "pgb")
        assert [g.provision for g in grants(zwolle)] == ["schoonmaakondersteuning"]
    zwolle.engine.dispose()


def test_a_batch_of_grants_is_all_or_nothing(casework: Casework, worker: CaseSession) -> None:
    household = signalled(worker)
    with worker.batch() as batch:
        made = batch.grant_direct_provisions(
            [(household, "schoonmaak", "zin"), (household, "schoonmaak", "zin")]
        )
    assert [g.id for g in grants(casework)] == made
    before = audit_count(casework)
    with (
        pytest.raises(RuleViolation, match=r"item 1: .*\[access\]|\[access\] item 1"),
        worker.batch() as batch,
    ):
        batch.grant_direct_provisions(
            [(household, "schoonmaak", "zin"), (household, "begeleiding", "zin")]
        )
    assert [g.id for g in grants(casework)] == made and audit_count(casework) == before
