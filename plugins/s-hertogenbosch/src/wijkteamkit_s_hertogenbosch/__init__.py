"""'s-Hertogenbosch (GM0796), 2016: one household, one plan, one director and proximity.

Sources: 002_7a918f7c8e3d779a.txt (2016 evaluation of the neighbourhood teams; paragraphs are
cited by number and a key phrase, the text has no headings) and 004_e77a5182fdc1e0dd.txt (the
Coalitie Zorgzaam on the 2015 reform; cited by its headings). Neither gives neighbourhoods, team
members, escalation bodies or tender details: those are illustrative and say so.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from wijkteamkit import hookimpl
from wijkteamkit.domain import (
    AwardCriterion,
    Bid,
    Budget,
    CompositionRule,
    Continuity,
    CostGroup,
    CostLine,
    CoverageLine,
    Delivery,
    EscalationRule,
    EscalationTarget,
    FunctionGroup,
    Mandate,
    Municipality,
    Neighbourhood,
    Outcome,
    Participation,
    Principle,
    Provider,
    Provision,
    ProvisionFunding,
    ProvisionKind,
    Requirement,
    Requirements,
    Source,
    Team,
    TeamFunction,
    TeamMember,
    TenderProcedure,
)

CODE = "GM0796"
EVALUATION = "002_7a918f7c8e3d779a.txt"
COALITION = "004_e77a5182fdc1e0dd.txt"
VEILIG_THUIS_FROM = date(2015, 1, 1)
"""Veilig Thuis exists from the Wmo 2015 (art. 4.1.1) coming into force."""


def evaluation(section: str) -> Source:
    return Source(document=EVALUATION, section=section)


def coalition(section: str) -> Source:
    return Source(document=COALITION, section=section)


def illustrative(note: str, document: str = EVALUATION, section: str | None = None) -> Source:
    return Source(document=document, section=section, illustrative=True, note=note)


@hookimpl
def wijkteamkit_municipality() -> Municipality:
    return Municipality(
        code=CODE,
        name="'s-Hertogenbosch",
        province="Noord-Brabant",
        reference_date=date(2016, 5, 10),
        source=evaluation(
            "¶6 (raadsvoorstel 'Evaluatie en doorontwikkeling sociale wijkteams', 10 mei)"
        ),
    )


@hookimpl
def wijkteamkit_principles() -> tuple[Principle, ...]:
    return (
        Principle(
            key="een-huishouden-een-plan",
            name="One household, one plan, one director and proximity",
            statement="Eén huishouden, één plan en één regisseur en nabijheid.",
            source=evaluation("¶4 ('één huishouden, één plan en één regisseur en nabijheid')"),
        ),
        Principle(
            key="mandaat-instellingen",
            name="Institutions mandate the team",
            statement="The institutions give the neighbourhood team the mandate over their workers in a "
            "household; the team agrees who takes the lead in an integral approach.",
            source=evaluation("¶4 ('het mandaat over de werkers in een huishouden')"),
        ),
        Principle(
            key="een-uitvalsbasis",
            name="One shared base",
            statement="Each team works from one base, such as a community centre or neighbourhood building.",
            source=evaluation("¶3 ('één uitvalsbasis, bijv. buurthuis of wijkgebouw')"),
        ),
        Principle(
            key="samen-leren",
            name="Joint case discussion, intervision and training",
            statement="Intervision, case discussions and training are done together.",
            source=evaluation(
                "¶5 ('intervisies, bespreking van de gevallen en de scholing gezamenlijk')"
            ),
        ),
        Principle(
            key="minder-administratie",
            name="Less administration",
            statement="The municipality, which directs the teams, aims to reduce their administrative burden.",
            source=evaluation("¶5 ('administratieve lasten')"),
        ),
        Principle(
            key="outreach",
            name="Reach those who do not ask",
            statement="People who do not ask for help themselves are reached earlier.",
            source=evaluation("¶5 ('outreached people')"),
        ),
        Principle(
            key="boven-de-organisaties",
            name="Teams above their parent organisations",
            statement="Teams are recruited from the organisations of the Coalitie Zorgzaam but work as a team "
            "that rises above them; organisations let go of their individual interests.",
            source=coalition("Individuele belangen loslaten"),
        ),
        Principle(
            key="burgerinitiatieven",
            name="Citizens set the agenda",
            statement="Citizen initiatives set the agenda of joint conferences; a neighbourhood cooperative "
            "(wijkcoöperatie) is being built after the example of care cooperatives.",
            source=coalition("Invloed van burgers"),
        ),
    )


MANDATE_FROM = date(2016, 5, 10)
"""The council's meeting on the raadsvoorstel (¶6): the mandate holds from then."""

_MANDATING = (
    ("cello", "Cello"),
    ("van-neynsel", "Van Neynsel"),
    ("reinier-van-arkel", "Reinier van Arkel"),
)
"""The institutions whose 'vliegende vakteams' the evaluation names (¶2)."""


@hookimpl
def wijkteamkit_mandates() -> tuple[Mandate, ...]:
    section = (
        "¶2 ('de vliegende vakteams van bijv. Cello, Van Neynsel, Reinier van Arkel'), ¶4 ('de "
        "instellingen [geven] aan de wijkteams het mandaat over de werkers in een huishouden'), "
        "¶6 (raadsvoorstel, 10 mei)"
    )
    named = tuple(
        Mandate(
            key=key,
            organisation=organisation,
            valid_from=MANDATE_FROM,
            source=evaluation(section).model_copy(
                update={
                    "note": "from the day the council treats the raadsvoorstel (¶6, 10 May); "
                    "the evaluation gives no other start"
                }
            ),
        )
        for key, organisation in _MANDATING
    )
    return (
        *named,
        Mandate(
            key="welzijnsorganisatie",
            organisation="welzijnsorganisatie",
            valid_from=MANDATE_FROM,
            source=illustrative(
                "the evaluation says 'de instellingen' give the mandate; the welfare "
                "organisation the illustrative team members come from is taken to be one",
                section="¶4",
            ),
        ),
    )


_AREAS = (
    ("noord", "Noord", "5221-5224"),
    ("oost", "Oost", "5211-5213"),
    ("west", "West", "5231-5233"),
    ("rosmalen", "Rosmalen", "5240-5249"),
)
_AREA_NOTE = (
    "the sources name no neighbourhoods or postcodes; plausible districts of 's-Hertogenbosch"
)


@hookimpl
def wijkteamkit_neighbourhoods() -> tuple[Neighbourhood, ...]:
    return tuple(
        Neighbourhood(
            key=key,
            name=name,
            postcodes=(postcodes,),
            team_start=date(2014, 1, 1),
            team_start_precision="month",
            source=illustrative(
                _AREA_NOTE + "; teams since 2014 ('de in 2014 ingestelde')", section="¶1"
            ),
        )
        for key, name, postcodes in _AREAS
    )


@hookimpl
def wijkteamkit_function_groups() -> tuple[FunctionGroup, ...]:
    note = "grouping of the disciplines the evaluation mentions"
    return (
        FunctionGroup(key="welzijn", name="Welfare", source=illustrative(note, section="¶2")),
        FunctionGroup(key="zorg", name="Care", source=illustrative(note, section="¶2")),
        FunctionGroup(key="ggz", name="Mental health", source=illustrative(note, section="¶2")),
    )


@hookimpl
def wijkteamkit_team_functions() -> tuple[TeamFunction, ...]:
    note = "functions of the 'vliegende vakteams' the evaluation brings together"
    return (
        TeamFunction(
            key="sociaal-werker",
            name="Sociaal werker",
            group="welzijn",
            source=illustrative(note, section="¶2"),
        ),
        TeamFunction(
            key="wijkverpleegkundige",
            name="Wijkverpleegkundige",
            group="zorg",
            source=illustrative(note, section="¶2"),
        ),
        TeamFunction(
            key="begeleider-gehandicaptenzorg",
            name="Begeleider gehandicaptenzorg",
            group="zorg",
            source=illustrative(note, section="¶2"),
        ),
        TeamFunction(
            key="ggz-consulent",
            name="GGZ-consulent",
            group="ggz",
            source=illustrative(note, section="¶2"),
        ),
        TeamFunction(
            key="dagbestedingscoach",
            name="Dagbestedingscoach",
            group="welzijn",
            source=coalition("Individuele belangen loslaten"),
        ),
    )


@hookimpl
def wijkteamkit_composition_rules() -> tuple[CompositionRule, ...]:
    return (
        CompositionRule(
            key="default",
            name="Wijkteam 's-Hertogenbosch",
            min_members=4,
            max_members=10,
            requirements=(
                Requirement(group="welzijn"),
                Requirement(group="zorg"),
                Requirement(group="ggz"),
            ),
            source=illustrative(
                "the sources give no team size; the groups follow the disciplines named in ¶2",
                section="¶2",
            ),
        ),
    )


def _members(area: str) -> tuple[TeamMember, ...]:
    note = illustrative(
        f"members of team {area} are not named; organisations from ¶2 (Cello, Van Neynsel, "
        "Reinier van Arkel) plus a welfare organisation",
        section="¶2",
    )
    return (
        TeamMember(
            function="sociaal-werker",
            organisation="welzijnsorganisatie",
            hours_per_week=32,
            source=note,
        ),
        TeamMember(
            function="wijkverpleegkundige",
            organisation="Van Neynsel",
            hours_per_week=24,
            source=note,
        ),
        TeamMember(
            function="begeleider-gehandicaptenzorg",
            organisation="Cello",
            hours_per_week=24,
            source=note,
        ),
        TeamMember(
            function="ggz-consulent",
            organisation="Reinier van Arkel",
            hours_per_week=24,
            source=note,
        ),
        TeamMember(
            function="dagbestedingscoach",
            organisation="Van Neynsel",
            hours_per_week=16,
            source=note,
        ),
    )


@hookimpl
def wijkteamkit_teams() -> tuple[Team, ...]:
    return tuple(
        Team(
            key=f"wijkteam-{key}",
            name=f"Wijkteam {name}",
            neighbourhood=key,
            members=_members(key),
            base=f"buurthuis in {name} (one shared base)",
            source=illustrative(
                "team per district; the shared base is the evaluation's condition (¶3), its "
                "address is not given",
                section="¶3",
            ),
        )
        for key, name, _ in _AREAS
    )


@hookimpl
def wijkteamkit_escalation_targets() -> tuple[EscalationTarget, ...]:
    return (
        EscalationTarget(
            key="veilig-thuis",
            name="Veilig Thuis Brabant Noordoost",
            kind="domestic_violence_service",
            level="region",
            accepts={
                "kind": "any_of",
                "conditions": (
                    {"kind": "flagged", "indicator": "domestic-violence"},
                    {"kind": "flagged", "indicator": "child-abuse"},
                ),
            },
            valid_from=VEILIG_THUIS_FROM,
            source=illustrative(
                "the sources name no escalation bodies; Veilig Thuis, the advice and reporting "
                "centre art. 4.1.1 has every municipality provide, exists from 1 January 2015",
                document="Wmo 2015",
                section="art. 4.1.1",
            ),
        ),
        EscalationTarget(
            key="zorg-en-veiligheidshuis",
            name="Zorg- en Veiligheidshuis",
            kind="safety_house",
            level="region",
            accepts={"kind": "flagged", "indicator": "justice-involved"},
            source=illustrative("the sources name no escalation bodies", section="¶4"),
        ),
    )


@hookimpl
def wijkteamkit_escalation_rules() -> tuple[EscalationRule, ...]:
    note = "the sources give no escalation rules; the national meldrecht and a justice rule"
    return (
        EscalationRule(
            key="huiselijk-geweld",
            name="Domestic violence: report to Veilig Thuis",
            when={"kind": "flagged", "indicator": "domestic-violence"},
            target="veilig-thuis",
            priority=1,
            direct=True,
            legal_basis="meldrecht-veilig-thuis",
            valid_from=VEILIG_THUIS_FROM,
            source=illustrative(
                note,
                document="Wmo 2015",
                section="art. 5.2.6 (meldrecht), in force from 1 January 2015",
            ),
        ),
        EscalationRule(
            key="justitie",
            name="Justice involved",
            when={"kind": "flagged", "indicator": "justice-involved"},
            target="zorg-en-veiligheidshuis",
            priority=10,
            source=illustrative(note, section="¶4"),
        ),
    )


TRANSITION = "Op naar zorgzame wijken in het nieuwe jaar"
"""The heading of 004's opening: begeleiding and dagbesteding move from the AWBZ to the
municipality, under transitional law 'uitgevoerd als voortzetting van bestaande indicaties'."""


def _continued_from_awbz(key: str, name: str, iwmo: str) -> Provision:
    """A provision that moved from the AWBZ to the municipality in 2015, whose existing AWBZ
    indications continue as they were (004), at the latest through 2015 (art. 8.6.1 Wmo 2015)."""
    moved = coalition(
        f"{TRANSITION} ('de overgang van individuele begeleiding en dagbesteding "
        "van de AWBZ naar de gemeenten')"
    )
    return Provision(
        key=key,
        name=name,
        kind=ProvisionKind.MAATWERK,
        delivery=frozenset({Delivery.ZIN, Delivery.PGB}),
        iwmo_category=iwmo,
        funding=(
            ProvisionFunding(
                stream="awbz",
                valid_from=date(1968, 1, 1),
                valid_to=date(2014, 12, 31),
                source=moved,
            ),
            ProvisionFunding(stream="wmo-2015", valid_from=date(2015, 1, 1), source=moved),
        ),
        continuity=Continuity(
            law="awbz",
            held_on=date(2014, 12, 31),
            until=date(2015, 12, 31),
            source=Source(
                document=COALITION,
                section=f"{TRANSITION} ('In het overgangsrecht uitgevoerd als voortzetting van "
                "bestaande indicaties')",
                note="the piece gives no end date: existing indications continue until they "
                "end, at the latest through 2015 (Wmo 2015, art. 8.6.1)",
            ),
        ),
        source=moved,
    )


@hookimpl
def wijkteamkit_provisions() -> tuple[Provision, ...]:
    return (
        _continued_from_awbz("begeleiding", "Begeleiding (individueel)", "02"),
        _continued_from_awbz("dagbesteding", "Dagbesteding", "07"),
        Provision(
            key="open-inloop-dagbesteding",
            name="Open walk-in day activities in the neighbourhood",
            kind="algemeen",
            access="direct",
            iwmo_category="07",
            funding=(
                ProvisionFunding(
                    stream="wmo-2015",
                    valid_from=date(2015, 1, 1),
                    source=illustrative(
                        "the municipality's Wmo 2015 budget pays the open walk-in places: 004 "
                        "does not say who pays them",
                        document="Wmo 2015",
                        section="art. 2.1.1, in force from 1 January 2015",
                    ),
                ),
            ),
            source=coalition("Individuele belangen loslaten"),
        ),
    )


@hookimpl
def wijkteamkit_budgets() -> tuple[Budget, ...]:
    fund = evaluation("¶6 ('uit het Sociaal & Zorgfonds € 300.000 vrijmaken')")
    return (
        Budget(
            key="doorontwikkeling-2016",
            name="Evaluatie en doorontwikkeling sociale wijkteams",
            year=2016,
            cost_groups=(
                CostGroup(
                    key="wijkteams",
                    name="Doorontwikkeling sociale wijkteams",
                    lines=(
                        CostLine(
                            name="Een efficiëntere aanpak van de zorg in de wijken",
                            amount=Decimal(300000),
                            source=fund,
                        ),
                    ),
                ),
            ),
            coverage=(
                CoverageLine(
                    name="Sociaal & Zorgfonds",
                    amount=Decimal(300000),
                    funder="gemeente 's-Hertogenbosch",
                    source=fund,
                ),
            ),
            stated_total=Decimal(300000),
            stated_coverage=Decimal(300000),
            source=fund,
            notes=("The source gives the amount to be freed, not how it is spent: one cost line.",),
        ),
    )


_PROVIDERS = (
    Provider(key="van-neynsel", name="Van Neynsel"),
    Provider(key="cello", name="Cello"),
    Provider(key="reinier-van-arkel", name="Reinier van Arkel"),
)


@hookimpl
def wijkteamkit_tender_procedures() -> tuple[TenderProcedure, ...]:
    note = (
        "the source says a neighbourhood cooperative is being formed and day activities become open walk-in "
        "places run with citizen initiatives; the procedure, its criteria and bids are illustrative"
    )
    return (
        TenderProcedure(
            key="open-inloop-noord",
            name="Open walk-in day activities in Noord",
            neighbourhood="noord",
            commissioning_body="Wijkcoöperatie Noord (in oprichting)",
            regime="open_house",
            lead_municipality=CODE,
            participants=(Participation(municipality=CODE, share=100, area="Noord"),),
            award_criteria=(
                AwardCriterion(
                    key="burgerinitiatief",
                    name="Run with citizen initiatives and volunteers",
                    weight=60,
                ),
                AwardCriterion(key="prijs", name="Price", weight=40, kind="price"),
            ),
            requirements=Requirements(
                written_by="Wijkcoöperatie Noord",
                budget_ceiling=Decimal(120000),
                starts=date(2016, 9, 1),
                ends=date(2017, 12, 31),
                outcomes=(
                    Outcome(
                        key="open-inloop",
                        description="An open walk-in place for meeting and day "
                        "activities in the neighbourhood",
                        domain="tijdsbesteding",
                    ),
                    Outcome(
                        key="samen-met-burgers",
                        description="Planned together with citizen initiatives",
                        target_group="bewoners",
                    ),
                ),
                source=illustrative(note, document=COALITION, section="Invloed van burgers"),
            ),
            providers=_PROVIDERS,
            example_bids=(
                Bid(
                    provider="van-neynsel",
                    price=Decimal(95000),
                    outcomes=frozenset({"open-inloop", "samen-met-burgers"}),
                    points={"burgerinitiatief": 8},
                ),
                Bid(
                    provider="cello",
                    price=Decimal(88000),
                    outcomes=frozenset({"open-inloop", "samen-met-burgers"}),
                    points={"burgerinitiatief": 6},
                ),
                Bid(
                    provider="reinier-van-arkel",
                    price=Decimal(130000),
                    outcomes=frozenset({"open-inloop"}),
                    points={"burgerinitiatief": 7},
                ),
            ),
            source=illustrative(note, document=COALITION, section="Invloed van burgers"),
        ),
    )
