"""Export a tender procedure as an OCDS 1.1 release package (tender, parties, bids, awards, contracts).

Bids use the OCDS bid extension. ``validate_package`` checks a package against the schemas kept
in ``../shared/ocds`` (never fetched at run time): the release-package schema refers to the release
schema by URL, which is mapped to the local release schema with the bid extension applied.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from ..domain import Bid, MunicipalitySetup, Regime, TenderProcedure
from ..money.tender import SOCIAL_SERVICES_THRESHOLD, Award, AwardRefused, ScoreHook, award, score

OCDS_VERSION = "1.1"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
BID_EXTENSION_URL = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
DEFAULT_OCID_PREFIX = "ocds-wtk000"
"""A placeholder prefix; a publisher registers its own with the Open Contracting Partnership."""

_REGIME_DETAILS = {
    Regime.SOCIAL_SERVICES: "Aanbestedingswet 2012: sociale en andere specifieke diensten (verlicht regime)",
    Regime.OPEN_HOUSE: "Open house: every eligible provider accepting the conditions is contracted; no selection",
    Regime.NATIONAL: "Aanbestedingswet 2012: nationale procedure",
    Regime.EUROPEAN: "Aanbestedingswet 2012: Europese procedure",
}


def _value(amount: Any) -> dict[str, Any]:
    return {"amount": float(amount), "currency": "EUR"}


def _moment(day: date | None, fallback: datetime) -> str:
    stamp = datetime.combine(day, time(0, 0), tzinfo=UTC) if day else fallback
    return stamp.isoformat().replace("+00:00", "Z")


def _period(starts: date | None, ends: date | None, fallback: datetime) -> dict[str, str]:
    period: dict[str, str] = {}
    if starts:
        period["startDate"] = _moment(starts, fallback)
    if ends:
        period["endDate"] = _moment(ends, fallback)
    return period


def release_package(
    setup: MunicipalitySetup,
    procedure: TenderProcedure,
    bids: Sequence[Bid],
    published: datetime,
    ocid_prefix: str = DEFAULT_OCID_PREFIX,
    hook: ScoreHook | None = None,
) -> dict[str, Any]:
    """One release for ``procedure`` with its bids and, where an award is possible, award and contract."""
    stamp = _moment(None, published)
    names = {p.key: p for p in procedure.providers}
    parties: list[dict[str, Any]] = []
    for participant in procedure.participants or ():
        roles = ["buyer", "payer"] + (
            ["procuringEntity"] if participant.municipality == procedure.lead_municipality else []
        )
        name = (
            setup.municipality.name
            if participant.municipality == setup.code
            else participant.municipality
        )
        parties.append(
            {
                "id": participant.municipality,
                "name": name,
                "roles": roles,
                "details": {"share": participant.share, "area": participant.area},
            }
        )
    if not procedure.participants:
        parties.append(
            {
                "id": procedure.lead_municipality,
                "name": setup.municipality.name,
                "roles": ["buyer", "procuringEntity", "payer"],
            }
        )
    parties.append(
        {
            "id": f"{procedure.key}-commissioning-body",
            "name": procedure.commissioning_body,
            "roles": ["interestedParty"],
        }
    )
    scored = {s.provider: s for s in score(procedure, bids, hook)}
    try:
        result: Award | None = award(procedure, bids, hook=hook)
    except AwardRefused:
        result = None
    winners = set(result.winners) if result else set()
    for bid in bids:
        provider = names[bid.provider]
        roles = ["tenderer"] + (["supplier", "payee"] if bid.provider in winners else [])
        party: dict[str, Any] = {
            "id": _org_id(provider.key, provider.kvk),
            "name": provider.name,
            "roles": roles,
        }
        if provider.kvk:
            party["identifier"] = {
                "scheme": "NL-KVK",
                "id": provider.kvk,
                "legalName": provider.name,
            }
        parties.append(party)
    refs = {p.key: {"id": _org_id(p.key, p.kvk), "name": p.name} for p in procedure.providers}
    requirements = procedure.requirements
    ceiling = requirements.budget_ceiling if requirements else procedure.budget_ceiling
    tender: dict[str, Any] = {
        "id": procedure.key,
        "title": procedure.name,
        "status": "complete" if result else "active",
        "procurementMethod": "open",
        "procurementMethodDetails": _REGIME_DETAILS[procedure.regime]
        + (
            f"; value at or above EUR {SOCIAL_SERVICES_THRESHOLD:,.0f}: European publication"
            if procedure.regime == Regime.SOCIAL_SERVICES
            and ceiling is not None
            and ceiling >= SOCIAL_SERVICES_THRESHOLD
            else ""
        ),
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": "; ".join(
            f"{c.name} ({c.kind}) {c.weight:g}%" + (f": {c.description}" if c.description else "")
            for c in procedure.award_criteria
        ),
        "numberOfTenderers": len(bids),
        "tenderers": [refs[b.provider] for b in bids],
    }
    if requirements:
        tender["description"] = (
            f"Programme of requirements by {requirements.written_by}: "
            + "; ".join(o.description for o in requirements.outcomes)
        )
        tender["contractPeriod"] = _period(requirements.starts, requirements.ends, published)
    if ceiling is not None:
        tender["value"] = _value(ceiling)
    release: dict[str, Any] = {
        "ocid": f"{ocid_prefix}-{setup.code}-{procedure.key}",
        "id": f"{procedure.key}-{published.strftime('%Y%m%dT%H%M%S')}",
        "date": stamp,
        "tag": ["tender", "award", "contract"] if result else ["tender"],
        "initiationType": "tender",
        "language": "nl",
        "parties": parties,
        "buyer": {"id": procedure.lead_municipality, "name": setup.municipality.name},
        "tender": tender,
        "bids": {
            "details": [
                {
                    "id": f"{procedure.key}-bid-{b.provider}",
                    "status": "valid" if scored[b.provider].eligible else "disqualified",
                    "tenderers": [refs[b.provider]],
                    "value": _value(b.price),
                    **({"date": _moment(b.submitted, published)} if b.submitted else {}),
                }
                for b in bids
            ]
        },
    }
    if result:
        release["awards"] = [
            {
                "id": f"{procedure.key}-award-{c.provider}",
                "title": f"Award to {names[c.provider].name}",
                "description": result.rationale,
                "status": "active",
                "date": stamp,
                "value": _value(c.value),
                "suppliers": [refs[c.provider]],
                "contractPeriod": _period(c.starts, c.ends, published),
            }
            for c in result.contracts
        ]
        release["contracts"] = [
            {
                "id": c.id,
                "awardID": f"{procedure.key}-award-{c.provider}",
                "title": f"{procedure.name}: {names[c.provider].name}",
                "status": "active",
                "value": _value(c.value),
                "period": _period(c.starts, c.ends, published),
                "description": "Shares: "
                + ", ".join(f"{m} EUR {v:,.2f}" for m, v in c.parts.items())
                if c.parts
                else None,
            }
            for c in result.contracts
        ]
        for contract in release["contracts"]:
            if contract["description"] is None:
                del contract["description"]
    return {
        "uri": f"https://example.invalid/ocds/{setup.code}/{procedure.key}.json",
        "version": OCDS_VERSION,
        "extensions": [BID_EXTENSION_URL],
        "publishedDate": stamp,
        "publisher": {"name": setup.municipality.name, "scheme": "CBS", "uid": setup.code},
        "releases": [release],
    }


def _org_id(key: str, kvk: str | None) -> str:
    return f"NL-KVK-{kvk}" if kvk else key


def validate_package(package: dict[str, Any], schemas: Path) -> list[str]:
    """Problems of ``package`` against the OCDS schemas in ``schemas`` (empty when it validates)."""
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    package_schema = json.loads(
        (schemas / "release-package-schema.json").read_text(encoding="utf-8")
    )
    release_schema = json.loads(
        (schemas / "release-schema-with-bids.json").read_text(encoding="utf-8")
    )
    registry: Registry[Any] = Registry().with_resource(
        RELEASE_SCHEMA_URL, Resource.from_contents(release_schema, default_specification=DRAFT4)
    )
    validator = Draft4Validator(package_schema, registry=registry, format_checker=FormatChecker())
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(package)'}: {e.message}"
        for e in sorted(validator.iter_errors(package), key=lambda e: list(e.absolute_path))
    ]
