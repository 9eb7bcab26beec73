"""Rules about dates that govern: periods that must nest, and a team's case registration.

An escalation rule applies only on days its target exists and, when it names one, its legal
basis is in force: the engine uses the setup as it stands on each day, so a rule that outlives
its target proposes nothing it can confirm, and one that outlives its basis hands over without
the basis it promises. These rules look at the whole timeline, not only the day checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from ..domain import EscalationTarget, LegalBasis, Neighbourhood
from ..domain.common import Period
from .finding import Check, Finding


def _span(period: Period) -> str:
    return f"{period.valid_from or '…'} to {period.valid_to or '…'}"


def first_day_outside(inner: Period, outer: Period) -> date | None:
    """The first day of ``inner`` that ``outer`` does not contain (``None``: it nests)."""
    start = inner.valid_from or date.min
    if outer.valid_from is not None and start < outer.valid_from:
        return start
    if outer.valid_to is not None and (inner.valid_to is None or inner.valid_to > outer.valid_to):
        return outer.valid_to + timedelta(days=1)
    return None


def rule_periods(check: Check) -> Iterator[Finding]:
    """A rule valid on a day its target is not (error), or its legal basis is not (error)."""
    for rule in check.setup.escalation_rules:
        where = f"escalation_rules/{rule.key}"
        target = check.setup.get("escalation_targets", rule.target)
        if isinstance(target, EscalationTarget) and (day := first_day_outside(rule, target)):
            yield check.finding(
                "error",
                "rule-target-not-valid",
                where,
                f"escalation rule {rule.key!r} ({_span(rule)}) is valid on {day}, when its "
                f"target {rule.target!r} ({_span(target)}) is not: an assessment that makes it "
                "fire then is refused (target-not-valid); give the rule the target's period.",
            )
        basis = check.setup.get("legal_bases", rule.legal_basis) if rule.legal_basis else None
        if isinstance(basis, LegalBasis) and (day := first_day_outside(rule, basis)):
            yield check.finding(
                "error",
                "rule-basis-not-valid",
                where,
                f"escalation rule {rule.key!r} ({_span(rule)}) is valid on {day}, when its "
                f"legal basis {rule.legal_basis!r} ({_span(basis)}) is not in force: the "
                "hand-over it allows without consent is refused then; give the rule the "
                "basis's period, or drop legal_basis for the days the basis does not cover.",
            )


def case_registration(check: Check) -> Iterator[Finding]:
    """A team registers cases from its start at the earliest (Nijmegen: three months after)."""
    for team in check.setup.teams:
        area = check.setup.get("neighbourhoods", team.neighbourhood)
        registration = team.case_registration_from
        if not isinstance(area, Neighbourhood) or (start := area.team_starts_on) is None:
            continue
        if not registration:
            continue
        if registration < start:
            yield check.finding(
                "error",
                "case-registration-before-start",
                f"teams/{team.key}",
                f"team {team.key!r} registers cases from {registration}, before its team starts "
                f"in {area.key!r} ({area.team_start}); set case_registration_from on or after "
                "the start.",
            )
