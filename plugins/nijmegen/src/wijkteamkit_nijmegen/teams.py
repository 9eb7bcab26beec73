"""The base composition of a team, the 5-7 / 16 h / team-leader rules, and the four teams.

Functions, groups, sizes, hours and who employs each team leader come from the Basisontwerp
(§4.1, §4.3, §4.4) and the Uitvoeringsnotitie (§8); the member lists per team are not in the
sources and are illustrative: each team has the base composition with 16 h per member.
"""

from __future__ import annotations

from datetime import date

from wijkteamkit import hookimpl
from wijkteamkit.domain import (
    CompositionRule,
    FunctionGroup,
    Requirement,
    ShellProvider,
    Team,
    TeamFunction,
    TeamLeader,
    TeamMember,
)

from .sources import basisontwerp, illustrative, notitie

BASE = basisontwerp("§4.1 Functies binnen het sociale wijkteam")
HOURS = basisontwerp("§4.4 Matchingsprocedure ('16 uur per teamlid per week')")
MEMBER_HOURS = 16
LEADER_HOURS = 24
LEADER_PAID_BY_MUNICIPALITY = 8


@hookimpl
def wijkteamkit_function_groups() -> tuple[FunctionGroup, ...]:
    return (
        FunctionGroup(key="wonen", name="Housing", source=BASE),
        FunctionGroup(key="welzijn", name="Welfare", source=BASE),
        FunctionGroup(key="zorg", name="Care", source=BASE),
        FunctionGroup(key="wmo", name="Wmo provisions", source=BASE),
    )


@hookimpl
def wijkteamkit_team_functions() -> tuple[TeamFunction, ...]:
    functions = (
        ("opbouwwerker", "Opbouwwerker (nieuwe stijl)", "wonen"),
        ("maatschappelijk-werker", "Maatschappelijk werker", "welzijn"),
        ("dienstverlener", "Maatschappelijk dienstverlener", "welzijn"),
        ("ouderenadviseur", "Ouderenadviseur", "welzijn"),
        ("wijkverpleegkundige", "Wijkverpleegkundige", "zorg"),
        ("praktijkondersteuner", "Praktijkondersteuner huisarts", "zorg"),
        ("wmo-consulent", "Wmo-consulent", "wmo"),
    )
    base = tuple(
        TeamFunction(key=key, name=name, group=group, source=BASE) for key, name, group in functions
    )
    youth = TeamFunction(
        key="jeugd-gezinswerker",
        name="Jeugd- en gezinswerker (CJG)",
        group="welzijn",
        source=notitie(
            "§6 Plan van aanpak per wijk ('in Nijmegen-Noord ... jeugd en "
            "opvoedondersteuning'); §4.3 (CJG functions woven into the teams)"
        ),
    )
    return (*base, youth)


@hookimpl
def wijkteamkit_composition_rules() -> tuple[CompositionRule, ...]:
    return (
        CompositionRule(
            key="default",
            name="Basissamenstelling sociaal wijkteam",
            min_members=5,
            max_members=7,
            requirements=(
                Requirement(group="wonen", note="an opbouwwerker"),
                Requirement(
                    group="welzijn",
                    note="maatschappelijk werker, dienstverlener or ouderenadviseur",
                ),
                Requirement(group="zorg", note="from the first line, e.g. a wijkverpleegkundige"),
                Requirement(function="wmo-consulent", note="at least in the first period"),
            ),
            member_min_hours=MEMBER_HOURS,
            leader_required=True,
            leader_min_hours=LEADER_HOURS,
            leader_municipality_paid_hours=LEADER_PAID_BY_MUNICIPALITY,
            source=basisontwerp(
                "§4.1 ('tussen de 5 en 7 werkers'); §4.4 (16 h per member; team leader 24 h of "
                "which 8 compensated by the municipality)"
            ),
        ),
    )


def _leader(employer: str, organisation: str, invented: str | None = None) -> TeamLeader:
    """A team leader; ``invented`` says what the sources do not give, marking it illustrative."""
    source = basisontwerp(
        "§4.3 Profiel teamleider (municipality in Hatert and Noord, an institution in "
        "Lindenholt and Dukenburg); §4.4 (24 h, 8 compensated)"
    )
    if invented:
        source = source.model_copy(update={"illustrative": True, "note": invented})
    return TeamLeader(
        employer=employer,
        organisation=organisation,
        hours_per_week=LEADER_HOURS,
        municipality_paid_hours=LEADER_PAID_BY_MUNICIPALITY,
        source=source,
    )


_UNNAMED = (
    "the employing organisation: the sources say an institution employs this leader, not which "
    "one (Basisontwerp §4.3, 'blijft de coördinator in dienst bij een maatschappelijke instelling')"
)

_MEMBERS_NOTE = illustrative(
    "the sources give the base composition and 16 h per member, not who joins which team; the "
    "organisations are those the note names (NIM, Swon, ZZG, MEE, the municipality) plus Tandem "
    "for community work, which it does not name",
    section="Basisontwerp §4.1; Uitvoeringsnotitie Bijlage: bestaande initiatieven",
)

_BASE_COMPOSITION = (
    ("opbouwwerker", "Tandem"),
    ("maatschappelijk-werker", "NIM Maatschappelijk Werk"),
    ("ouderenadviseur", "Swon"),
    ("wijkverpleegkundige", "ZZG zorggroep"),
    ("dienstverlener", "MEE Gelderse Poort"),
    ("wmo-consulent", "Gemeente Nijmegen"),
)


def _members(*extra: tuple[str, str]) -> tuple[TeamMember, ...]:
    return tuple(
        TeamMember(
            function=function,
            organisation=organisation,
            hours_per_week=MEMBER_HOURS,
            source=_MEMBERS_NOTE,
        )
        for function, organisation in _BASE_COMPOSITION + extra
    )


def _three_months_after(start: date) -> date:
    month = start.month + 3
    return start.replace(year=start.year + (month - 1) // 12, month=(month - 1) % 12 + 1)


_SHELL = tuple(
    ShellProvider(
        organisation=organisation,
        source=notitie("§8 Organisatie: Schil"),
    )
    for organisation in (
        "huisartsen",
        "AWBZ-zorgaanbieders",
        "GGD",
        "woningcorporaties",
        "wijkagenten",
        "scholen",
        "jeugdzorg",
        "maatschappelijke opvang",
    )
)


@hookimpl
def wijkteamkit_teams() -> tuple[Team, ...]:
    teams = (
        (
            "lindenholt",
            "Lindenholt",
            date(2012, 4, 1),
            _leader("institution", "NIM Maatschappelijk Werk", _UNNAMED),
            "het nieuw te openen gezondheidscentrum in Lindenholt",
            (),
        ),
        (
            "dukenburg",
            "Dukenburg",
            date(2012, 9, 1),
            _leader("institution", "Swon", _UNNAMED),
            "de beursvloer in Dukenburg",
            (),
        ),
        (
            "hatert",
            "Hatert",
            date(2012, 9, 1),
            _leader("municipality", "Gemeente Nijmegen (CJG-coördinator)"),
            "de zorgplint in Hart van Hatert",
            (),
        ),
        (
            "nijmegen-noord",
            "Nijmegen-Noord",
            date(2012, 12, 1),
            _leader("municipality", "Gemeente Nijmegen (CJG-coördinator)"),
            None,
            (("jeugd-gezinswerker", "Centrum Jeugd en Gezin"),),
        ),
    )
    return tuple(
        Team(
            key=f"swt-{key}",
            name=f"Sociaal wijkteam {name}",
            neighbourhood=key,
            members=_members(*extra),
            leader=leader,
            base=base,
            case_registration_from=_three_months_after(start),
            shell=_SHELL,
            source=basisontwerp(
                "§5.1 Huisvesting (base); §5.3 Monitoringsinstrument (case registration three "
                "months after the start)"
            ),
        )
        for key, name, start, leader, base, extra in teams
    )
