"""Funding in 2012, the development budget, and the joint tender in Nijmegen-Noord."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from wijkteamkit import hookimpl
from wijkteamkit.domain import (
    AwardCriterion,
    Bid,
    Budget,
    CostGroup,
    CostLine,
    CoverageLine,
    FunderKind,
    FundingStream,
    NeighbourhoodProfile,
    Outcome,
    Participation,
    Provider,
    Provision,
    ProvisionFunding,
    Requirements,
    Source,
    TenderProcedure,
)

from .area import CODE
from .sources import NOTE, convenant, notitie

FINANCIEN = notitie("§9 Financiën")
BUDGET_TABLE = notitie("§9 Financiën (begroting ontwikkeltraject 2012)")
REFORM_DAY = date(2015, 1, 1)


@hookimpl
def wijkteamkit_funding_streams() -> tuple[FundingStream, ...]:
    return (
        FundingStream(
            key="budgetsubsidies-welzijn",
            name="Budgetsubsidies welzijnsorganisaties",
            scheme="lopende budgetsubsidies van betrokken instellingen",
            funder_kind=FunderKind.MUNICIPALITY,
            funder="Gemeente Nijmegen",
            valid_from=date(2012, 1, 1),
            source=notitie(
                "§9 Financiën ('de gemeente financiert de inzet van de welzijnsorganisaties ... "
                "vanuit de reguliere capaciteit')"
            ),
        ),
        FundingStream(
            key="zvw",
            name="Zvw",
            law="zvw",
            funder_kind=FunderKind.HEALTH_INSURER,
            funder="Coöperatie VGZ",
            valid_from=date(2006, 1, 1),
            source=convenant("Partijen"),
        ),
    )


@hookimpl
def wijkteamkit_provisions() -> tuple[Provision, ...]:
    return (
        Provision(
            key="sociaal-wijkteam",
            name="Information, advice, client support and light help by the social neighbourhood team",
            kind="algemeen",
            access="direct",
            funding=(
                ProvisionFunding(
                    stream="budgetsubsidies-welzijn",
                    valid_from=date(2012, 1, 1),
                    source=notitie(
                        "§9 Financiën ('financiert de gemeente de inzet van de "
                        "welzijnsorganisaties in de sociale wijkteams vanuit de reguliere "
                        "capaciteit')"
                    ),
                ),
            ),
            source=notitie("§4 Taken van het sociale wijkteam; §9 Financiën"),
        ),
        Provision(
            key="clientondersteuning-mee",
            name="Cliëntondersteuning by MEE",
            kind="algemeen",
            access="direct",
            funding=(
                ProvisionFunding(
                    stream="awbz",
                    valid_from=date(2012, 1, 1),
                    valid_to=date(2014, 12, 31),
                    source=FINANCIEN,
                ),
                ProvisionFunding(
                    stream="wmo-2015",
                    valid_from=REFORM_DAY,
                    source=Source(
                        document="Wmo 2015",
                        section="art. 2.1.1, in force from 1 January 2015",
                        illustrative=True,
                        note="that Nijmegen pays MEE's client support from the Wmo 2015 after "
                        "2014: the 2012 sources end before the reform",
                    ),
                ),
            ),
            source=FINANCIEN,
        ),
        Provision(
            key="praktijkondersteuning-huisarts",
            name="Praktijkondersteuning bij de huisarts",
            kind="maatwerk",
            access="referral",
            funding=(
                ProvisionFunding(
                    stream="zvw",
                    valid_from=date(2006, 1, 1),
                    source=notitie(
                        "§9 Financiën ('de inzet van ... de huisartsen betaald ... vanuit de "
                        "zorgverzekering')"
                    ),
                ),
            ),
            source=notitie(
                "§9 Financiën ('de inzet van ... de huisartsen betaald ... vanuit de "
                "zorgverzekering')"
            ),
        ),
    )


def _line(name: str, amount: int | None, note: str | None = None) -> CostLine:
    if amount is None:
        return CostLine(name=name, pro_memorie=True, note=note)
    return CostLine(name=name, amount=Decimal(amount), note=note)


SIX_MONTHS = "[2] computed for six months"


@hookimpl
def wijkteamkit_budgets() -> tuple[Budget, ...]:
    return (
        Budget(
            key="ontwikkelbudget-2012",
            name="Begroting ontwikkeltraject wijkpilots 2012 (transitiekosten)",
            year=2012,
            cost_groups=(
                CostGroup(
                    key="algemeen",
                    name="Algemeen",
                    lines=(
                        _line("Projectmanager - 24 uur/week", 56000),
                        _line("2 projectleiders - 24 uur/week", 80000),
                        _line("Secretariaat - 16 uur/week", 20000),
                        _line(
                            "Inzet beleidsmedewerkers - 8 uur/week",
                            0,
                            "[1] in the regular budget, costs not charged",
                        ),
                        _line("Inzet financieel medewerkers FAB - 4 uur/week", None),
                        _line("Inzet jurist - 2 uur/week", None),
                    ),
                ),
                CostGroup(
                    key="communicatie",
                    name="1. Communicatie",
                    lines=(
                        _line("Communicatie advies à € 100 (ex BTW)", 20000),
                        _line("Communicatiemiddelen", 20000),
                        _line("Ontwikkelen ICT", 50000),
                    ),
                ),
                CostGroup(
                    key="wijkpilots",
                    name="2. Wijkpilots",
                    lines=(
                        _line("Inhuur externe expertise/strategische advisering", 10000),
                        _line(
                            "Vergoeding teamleiders (à € 80) 8 uur/week - 4 wijken",
                            70000,
                            SIX_MONTHS,
                        ),
                        _line("Inhuur externe organisatiekracht", 10000),
                        _line("Organisatiekosten/flexibel budget - 4 wijken", 20000, SIX_MONTHS),
                        _line("Huisvestingskosten", 15000),
                    ),
                ),
                CostGroup(
                    key="randvoorwaarden",
                    name="3. Randvoorwaarden",
                    lines=(
                        _line("Methodiekontwikkeling professionals", 25000),
                        _line("Methodiekontwikkeling coproductie met burgers/burgerkracht", 15000),
                        _line("Monitoring resultaten/evaluatie project", 15000),
                        _line("Innovatie, vernieuwende wijkdiensten", 50000),
                    ),
                ),
            ),
            coverage=(
                CoverageLine(
                    name="Vergoeding ministerie Binnenlandse Zaken (BZK)",
                    amount=Decimal(100000),
                    funder="Ministerie van BZK",
                ),
                CoverageLine(
                    name="GSO IV-middelen",
                    amount=Decimal(305000),
                    funder="Provincie Gelderland",
                ),
                CoverageLine(
                    name="Ten laste van huidige begroting (programma Zorg & Welzijn)",
                    amount=Decimal(71000),
                    funder="Gemeente Nijmegen",
                ),
            ),
            stated_total=Decimal(476000),
            stated_coverage=Decimal(476000),
            notes=(
                "[1] In the regular budget; costs are not charged to the pilots.",
                "[2] Computed for six months.",
                "Apart from part of the team leaders' hours, the teams' work is paid from the "
                "institutions' running budget subsidies.",
                "A multi-year budget follows with the Perspectiefnota 2013.",
            ),
            source=BUDGET_TABLE,
        ),
    )


_TENDER_NOTE = (
    "the sources describe the experiment (the neighbourhood network writes a programme of "
    "requirements from the profile, providers bid, together with Arnhem and Lingewaard) but give "
    "no shares, criteria, ceiling, providers or bids; those are illustrative"
)
_EXPERIMENT = Source(
    document=NOTE,
    section="Uitvoeringsnotitie §8 Organisatie: Wijknetwerken; 000_dc26d9cf0f115e39.txt last "
    "paragraph",
    illustrative=True,
    note=_TENDER_NOTE,
)

OUTCOMES = ("opvoedondersteuning", "minder-eenzaam", "vrijwillige-inzet")


@hookimpl
def wijkteamkit_tender_procedures() -> tuple[TenderProcedure, ...]:
    return (
        TenderProcedure(
            key="noord-2013",
            name="Maatschappelijk opdrachtgeverschap Nijmegen-Noord 2013",
            neighbourhood="nijmegen-noord",
            commissioning_body="Wijknetwerk Nijmegen-Noord",
            regime="social_services",
            lead_municipality=CODE,
            participants=(
                Participation(municipality=CODE, share=60, area="Nijmegen-Noord"),
                Participation(municipality="GM0202", share=20, area="Malburgen"),
                Participation(municipality="GM1705", share=20, area="Bemmel"),
            ),
            award_criteria=(
                AwardCriterion(
                    key="outcomes",
                    name="Plan for the neighbourhood's outcomes",
                    weight=50,
                    description="How convincingly the bid reaches each outcome of the programme",
                ),
                AwardCriterion(
                    key="network",
                    name="Use of residents, volunteers and the social network",
                    weight=20,
                ),
                AwardCriterion(key="price", name="Price", weight=30, kind="price"),
            ),
            starts=date(2013, 1, 1),
            ends=date(2013, 12, 31),
            profile=NeighbourhoodProfile(
                households=4067,
                problems=(
                    "young families needing parenting support",
                    "vulnerable households (about 610, 15%) who cannot manage on their own",
                ),
                opportunities=(
                    "Centrum Jeugd en Gezin in the neighbourhood",
                    "Hometeam am Lent",
                    "an active neighbourhood network",
                ),
                source=Source(
                    document=NOTE,
                    section="Uitvoeringsnotitie §3 (610 households at 15%), §6 Plan van aanpak per "
                    "wijk ('accent op jeugd en opvoedondersteuning'), Bijlage (Nijmegen-Noord)",
                    note="4,067 households is derived: 610 is about 15% of them",
                ),
            ),
            requirements=Requirements(
                written_by="Wijknetwerk Nijmegen-Noord",
                outcomes=(
                    Outcome(
                        key="opvoedondersteuning",
                        description="Parents of young children find parenting support close by",
                        domain="opvoeding",
                        target_group="gezinnen met jonge kinderen",
                    ),
                    Outcome(
                        key="minder-eenzaam",
                        description="Fewer residents without a social network",
                        domain="sociaal-netwerk",
                    ),
                    Outcome(
                        key="vrijwillige-inzet",
                        description="More residents volunteer for their neighbours",
                        domain="maatschappelijke-participatie",
                    ),
                ),
                budget_ceiling=Decimal(240000),
                starts=date(2013, 1, 1),
                ends=date(2013, 12, 31),
                source=_EXPERIMENT,
            ),
            providers=(
                Provider(key="swon", name="Swon"),
                Provider(key="tandem", name="Tandem"),
                Provider(key="nim", name="NIM Maatschappelijk Werk"),
                Provider(key="zzg", name="ZZG zorggroep"),
            ),
            example_bids=(
                Bid(
                    provider="swon",
                    price=Decimal(210000),
                    outcomes=frozenset(OUTCOMES),
                    points={"outcomes": 8, "network": 7},
                    submitted=date(2012, 10, 15),
                ),
                Bid(
                    provider="tandem",
                    price=Decimal(185000),
                    outcomes=frozenset(OUTCOMES),
                    points={"outcomes": 7, "network": 8},
                    submitted=date(2012, 10, 12),
                ),
                Bid(
                    provider="nim",
                    price=Decimal(198000),
                    outcomes=frozenset({"opvoedondersteuning", "minder-eenzaam"}),
                    points={"outcomes": 7, "network": 5},
                    submitted=date(2012, 10, 16),
                ),
                Bid(
                    provider="zzg",
                    price=Decimal(265000),
                    outcomes=frozenset(OUTCOMES),
                    points={"outcomes": 9, "network": 6},
                    submitted=date(2012, 10, 14),
                ),
            ),
            source=_EXPERIMENT,
        ),
    )
