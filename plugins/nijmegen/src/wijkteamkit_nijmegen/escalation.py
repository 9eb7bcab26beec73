"""Where a Nijmegen team escalates or refers to, and when.

The regieteam, the care chains and the bureau Voorzieningen Wmo are Nijmegen's own; the
Veiligheidshuis, the FACT teams and Veilig Thuis come from the region plugin.
"""

from __future__ import annotations

from wijkteamkit import hookimpl
from wijkteamkit.domain import ConsentPolicy, EscalationRule, EscalationTarget, Source

from .sources import basisontwerp, notitie

OPSCHALING = basisontwerp("§3.5 Wijze van opschaling en toeleiding")
REGIETEAM = notitie(
    "§5 Relatie met ketenzorg en regieteams ('problemen op minstens 3 leefgebieden')"
)


@hookimpl
def wijkteamkit_escalation_targets() -> tuple[EscalationTarget, ...]:
    return (
        EscalationTarget(
            key="regieteam",
            name="Regieteam multiprobleemhuishoudens",
            kind="multiproblem_team",
            level="district",
            accepts={"kind": "problem_domains", "min_count": 3},
            source=REGIETEAM.model_copy(
                update={
                    "note": "accepts '(overlastgevende) multiproblematiek' (§4): problems on 3 or "
                    "more life domains, as §5 defines it; whether the problems cause nuisance "
                    "(overlast) is not scored, so it is not asked"
                }
            ),
        ),
        EscalationTarget(
            key="ketenzorg",
            name="Ketenzorg dementie, COPD en diabetes",
            kind="care_chain",
            level="city",
            handover="referral",
            accepts={"kind": "domain_score", "domain": "lichamelijke-gezondheid", "at_most": 2},
            source=notitie(
                "§5 Relatie met ketenzorg en regieteams ('de ketenzorg voor dementie-, COPD- of "
                "diabetes'); Basisontwerp §3.5 ('als een integrale zorgaanpak geboden is')"
            ).model_copy(
                update={
                    "illustrative": True,
                    "note": "accepts households needing integral care for dementia, COPD or "
                    "diabetes; the setup has no indicator for those conditions, so a physical "
                    "health score of 1 or 2 is how the target recognises that need",
                }
            ),
        ),
        EscalationTarget(
            key="bureau-voorzieningen-wmo",
            name="Bureau Voorzieningen Wmo",
            kind="provision_office",
            level="city",
            handover="referral",
            accepts={
                "kind": "any_of",
                "conditions": (
                    {"kind": "domain_score", "domain": "basale-adl", "at_most": 2},
                    {"kind": "domain_score", "domain": "instrumentele-adl", "at_most": 2},
                ),
            },
            organisation="Gemeente Nijmegen",
            source=notitie(
                "§6 Overkoepelend basisontwerp ('overdracht (naar bijvoorbeeld het "
                "gemeentelijke bureau Voorzieningen Wmo)')"
            ).model_copy(
                update={
                    "illustrative": True,
                    "note": "accepts households needing an individual Wmo provision (§8 "
                    "Organisatie: 'zoals rolstoelen en hulp bij het huishouden'); a score of 1 or "
                    "2 on (instrumental) ADL is how the target recognises that need",
                }
            ),
        ),
    )


@hookimpl
def wijkteamkit_escalation_rules() -> tuple[EscalationRule, ...]:
    return (
        EscalationRule(
            key="multiproblematiek",
            name="Problems on 3 or more life domains: escalate to the regieteam",
            when={"kind": "problem_domains", "min_count": 3},
            target="regieteam",
            priority=50,
            source=REGIETEAM,
        ),
        EscalationRule(
            key="justitie",
            name="Justice involved: escalate to the Veiligheidshuis",
            when={"kind": "flagged", "indicator": "justice-involved"},
            target="veiligheidshuis",
            priority=20,
            source=notitie(
                "§4 Individuele ondersteuning ('naar het Veiligheidshuis, wanneer sprake "
                "is van betrokkenheid van justitie')"
            ),
        ),
        EscalationRule(
            key="huiselijk-geweld-veiligheidshuis",
            name="Dominant domestic violence: escalate straight to the Veiligheidshuis",
            when={"kind": "flagged", "indicator": "domestic-violence"},
            target="veiligheidshuis",
            priority=5,
            direct=True,
            legal_basis="privacyconvenant-veiligheidshuis",
            source=OPSCHALING,
        ),
        EscalationRule(
            key="zwaar-psychiatrisch",
            name="Dominant severe psychiatric problems: escalate straight to the FACT-team",
            when={
                "kind": "any_of",
                "conditions": (
                    {"kind": "flagged", "indicator": "severe-psychiatric"},
                    {"kind": "domain_score", "domain": "geestelijke-gezondheid", "at_most": 1},
                ),
            },
            target="fact",
            priority=10,
            direct=True,
            source=OPSCHALING.model_copy(
                update={
                    "section": "Basisontwerp §3.5 Wijze van opschaling en toeleiding ('kan direct "
                    "worden opgeschaald naar ... het FACT-team'); §3.4 ('Werker vraagt aan de "
                    "bewoner toestemming om de verkregen informatie ... te mogen delen')",
                    "illustrative": True,
                    "note": "an acute mental-health score (1) counts as 'zwaar psychiatrisch'; "
                    "§3.5 lets the worker skip the team discussion, not the resident's consent, "
                    "so the hand-over to FACT rests on consent (no legal basis)",
                }
            ),
        ),
        EscalationRule(
            key="ketenzorg",
            name="Serious physical health problems: refer to the care chain",
            when={"kind": "domain_score", "domain": "lichamelijke-gezondheid", "at_most": 2},
            target="ketenzorg",
            priority=80,
            source=OPSCHALING.model_copy(
                update={
                    "illustrative": True,
                    "note": "the source refers to care chains 'bij COPD of dementie'; a physical "
                    "health score of 1 or 2 is how this rule recognises that need",
                }
            ),
        ),
        EscalationRule(
            key="individuele-voorziening",
            name="Not self-reliant in daily living: hand over to the bureau Voorzieningen Wmo",
            when={
                "kind": "any_of",
                "conditions": (
                    {"kind": "domain_score", "domain": "basale-adl", "at_most": 2},
                    {"kind": "domain_score", "domain": "instrumentele-adl", "at_most": 2},
                ),
            },
            target="bureau-voorzieningen-wmo",
            priority=90,
            source=notitie("§6 Overkoepelend basisontwerp").model_copy(
                update={
                    "illustrative": True,
                    "note": "the moment of hand-over is left to the Basisontwerp; a score of 1 or "
                    "2 on (instrumental) ADL is how this rule recognises a need for an "
                    "individual provision",
                }
            ),
        ),
    )


@hookimpl
def wijkteamkit_consent_policy() -> ConsentPolicy:
    return ConsentPolicy(
        exceptions=("meldrecht-veilig-thuis", "privacyconvenant-veiligheidshuis"),
        retention_years=15,
        written_consent_required=False,
        source=Source(
            document="001_525b1e9afc52d031.txt",
            section="Basisontwerp §3.4 ('Werker vraagt aan de bewoner toestemming'); §5.2",
            illustrative=True,
            note="the 15-year retention term, the national default: the sources give none "
            "(that spoken consent suffices is the source's)",
        ),
    )
