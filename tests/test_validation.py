"""Each validation rule, with a setup that breaks it and a setup that just satisfies it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sample_town import ON, SRC, SampleTown, defaults, members

from wijkteamkit import (
    AwardCriterion,
    Bid,
    Budget,
    CostGroup,
    CostLine,
    CoverageLine,
    EscalationRule,
    Neighbourhood,
    Participation,
    Provider,
    Provision,
    ProvisionFunding,
    Remove,
    Team,
    TeamLeader,
)
from wijkteamkit.testing import PluginHarness


def codes(plugin: Any, on: date = ON, *more: Any) -> list[str]:
    harness = PluginHarness()
    harness.register(plugin)
    for extra in more:
        harness.register(extra, layer="local")
    return [f.code for f in harness.findings(on)]


def team(**changes: Any) -> list[Team]:
    return [defaults()["teams"][0].model_copy(update=changes)]


def rule(**fields: Any) -> list[EscalationRule]:
    base: dict[str, Any] = {"key": "r", "name": "R", "target": "regieteam", "source": SRC}
    return [EscalationRule(**{**base, **fields})]


def provision(*funding: ProvisionFunding, **fields: Any) -> list[Provision]:
    base: dict[str, Any] = {
        "key": "p",
        "name": "P",
        "kind": "maatwerk",
        "source": SRC,
        "funding": funding,
    }
    return [Provision(**{**base, **fields})]


def period(stream: str, start: str | None, end: str | None = None) -> ProvisionFunding:
    return ProvisionFunding(
        stream=stream,
        valid_from=date.fromisoformat(start) if start else None,
        valid_to=date.fromisoformat(end) if end else None,
    )


def budget(
    cost: int, cover: int, stated: int | None = None, stated_cover: int | None = None
) -> list[Budget]:
    return [
        Budget(
            key="b",
            name="B",
            year=2016,
            source=SRC,
            cost_groups=(
                CostGroup(key="g", name="G", lines=(CostLine(name="x", amount=Decimal(cost)),)),
            ),
            coverage=(CoverageLine(name="c", amount=Decimal(cover)),),
            stated_total=None if stated is None else Decimal(stated),
            stated_coverage=None if stated_cover is None else Decimal(stated_cover),
        )
    ]


def tender(
    weights: tuple[float, ...] = (70, 30),
    shares: tuple[float, ...] = (60, 40),
    lead: str = "GM0001",
    codes_: tuple[str, ...] = ("GM0001", "GM0002"),
) -> list[Any]:
    procedure = defaults()["tender_procedures"][0]
    return [
        procedure.model_copy(
            update={
                "lead_municipality": lead,
                "award_criteria": tuple(
                    AwardCriterion(key=f"c{i}", name=f"C{i}", weight=w)
                    for i, w in enumerate(weights)
                ),
                "participants": tuple(
                    Participation(municipality=c, share=s)
                    for c, s in zip(codes_, shares, strict=True)
                ),
            }
        )
    ]


def tender_with(**changes: Any) -> list[Any]:
    return [
        tender()[0].model_copy(
            update={"providers": (Provider(key="swon", name="Swon"),), **changes}
        )
    ]


LEADER = TeamLeader(
    employer="institution", organisation="Welzijn", hours_per_week=24, municipality_paid_hours=8
)

CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "team-size",
        {
            "teams": team(
                members=members("nurse", "social-worker", "social-worker", "nurse", "nurse")
            )
        },
        {"teams": team(members=members("nurse", "social-worker", "social-worker", "nurse"))},
    ),
    (
        "team-size",
        {"teams": team(members=members("nurse"))},
        {"teams": team(members=members("nurse", "social-worker"))},
    ),
    (
        "team-composition",
        {"teams": team(members=members("social-worker", "social-worker"))},
        {"teams": team(members=members("nurse", "social-worker"))},
    ),
    (
        "member-hours",
        {"teams": team(members=members("nurse", "social-worker", hours=15.5))},
        {"teams": team(members=members("nurse", "social-worker", hours=16))},
    ),
    ("leader-missing", {"teams": team(leader=None)}, {"teams": team(leader=LEADER)}),
    (
        "leader-hours",
        {"teams": team(leader=LEADER.model_copy(update={"hours_per_week": 20}))},
        {"teams": team(leader=LEADER.model_copy(update={"hours_per_week": 32}))},
    ),
    (
        "leader-paid-hours",
        {"teams": team(leader=LEADER.model_copy(update={"municipality_paid_hours": 0}))},
        {"teams": team(leader=LEADER)},
    ),
    (
        "unknown-reference",
        {"teams": team(neighbourhood="zuid")},
        {"teams": team(neighbourhood="centrum")},
    ),
    (
        "unknown-reference",
        {"teams": team(composition_rule="strict")},
        {"teams": team(composition_rule="default")},
    ),
    (
        "unknown-reference",
        {"escalation_rules": rule(when={"kind": "problem_domains", "min_count": 3}, target="fact")},
        {
            "escalation_rules": rule(
                when={"kind": "problem_domains", "min_count": 3}, target="regieteam"
            )
        },
    ),
    (
        "unknown-reference",
        {"provisions": provision(period("wmo-2016", "2015-01-01"))},
        {"provisions": provision(period("wmo-2015", "2015-01-01"))},
    ),
    (
        "rule-never-fires",
        {"escalation_rules": rule(when={"kind": "flagged", "indicator": "domestic-violense"})},
        {"escalation_rules": rule(when={"kind": "flagged", "indicator": "domestic-violence"})},
    ),
    (
        "rule-never-fires",
        {"escalation_rules": rule(when={"kind": "problem_domains", "min_count": 14})},
        {"escalation_rules": rule(when={"kind": "problem_domains", "min_count": 13})},
    ),
    (
        "rule-never-fires",
        {
            "escalation_rules": rule(
                when={
                    "kind": "problem_domains",
                    "min_count": 3,
                    "domains": ["financien", "justitie"],
                }
            )
        },
        {
            "escalation_rules": rule(
                when={
                    "kind": "problem_domains",
                    "min_count": 2,
                    "domains": ["financien", "justitie"],
                }
            )
        },
    ),
    (
        "rule-never-fires",
        {
            "escalation_rules": rule(
                when={"kind": "domain_score", "domain": "huisvesting", "at_least": 4, "at_most": 2}
            )
        },
        {
            "escalation_rules": rule(
                when={"kind": "domain_score", "domain": "huisvesting", "at_least": 1, "at_most": 2}
            )
        },
    ),
    (
        "rule-never-fires",
        {
            "escalation_rules": rule(
                when={
                    "kind": "all_of",
                    "conditions": [
                        {"kind": "domain_score", "domain": "financien", "at_most": 2},
                        {"kind": "domain_score", "domain": "financien", "at_least": 4},
                    ],
                }
            )
        },
        {
            "escalation_rules": rule(
                when={
                    "kind": "all_of",
                    "conditions": [
                        {"kind": "domain_score", "domain": "financien", "at_most": 2},
                        {"kind": "domain_score", "domain": "justitie", "at_least": 4},
                    ],
                }
            )
        },
    ),
    (
        "rule-never-fires",
        {"escalation_rules": rule(when={"kind": "any_of", "conditions": []})},
        {
            "escalation_rules": rule(
                when={
                    "kind": "any_of",
                    "conditions": [{"kind": "flagged", "indicator": "child-abuse"}],
                }
            )
        },
    ),
    (
        "direct-without-basis",
        {
            "escalation_rules": rule(
                when={"kind": "flagged", "indicator": "child-abuse"}, direct=True
            )
        },
        {
            "escalation_rules": rule(
                when={"kind": "flagged", "indicator": "child-abuse"},
                direct=True,
                legal_basis="meldrecht-veilig-thuis",
            )
        },
    ),
    (
        "provision-unfunded",
        {"provisions": provision(period("wmo-2015", "2016-02-01"))},
        {"provisions": provision(period("wmo-2015", "2016-01-01"))},
    ),
    (
        "funding-stream-period",
        {
            "provisions": provision(
                period("awbz", "2010-01-01", "2015-06-30"), period("wmo-2015", "2015-07-01")
            )
        },
        {
            "provisions": provision(
                period("awbz", "2010-01-01", "2014-12-31"), period("wmo-2015", "2015-01-01")
            )
        },
    ),
    (
        "funding-overlap",
        {
            "provisions": provision(
                period("awbz", "2010-01-01", "2014-12-31"), period("wmo-2015", "2014-12-31")
            )
        },
        {
            "provisions": provision(
                period("awbz", "2010-01-01", "2014-12-30"), period("wmo-2015", "2014-12-31")
            )
        },
    ),
    (
        "funding-gap",
        {
            "provisions": provision(
                period("awbz", "2010-01-01", "2014-12-30"), period("wmo-2015", "2015-01-01")
            )
        },
        {
            "provisions": provision(
                period("awbz", "2010-01-01", "2014-12-31"), period("wmo-2015", "2015-01-01")
            )
        },
    ),
    (
        "pgb-algemeen",
        {
            "provisions": provision(
                period("wmo-2015", "2015-01-01"), kind="algemeen", delivery={"zin", "pgb"}
            )
        },
        {
            "provisions": provision(
                period("wmo-2015", "2015-01-01"), kind="maatwerk", delivery={"zin", "pgb"}
            )
        },
    ),
    ("budget-coverage", {"budgets": budget(1000, 900)}, {"budgets": budget(1000, 1000)}),
    (
        "budget-total",
        {"budgets": budget(1000, 1000, stated=1100)},
        {"budgets": budget(1000, 1000, stated=1000)},
    ),
    (
        "budget-total",
        {"budgets": budget(1000, 1000, stated_cover=900)},
        {"budgets": budget(1000, 1000, stated_cover=1000)},
    ),
    (
        "tender-weights",
        {"tender_procedures": tender(weights=(70, 20))},
        {"tender_procedures": tender(weights=(70.5, 29.5))},
    ),
    (
        "tender-shares",
        {"tender_procedures": tender(shares=(60, 30))},
        {"tender_procedures": tender(shares=(50, 50))},
    ),
    (
        "tender-lead",
        {"tender_procedures": tender(lead="GM0003")},
        {"tender_procedures": tender(lead="GM0002")},
    ),
    (
        "tender-participants",
        {"tender_procedures": tender(codes_=("GM0001", "GM0001"))},
        {"tender_procedures": tender(codes_=("GM0001", "GM0004"))},
    ),
    (
        "tender-regime",
        {"tender_procedures": tender_with(regime="national", budget_ceiling=Decimal(750000))},
        {"tender_procedures": tender_with(regime="national", budget_ceiling=Decimal(749999))},
    ),
    (
        "tender-regime",
        {"tender_procedures": tender_with(regime="national", budget_ceiling=Decimal(900000))},
        {
            "tender_procedures": tender_with(
                regime="social_services", budget_ceiling=Decimal(900000)
            )
        },
    ),
    (
        "tender-example-bids",
        {
            "tender_procedures": tender_with(
                example_bids=(Bid(provider="ghost", price=Decimal(10), points={"c0": 5, "c1": 5}),)
            )
        },
        {
            "tender_procedures": tender_with(
                example_bids=(Bid(provider="swon", price=Decimal(10), points={"c0": 5, "c1": 5}),)
            )
        },
    ),
    (
        "neighbourhood-without-team",
        {
            "neighbourhoods": [
                *defaults()["neighbourhoods"],
                Neighbourhood(key="noord", name="Noord", source=SRC),
            ]
        },
        {},
    ),
    ("no-teams", {"teams": []}, {}),
    (
        "missing-source",
        {"principles": [defaults()["principles"][0].model_copy(update={"source": None})]},
        {},
    ),
]


@pytest.mark.parametrize(
    ("code", "failing", "passing"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule_fails_and_passes(code: str, failing: dict[str, Any], passing: dict[str, Any]) -> None:
    assert code in codes(SampleTown(**failing))
    assert code not in codes(SampleTown(**passing))


def test_the_valid_setup_has_no_findings() -> None:
    assert codes(SampleTown()) == []


class _Doubles:
    def wijkteamkit_neighbourhoods(self) -> Any:
        centrum = defaults()["neighbourhoods"][0]
        return [centrum, centrum.model_copy(update={"name": "Centrum (again)"})]


class _Remover:
    def __init__(self, key: str) -> None:
        self.key = key

    def wijkteamkit_principles(self) -> Any:
        return [Remove(remove=self.key, reason="not ours")]


def test_duplicate_key_in_one_layer_is_an_error() -> None:
    assert "duplicate-key" in codes(SampleTown(), ON, _Doubles())


def test_removing_an_existing_item_is_clean_and_an_unknown_one_warns() -> None:
    assert codes(SampleTown(), ON, _Remover("one-plan")) == []
    assert codes(SampleTown(), ON, _Remover("two-plans")) == ["remove-unknown"]


def test_consent_exception_must_allow_disclosure_without_consent() -> None:
    class Policy:
        def wijkteamkit_legal_bases(self) -> Any:
            return [{"key": "convenant", "name": "Convenant", "source": SRC.model_dump()}]

        def wijkteamkit_consent_policy(self) -> Any:
            return {"exceptions": ["convenant"]}

    assert "consent-exception" in codes(SampleTown(), ON, Policy())
    assert "consent-exception" not in codes(SampleTown())


def test_consent_exception_not_in_force_is_reported_as_info() -> None:
    harness = PluginHarness()
    harness.register(SampleTown())
    findings = harness.findings(date(2012, 6, 1))
    inactive = [f for f in findings if f.code == "consent-exception-inactive"]
    assert [f.severity for f in inactive] == ["info"]
    assert not [f for f in harness.findings(ON) if f.code == "consent-exception-inactive"]


def test_findings_name_the_plugin_and_location() -> None:
    harness = PluginHarness()
    harness.register(SampleTown(teams=team(members=members("nurse"))), name="teststad")
    (finding,) = [f for f in harness.findings(ON) if f.code == "team-size"]
    assert finding.location == "teams/team-centrum/members"
    assert finding.plugin.startswith("teststad")
    assert finding.municipality == "GM0001"
    assert "1 members" in finding.message and "2-4" in finding.message


def test_findings_on_national_items_name_the_national_layer() -> None:
    harness = PluginHarness()
    harness.register(SampleTown())
    findings = harness.findings(date(1960, 1, 1))
    unfunded = [
        f
        for f in findings
        if f.code == "provision-unfunded" and f.location.startswith("provisions/begeleiding")
    ]
    assert unfunded and unfunded[0].plugin == "wijkteamkit national defaults"
