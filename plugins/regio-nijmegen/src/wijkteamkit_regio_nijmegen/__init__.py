"""Regio Nijmegen: what Nijmegen shares with its neighbours.

The Veiligheidshuis and the FACT teams work for the whole region, the zorgkantoor of Coöperatie
VGZ buys AWBZ care (from 2015 Wlz care) for it, and from 2015 Veilig Thuis takes reports of
domestic violence and child abuse. Municipalities of the region list ``"regio-nijmegen"`` in
their ``Municipality.regions`` and get these items without repeating them.

Sources: 001_525b1e9afc52d031.txt (Uitvoeringsnotitie §4 and §5, Basisontwerp §3.5, the
covenant) and 000_dc26d9cf0f115e39.txt. Veilig Thuis (2015) and the Veiligheidshuis privacy
covenant are not in the 2012 sources; they are illustrative and say so.
"""

from __future__ import annotations

from datetime import date

from wijkteamkit import hookimpl
from wijkteamkit.domain import (
    EscalationRule,
    EscalationTarget,
    FunderKind,
    FundingStream,
    Indicator,
    LegalBasis,
    Source,
)

NOTE = "001_525b1e9afc52d031.txt"
NEWS = "000_dc26d9cf0f115e39.txt"
REFORM_DAY = date(2015, 1, 1)
ZORGKANTOOR = "Zorgkantoor Nijmegen (Coöperatie VGZ)"


def note(section: str) -> Source:
    return Source(document=NOTE, section=section)


def illustrative(why: str, document: str = NOTE, section: str | None = None) -> Source:
    return Source(document=document, section=section, illustrative=True, note=why)


@hookimpl
def wijkteamkit_indicators() -> tuple[Indicator, ...]:
    return (
        Indicator(
            key="veelpleger",
            name="Repeat offender",
            name_nl="Veelpleger",
            domains=("justitie",),
            source=note("Basisontwerp §3.5 ('huiselijk geweld, veelpleger, zwaar psychiatrisch')"),
        ),
    )


@hookimpl
def wijkteamkit_escalation_targets() -> tuple[EscalationTarget, ...]:
    return (
        EscalationTarget(
            key="veiligheidshuis",
            name="Veiligheidshuis Regio Nijmegen",
            kind="safety_house",
            level="region",
            accepts={
                "kind": "any_of",
                "conditions": (
                    {"kind": "flagged", "indicator": "justice-involved"},
                    {"kind": "flagged", "indicator": "veelpleger"},
                    {"kind": "flagged", "indicator": "domestic-violence"},
                ),
            },
            source=note(
                "Uitvoeringsnotitie §4 ('naar het Veiligheidshuis, wanneer sprake is van "
                "betrokkenheid van justitie'); Basisontwerp §3.5"
            ),
        ),
        EscalationTarget(
            key="fact",
            name="FACT-team",
            kind="mental_health_team",
            level="region",
            accepts={
                "kind": "any_of",
                "conditions": (
                    {"kind": "flagged", "indicator": "severe-psychiatric"},
                    {"kind": "domain_score", "domain": "geestelijke-gezondheid", "at_most": 2},
                ),
            },
            source=note(
                "Uitvoeringsnotitie §5 Relatie met ketenzorg en regieteams ('FACT-teams voor "
                "mensen met ernstige psychiatrische aandoening'); Basisontwerp §3.5"
            ).model_copy(
                update={
                    "illustrative": True,
                    "note": "accepts 'ernstige psychiatrische aandoening': flagged as severe "
                    "psychiatric problems, or a mental health score of 1 or 2 (how the target "
                    "recognises it in an assessment without the indicator)",
                }
            ),
        ),
        EscalationTarget(
            key="veilig-thuis",
            name="Veilig Thuis Gelderland-Zuid",
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
            source=illustrative(
                "Veilig Thuis, the advice and reporting centre that art. 4.1.1 Wmo 2015 has "
                "every municipality provide, exists from 1 January 2015, after the 2012 sources "
                "(before it, domestic violence went to the Veiligheidshuis, Basisontwerp §3.5); "
                "the regional name is not in the sources",
                document="Wmo 2015",
                section="art. 4.1.1",
            ),
        ),
    )


@hookimpl
def wijkteamkit_escalation_rules() -> tuple[EscalationRule, ...]:
    return (
        EscalationRule(
            key="veelpleger-veiligheidshuis",
            name="Repeat offender: escalate straight to the Veiligheidshuis",
            when={"kind": "flagged", "indicator": "veelpleger"},
            target="veiligheidshuis",
            priority=10,
            direct=True,
            legal_basis="privacyconvenant-veiligheidshuis",
            source=note(
                "Basisontwerp §3.5 ('direct worden opgeschaald naar ... het veiligheidshuis')"
            ),
        ),
        EscalationRule(
            key="huiselijk-geweld-veilig-thuis",
            name="Domestic violence or child abuse: report to Veilig Thuis under the meldcode",
            when={
                "kind": "any_of",
                "conditions": (
                    {"kind": "flagged", "indicator": "domestic-violence"},
                    {"kind": "flagged", "indicator": "child-abuse"},
                ),
            },
            target="veilig-thuis",
            priority=1,
            direct=True,
            legal_basis="meldrecht-veilig-thuis",
            valid_from=REFORM_DAY,
            source=illustrative(
                "from 2015 reports of domestic violence go to Veilig Thuis under the meldrecht",
                document="Wmo 2015",
                section="art. 5.2.6 (meldrecht), in force from 1 January 2015",
            ),
        ),
    )


@hookimpl
def wijkteamkit_legal_bases() -> tuple[LegalBasis, ...]:
    return (
        LegalBasis(
            key="privacyconvenant-veiligheidshuis",
            name="Privacy covenant of the Veiligheidshuis: partners share case data on a "
            "justice-related case",
            allows_disclosure_without_consent=True,
            recipients=("safety_house",),
            source=illustrative(
                "the sources say the team escalates to the Veiligheidshuis but not on what basis "
                "data are shared; Veiligheidshuizen work under a covenant between their partners",
                section="Basisontwerp §3.5",
            ),
        ),
    )


@hookimpl
def wijkteamkit_funding_streams() -> tuple[FundingStream, ...]:
    return (
        FundingStream(
            key="awbz",
            name="AWBZ",
            law="awbz",
            funder_kind=FunderKind.ZORGKANTOOR,
            funder=ZORGKANTOOR,
            valid_from=date(1968, 1, 1),
            valid_to=date(2014, 12, 31),
            source=Source(
                document=NEWS,
                section="¶4 ('het zorgkantoor van Coöperatie VGZ. Zij zijn verantwoordelijk voor "
                "de inkoop van AWBZ-zorg')",
            ),
        ),
        FundingStream(
            key="wlz",
            name="Wlz",
            law="wlz",
            funder_kind=FunderKind.ZORGKANTOOR,
            funder=ZORGKANTOOR,
            valid_from=REFORM_DAY,
            source=illustrative(
                "the zorgkantoor that bought AWBZ care carries out the Wlz from 2015",
                document=NEWS,
                section="¶4",
            ),
        ),
    )
