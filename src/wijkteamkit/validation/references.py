"""Every key an item refers to must name an item that exists in the merged setup."""

from __future__ import annotations

from collections.abc import Iterator

from ..domain import MunicipalitySetup
from .finding import Check, Finding, describe


def _keys(setup: MunicipalitySetup, collection: str) -> set[str]:
    return {item.key for item in getattr(setup, collection)}


def _references(setup: MunicipalitySetup) -> Iterator[tuple[str, str, str, str]]:
    """(location, field, referenced collection, key) for every key reference in the setup."""
    for team in setup.teams:
        here = f"teams/{team.key}"
        yield here, "neighbourhood", "neighbourhoods", team.neighbourhood
        yield here, "composition_rule", "composition_rules", team.composition_rule
        for i, member in enumerate(team.members):
            yield f"{here}/members/{i}", "function", "team_functions", member.function
        for i, provider in enumerate(team.shell):
            for key in provider.provisions:
                yield f"{here}/shell/{i}", "provisions", "provisions", key
    for function in setup.team_functions:
        if function.group is not None:
            yield f"team_functions/{function.key}", "group", "function_groups", function.group
    for rule in setup.composition_rules:
        for i, req in enumerate(rule.requirements):
            where = f"composition_rules/{rule.key}/requirements/{i}"
            if req.function is not None:
                yield where, "function", "team_functions", req.function
            if req.group is not None:
                yield where, "group", "function_groups", req.group
    for domain in setup.life_domains:
        for key in domain.maps_to:
            yield f"life_domains/{domain.key}", "maps_to", "life_domains", key
    for indicator in setup.indicators:
        for key in indicator.domains:
            yield f"indicators/{indicator.key}", "domains", "life_domains", key
    for esc in setup.escalation_rules:
        yield f"escalation_rules/{esc.key}", "target", "escalation_targets", esc.target
        if esc.legal_basis is not None:
            yield f"escalation_rules/{esc.key}", "legal_basis", "legal_bases", esc.legal_basis
    for law in setup.laws:
        if law.successor is not None:
            yield f"laws/{law.key}", "successor", "laws", law.successor
    for basis in setup.legal_bases:
        if basis.law is not None:
            yield f"legal_bases/{basis.key}", "law", "laws", basis.law
    for term in setup.statutory_terms:
        if term.law is not None:
            yield f"statutory_terms/{term.key}", "law", "laws", term.law
    for stream in setup.funding_streams:
        if stream.law is not None:
            yield f"funding_streams/{stream.key}", "law", "laws", stream.law
    for provision in setup.provisions:
        for i, period in enumerate(provision.funding):
            yield (
                f"provisions/{provision.key}/funding/{i}",
                "stream",
                "funding_streams",
                period.stream,
            )
    for key in setup.consent_policy.exceptions:
        yield "consent_policy", "exceptions", "legal_bases", key
    for procedure in setup.tender_procedures:
        yield (
            f"tender_procedures/{procedure.key}",
            "neighbourhood",
            "neighbourhoods",
            procedure.neighbourhood,
        )


def _some(keys: set[str], limit: int = 10) -> str:
    shown = sorted(keys)[:limit]
    more = f" and {len(keys) - limit} more" if len(keys) > limit else ""
    return (", ".join(shown) + more) if shown else "none"


def unknown_references(check: Check) -> Iterator[Finding]:
    """A reference to a key no layer supplied (a typo, or a plugin that is not installed)."""
    known: dict[str, set[str]] = {}
    for location, field, collection, key in _references(check.setup):
        keys = known.setdefault(collection, _keys(check.setup, collection))
        if key not in keys:
            yield check.finding(
                "error",
                "unknown-reference",
                location,
                f"{field} refers to {describe(collection, key)}, which no layer supplies; "
                f"known: {_some(keys)}.",
            )
