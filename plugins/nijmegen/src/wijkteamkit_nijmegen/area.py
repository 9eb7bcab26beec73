"""The municipality, its four pilot neighbourhoods and the principles the pilots work by."""

from __future__ import annotations

from datetime import date

from wijkteamkit import hookimpl
from wijkteamkit.domain import LifeDomain, Municipality, Neighbourhood, Principle, Source, SubArea

from .sources import NOTE, basisontwerp, convenant, news, notitie

CODE = "GM0268"
TARGET_SHARE = 0.15
_POSTCODES = "the postcodes: approximate PC4 areas added for routing; the sources give none"


@hookimpl
def wijkteamkit_municipality() -> Municipality:
    return Municipality(
        code=CODE,
        name="Nijmegen",
        province="Gelderland",
        regions=("regio-nijmegen",),
        reference_date=date(2012, 6, 1),
        source=notitie("§1 Inleiding"),
    )


def _area(
    key: str,
    name: str,
    target: int,
    start: date,
    precision: str,
    postcodes: tuple[str, ...],
    sub_areas: tuple[str, ...] = (),
) -> Neighbourhood:
    targets = notitie("§3 Afbakening: wijken en doelgroepen")
    return Neighbourhood(
        key=key,
        name=name,
        sub_areas=tuple(SubArea(name=sub, source=targets) for sub in sub_areas),
        target_share=TARGET_SHARE,
        target_households=target,
        team_start=start,
        team_start_precision=precision,
        postcodes=postcodes,
        source=Source(
            document=NOTE,
            section="Uitvoeringsnotitie §3 (target households at 15%); start dates "
            "000_dc26d9cf0f115e39.txt last paragraph",
            illustrative=True,
            note=_POSTCODES,
        ),
    )


@hookimpl
def wijkteamkit_neighbourhoods() -> tuple[Neighbourhood, ...]:
    return (
        _area(
            "lindenholt",
            "Lindenholt",
            900,
            date(2012, 4, 1),
            "day",
            ("6543-6546",),
            ("Horstacker", "Kampwijken"),
        ),
        _area(
            "dukenburg",
            "Dukenburg",
            1500,
            date(2012, 9, 1),
            "month",
            ("6535-6538",),
            ("Meijhorst", "Malvert"),
        ),
        _area("hatert", "Hatert", 660, date(2012, 9, 1), "month", ("6534",)),
        _area("nijmegen-noord", "Nijmegen-Noord", 610, date(2012, 12, 1), "month", ("6663",)),
    )


@hookimpl
def wijkteamkit_life_domains() -> tuple[LifeDomain, ...]:
    """The Uitvoeringsnotitie's own list, where it is not already a ZRM domain."""
    listed = notitie("§4 Taken van het sociale wijkteam (Individuele ondersteuning)")
    return (
        LifeDomain(
            key="zingeving",
            name="Meaning in life",
            name_nl="Zingeving",
            catalogue="nijmegen-2012",
            source=listed,
        ),
        LifeDomain(
            key="opvoeding",
            name="Parenting",
            name_nl="Opvoeding",
            catalogue="nijmegen-2012",
            maps_to=("huiselijke-relaties",),
            source=listed,
        ),
        LifeDomain(
            key="taal",
            name="Language",
            name_nl="Taal",
            catalogue="nijmegen-2012",
            maps_to=("maatschappelijke-participatie",),
            source=listed,
        ),
    )


@hookimpl
def wijkteamkit_principles() -> tuple[Principle, ...]:
    return (
        Principle(
            key="een-huishouden-een-plan",
            name="One household, one plan",
            statement="'Één gezin/huishouden - één plan', with the informal carers and the social "
            "network involved.",
            source=notitie("§4 Taken van het sociale wijkteam"),
        ),
        Principle(
            key="plan-van-de-bewoner",
            name="The plan belongs to the resident",
            statement="The care and welfare plan is and remains the resident's; the resident decides "
            "with whom its data are shared.",
            source=basisontwerp("§3.4 Werkprocessen; §5.2 Gegevensuitwisseling"),
        ),
        Principle(
            key="ladder",
            name="Own strength first",
            statement="First what residents can do themselves or with family, friends and "
            "volunteers; then collective provisions; only then individual provisions.",
            source=convenant("Instrumenten"),
        ),
        Principle(
            key="verantwoordelijkheid-bij-opschaling",
            name="Responsibility is settled at every escalation",
            statement="When a case is escalated, it is always settled where the responsibility "
            "lies; the team leader coordinates escalation and de-escalation.",
            source=basisontwerp("§3.5 Wijze van opschaling en toeleiding"),
        ),
        Principle(
            key="nieuw-voor-oud",
            name="New for old",
            statement="The teams replace existing consultations, projects and coordinators rather "
            "than adding a layer.",
            source=notitie("§2 Doelstelling en beoogde projectresultaten"),
        ),
        Principle(
            key="lokaal-wat-lokaal-kan",
            name="Local what can be local",
            statement="The teams are the first gate to begeleiding, dagbesteding and youth care; "
            "specialist care is organised city-wide or regionally.",
            source=notitie("§1 Inleiding"),
        ),
        Principle(
            key="wijknetwerk",
            name="The neighbourhood network advises and may commission",
            statement="The neighbourhood network at least advises the team; in Nijmegen-Noord it "
            "writes a programme of requirements on which providers bid.",
            source=notitie("§8 Organisatie: Wijknetwerken"),
        ),
        Principle(
            key="dagbesteding-in-de-wijk",
            name="Day activities in the neighbourhood",
            statement="Day activities as much as possible at neighbourhood level, combined with "
            "welfare provisions.",
            source=news("¶3 and ¶4"),
        ),
    )
