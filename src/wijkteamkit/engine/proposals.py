"""Which escalations the rules propose after an assessment: the one rule both paths call.

After each assessment the municipality's escalation rules are evaluated in order of priority
(then key) on the assessment's scores and the indicators flagged on it or on any of the
household's signals. A rule that holds proposes its target, unless an escalation to that target
is open already (proposed or active) or an earlier rule of this evaluation proposed it (one open
escalation per target), or the target does not accept the household (its ``accepts`` does not
hold on the same facts): the engine would refuse to confirm that hand-over. Pure: what is open
and flagged is read by the caller.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ..domain import EscalationRule, EscalationTarget, MunicipalitySetup
from ..domain.escalation import Facts
from .errors import RuleViolation


@dataclass(frozen=True, slots=True)
class Proposal:
    """A rule that fired and the target it proposes."""

    rule: EscalationRule
    target: EscalationTarget


def ordered(setup: MunicipalitySetup) -> tuple[EscalationRule, ...]:
    """The setup's escalation rules in the order they are evaluated: priority, then key."""
    return tuple(sorted(setup.escalation_rules, key=lambda r: (r.priority, r.key)))


def propose(
    setup: MunicipalitySetup,
    rules: Sequence[EscalationRule],
    scores: Mapping[str, int],
    indicators: Collection[str],
    open_targets: Collection[str],
) -> list[Proposal]:
    """The proposals ``rules`` (as :func:`ordered` gives them) make for an assessment with
    ``scores`` and flagged ``indicators`` of a household with open escalations to
    ``open_targets``, in order; a target that does not accept the household is not proposed.
    ``setup`` is the setup as it stands on the day (its rules valid then); a rule naming a
    target it does not hold (undefined, or not valid that day) is a :class:`RuleViolation`
    (``target-not-valid``) when it would propose it."""
    facts = Facts(scores=dict(scores), indicators=frozenset(indicators))
    taken = set(open_targets)
    proposals: list[Proposal] = []
    for rule in rules:
        if rule.target in taken or not rule.when.holds(facts):
            continue
        target = _target(setup, rule)
        if not target.takes(facts):
            continue
        proposals.append(Proposal(rule, target))
        taken.add(rule.target)
    return proposals


def _target(setup: MunicipalitySetup, rule: EscalationRule) -> EscalationTarget:
    target = setup.get("escalation_targets", rule.target)
    if not isinstance(target, EscalationTarget):
        raise RuleViolation(
            f"rule {rule.key!r} proposes target {rule.target!r}, which the setup does not define "
            "or which is not valid on this day; give the rule the target's validity period",
            rule="target-not-valid",
        )
    return target
