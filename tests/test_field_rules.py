"""The validation rules that make otherwise inert setup fields act (ADR "No inert setup field"):
neighbourhood targets, team start precision, leader employers, life-domain catalogues and law
successors. Each with a setup that breaks it and one that just satisfies it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sample_town import ON, SRC, SampleTown, defaults

from wijkteamkit import Law, LifeDomain, Neighbourhood, TeamLeader
from wijkteamkit.testing import PluginHarness


def codes(plugin: Any, *more: Any) -> list[str]:
    harness = PluginHarness()
    harness.register(plugin)
    for extra in more:
        harness.register(extra, layer="local")
    return [f.code for f in harness.findings(ON)]


def town(**fields: Any) -> SampleTown:
    """Sample town whose one neighbourhood has ``fields`` changed."""
    base = defaults()["neighbourhoods"][0].model_dump(exclude_unset=True)
    return SampleTown(neighbourhoods=[Neighbourhood(**{**base, **fields})])


class _Extra:
    """A local layer supplying laws or life domains."""

    def __init__(self, laws: tuple[Law, ...] = (), domains: tuple[LifeDomain, ...] = ()) -> None:
        self.laws, self.domains = laws, domains

    def wijkteamkit_laws(self) -> tuple[Law, ...]:
        return self.laws

    def wijkteamkit_life_domains(self) -> tuple[LifeDomain, ...]:
        return self.domains


@pytest.mark.parametrize(
    ("households", "share", "target", "found"),
    [
        (4067, 0.15, 610, False),  # Nijmegen-Noord: 610 is about 15% of 4,067
        (6000, 0.15, 900, False),
        (6000, 0.15, 905, False),  # 15.08% still rounds to 15%
        (6000, 0.15, 1200, True),  # 20%
        (6000, 0.155, 900, True),  # 15.0% against 15.5%, written to three decimals
        (0, 0.15, 0, False),
    ],
)
def test_target_households_agree_with_share(
    households: int, share: float, target: int, found: bool
) -> None:
    got = codes(town(households=households, target_share=share, target_households=target))
    assert ("neighbourhood-target" in got) is found


def test_target_share_without_target_households() -> None:
    got = codes(town(households=1000, target_share=0.15, target_households=None))
    assert "neighbourhood-target-missing" in got
    assert "neighbourhood-target-missing" not in codes(town(target_share=0.15))
    assert "neighbourhood-target-missing" not in codes(town(target_households=None))


def test_month_precise_start_is_the_first() -> None:
    late = town(team_start=date(2012, 9, 15), team_start_precision="month")
    assert "team-start-precision" in codes(late)
    assert "team-start-precision" not in codes(
        town(team_start=date(2012, 9, 1), team_start_precision="month")
    )
    assert "team-start-precision" not in codes(
        town(team_start=date(2012, 9, 15), team_start_precision="day")
    )


def _led_by(employer: str, organisation: str) -> SampleTown:
    team = defaults()["teams"][0]
    leader = TeamLeader(
        employer=employer, organisation=organisation, hours_per_week=24, municipality_paid_hours=8
    )
    return SampleTown(teams=[team.model_copy(update={"leader": leader})])


@pytest.mark.parametrize(
    ("employer", "organisation", "found"),
    [
        ("municipality", "Gemeente Teststad (CJG-coördinator)", False),
        ("municipality", "teststad", False),
        ("institution", "Welzijn Teststad", False),
        ("municipality", "Welzijn Teststad", True),
        ("institution", "Gemeente Teststad", True),
    ],
)
def test_leader_employer_agrees_with_organisation(
    employer: str, organisation: str, found: bool
) -> None:
    assert ("leader-employer" in codes(_led_by(employer, organisation))) is found


def _domain(key: str, catalogue: str, *maps_to: str) -> LifeDomain:
    return LifeDomain(key=key, name=key, catalogue=catalogue, maps_to=maps_to, source=SRC)


def test_local_domains_map_onto_zrm() -> None:
    mapped = _domain("taal", "teststad", "maatschappelijke-participatie")
    assert codes(SampleTown(), _Extra(domains=(mapped,))) == []
    onto_local = (mapped, _domain("opvoeding", "teststad", "taal"))
    assert codes(SampleTown(), _Extra(domains=onto_local)) == ["domain-mapping"]
    zrm_mapping = _domain("taal", "zrm-2017", "financien")
    assert codes(SampleTown(), _Extra(domains=(zrm_mapping,))) == ["domain-mapping"]
    unmapped = _domain("zingeving", "teststad")
    assert codes(SampleTown(), _Extra(domains=(unmapped,))) == ["domain-unmapped"]


def _law(key: str, start: date | None, end: date | None, successor: str | None = None) -> Law:
    return Law(
        key=key,
        name=key,
        short_name=key,
        valid_from=start,
        valid_to=end,
        successor=successor,
        source=SRC,
    )


def test_successor_takes_over_the_next_day() -> None:
    old = _law("oud", date(2000, 1, 1), date(2014, 12, 31), "nieuw")
    ok = _law("nieuw", date(2015, 1, 1), None)
    assert "law-successor" not in codes(SampleTown(), _Extra(laws=(old, ok)))
    late = _law("nieuw", date(2015, 2, 1), None)
    assert "law-successor" in codes(SampleTown(), _Extra(laws=(old, late)))
    endless = _law("oud", date(2000, 1, 1), None, "nieuw")
    assert "law-successor" in codes(SampleTown(), _Extra(laws=(endless, ok)))
