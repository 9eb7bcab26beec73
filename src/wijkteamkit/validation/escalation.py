"""Rules about escalation rules: can each one ever fire, and does its legal basis apply?"""

from __future__ import annotations

from collections.abc import Iterator

from ..domain import (
    AllOf,
    AnyOf,
    Condition,
    DomainScore,
    EscalationTarget,
    Flagged,
    LegalBasis,
    MunicipalitySetup,
    ProblemDomains,
)
from ..domain.satisfiability import jointly_satisfiable, satisfiable
from ..engine.policy import DisclosurePolicy
from .finding import Check, Finding


def _why_never(condition: Condition, setup: MunicipalitySetup) -> list[str]:
    """Reasons ``condition`` can never hold in ``setup`` (empty when it can)."""
    domains = {d.key for d in setup.life_domains}
    indicators = {i.key for i in setup.indicators}
    if isinstance(condition, Flagged):
        if condition.indicator not in indicators:
            return [f"indicator {condition.indicator!r} is not defined"]
        return []
    if isinstance(condition, DomainScore):
        reasons = []
        if condition.domain not in domains:
            reasons.append(f"life domain {condition.domain!r} is not defined")
        if condition.at_least > condition.at_most:
            reasons.append(
                f"score range {condition.at_least}..{condition.at_most} on {condition.domain!r} is empty"
            )
        return reasons
    if isinstance(condition, ProblemDomains):
        unknown = [d for d in condition.domains if d not in domains]
        if unknown:
            return [f"life domain(s) {', '.join(map(repr, unknown))} not defined"]
        available = len(condition.domains) if condition.domains else len(domains)
        if condition.min_count > available:
            return [
                f"needs {condition.min_count} problem domains but only {available} can be scored"
            ]
        return []
    if isinstance(condition, AnyOf):
        if not condition.conditions:
            return ["any_of has no conditions"]
        reasons_each = [_why_never(c, setup) for c in condition.conditions]
        return [r for rs in reasons_each for r in rs] if all(reasons_each) else []
    if isinstance(condition, AllOf):
        if not condition.conditions:
            return ["all_of has no conditions"]
        reasons = [r for c in condition.conditions for r in _why_never(c, setup)]
        return reasons + _contradictions(condition)
    raise TypeError(f"unknown condition {condition!r}")


def _contradictions(condition: AllOf) -> list[str]:
    """Score ranges on one domain inside an all_of that do not overlap."""
    ranges: dict[str, tuple[int, int]] = {}
    for part in condition.conditions:
        if isinstance(part, DomainScore):
            low, high = ranges.get(part.domain, (1, 5))
            ranges[part.domain] = (max(low, part.at_least), min(high, part.at_most))
    return [
        f"all_of asks contradictory scores on {domain!r}"
        for domain, (low, high) in ranges.items()
        if low > high
    ]


def _universe(setup: MunicipalitySetup) -> tuple[list[str], list[str]]:
    """The life domains and indicators an assessment or signal can hold."""
    return [d.key for d in setup.life_domains], [i.key for i in setup.indicators]


def rules_that_never_fire(check: Check) -> Iterator[Finding]:
    """An escalation rule whose condition can never hold protects no one.

    Whether it can hold is decided exactly (:mod:`~wijkteamkit.domain.satisfiability`); the
    reasons name the usual mistakes, and parts that only contradict each other in combination
    are reported as such. An empty ``all_of`` is reported too: it holds always, surely not what
    was meant.
    """
    domains, indicators = _universe(check.setup)
    for rule in check.setup.escalation_rules:
        reasons = _why_never(rule.when, check.setup)
        if not reasons and not satisfiable(rule.when, domains, indicators):
            reasons = ["its parts contradict each other: no assessment satisfies them together"]
        if reasons:
            yield check.finding(
                "error",
                "rule-never-fires",
                f"escalation_rules/{rule.key}",
                f"escalation rule {rule.key!r} can never fire: {'; '.join(reasons)}.",
            )


def direct_without_basis(check: Check) -> Iterator[Finding]:
    """A direct rule without a legal basis hands over only with the resident's consent."""
    for rule in check.setup.escalation_rules:
        if rule.direct and rule.legal_basis is None:
            yield check.finding(
                "info",
                "direct-without-basis",
                f"escalation_rules/{rule.key}",
                f"escalation rule {rule.key!r} allows a direct approach of {rule.target!r} "
                "without a legal basis: the hand-over needs the resident's consent for "
                f"recipient {rule.target!r} and purpose 'casework'.",
            )


def basis_not_an_exception(check: Check) -> Iterator[Finding]:
    """A rule's legal basis must let its hand-over happen without consent, else it misleads.

    The hand-over of a rule that names a legal basis is decided under that basis as well as on
    consent; a basis that is not an exception in the consent policy, does not allow disclosure
    without consent, or does not cover the rule's target never permits it.
    """
    policy = DisclosurePolicy.from_setup(check.setup)
    for rule in check.setup.escalation_rules:
        basis = check.setup.get("legal_bases", rule.legal_basis) if rule.legal_basis else None
        target = check.setup.get("escalation_targets", rule.target)
        if not isinstance(basis, LegalBasis) or not isinstance(target, EscalationTarget):
            continue  # no basis, or reported as unknown-reference
        if not basis.allows_disclosure_without_consent:
            why = "does not allow disclosure without consent"
        elif basis.key not in policy.exceptions:
            why = "is not an exception in the consent policy"
        elif not basis.covers(target.key, target.kind.value):
            why = f"covers neither target {target.key!r} nor its kind {target.kind.value!r}"
        else:
            continue
        yield check.finding(
            "error",
            "rule-basis-not-exception",
            f"escalation_rules/{rule.key}",
            f"escalation rule {rule.key!r} hands over to {rule.target!r} under legal basis "
            f"{basis.key!r}, which {why}, so it never permits the hand-over without consent; "
            "drop legal_basis (the hand-over then rests on the resident's consent) or name a "
            "basis in ConsentPolicy.exceptions that covers the target.",
        )


def rules_whose_target_never_accepts(check: Check) -> Iterator[Finding]:
    """A rule that fires only for households its target does not accept never proposes it.

    The engine proposes a target only for a household it accepts, and refuses to confirm a
    hand-over to a target that does not accept the household; a rule whose ``when`` and the
    target's ``accepts`` can never hold together is dead. (A rule that can never fire at all is
    ``rule-never-fires``.)
    """
    domains, indicators = _universe(check.setup)
    for rule in check.setup.escalation_rules:
        target = check.setup.get("escalation_targets", rule.target)
        if not isinstance(target, EscalationTarget) or target.accepts is None:
            continue
        if not satisfiable(rule.when, domains, indicators):
            continue  # reported as rule-never-fires
        if jointly_satisfiable(rule.when, target.accepts, domains, indicators):
            continue
        yield check.finding(
            "error",
            "rule-target-never-accepts",
            f"escalation_rules/{rule.key}",
            f"escalation rule {rule.key!r} fires only for households its target {rule.target!r} "
            f"does not accept: the rule fires on {rule.when.describe()}, the target accepts "
            f"{target.accepts.describe()}, and no assessment satisfies both; widen the target's "
            "accepts, narrow the rule to households it accepts, or point the rule at another "
            "target.",
        )
