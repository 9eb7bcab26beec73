"""Zwolle (GM0193), 2015: social neighbourhood teams with a first shell of providers around them.

Source: 003_f84d4cc7902fdc3d.txt ("Kaders Sociaal Domein Zwolle vastgesteld", the frameworks the
college adopted for 2015). It is cited by its headings: the untitled opening (``intro``, with the
paragraph number and a key phrase), "Diensten in en aan huis", "Dagbesteding", "Participatie",
"Beschermd wonen GGZ" and "Vervolg". The source gives no neighbourhoods, postcodes, team members,
organisations, escalation bodies or budgets: those are illustrative and say so. The funding of a
provision before 1 January 2015 follows the law (the AWBZ, the Wmo 2007 and the WWB).
"""

from __future__ import annotations

from datetime import date

from wijkteamkit import hookimpl
from wijkteamkit.domain import (
    CompositionRule,
    Continuity,
    Delivery,
    EscalationRule,
    EscalationTarget,
    FunctionGroup,
    Municipality,
    Neighbourhood,
    Principle,
    Provision,
    ProvisionFunding,
    ProvisionKind,
    Remove,
    Requirement,
    ShellProvider,
    Source,
    Team,
    TeamFunction,
    TeamMember,
)

CODE = "GM0193"
FRAMEWORKS = "003_f84d4cc7902fdc3d.txt"

REFORM_DAY = date(2015, 1, 1)
BEFORE_REFORM = date(2014, 12, 31)

INTRO = "intro"
HOME_SERVICES = "Diensten in en aan huis"
DAY_ACTIVITIES = "Dagbesteding"
PARTICIPATION = "Participatie"
SHELTERED_HOUSING = "Beschermd wonen GGZ"

ZIN = frozenset({Delivery.ZIN})
ZIN_AND_PGB = frozenset({Delivery.ZIN, Delivery.PGB})


def frameworks(section: str, note: str | None = None) -> Source:
    """A passage of the Zwolle frameworks (003), by heading and, where useful, a key phrase."""
    return Source(document=FRAMEWORKS, section=section, note=note)


def illustrative(note: str, section: str | None = INTRO) -> Source:
    """Something the Zwolle frameworks do not give: made up to complete the example."""
    return Source(document=FRAMEWORKS, section=section, illustrative=True, note=note)


@hookimpl
def wijkteamkit_municipality() -> Municipality:
    return Municipality(
        code=CODE,
        name="Zwolle",
        province="Overijssel",
        reference_date=REFORM_DAY,
        source=frameworks(
            "intro ¶1 ('Kaders Sociaal Domein Zwolle vastgesteld'; 'Vanaf 2015 kunnen de "
            "inwoners van Zwolle ... terecht bij sociale wijkteams')"
        ),
    )


@hookimpl
def wijkteamkit_principles() -> tuple[Principle, ...]:
    return (
        Principle(
            key="iedereen-doet-mee",
            name="Every resident takes part",
            statement="Iedere Zwollenaar doet mee in de samenleving; de gemeente zorgt samen met de "
            "partners in de stad voor goede basisvoorzieningen om dit meedoen mogelijk te maken.",
            source=frameworks("intro ¶1 ('iedere Zwollenaar meedoet in de samenleving')"),
        ),
        Principle(
            key="een-regisseur-een-plan",
            name="One director and one plan per household",
            statement="De aanpak gaat uit van één regisseur en één plan voor een huishouden.",
            source=frameworks("intro ¶2 ('één regisseur en één plan voor een huishouden')"),
        ),
        Principle(
            key="dichtbij",
            name="Organised close to people",
            statement="Zorg- en ondersteuningsvragen worden dichtbij mensen georganiseerd, op wijk- "
            "en/of buurtniveau, met een netwerk van professionals en informele zorg.",
            source=frameworks(
                "intro ¶2 ('dichtbij mensen georganiseerd op wijk en/of buurtniveau')"
            ),
        ),
        Principle(
            key="keuzevrijheid-zin-pgb",
            name="Free choice between care in kind and a personal budget",
            statement="The resident steers the solution, so there is free choice, also for more "
            "specialised care: zorg in natura (ZIN) or a persoonsgebonden budget (PGB).",
            source=frameworks("intro ¶2 ('Zorg in Natura of in een Persoonsgebonden Budget')"),
        ),
        Principle(
            key="wijkverpleging-zorgverzekeraars",
            name="Close cooperation with the district nurses of the health insurers",
            statement="The social neighbourhood team works closely with the district nurses "
            "(wijkverpleegkundigen) who work in the neighbourhoods on behalf of the health insurers.",
            source=frameworks("intro ¶2 ('wijkverpleegkundigen die namens de zorgverzekeraars')"),
        ),
        Principle(
            key="eerste-schil",
            name="A first shell of providers around the team",
            statement="Individual support (begeleiding) and household help are not in the team but "
            "in a first shell around it: a varied offer of providers that guarantees free choice "
            "of more intensive personal support.",
            source=frameworks("intro ¶3 ('een eerste schil om het wijkteam heen')"),
        ),
        Principle(
            key="handzaam-team",
            name="A compact team",
            statement="The team is a compact team of professionals that can call on the resident's "
            "personal network, refer questions on and, where possible, give light support.",
            source=frameworks("intro ¶4 ('een handzaam team van professionals')"),
        ),
        Principle(
            key="bestaande-organisaties",
            name="Staffed from existing organisations",
            statement="From the start the teams are staffed as far as possible by professionals "
            "from the existing organisations, so their competences and experience are not lost.",
            source=frameworks("intro ¶5 ('professionals uit de bestaande organisaties')"),
        ),
    )


_AREAS = (
    ("binnenstad-diezerpoort", "Binnenstad en Diezerpoort", ("8011", "8021")),
    ("zwolle-zuid", "Zwolle-Zuid en Assendorp", ("8012-8017",)),
    ("aa-landen", "Aa-landen", ("8022-8024",)),
    ("holtenbroek", "Holtenbroek", ("8025-8026",)),
    ("westenholte", "Westenholte", ("8041-8042",)),
    ("stadshagen", "Stadshagen", ("8043-8046",)),
)
_AREA_NOTE = (
    "the source names no neighbourhoods: plausible districts of Zwolle with approximate postcode "
    "ranges; teams from 2015 ('Vanaf 2015 ... sociale wijkteams')"
)


@hookimpl
def wijkteamkit_neighbourhoods() -> tuple[Neighbourhood, ...]:
    return tuple(
        Neighbourhood(
            key=key,
            name=name,
            postcodes=postcodes,
            team_start=REFORM_DAY,
            source=illustrative(_AREA_NOTE, section="intro ¶2"),
        )
        for key, name, postcodes in _AREAS
    )


@hookimpl
def wijkteamkit_function_groups() -> tuple[FunctionGroup, ...]:
    note = (
        "the source does not group the team's functions; grouped by what the compact team does "
        "(network, light support, access, work)"
    )
    return (
        FunctionGroup(
            key="welzijn", name="Welfare and network", source=illustrative(note, "intro ¶4")
        ),
        FunctionGroup(
            key="ondersteuning",
            name="Support and access to provisions",
            source=illustrative(note, "intro ¶4"),
        ),
        FunctionGroup(
            key="werk",
            name="Work and income",
            source=illustrative(note, PARTICIPATION),
        ),
    )


@hookimpl
def wijkteamkit_team_functions() -> tuple[TeamFunction, ...]:
    note = "the source names no functions; plausible functions of a compact neighbourhood team"
    return (
        TeamFunction(
            key="maatschappelijk-werker",
            name="Maatschappelijk werker",
            group="welzijn",
            source=illustrative(note, "intro ¶4"),
        ),
        TeamFunction(
            key="opbouwwerker",
            name="Opbouwwerker (netwerk en informele zorg)",
            group="welzijn",
            source=illustrative(note, "intro ¶2"),
        ),
        TeamFunction(
            key="wmo-consulent",
            name="Consulent maatschappelijke ondersteuning (keukentafelgesprek)",
            group="ondersteuning",
            source=illustrative(note, HOME_SERVICES),
        ),
        TeamFunction(
            key="mee-consulent",
            name="MEE-consulent (cliëntondersteuning)",
            group="ondersteuning",
            source=illustrative(note, "intro ¶4"),
        ),
        TeamFunction(
            key="ggz-consulent",
            name="GGZ-consulent",
            group="ondersteuning",
            source=illustrative(note, "intro ¶4"),
        ),
        TeamFunction(
            key="consulent-werk",
            name="Consulent werk en inkomen",
            group="werk",
            source=illustrative(note, PARTICIPATION),
        ),
    )


@hookimpl
def wijkteamkit_composition_rules() -> tuple[CompositionRule, ...]:
    return (
        CompositionRule(
            key="default",
            name="Handzaam sociaal wijkteam Zwolle",
            min_members=3,
            max_members=7,
            requirements=(
                Requirement(group="welzijn"),
                Requirement(group="ondersteuning"),
                Requirement(
                    function="wmo-consulent",
                    note="access to household help and begeleiding runs through the kitchen-table "
                    "conversation with the team",
                ),
            ),
            source=illustrative(
                "the source asks for a compact team ('handzaam team') but gives no size: the "
                "bounds and required groups are illustrative",
                "intro ¶4",
            ),
        ),
    )


# (function, organisation, hours per week) of a team's members; the source names none.
_MEMBERS: tuple[tuple[str, str, float], ...] = (
    ("maatschappelijk-werker", "Travers Welzijn", 32),
    ("opbouwwerker", "Travers Welzijn", 24),
    ("wmo-consulent", "gemeente Zwolle", 32),
    ("mee-consulent", "MEE IJsseloevers", 24),
    ("ggz-consulent", "Dimence", 16),
    ("consulent-werk", "gemeente Zwolle", 16),
)


def _members(area: str) -> tuple[TeamMember, ...]:
    note = illustrative(
        f"members of team {area} are not named: plausible Zwolle organisations, seconded from the "
        "existing organisations as the source intends ('uit de bestaande organisaties')",
        "intro ¶5",
    )
    return tuple(
        TeamMember(function=function, organisation=organisation, hours_per_week=hours, source=note)
        for function, organisation, hours in _MEMBERS
    )


# The first shell: providers of household help and individual begeleiding around the team.
_SHELL: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Icare", ("hh-1", "hh-2")),
    ("Driezorg", ("hh-1", "hh-2", "begeleiding")),
    ("Tzorg", ("hh-1", "hh-2")),
    ("MEE IJsseloevers", ("begeleiding",)),
    ("Dimence", ("begeleiding",)),
)


def _shell() -> tuple[ShellProvider, ...]:
    note = illustrative(
        "the source places individual begeleiding and household help in a first shell of "
        "diverse providers around the team; the providers named are illustrative",
        "intro ¶3 ('een eerste schil om het wijkteam heen')",
    )
    return tuple(
        ShellProvider(organisation=organisation, provisions=provisions, source=note)
        for organisation, provisions in _SHELL
    )


@hookimpl
def wijkteamkit_teams() -> tuple[Team, ...]:
    return tuple(
        Team(
            key=f"wijkteam-{key}",
            name=f"Sociaal wijkteam {name}",
            neighbourhood=key,
            members=_members(key),
            shell=_shell(),
            source=illustrative(
                "one compact team per district with a first shell of providers around it "
                "(intro ¶3-¶4); the districts and members are illustrative",
                "intro ¶3",
            ),
        )
        for key, name, _ in _AREAS
    )


@hookimpl
def wijkteamkit_escalation_targets() -> tuple[EscalationTarget, ...]:
    note = "the source names no escalation bodies; regional bodies of IJsselland from 2015"
    return (
        EscalationTarget(
            key="veilig-thuis",
            name="Veilig Thuis IJsselland",
            kind="domestic_violence_service",
            level="region",
            accepts={
                "kind": "any_of",
                "conditions": (
                    {"kind": "flagged", "indicator": "domestic-violence"},
                    {"kind": "flagged", "indicator": "child-abuse"},
                ),
            },
            valid_from=REFORM_DAY,
            source=Source(
                document="Wmo 2015",
                section="art. 4.1.1",
                illustrative=True,
                note="Veilig Thuis, the advice and reporting centre art. 4.1.1 has every "
                f"municipality provide, exists from 1 January 2015; {note}",
            ),
        ),
        EscalationTarget(
            key="zorg-en-veiligheidshuis",
            name="Zorg- en Veiligheidshuis IJsselland",
            kind="safety_house",
            level="region",
            accepts={"kind": "flagged", "indicator": "justice-involved"},
            source=illustrative(note),
        ),
        EscalationTarget(
            key="fact",
            name="FACT-team Dimence",
            kind="mental_health_team",
            level="city",
            accepts={
                "kind": "any_of",
                "conditions": (
                    {"kind": "flagged", "indicator": "severe-psychiatric"},
                    {"kind": "domain_score", "domain": "geestelijke-gezondheid", "at_most": 2},
                ),
            },
            organisation="Dimence",
            source=illustrative(note),
        ),
        EscalationTarget(
            key="multiprobleem-overleg",
            name="Stedelijk multiprobleemoverleg",
            kind="multiproblem_team",
            level="city",
            accepts={"kind": "problem_domains", "min_count": 3},
            organisation="gemeente Zwolle",
            source=illustrative(note),
        ),
    )


@hookimpl
def wijkteamkit_escalation_rules() -> tuple[EscalationRule, ...]:
    note = "the source gives no escalation rules; the national meldrecht and common regional rules"
    return (
        EscalationRule(
            key="huiselijk-geweld",
            name="Domestic violence: report to Veilig Thuis",
            when={"kind": "flagged", "indicator": "domestic-violence"},
            target="veilig-thuis",
            priority=1,
            direct=True,
            legal_basis="meldrecht-veilig-thuis",
            valid_from=REFORM_DAY,
            source=illustrative(note),
        ),
        EscalationRule(
            key="kindermishandeling",
            name="Child abuse: report to Veilig Thuis",
            when={"kind": "flagged", "indicator": "child-abuse"},
            target="veilig-thuis",
            priority=1,
            direct=True,
            legal_basis="meldrecht-veilig-thuis",
            valid_from=REFORM_DAY,
            source=illustrative(note),
        ),
        EscalationRule(
            key="justitie",
            name="Justice involved",
            when={"kind": "flagged", "indicator": "justice-involved"},
            target="zorg-en-veiligheidshuis",
            priority=10,
            source=illustrative(note),
        ),
        EscalationRule(
            key="ernstige-psychiatrie",
            name="Severe psychiatric problems",
            when={"kind": "flagged", "indicator": "severe-psychiatric"},
            target="fact",
            priority=20,
            source=illustrative(note),
        ),
        EscalationRule(
            key="multiprobleem",
            name="Problems on three or more life domains",
            when={"kind": "problem_domains", "min_count": 3},
            target="multiprobleem-overleg",
            priority=50,
            source=illustrative(note),
        ),
    )


_IN_FORCE_SINCE = {"wmo-2007": date(2007, 1, 1), "wwb": date(2004, 1, 1), "awbz": date(1968, 1, 1)}
_UNTIL_REFORM = {
    "wmo-2007": Source(
        document="Wmo 2007",
        section="in force from 1 January 2007; replaced by the Wmo 2015 from 1 January 2015",
    ),
    "wwb": Source(
        document="WWB",
        section="in force from 1 January 2004; the Participatiewet from 1 January 2015 "
        "(Invoeringswet Participatiewet)",
    ),
    "awbz": Source(
        document="AWBZ",
        section="in force from 1 January 1968; withdrawn from 1 January 2015 by the Invoeringswet "
        "Wet langdurige zorg",
    ),
}
"""The law that funded a provision before the reform, and when it did."""


def _after_reform(
    section: str, before: str | None, after: str = "wmo-2015"
) -> tuple[ProvisionFunding, ...]:
    """Funded by ``after`` from 2015 (``section`` of the source); by ``before`` until then."""
    periods = (ProvisionFunding(stream=after, valid_from=REFORM_DAY, source=frameworks(section)),)
    if before is None:
        return periods
    return (
        ProvisionFunding(
            stream=before,
            valid_from=_IN_FORCE_SINCE[before],
            valid_to=BEFORE_REFORM,
            source=_UNTIL_REFORM[before],
        ),
        *periods,
    )


STATUTORY_CONTINUITY = Continuity(
    law="awbz",
    held_on=BEFORE_REFORM,
    until=date(2015, 12, 31),
    source=Source(document="Wmo 2015", section="art. 8.6.1"),
)
"""The statutory transitional right, restated because Zwolle replaces the national provision:
an AWBZ indication held on 31 December 2014 continues until it ends, at the latest through 2015
(003 says nothing of it for begeleiding and dagbesteding)."""


@hookimpl
def wijkteamkit_provisions() -> tuple[Provision | Remove, ...]:
    home = frameworks(
        f"{HOME_SERVICES} ('maatwerkvoorziening'; 'via het keukentafelgesprek met het sociaal "
        "wijkteam'); ZIN or PGB: intro ¶2"
    )
    return (
        Remove(
            remove="huishoudelijke-hulp",
            reason="Zwolle distinguishes two forms of household help, HH-1 and HH-2",
            source=frameworks(f"{HOME_SERVICES} ('twee vormen onderscheiden')"),
        ),
        Provision(
            key="hh-1",
            name="HH-1: licht en zwaar huishoudelijk werk",
            kind=ProvisionKind.MAATWERK,
            delivery=ZIN_AND_PGB,
            iwmo_category="01",
            access="team",
            funding=_after_reform(HOME_SERVICES, "wmo-2007"),
            source=home,
        ),
        Provision(
            key="hh-2",
            name="HH-2: ondersteuning bij de organisatie van het huishouden",
            kind=ProvisionKind.MAATWERK,
            delivery=ZIN_AND_PGB,
            iwmo_category="01",
            access="team",
            funding=_after_reform(HOME_SERVICES, "wmo-2007"),
            source=home,
        ),
        Provision(
            key="schoonmaakondersteuning",
            name="Schoonmaakondersteuning",
            kind=ProvisionKind.ALGEMEEN,
            delivery=ZIN,
            access="direct",
            funding=_after_reform(HOME_SERVICES, None),
            source=frameworks(
                f"{HOME_SERVICES} ('schoonmaakondersteuning aan als een algemene voorziening'; "
                "'zonder tussenkomst van het sociaal wijkteam')"
            ),
        ),
        Provision(
            key="begeleiding",
            name="Individuele begeleiding",
            kind=ProvisionKind.MAATWERK,
            delivery=ZIN_AND_PGB,
            iwmo_category="02",
            access="team",
            funding=_after_reform(HOME_SERVICES, "awbz"),
            continuity=STATUTORY_CONTINUITY,
            source=frameworks(
                f"{HOME_SERVICES} ('Individuele begeleiding bestaat uit het bevorderen van de "
                "zelfredzaamheid'); ZIN or PGB: intro ¶2"
            ),
        ),
        Provision(
            key="dagbesteding",
            name="Dagbesteding",
            kind=ProvisionKind.MAATWERK,
            delivery=ZIN_AND_PGB,
            iwmo_category="07",
            access="team",
            funding=_after_reform(DAY_ACTIVITIES, "awbz"),
            continuity=STATUTORY_CONTINUITY,
            source=illustrative(
                "a maatwerkvoorziening reached through the team: the section does not say how day "
                "activities are reached (it gives the target group, people with a physical or "
                "intellectual disability or psychological or psychosocial problems, a gradual "
                "reform that beschut werken joins and the ambition of a city-wide offer in 2020)",
                section=DAY_ACTIVITIES,
            ),
        ),
        Provision(
            key="re-integratie",
            name="Ondersteuning naar werk (Participatiewet)",
            kind=ProvisionKind.MAATWERK,
            delivery=ZIN,
            access="team",
            funding=_after_reform(
                f"{PARTICIPATION} ('De komst van de Participatiewet')", "wwb", "participatiewet"
            ),
            source=frameworks(
                f"{PARTICIPATION} ('In het sociale wijkteam wordt hier integraal naar gekeken')"
            ),
        ),
        Provision(
            key="beschermd-wonen",
            name="Beschermd wonen GGZ",
            kind=ProvisionKind.MAATWERK,
            delivery=ZIN_AND_PGB,
            iwmo_category="15",
            access="referral",
            funding=_after_reform(SHELTERED_HOUSING, "awbz"),
            continuity=Continuity(
                law="awbz",
                held_on=BEFORE_REFORM,
                until=date(2019, 12, 31),
                source=frameworks(
                    f"{SHELTERED_HOUSING} ('de komende vijf jaar niets in hun situatie en "
                    "indicatie')",
                    note="current residents (AWBZ indications held on 31 December 2014) keep "
                    "their situation and indication for five years from 1 January 2015, as "
                    "art. 8.6.1 Wmo 2015 allows",
                ),
            ),
            source=illustrative(
                "access by referral: the source does not say how residents reach it",
                section=f"{SHELTERED_HOUSING} ('Vanaf 2015 is de gemeente ook verantwoordelijk')",
            ),
        ),
        Provision(
            key="wijkverpleging",
            name="Wijkverpleging",
            kind=ProvisionKind.MAATWERK,
            delivery=ZIN_AND_PGB,
            access="referral",
            funding=_after_reform("intro ¶2 ('namens de zorgverzekeraars')", "awbz", "zvw"),
            source=frameworks(
                "intro ¶2 ('wijkverpleegkundigen die namens de zorgverzekeraars in de wijken "
                "werken')"
            ),
        ),
    )
