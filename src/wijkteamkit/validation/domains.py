"""Rules about life domains: local domains map onto the ZRM catalogue that assessments score."""

from __future__ import annotations

from collections.abc import Iterator

from ..domain.lifedomain import ZRM_CATALOGUE
from .finding import Check, Finding


def domain_mappings(check: Check) -> Iterator[Finding]:
    """A domain of a local catalogue maps onto domains of the ZRM catalogue; a ZRM domain maps
    onto nothing (it is what the others map onto)."""
    catalogue = {d.key: d.catalogue for d in check.setup.life_domains}
    for domain in check.setup.life_domains:
        where = f"life_domains/{domain.key}/maps_to"
        if domain.catalogue == ZRM_CATALOGUE:
            if domain.maps_to:
                yield check.finding(
                    "error",
                    "domain-mapping",
                    where,
                    f"life domain {domain.key!r} is in the {ZRM_CATALOGUE} catalogue but maps to "
                    f"{', '.join(domain.maps_to)}; only a local catalogue's domains map onto ZRM "
                    "domains, so drop maps_to or give the domain its own catalogue.",
                )
            continue
        foreign = [k for k in domain.maps_to if catalogue.get(k, ZRM_CATALOGUE) != ZRM_CATALOGUE]
        if foreign:
            yield check.finding(
                "error",
                "domain-mapping",
                where,
                f"life domain {domain.key!r} ({domain.catalogue}) maps to "
                f"{', '.join(foreign)}, which are not {ZRM_CATALOGUE} domains; map it onto the "
                "ZRM domains it corresponds to.",
            )
        elif not domain.maps_to:
            yield check.finding(
                "info",
                "domain-unmapped",
                where,
                f"life domain {domain.key!r} of catalogue {domain.catalogue!r} maps onto no "
                f"{ZRM_CATALOGUE} domain: it is scored in its own right and does not compare "
                "with other municipalities' assessments.",
            )
