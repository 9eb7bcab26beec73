"""Rules about budgets and tender procedures."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..domain import Regime
from ..money.tender import SOCIAL_SERVICES_THRESHOLD, BidError, check_bids
from .finding import Check, Finding

HUNDRED = 100.0
TOLERANCE = 1e-6


def _eur(amount: Decimal) -> str:
    return f"EUR {amount:,.0f}".replace(",", ".")


def budget_coverage(check: Check) -> Iterator[Finding]:
    """Coverage meets the costs, and the lines add up to the totals the source states."""
    for budget in check.setup.budgets:
        where = f"budgets/{budget.key}"
        costs, coverage = budget.total_costs, budget.total_coverage
        if coverage != costs:
            word = "deficit" if coverage < costs else "surplus"
            yield check.finding(
                "error",
                "budget-coverage",
                f"{where}/coverage",
                f"budget {budget.key!r} costs {_eur(costs)} but coverage is {_eur(coverage)} "
                f"(a {word} of {_eur(abs(coverage - costs))}).",
            )
        if budget.stated_total is not None and budget.stated_total != costs:
            yield check.finding(
                "error",
                "budget-total",
                f"{where}/cost_groups",
                f"the cost lines of budget {budget.key!r} add up to {_eur(costs)}, not the "
                f"stated {_eur(budget.stated_total)}.",
            )
        if budget.stated_coverage is not None and budget.stated_coverage != coverage:
            yield check.finding(
                "error",
                "budget-total",
                f"{where}/coverage",
                f"the coverage lines of budget {budget.key!r} add up to {_eur(coverage)}, not "
                f"the stated {_eur(budget.stated_coverage)}.",
            )


def tender_weights(check: Check) -> Iterator[Finding]:
    """Award criteria weights sum to 100%."""
    for procedure in check.setup.tender_procedures:
        total = sum(c.weight for c in procedure.award_criteria)
        if abs(total - HUNDRED) > TOLERANCE:
            yield check.finding(
                "error",
                "tender-weights",
                f"tender_procedures/{procedure.key}/award_criteria",
                f"the award criteria of {procedure.key!r} weigh {total:g}% together; they must "
                "sum to 100%.",
            )


def tender_participants(check: Check) -> Iterator[Finding]:
    """A joint procedure's shares sum to 100% and its lead municipality takes part."""
    for procedure in check.setup.tender_procedures:
        if not procedure.participants:
            continue
        where = f"tender_procedures/{procedure.key}/participants"
        total = sum(p.share for p in procedure.participants)
        if abs(total - HUNDRED) > TOLERANCE:
            yield check.finding(
                "error",
                "tender-shares",
                where,
                f"the participants' shares in {procedure.key!r} sum to {total:g}%; they must "
                "sum to 100%.",
            )
        codes = [p.municipality for p in procedure.participants]
        if procedure.lead_municipality not in codes:
            yield check.finding(
                "error",
                "tender-lead",
                where,
                f"lead municipality {procedure.lead_municipality} does not take part in "
                f"{procedure.key!r}; add it to the participants.",
            )
        if len(set(codes)) != len(codes):
            yield check.finding(
                "error",
                "tender-participants",
                where,
                f"a municipality takes part twice in {procedure.key!r}; give each one share.",
            )


def tender_regime(check: Check) -> Iterator[Finding]:
    """From EUR 750,000 social services follow the light regime with European publication."""
    for procedure in check.setup.tender_procedures:
        ceiling = (
            procedure.requirements.budget_ceiling
            if procedure.requirements
            else procedure.budget_ceiling
        )
        if (
            procedure.regime == Regime.NATIONAL
            and ceiling is not None
            and ceiling >= SOCIAL_SERVICES_THRESHOLD
        ):
            yield check.finding(
                "error",
                "tender-regime",
                f"tender_procedures/{procedure.key}/regime",
                f"{procedure.key!r} is worth up to {_eur(ceiling)}, at or above the {_eur(SOCIAL_SERVICES_THRESHOLD)} "
                "threshold for social and other specific services: follow the social_services regime (European "
                "publication) or an open house.",
            )


def tender_example_bids(check: Check) -> Iterator[Finding]:
    """Example bids shipped with a procedure must themselves be valid bids."""
    for procedure in check.setup.tender_procedures:
        if not procedure.example_bids:
            continue
        try:
            check_bids(procedure.example_bids, procedure, "example_bids")
        except BidError as exc:
            yield check.finding(
                "error",
                "tender-example-bids",
                f"tender_procedures/{procedure.key}/example_bids",
                str(exc),
            )
