"""Rules about what decides the ladder and access: a provision's kind, and direct access only
for what the law leaves open."""

from __future__ import annotations

from collections.abc import Iterator

from ..domain import ProvisionKind
from .finding import Check, Finding


def provisions_without_kind(check: Check) -> Iterator[Finding]:
    """Every provision says whether it is an algemene voorziening or a maatwerkvoorziening: its
    kind decides the rung of a plan action that uses it (the engine refuses a plan naming one
    without a kind)."""
    for provision in check.setup.provisions:
        if provision.kind is None:
            yield check.finding(
                "error",
                "provision-kind",
                f"provisions/{provision.key}/kind",
                f"provision {provision.key!r} has no kind; give kind='algemeen' (open access) or "
                "kind='maatwerk' (after an assessment): the engine derives a plan action's rung "
                "on the ladder from it and refuses a plan that names this provision.",
            )


def direct_maatwerk(check: Check) -> Iterator[Finding]:
    """A maatwerkvoorziening is decided after a report and an investigation (art. 2.3.2 Wmo
    2015) on an application (art. 2.3.5), so it cannot be open to direct access."""
    for provision in check.setup.provisions:
        if provision.kind is ProvisionKind.MAATWERK and provision.access == "direct":
            yield check.finding(
                "error",
                "provision-access",
                f"provisions/{provision.key}/access",
                f"provision {provision.key!r} is a maatwerkvoorziening with access='direct'; a "
                "maatwerkvoorziening is granted after a report, an investigation (art. 2.3.2 Wmo "
                "2015) and a decision on an application (art. 2.3.5), so give access='team' or "
                "'referral', or make it an algemene voorziening.",
            )
