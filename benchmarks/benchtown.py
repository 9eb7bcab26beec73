"""Benchstad (GM9901): a small, valid municipality plugin file for the benchmarks.

One neighbourhood with postcodes, one team that meets its composition rule, a multi-problem
team and the domestic-violence service as escalation targets, and rules that propose them. Load
it with ``plugin_files=[Path("benchmarks/benchtown.py")]`` or ``--plugin-file``. It is
illustrative data, not a real municipality.
"""

from __future__ import annotations

from datetime import date

from wijkteamkit import hookimpl
from wijkteamkit.domain import (
    CompositionRule,
    EscalationRule,
    EscalationTarget,
    FunctionGroup,
    Municipality,
    Neighbourhood,
    Requirement,
    Source,
    Team,
    TeamFunction,
    TeamLeader,
    TeamMember,
)

CODE = "GM9901"
"""The CBS-style code of the benchmark municipality (not a real one)."""

SRC = Source(document="benchmarks/benchtown.py", section="§1", illustrative=True, note="bench data")
ON = date(2016, 1, 1)
ORGANISATION = "Welzijn Benchstad"


@hookimpl
def wijkteamkit_municipality() -> Municipality:
    return Municipality(code=CODE, name="Benchstad", reference_date=ON, source=SRC)


@hookimpl
def wijkteamkit_neighbourhoods() -> tuple[Neighbourhood, ...]:
    return (
        Neighbourhood(
            key="centrum",
            name="Centrum",
            target_households=20_000,
            postcodes=("9901",),
            team_start=ON,
            source=SRC,
        ),
    )


@hookimpl
def wijkteamkit_function_groups() -> tuple[FunctionGroup, ...]:
    return (
        FunctionGroup(key="care", name="Care", source=SRC),
        FunctionGroup(key="welfare", name="Welfare", source=SRC),
    )


@hookimpl
def wijkteamkit_team_functions() -> tuple[TeamFunction, ...]:
    return (
        TeamFunction(key="nurse", name="Wijkverpleegkundige", group="care", source=SRC),
        TeamFunction(
            key="social-worker", name="Maatschappelijk werker", group="welfare", source=SRC
        ),
    )


@hookimpl
def wijkteamkit_composition_rules() -> tuple[CompositionRule, ...]:
    return (
        CompositionRule(
            key="default",
            name="Default",
            min_members=2,
            max_members=6,
            requirements=(Requirement(group="care"), Requirement(function="social-worker")),
            member_min_hours=16,
            leader_required=True,
            leader_min_hours=24,
            leader_municipality_paid_hours=8,
            source=SRC,
        ),
    )


@hookimpl
def wijkteamkit_teams() -> tuple[Team, ...]:
    return (
        Team(
            key="team-centrum",
            name="Team Centrum",
            neighbourhood="centrum",
            members=tuple(
                TeamMember(function=f, organisation=ORGANISATION, hours_per_week=24)
                for f in ("nurse", "social-worker", "social-worker")
            ),
            leader=TeamLeader(
                employer="municipality",
                organisation="Gemeente Benchstad",
                hours_per_week=24,
                municipality_paid_hours=8,
            ),
            source=SRC,
        ),
    )


@hookimpl
def wijkteamkit_escalation_targets() -> tuple[EscalationTarget, ...]:
    return (
        EscalationTarget(
            key="regieteam",
            name="Regieteam",
            kind="multiproblem_team",
            level="district",
            source=SRC,
        ),
        EscalationTarget(
            key="veilig-thuis",
            name="Veilig Thuis",
            kind="domestic_violence_service",
            level="region",
            source=SRC,
        ),
    )


@hookimpl
def wijkteamkit_escalation_rules() -> tuple[EscalationRule, ...]:
    return (
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
            source=SRC,
        ),
    )
