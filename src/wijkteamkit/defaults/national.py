"""National defaults: laws and funding streams around the 1 January 2015 reform, the ZRM 2017
life domains, indicators, the meldrecht exception to consent, statutory provisions, the Wmo 2015
terms for a request, and routing.

Registered first in every municipality's plugin manager; every other layer may replace or
remove any item by key.
"""

from __future__ import annotations

from datetime import date

from wijkteamkit import hookimpl
from wijkteamkit.domain import (
    ConsentPolicy,
    Continuity,
    Delivery,
    FunderKind,
    FundingStream,
    Indicator,
    Law,
    LegalBasis,
    LifeDomain,
    MunicipalitySetup,
    Neighbourhood,
    Provision,
    ProvisionFunding,
    ProvisionKind,
    Signal,
    Source,
    StatutoryTerm,
)

IN_FORCE = {
    "awbz": Source(
        document="AWBZ",
        section="in force from 1 January 1968; withdrawn from 1 January 2015 by the Invoeringswet "
        "Wet langdurige zorg",
    ),
    "wmo-2007": Source(
        document="Wmo 2007",
        section="in force from 1 January 2007; replaced by the Wmo 2015 from 1 January 2015",
    ),
    "wmo-2015": Source(
        document="Wmo 2015",
        section="Stb. 2014, 280; the municipality's task (art. 2.1.1) in force from 1 January 2015 "
        "(Stb. 2014, 281)",
    ),
    "zvw": Source(document="Zvw", section="in force from 1 January 2006"),
    "wlz": Source(document="Wlz", section="in force from 1 January 2015"),
    "wjz": Source(
        document="Wet op de jeugdzorg",
        section="in force from 1 January 2005; replaced by the Jeugdwet from 1 January 2015",
    ),
    "jeugdwet": Source(document="Jeugdwet", section="in force from 1 January 2015"),
    "wwb": Source(
        document="WWB",
        section="in force from 1 January 2004; the Participatiewet from 1 January 2015 "
        "(Invoeringswet Participatiewet)",
    ),
    "participatiewet": Source(document="Participatiewet", section="in force from 1 January 2015"),
    "wpg": Source(document="WPG", section="in force from 1 December 2008"),
}
"""Each law's period in force, as the law (and the act that replaced it) has it."""

WMO_MAATWERK = Source(
    document="Wmo 2015",
    section="art. 1.1.1 (maatwerkvoorziening); art. 2.1.1, in force from 1 January 2015",
)
"""A maatwerkvoorziening of the municipality under the Wmo 2015, formerly AWBZ or Wmo 2007."""

ZVW_NURSING = Source(
    document="Zvw",
    section="verpleging en verzorging (wijkverpleging) insured care from 1 January 2015, "
    "formerly AWBZ",
)
"""Wijkverpleging and persoonlijke verzorging moved from the AWBZ to the Zvw's insured care."""

FROM_2015 = {"zvw": ZVW_NURSING}
"""The source of a stream's funding from the reform on, where the law's own start is not it."""

ZRM = Source(document="Zelfredzaamheid-Matrix 2017 (GGD Amsterdam)", section="the 13 domains")

MELDCODE = Source(
    document="Wet verplichte meldcode huiselijk geweld en kindermishandeling",
    section="in force from 1 July 2013",
)

ESCALATION = Source(
    document="001_525b1e9afc52d031.txt",
    section="Basisontwerp §3.5 Wijze van opschaling en toeleiding ('huiselijk geweld, veelpleger, "
    "zwaar psychiatrisch')",
)
"""The escalation criteria the national indicators name, as Nijmegen's Basisontwerp gives them."""

REFORM_DAY = date(2015, 1, 1)
BEFORE_REFORM = date(2014, 12, 31)

LAWS = (
    Law(
        key="awbz",
        name="Algemene Wet Bijzondere Ziektekosten",
        short_name="AWBZ",
        valid_from=date(1968, 1, 1),
        valid_to=BEFORE_REFORM,
        successor="wlz",
        source=IN_FORCE["awbz"],
    ),
    Law(
        key="wmo-2007",
        name="Wet maatschappelijke ondersteuning",
        short_name="Wmo 2007",
        valid_from=date(2007, 1, 1),
        valid_to=BEFORE_REFORM,
        successor="wmo-2015",
        source=IN_FORCE["wmo-2007"],
    ),
    Law(
        key="wmo-2015",
        name="Wet maatschappelijke ondersteuning 2015",
        short_name="Wmo 2015",
        valid_from=REFORM_DAY,
        source=IN_FORCE["wmo-2015"],
    ),
    Law(
        key="zvw",
        name="Zorgverzekeringswet",
        short_name="Zvw",
        valid_from=date(2006, 1, 1),
        source=IN_FORCE["zvw"],
    ),
    Law(
        key="wlz",
        name="Wet langdurige zorg",
        short_name="Wlz",
        valid_from=REFORM_DAY,
        source=IN_FORCE["wlz"],
    ),
    Law(
        key="wjz",
        name="Wet op de jeugdzorg",
        short_name="Wjz",
        valid_from=date(2005, 1, 1),
        valid_to=BEFORE_REFORM,
        successor="jeugdwet",
        source=IN_FORCE["wjz"],
    ),
    Law(
        key="jeugdwet",
        name="Jeugdwet",
        short_name="Jeugdwet",
        valid_from=REFORM_DAY,
        source=IN_FORCE["jeugdwet"],
    ),
    Law(
        key="wwb",
        name="Wet werk en bijstand",
        short_name="WWB",
        valid_from=date(2004, 1, 1),
        valid_to=BEFORE_REFORM,
        successor="participatiewet",
        source=IN_FORCE["wwb"],
    ),
    Law(
        key="participatiewet",
        name="Participatiewet",
        short_name="Participatiewet",
        valid_from=REFORM_DAY,
        source=IN_FORCE["participatiewet"],
    ),
    Law(
        key="wpg",
        name="Wet publieke gezondheid",
        short_name="WPG",
        valid_from=date(2008, 12, 1),
        source=IN_FORCE["wpg"],
    ),
)


def _stream(key: str, law: str, kind: FunderKind, funder: str) -> FundingStream:
    period = next(law_ for law_ in LAWS if law_.key == law)
    return FundingStream(
        key=key,
        name=f"{period.short_name}",
        law=law,
        funder_kind=kind,
        funder=funder,
        valid_from=period.valid_from,
        valid_to=period.valid_to,
        source=IN_FORCE[law],
    )


FUNDING_STREAMS = (
    _stream("awbz", "awbz", FunderKind.ZORGKANTOOR, "zorgkantoor"),
    _stream("wmo-2007", "wmo-2007", FunderKind.MUNICIPALITY, "municipality"),
    _stream("wmo-2015", "wmo-2015", FunderKind.MUNICIPALITY, "municipality"),
    _stream("zvw", "zvw", FunderKind.HEALTH_INSURER, "health insurer"),
    _stream("wlz", "wlz", FunderKind.ZORGKANTOOR, "zorgkantoor"),
    _stream("wjz", "wjz", FunderKind.PROVINCE, "province"),
    _stream("jeugdwet", "jeugdwet", FunderKind.MUNICIPALITY, "municipality"),
    _stream("wwb", "wwb", FunderKind.MUNICIPALITY, "municipality"),
    _stream("participatiewet", "participatiewet", FunderKind.MUNICIPALITY, "municipality"),
    _stream("wpg", "wpg", FunderKind.MUNICIPALITY, "municipality (GGD)"),
)


def _moved(old: str, new: str) -> tuple[ProvisionFunding, ...]:
    """Funding by ``old`` from the day its law took effect until the reform, then by ``new``."""
    since = next(stream.valid_from for stream in FUNDING_STREAMS if stream.key == old)
    return (
        ProvisionFunding(
            stream=old, valid_from=since, valid_to=BEFORE_REFORM, source=IN_FORCE[old]
        ),
        ProvisionFunding(
            stream=new, valid_from=REFORM_DAY, source=FROM_2015.get(new, IN_FORCE[new])
        ),
    )


BOTH = frozenset({Delivery.ZIN, Delivery.PGB})

TRANSITIONAL_LAW = Source(document="Wmo 2015", section="art. 8.6.1")
"""Transitional law: an AWBZ indication held on 31 December 2014 continues under the Wmo 2015."""


def _continued(until: date) -> Continuity:
    """An AWBZ indication held on the eve of the reform continues at the latest through ``until``
    (art. 8.6.1 Wmo 2015)."""
    return Continuity(law="awbz", held_on=BEFORE_REFORM, until=until, source=TRANSITIONAL_LAW)


PROVISIONS = (
    Provision(
        key="huishoudelijke-hulp",
        name="Hulp bij het huishouden",
        kind=ProvisionKind.MAATWERK,
        delivery=BOTH,
        iwmo_category="01",
        funding=_moved("wmo-2007", "wmo-2015"),
        source=WMO_MAATWERK,
    ),
    Provision(
        key="begeleiding",
        name="Begeleiding (individueel)",
        kind=ProvisionKind.MAATWERK,
        delivery=BOTH,
        iwmo_category="02",
        funding=_moved("awbz", "wmo-2015"),
        continuity=_continued(date(2015, 12, 31)),
        source=WMO_MAATWERK,
    ),
    Provision(
        key="dagbesteding",
        name="Dagbesteding",
        kind=ProvisionKind.MAATWERK,
        delivery=BOTH,
        iwmo_category="07",
        funding=_moved("awbz", "wmo-2015"),
        continuity=_continued(date(2015, 12, 31)),
        source=WMO_MAATWERK,
    ),
    Provision(
        key="kortdurend-verblijf",
        name="Kortdurend verblijf",
        kind=ProvisionKind.MAATWERK,
        delivery=BOTH,
        iwmo_category="04",
        funding=_moved("awbz", "wmo-2015"),
        continuity=_continued(date(2015, 12, 31)),
        source=WMO_MAATWERK,
    ),
    Provision(
        key="beschermd-wonen",
        name="Beschermd wonen (GGZ-C)",
        kind=ProvisionKind.MAATWERK,
        delivery=BOTH,
        iwmo_category="15",
        funding=_moved("awbz", "wmo-2015"),
        continuity=_continued(date(2019, 12, 31)),
        source=WMO_MAATWERK,
    ),
    Provision(
        key="wijkverpleging",
        name="Wijkverpleging",
        kind=ProvisionKind.MAATWERK,
        delivery=BOTH,
        access="referral",
        funding=_moved("awbz", "zvw"),
        source=ZVW_NURSING,
    ),
    Provision(
        key="persoonlijke-verzorging",
        name="Persoonlijke verzorging",
        kind=ProvisionKind.MAATWERK,
        delivery=BOTH,
        access="referral",
        funding=_moved("awbz", "zvw"),
        source=ZVW_NURSING,
    ),
    Provision(
        key="langdurig-verblijf",
        name="Langdurige zorg met verblijf",
        kind=ProvisionKind.MAATWERK,
        delivery=BOTH,
        access="referral",
        funding=_moved("awbz", "wlz"),
        source=IN_FORCE["wlz"],
    ),
    Provision(
        key="jeugdhulp",
        name="Jeugdhulp",
        kind=ProvisionKind.MAATWERK,
        delivery=BOTH,
        funding=_moved("wjz", "jeugdwet"),
        source=IN_FORCE["jeugdwet"],
    ),
    Provision(
        key="re-integratie",
        name="Ondersteuning naar werk",
        kind=ProvisionKind.MAATWERK,
        funding=_moved("wwb", "participatiewet"),
        source=IN_FORCE["participatiewet"],
    ),
)

_ZRM_DOMAINS = (
    ("financien", "Finances", "Financiën"),
    ("werk-opleiding", "Work and education", "Werk & opleiding"),
    ("tijdsbesteding", "Use of time", "Tijdsbesteding"),
    ("huisvesting", "Housing", "Huisvesting"),
    ("huiselijke-relaties", "Domestic relations", "Huiselijke relaties"),
    ("geestelijke-gezondheid", "Mental health", "Geestelijke gezondheid"),
    ("lichamelijke-gezondheid", "Physical health", "Lichamelijke gezondheid"),
    ("middelengebruik", "Substance use", "Middelengebruik"),
    ("basale-adl", "Basic activities of daily living", "Basale ADL"),
    ("instrumentele-adl", "Instrumental activities of daily living", "Instrumentele ADL"),
    ("sociaal-netwerk", "Social network", "Sociaal netwerk"),
    ("maatschappelijke-participatie", "Participation in society", "Maatschappelijke participatie"),
    ("justitie", "Justice", "Justitie"),
)
LIFE_DOMAINS = tuple(
    LifeDomain(key=key, name=name, name_nl=name_nl, source=ZRM)
    for key, name, name_nl in _ZRM_DOMAINS
)

INDICATORS = (
    Indicator(
        key="domestic-violence",
        name="Domestic violence",
        name_nl="Huiselijk geweld",
        domains=("huiselijke-relaties",),
        source=MELDCODE,
    ),
    Indicator(
        key="child-abuse",
        name="Child abuse",
        name_nl="Kindermishandeling",
        domains=("huiselijke-relaties",),
        source=MELDCODE,
    ),
    Indicator(
        key="justice-involved",
        name="Justice involved",
        name_nl="Betrokkenheid van justitie",
        domains=("justitie",),
        source=ESCALATION,
    ),
    Indicator(
        key="severe-psychiatric",
        name="Severe psychiatric problems",
        name_nl="Ernstige psychiatrische problematiek",
        domains=("geestelijke-gezondheid",),
        source=ESCALATION,
    ),
)

LEGAL_BASES = (
    LegalBasis(
        key="meldrecht-veilig-thuis",
        name="Meldrecht: report to Veilig Thuis without consent, following the meldcode's five steps",
        law="wmo-2015",
        article="art. 5.2.6",
        allows_disclosure_without_consent=True,
        recipients=("domestic_violence_service",),
        valid_from=REFORM_DAY,
        source=Source(
            document="Wmo 2015",
            section="art. 5.2.6",
            note="in force from 1 January 2015, with the Wmo 2015",
        ),
    ),
)

STATUTORY_TERMS = (
    StatutoryTerm(
        key="wmo-investigation",
        name="Investigation (onderzoek) within six weeks of the report (melding)",
        from_step="report",
        to_step="investigation",
        length=6,
        unit="weeks",
        law="wmo-2015",
        article="art. 2.3.2",
        valid_from=REFORM_DAY,
        source=Source(document="Wmo 2015", section="art. 2.3.2"),
    ),
    StatutoryTerm(
        key="wmo-decision",
        name="Decision (beschikking) within two weeks of the application (aanvraag)",
        from_step="application",
        to_step="decision",
        length=2,
        unit="weeks",
        law="wmo-2015",
        article="art. 2.3.5",
        valid_from=REFORM_DAY,
        source=Source(document="Wmo 2015", section="art. 2.3.5"),
    ),
)
"""The Wmo 2015's terms for a request for a maatwerkvoorziening, from 1 January 2015."""

CONSENT_POLICY = ConsentPolicy(
    exceptions=("meldrecht-veilig-thuis",),
    source=Source(
        document="Wmo 2015",
        section="art. 5.2.6 (the meldrecht, the one exception to consent here)",
        illustrative=True,
        note="the retention term is a default; a municipality sets its own",
    ),
)


@hookimpl
def wijkteamkit_laws() -> tuple[Law, ...]:
    return LAWS


@hookimpl
def wijkteamkit_funding_streams() -> tuple[FundingStream, ...]:
    return FUNDING_STREAMS


@hookimpl
def wijkteamkit_provisions() -> tuple[Provision, ...]:
    return PROVISIONS


@hookimpl
def wijkteamkit_life_domains() -> tuple[LifeDomain, ...]:
    return LIFE_DOMAINS


@hookimpl
def wijkteamkit_indicators() -> tuple[Indicator, ...]:
    return INDICATORS


@hookimpl
def wijkteamkit_legal_bases() -> tuple[LegalBasis, ...]:
    return LEGAL_BASES


@hookimpl
def wijkteamkit_statutory_terms() -> tuple[StatutoryTerm, ...]:
    return STATUTORY_TERMS


@hookimpl
def wijkteamkit_consent_policy() -> ConsentPolicy:
    return CONSENT_POLICY


@hookimpl
def wijkteamkit_route_signal(setup: MunicipalitySetup, signal: Signal) -> str | None:
    """Route to the team of the signal's neighbourhood, found by key or else by postcode."""
    neighbourhood: Neighbourhood | None = None
    if signal.neighbourhood is not None:
        neighbourhood = next(
            (n for n in setup.neighbourhoods if n.key == signal.neighbourhood), None
        )
    elif signal.postcode:
        neighbourhood = next(
            (n for n in setup.neighbourhoods if n.covers_postcode(signal.postcode)), None
        )
    if neighbourhood is None:
        return None
    return next((t.key for t in setup.teams if t.neighbourhood == neighbourhood.key), None)
