"""A small municipality plugin whose every part is valid; tests replace one part to break it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from wijkteamkit import (
    AwardCriterion,
    Budget,
    CompositionRule,
    CostGroup,
    CostLine,
    CoverageLine,
    EscalationRule,
    EscalationTarget,
    FunctionGroup,
    Municipality,
    Neighbourhood,
    Participation,
    Principle,
    Provision,
    ProvisionFunding,
    Requirement,
    Source,
    Team,
    TeamFunction,
    TeamLeader,
    TeamMember,
    TenderProcedure,
)

SRC = Source(document="teststad.txt", section="§1", illustrative=True, note="test data")
ON = date(2016, 1, 1)


def members(*functions: str, hours: float = 16) -> tuple[TeamMember, ...]:
    return tuple(
        TeamMember(function=f, organisation="Welzijn Teststad", hours_per_week=hours)
        for f in functions
    )


def defaults() -> dict[str, Any]:
    return {
        "municipality": Municipality(code="GM0001", name="Teststad", reference_date=ON, source=SRC),
        "neighbourhoods": [
            Neighbourhood(
                key="centrum",
                name="Centrum",
                target_households=100,
                postcodes=("1234",),
                source=SRC,
            )
        ],
        "function_groups": [
            FunctionGroup(key="care", name="Care", source=SRC),
            FunctionGroup(key="welfare", name="Welfare", source=SRC),
        ],
        "team_functions": [
            TeamFunction(key="nurse", name="Wijkverpleegkundige", group="care", source=SRC),
            TeamFunction(
                key="social-worker", name="Maatschappelijk werker", group="welfare", source=SRC
            ),
        ],
        "composition_rules": [
            CompositionRule(
                key="default",
                name="Default",
                min_members=2,
                max_members=4,
                requirements=(Requirement(group="care"), Requirement(function="social-worker")),
                member_min_hours=16,
                leader_required=True,
                leader_min_hours=24,
                leader_municipality_paid_hours=8,
                source=SRC,
            )
        ],
        "teams": [
            Team(
                key="team-centrum",
                name="Team Centrum",
                neighbourhood="centrum",
                members=members("nurse", "social-worker", "social-worker"),
                leader=TeamLeader(
                    employer="municipality",
                    organisation="Gemeente Teststad",
                    hours_per_week=24,
                    municipality_paid_hours=8,
                ),
                source=SRC,
            )
        ],
        "escalation_targets": [
            EscalationTarget(
                key="regieteam",
                name="Regieteam",
                kind="multiproblem_team",
                level="district",
                accepts={"kind": "problem_domains", "min_count": 3},
                source=SRC,
            ),
            EscalationTarget(
                key="veilig-thuis",
                name="Veilig Thuis",
                kind="domestic_violence_service",
                level="region",
                accepts={
                    "kind": "any_of",
                    "conditions": (
                        {"kind": "flagged", "indicator": "domestic-violence"},
                        {"kind": "flagged", "indicator": "child-abuse"},
                    ),
                },
                valid_from=date(2015, 1, 1),
                source=SRC,
            ),
            EscalationTarget(
                key="ketenzorg",
                name="Ketenzorg dementie",
                kind="care_chain",
                level="city",
                handover="referral",
                accepts={"kind": "domain_score", "domain": "lichamelijke-gezondheid", "at_most": 2},
                source=SRC,
            ),
        ],
        "escalation_rules": [
            EscalationRule(
                key="multi",
                name="Problems on 3+ domains",
                when={"kind": "problem_domains", "min_count": 3},
                target="regieteam",
                source=SRC,
            ),
            EscalationRule(
                key="dv",
                name="Domestic violence",
                when={"kind": "flagged", "indicator": "domestic-violence"},
                target="veilig-thuis",
                direct=True,
                legal_basis="meldrecht-veilig-thuis",
                priority=1,
                valid_from=date(2015, 1, 1),
                source=SRC,
            ),
            EscalationRule(
                key="body",
                name="Acute physical problems",
                when={"kind": "domain_score", "domain": "lichamelijke-gezondheid", "at_most": 1},
                target="ketenzorg",
                source=SRC,
            ),
        ],
        "provisions": [
            Provision(
                key="schoonmaak",
                name="Schoonmaakondersteuning",
                kind="algemeen",
                access="direct",
                funding=(ProvisionFunding(stream="wmo-2015", valid_from=date(2015, 1, 1)),),
                source=SRC,
            )
        ],
        "tender_procedures": [
            TenderProcedure(
                key="centrum-2016",
                name="Centrum 2016",
                neighbourhood="centrum",
                commissioning_body="Wijknetwerk",
                regime="social_services",
                lead_municipality="GM0001",
                participants=(
                    Participation(municipality="GM0001", share=60),
                    Participation(municipality="GM0002", share=40),
                ),
                award_criteria=(
                    AwardCriterion(key="quality", name="Quality", weight=70),
                    AwardCriterion(key="price", name="Price", weight=30),
                ),
                source=SRC,
            )
        ],
        "budgets": [
            Budget(
                key="b2016",
                name="Budget 2016",
                year=2016,
                cost_groups=(
                    CostGroup(
                        key="staff",
                        name="Staff",
                        lines=(
                            CostLine(name="Leader", amount=Decimal(1000)),
                            CostLine(name="Lawyer", pro_memorie=True),
                        ),
                    ),
                ),
                coverage=(CoverageLine(name="Own budget", amount=Decimal(1000)),),
                stated_total=Decimal(1000),
                stated_coverage=Decimal(1000),
                source=SRC,
            )
        ],
        "principles": [
            Principle(
                key="one-plan", name="One plan", statement="One household, one plan.", source=SRC
            )
        ],
    }


CENTRUM, NOORD = "team-centrum", "team-noord"


def two_teams(leader_organisation: str = "Gemeente Teststad") -> dict[str, Any]:
    """``defaults()`` with a second neighbourhood, ``noord`` (postcodes 5678), and a team for
    each: ``team-centrum`` and ``team-noord``, their leaders employed by the municipality."""
    parts = defaults()
    parts["neighbourhoods"] = [
        *parts["neighbourhoods"],
        Neighbourhood(
            key="noord", name="Noord", target_households=100, postcodes=("5678",), source=SRC
        ),
    ]
    leader = TeamLeader(
        employer="municipality",
        organisation=leader_organisation,
        hours_per_week=24,
        municipality_paid_hours=8,
    )
    parts["teams"] = [
        Team(
            key=key,
            name=key,
            neighbourhood=hood,
            members=members("nurse", "social-worker"),
            leader=leader,
            source=SRC,
        )
        for key, hood in ((CENTRUM, "centrum"), (NOORD, "noord"))
    ]
    return parts


class SampleTown:
    """A municipality plugin built from ``defaults()`` with any part replaced by a keyword."""

    def __init__(self, **parts: Any) -> None:
        self.parts = {**defaults(), **parts}

    def wijkteamkit_municipality(self) -> Any:
        return self.parts["municipality"]

    def wijkteamkit_neighbourhoods(self) -> Any:
        return self.parts["neighbourhoods"]

    def wijkteamkit_function_groups(self) -> Any:
        return self.parts["function_groups"]

    def wijkteamkit_team_functions(self) -> Any:
        return self.parts["team_functions"]

    def wijkteamkit_composition_rules(self) -> Any:
        return self.parts["composition_rules"]

    def wijkteamkit_teams(self) -> Any:
        return self.parts["teams"]

    def wijkteamkit_escalation_targets(self) -> Any:
        return self.parts["escalation_targets"]

    def wijkteamkit_escalation_rules(self) -> Any:
        return self.parts["escalation_rules"]

    def wijkteamkit_provisions(self) -> Any:
        return self.parts["provisions"]

    def wijkteamkit_tender_procedures(self) -> Any:
        return self.parts["tender_procedures"]

    def wijkteamkit_budgets(self) -> Any:
        return self.parts["budgets"]

    def wijkteamkit_principles(self) -> Any:
        return self.parts["principles"]
